//! Security keys and passkeys (WebAuthn), with kanidm's webauthn-rs.
//!
//! Twofold is the relying party at its public origin (`--public-url`),
//! whose host is the RP id: a browser signs a challenge for that origin
//! only, which is what makes these factors unphishable. Every check the
//! library offers is on: origin and RP id, user verification where the
//! kind requires it (always for passkeys), the signature counter (a
//! counter that goes back is refused and recorded: a cloned key), and the
//! credential belonging to the account.
//!
//! In parts with one job each: [`ceremony`] (a ceremony's state between
//! its two halves, in the database), [`register`] (Add security key, Add
//! passkey), [`second_step`] (Use your security key at sign-in) and
//! [`passkey`] (Sign in with a passkey, no login or password).

pub mod ceremony;
pub mod passkey;
pub mod register;
mod relying_party;
pub mod second_step;

pub use relying_party::RelyingParty;

use webauthn_rs::prelude::{Credential, WebauthnError};

use crate::error::AppError;
use crate::server::repo::methods::CredentialRow;

/// Whether the second step may offer "Use your security key": WebAuthn is
/// on and the account has a security key or passkey.
pub async fn has_credentials(
    state: &crate::server::AppState,
    account_id: i64,
) -> Result<bool, AppError> {
    if state.webauthn.is_none() {
        return Ok(false);
    }
    let rows = crate::server::repo::methods::credentials(&state.db.pool, account_id).await?;
    Ok(!rows.is_empty())
}

/// The relying party, or `WebauthnUnavailable` when the public URL cannot
/// be one.
fn relying_party(state: &crate::server::AppState) -> Result<&RelyingParty, AppError> {
    state.webauthn.as_ref().ok_or(AppError::WebauthnUnavailable)
}

/// What the person is told of a ceremony webauthn-rs refused: a counter
/// that went back (a cloned key) is its own answer; every other reason
/// (another origin, a bad signature, a malformed or truncated response,
/// another account's credential) is "not accepted", and goes to the log.
fn refused(error: WebauthnError) -> AppError {
    match error {
        WebauthnError::CredentialPossibleCompromise => AppError::SecurityKeyCounterWentBack,
        other => {
            tracing::info!(error = %other, "WebAuthn response refused");
            AppError::SecurityKeyRefused
        }
    }
}

/// Whether an authenticator's signature counter says it may be a clone:
/// WebAuthn's rule (§7.2 step 21), that a counter in use must move past
/// the stored one.
fn counter_went_back(stored: u32, answered: u32) -> bool {
    (stored > 0 || answered > 0) && answered <= stored
}

/// A browser's answer, as the JSON its `toJSON()` gives; anything else is
/// refused like a wrong answer.
fn parse_response<T: serde::de::DeserializeOwned>(response: &str) -> Result<T, AppError> {
    serde_json::from_str(response).map_err(|error| {
        tracing::info!(%error, "malformed WebAuthn response");
        AppError::SecurityKeyRefused
    })
}

/// A stored credential, read back.
fn credential_of(row: &CredentialRow) -> Result<Credential, AppError> {
    serde_json::from_str(&row.credential).map_err(|error| {
        tracing::error!(%error, method_id = row.id, "stored WebAuthn credential unreadable");
        AppError::Internal
    })
}

/// A credential as stored (public key, counter, flags: nothing secret).
fn stored(credential: &Credential) -> Result<String, AppError> {
    serde_json::to_string(credential).map_err(|error| {
        tracing::error!(%error, "WebAuthn credential not serialisable");
        AppError::Internal
    })
}

/// The browser's options for a ceremony, and the handle that finishes it.
pub use crate::types::CeremonyStart;

/// [`CeremonyStart`] from webauthn-rs's options and the stored ceremony.
fn start(
    options: &impl serde::Serialize,
    ceremony: &crate::server::bearer::CeremonyHandle,
) -> Result<CeremonyStart, AppError> {
    Ok(CeremonyStart {
        ceremony: ceremony.as_str().to_owned(),
        options: serde_json::to_string(options).map_err(|error| {
            tracing::error!(%error, "WebAuthn options not serialisable");
            AppError::Internal
        })?,
    })
}

#[cfg(test)]
mod tests {
    use super::counter_went_back;

    #[test]
    fn a_counter_must_move_past_the_stored_one_unless_both_are_unused() {
        assert!(
            !counter_went_back(0, 0),
            "an authenticator without a counter"
        );
        assert!(!counter_went_back(0, 1));
        assert!(!counter_went_back(5, 6));
        assert!(counter_went_back(5, 5));
        assert!(counter_went_back(5, 4));
        assert!(counter_went_back(5, 0));
    }
}
