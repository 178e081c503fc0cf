//! The confirm-password pop-up and Lock now.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::Secret;

/// The confirm-password pop-up: unlocks sensitive actions on this session
/// for a few minutes. Answers how many seconds.
#[server(endpoint = "confirm_password", protocol = crate::api::Rpc)]
pub async fn confirm_password(password: Secret) -> Result<u32, AppError> {
    use crate::server::reauth;

    reauth::confirm_password(&super::signed_in().await?, password.into_inner()).await
}

/// Lock now: ends the unlock a password confirmation gave this session.
#[server(endpoint = "lock_sensitive_actions", protocol = crate::api::Rpc)]
pub async fn lock_sensitive_actions() -> Result<(), AppError> {
    super::signed_in().await?.session.lock().await
}
