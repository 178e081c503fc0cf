//! The HTML document and the app's routes.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::pages::{
    DashboardPage, EmailConfirmedPage, ForgotPage, LoginPage, NotFoundPage, ResetPage,
    SecondFactorPage, SignupPage, VerifyEmailPage,
};

/// The HTML document around the app, rendered on the server in the
/// request's language.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Read once per request; every component below takes it from context.
    #[cfg(feature = "ssr")]
    {
        provide_context(crate::i18n::request_lang());
        crate::server::csp::set_for_this_page();
    }
    let lang = crate::i18n::use_lang();
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
                <Route path=path!("/forgot") view=ForgotPage />
                <Route path=path!("/login/verify") view=SecondFactorPage ssr=SsrMode::Async />
                <Route path=path!("/reset/:token") view=ResetPage ssr=SsrMode::Async />
                <Route path=path!("/verify-email/:token") view=VerifyEmailPage ssr=SsrMode::Async />
                <Route path=path!("/email-confirmed") view=EmailConfirmedPage />
            </Routes>
        </Router>
    }
}
