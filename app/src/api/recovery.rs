//! View Recovery Codes, generating new ones, and noting a download.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::RecoveryCodes;

/// View Recovery Codes: the current set, used ones marked. Needs a recent
/// password confirmation.
#[server(endpoint = "view_recovery_codes", protocol = crate::api::Rpc)]
pub async fn view_recovery_codes() -> Result<RecoveryCodes, AppError> {
    use crate::server::two_factor::recovery_codes;

    recovery_codes::view(&super::reauthenticated().await?).await
}

/// Generate new recovery codes: the old set stops working at once. Other
/// sessions of the account end; this one continues under a new token, in
/// the same transaction.
#[server(endpoint = "regenerate_recovery_codes", protocol = crate::api::Rpc)]
pub async fn regenerate_recovery_codes() -> Result<RecoveryCodes, AppError> {
    use crate::server::two_factor::recovery_codes;

    let caller = super::reauthenticated().await?;
    let codes = recovery_codes::regenerate(&caller).await?;
    let (account_id, set_number) = (caller.account.id, codes.set_number);
    tracing::info!(account_id, set_number, "recovery codes regenerated");
    Ok(codes)
}

/// The browser saved the codes to a file: worth a line in the activity,
/// once in a while (repeated notes merge).
#[server(endpoint = "note_recovery_codes_downloaded", protocol = crate::api::Rpc)]
pub async fn note_recovery_codes_downloaded() -> Result<(), AppError> {
    use crate::server::two_factor::recovery_codes;

    recovery_codes::note_downloaded(&super::signed_in().await?).await
}
