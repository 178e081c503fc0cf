//! The second sign-in step's page: who is signing in, and the code or
//! recovery code that finishes it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{PendingSignIn, Secret};

/// Who is signing in, for the second-step page; `Unauthorized` unless a
/// sign-in is waiting for its second factor.
#[server(endpoint = "awaiting_second_factor", protocol = crate::api::Rpc)]
pub async fn awaiting_second_factor() -> Result<PendingSignIn, AppError> {
    use crate::server::{AppState, webauthn};

    let session = crate::server::session::from_request().await?;
    let account = session.pending_account().await?;
    let state = AppState::from_context();
    Ok(PendingSignIn {
        security_key: webauthn::has_credentials(&state, account.id).await?,
        app: has_app(&state, account.id).await?,
        login: account.login,
    })
}

/// Whether the account has an authenticator app (the code field).
#[cfg(feature = "ssr")]
async fn has_app(state: &crate::server::AppState, account_id: i64) -> Result<bool, AppError> {
    let methods = crate::server::two_factor::methods::of_account(state, account_id).await?;
    Ok(methods
        .iter()
        .any(|method| method.kind == crate::types::MethodKind::App))
}

/// The second sign-in step with a code from the authentication app.
#[server(endpoint = "verify_sign_in_code", output = crate::api::Json)]
pub async fn verify_sign_in_code(code: Secret) -> Result<(), AppError> {
    use crate::server::sign_in::SecondFactor;
    finish_sign_in(SecondFactor::Code(code.as_str())).await
}

/// The second sign-in step with a recovery code (lost phone).
#[server(endpoint = "verify_recovery_code", output = crate::api::Json)]
pub async fn verify_recovery_code(recovery_code: Secret) -> Result<(), AppError> {
    use crate::server::sign_in::SecondFactor;
    finish_sign_in(SecondFactor::RecoveryCode(recovery_code.as_str())).await
}

/// One implementation of the second step: the account comes from the
/// pending session, never from the request.
#[cfg(feature = "ssr")]
async fn finish_sign_in(factor: crate::server::sign_in::SecondFactor<'_>) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, session, sign_in};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    sign_in::second_factor_step(&state, &session, factor, &RequestMeta::from_context()).await?;
    leptos_axum::redirect("/");
    Ok(())
}
