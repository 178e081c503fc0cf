//! Twofold: everything the browser and the server share. Components, pages,
//! wire types and server functions live here; server-only code sits in
//! `server`, behind the `ssr` feature.

// Deep view types (each component's static view type nests its children's)
// need more than the default query depth in release builds.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
pub mod validation;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

// The texts of both languages, from app/locales (see `i18n`). Server only:
// the island gets its page's texts as a prop.
#[cfg(feature = "ssr")]
rust_i18n::i18n!("locales", fallback = "en");

use pages::{DashboardPage, LoginPage, NotFoundPage, SecondFactorPage, SignupPage};

/// The HTML document around the app, rendered on the server in the
/// request's language.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Read once per request; every component below takes it from context.
    #[cfg(feature = "ssr")]
    provide_context(i18n::request_lang());
    let lang = i18n::use_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                // With cargo-leptos `hash-files`, both name the content-hashed
                // files, which are cached for a year.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title text="Twofold" />
        <Router>
            <Routes fallback=NotFoundPage>
                // Pages that need an account render only after the account
                // is known (Async), so an anonymous visit gets a real 302.
                <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/signup") view=SignupPage />
                <Route path=path!("/login/verify") view=SecondFactorPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
