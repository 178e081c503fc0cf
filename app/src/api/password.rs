//! The password: Change Password in Settings, "Forgot your password?",
//! and setting one through a reset link (`/reset/<token>`), mailed or the
//! operator's.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::Secret;

/// Where "Forgot your password?" sends the person once asked
/// (`pages::ForgotPage` says a link is on its way).
pub const FORGOT_SENT: &str = "/forgot?sent=1";

/// Change Password: the current password, the new one twice. Other
/// sessions end; this one carries on.
#[server(endpoint = "change_password", protocol = crate::api::Rpc)]
pub async fn change_password(
    current_password: Secret,
    new_password: Secret,
    new_password_again: Secret,
) -> Result<(), AppError> {
    use crate::server::password_change::{Change, change};

    let caller = super::signed_in().await?;
    let form = Change {
        current: current_password.into_inner(),
        new: new_password.into_inner(),
        again: new_password_again.into_inner(),
    };
    change(&caller, form).await
}

/// Whether a reset link may still be used: the login it is for, or why
/// not (expired, used, unknown).
#[server(endpoint = "check_reset_link", protocol = crate::api::Rpc)]
pub async fn check_reset_link(token: Secret) -> Result<String, AppError> {
    use crate::server::{AppState, password_reset, repo};

    let state = AppState::from_context();
    let account_id = password_reset::check(&state, token.as_str()).await?;
    repo::accounts::find_by_id(&state.db.pool, account_id)
        .await?
        .map(|account| account.login)
        .ok_or(AppError::ResetLinkInvalid)
}

/// The reset link's form (a plain form, so it works without JavaScript):
/// sets the password and sends the person to sign in with it.
#[server(endpoint = "reset_password", output = crate::api::Json)]
pub async fn reset_password(
    token: Secret,
    password: Secret,
    password_again: Secret,
) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, password_reset};

    let state = AppState::from_context();
    let meta = RequestMeta::from_context();
    password_reset::reset(
        &state,
        token.as_str(),
        password.into_inner(),
        password_again.into_inner(),
        &meta,
    )
    .await?;
    leptos_axum::redirect(crate::pages::LoginNotice::PasswordSet.path());
    Ok(())
}

/// "Forgot your password?" (a plain form): a reset link goes to the
/// verified address of the account `who` names, if any; the answer is the
/// same either way.
#[server(endpoint = "request_password_reset", output = crate::api::Json)]
pub async fn request_password_reset(who: String) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, password_reset};

    let state = AppState::from_context();
    let meta = RequestMeta::from_context();
    password_reset::request_by_mail(&state, &who, &meta).await?;
    leptos_axum::redirect(FORGOT_SENT);
    Ok(())
}
