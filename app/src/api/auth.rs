//! Sign-up, sign-in and sign-out.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::Secret;

/// Creates an account and signs it in; an email address given is sent its
/// confirmation link.
#[server(endpoint = "sign_up", output = crate::api::Json)]
pub async fn sign_up(
    login: String,
    password: Secret,
    #[server(default)] email: Option<String>,
) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, session, sign_in};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    let meta = RequestMeta::from_context();
    let form = sign_in::SignUp {
        login: &login,
        password: password.into_inner(),
        email: email.as_deref(),
        lang: crate::i18n::request_lang(),
    };
    sign_in::sign_up(&state, &session, form, &meta).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Checks login and password. Unknown logins and wrong passwords get the
/// same answer after the same amount of work.
#[server(endpoint = "sign_in", output = crate::api::Json)]
pub async fn sign_in(login: String, password: Secret) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::sign_in::{PasswordStep, password_step};
    use crate::server::{AppState, session};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    let meta = RequestMeta::from_context();
    match password_step(&state, &session, &login, password.into_inner(), &meta).await? {
        PasswordStep::SignedIn => leptos_axum::redirect("/"),
        PasswordStep::SecondFactorRequired => leptos_axum::redirect("/login/verify"),
    }
    Ok(())
}

/// Ends the current session server-side.
#[server(endpoint = "sign_out", protocol = crate::api::Rpc)]
pub async fn sign_out() -> Result<(), AppError> {
    let session = crate::server::session::from_request().await?;
    session.sign_out().await?;
    leptos_axum::redirect("/login");
    Ok(())
}
