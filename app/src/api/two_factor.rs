//! The set-up wizard and turning 2FA off.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{RecoveryCodes, Secret, SetupChallenge};

/// Step 1 of 2: a new secret, shown as a QR code and as text.
#[server(endpoint = "begin_two_factor_setup", protocol = crate::api::Rpc)]
pub async fn begin_two_factor_setup() -> Result<SetupChallenge, AppError> {
    let caller = super::reauthenticated().await?;
    crate::server::two_factor::setup::begin(&caller.state, &caller.account).await
}

/// Cancelling the wizard before the code verified leaves 2FA as it was.
#[server(endpoint = "cancel_two_factor_setup", protocol = crate::api::Rpc)]
pub async fn cancel_two_factor_setup() -> Result<(), AppError> {
    let caller = super::signed_in().await?;
    crate::server::two_factor::setup::cancel(&caller.state, caller.account.id).await
}

/// Next: the code from the app adds it. The first method turns 2FA on and
/// returns the recovery codes (step 2 of 2); other sessions of the account
/// end, and this one continues under a new token, in the same
/// transaction. A further app (Add authenticator app) answers `None`.
#[server(endpoint = "confirm_two_factor_setup", protocol = crate::api::Rpc)]
pub async fn confirm_two_factor_setup(code: Secret) -> Result<Option<RecoveryCodes>, AppError> {
    use crate::server::two_factor::setup;

    let caller = super::signed_in().await?;
    let codes = setup::confirm(&caller, code.as_str()).await?;
    let account_id = caller.account.id;
    match codes {
        Some(_) => tracing::info!(account_id, "two-factor authentication enabled"),
        None => tracing::info!(account_id, "authenticator app added"),
    }
    Ok(codes)
}

/// Disable Two-Factor Authentication: after the confirm pop-up and the
/// password pop-up. Other sessions end; this one continues under a new
/// token, in the same transaction.
#[server(endpoint = "disable_two_factor", protocol = crate::api::Rpc)]
pub async fn disable_two_factor() -> Result<(), AppError> {
    use crate::server::two_factor::setup;

    let caller = super::reauthenticated().await?;
    setup::disable(&caller).await?;
    let account_id = caller.account.id;
    tracing::info!(account_id, "two-factor authentication disabled");
    Ok(())
}
