//! Server-only code: storage, password hashing, sessions. Never compiled to
//! wasm (the whole module sits behind the `ssr` feature).

pub mod accounts;
pub mod crypto;
pub mod db;
pub mod password;
pub mod recovery;
pub mod session;
pub mod state;
pub mod totp;

pub use state::{AppState, Settings};
