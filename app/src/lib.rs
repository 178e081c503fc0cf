//! Twofold: everything the browser and the server share. Components, pages,
//! wire types and server functions live here; server-only code sits in
//! `server`, behind the `ssr` feature.

// Deep view types (each component's static view type nests its children's)
// need more than the default query depth in release builds.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod fragments;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
mod shell;
pub mod types;
pub mod validation;

pub use shell::{App, shell};

// The texts of both languages, from app/locales (see `i18n`). Server only:
// the island gets its page's texts as a prop.
#[cfg(feature = "ssr")]
rust_i18n::i18n!("locales", fallback = "en");
