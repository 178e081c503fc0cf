//! Sign-up, sign-in, sign-out and the current account.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::AccountView;

/// Creates an account and signs it in.
#[server(endpoint = "sign_up", output = crate::api::Json)]
pub async fn sign_up(login: String, password: String) -> Result<(), AppError> {
    use crate::server::accounts::{self, PasswordHash};
    use crate::server::{AppState, session};
    use crate::validation::{validate_login, validate_new_password};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    let login = validate_login(&login)?;
    validate_new_password(&password)?;

    let hash = PasswordHash(state.passwords.hash(password).await?);
    let account = accounts::create(&state.db, login, &hash)
        .await?
        .ok_or(AppError::LoginTaken)?;
    session.sign_in(&account).await?;
    tracing::info!(account_id = account.id, "account created");
    leptos_axum::redirect("/");
    Ok(())
}

/// Checks login and password. Unknown logins and wrong passwords get the
/// same answer after the same amount of work.
#[server(endpoint = "sign_in", output = crate::api::Json)]
pub async fn sign_in(login: String, password: String) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::sign_in::{PasswordStep, password_step};
    use crate::server::{AppState, session};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    let meta = RequestMeta::from_context();
    match password_step(&state, &session, &login, password, &meta).await? {
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

/// The signed-in account, or `Unauthorized`.
#[server(endpoint = "current_account", protocol = crate::api::Rpc)]
pub async fn current_account() -> Result<AccountView, AppError> {
    let (state, session, account) = super::signed_in().await?;
    let status = crate::server::two_factor::status(&state, account.id).await?;
    let active_tokens = crate::server::tokens::active_names(&state, account.id).await?;
    let now = state.clock.now();
    Ok(AccountView {
        login: account.login,
        two_factor_enabled: status.enabled,
        recovery_codes_left: status.enabled.then_some(status.recovery_codes_left),
        unlocked_for: session
            .unlocked_for(now, state.settings.reauth_seconds)
            .await?,
        clock_drift: session.take_clock_drift().await?,
        active_tokens,
    })
}
