//! Security keys and passkeys: each ceremony in two calls, its options
//! for the browser's prompt, then the browser's answer (its JSON). The
//! dashboard's Add security key and Add passkey call the first pair; the
//! sign-in pages' small script (`public/webauthn.js`) the others.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{CeremonyStart, RecoveryCodes};

/// The kind a request names, of the two WebAuthn ones.
#[cfg(feature = "ssr")]
fn webauthn_kind(kind: &str) -> Result<crate::types::MethodKind, AppError> {
    use crate::types::MethodKind;
    match MethodKind::parse(kind) {
        Some(kind @ (MethodKind::SecurityKey | MethodKind::Passkey)) => Ok(kind),
        _ => Err(AppError::BadRequest {
            message: "`kind` is `security_key` or `passkey`".into(),
        }),
    }
}

/// Add security key / Add passkey, after the password pop-up: the options
/// for `navigator.credentials.create`.
#[server(endpoint = "begin_adding_security_key", protocol = crate::api::Rpc)]
pub async fn begin_adding_security_key(kind: String) -> Result<CeremonyStart, AppError> {
    let caller = super::reauthenticated().await?;
    crate::server::webauthn::register::begin(&caller, webauthn_kind(&kind)?).await
}

/// The new credential, named: stored as one of the account's methods. The
/// first method turns 2FA on and answers the recovery codes.
#[server(endpoint = "finish_adding_security_key", protocol = crate::api::Rpc)]
pub async fn finish_adding_security_key(
    kind: String,
    ceremony: String,
    name: String,
    response: String,
) -> Result<Option<RecoveryCodes>, AppError> {
    let caller = super::signed_in().await?;
    let kind = webauthn_kind(&kind)?;
    crate::server::webauthn::register::finish(&caller, kind, &ceremony, &name, &response).await
}

/// Use your security key, at the second sign-in step: the options for
/// `navigator.credentials.get`, for the pending sign-in's account.
#[server(endpoint = "begin_security_key_sign_in", protocol = crate::api::Rpc)]
pub async fn begin_security_key_sign_in() -> Result<CeremonyStart, AppError> {
    use crate::server::{AppState, session, webauthn};
    let session = session::from_request().await?;
    webauthn::second_step::begin(&AppState::from_context(), &session).await
}

/// The key's answer: the pending sign-in finishes, as with a code.
#[server(endpoint = "finish_security_key_sign_in", protocol = crate::api::Rpc)]
pub async fn finish_security_key_sign_in(
    ceremony: String,
    response: String,
) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::sign_in::{SecondFactor, second_factor_step};
    use crate::server::{AppState, session};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    let factor = SecondFactor::SecurityKey {
        ceremony: &ceremony,
        response: &response,
    };
    second_factor_step(&state, &session, factor, &RequestMeta::from_context()).await?;
    Ok(())
}

/// Sign in with a passkey: the options for a discoverable credential.
#[server(endpoint = "begin_passkey_sign_in", protocol = crate::api::Rpc)]
pub async fn begin_passkey_sign_in() -> Result<CeremonyStart, AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, webauthn};
    webauthn::passkey::begin(&AppState::from_context(), &RequestMeta::from_context()).await
}

/// The passkey's answer: this browser is signed in to its account.
#[server(endpoint = "finish_passkey_sign_in", protocol = crate::api::Rpc)]
pub async fn finish_passkey_sign_in(ceremony: String, response: String) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, session, webauthn};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    webauthn::passkey::finish(
        &state,
        &session,
        &ceremony,
        &response,
        &RequestMeta::from_context(),
    )
    .await?;
    Ok(())
}
