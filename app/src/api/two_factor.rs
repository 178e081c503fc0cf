//! Re-authentication, the set-up wizard, and the second sign-in step.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{PendingSignIn, RecoveryCodes, SecurityEvent, SetupChallenge};

/// The confirm-password pop-up: unlocks sensitive actions on this session
/// for a few minutes. Answers how many seconds.
#[server(endpoint = "confirm_password", protocol = crate::api::Rpc)]
pub async fn confirm_password(password: String) -> Result<u32, AppError> {
    use crate::server::accounts;
    use crate::server::events::{self, RequestMeta};
    use crate::server::password::Verified;
    use crate::types::SecurityEventKind;
    use crate::validation::validate_offered_password;

    let (state, session, account) = super::signed_in().await?;
    validate_offered_password(&password)?;
    let now = state.clock.now();
    let throttled =
        crate::server::throttle::password_confirmation_retry_after(&state.db, account.id, now)
            .await?;
    if let Some(retry_after) = throttled {
        return Err(AppError::RateLimited { retry_after });
    }
    let stored = accounts::find_with_hash(&state.db, &account.login)
        .await?
        .map(|(_, hash)| hash.0);
    if state.passwords.verify(password, stored).await? == Verified::No {
        tracing::info!(account_id = account.id, "password confirmation failed");
        let kind = SecurityEventKind::PasswordConfirmationFailed;
        events::record_alone(
            &state.db,
            account.id,
            kind,
            &RequestMeta::from_context(),
            now,
        )
        .await?;
        return Err(AppError::IncorrectPassword);
    }
    session.mark_reauthenticated(now).await?;
    Ok(u32::try_from(state.settings.reauth_seconds).unwrap_or(0))
}

/// Lock now: ends the unlock a password confirmation gave this session.
#[server(endpoint = "lock_sensitive_actions", protocol = crate::api::Rpc)]
pub async fn lock_sensitive_actions() -> Result<(), AppError> {
    let (_, session, _) = super::signed_in().await?;
    session.lock().await
}

/// Step 1 of 2: a new secret, shown as a QR code and as text.
#[server(endpoint = "begin_two_factor_setup", protocol = crate::api::Rpc)]
pub async fn begin_two_factor_setup() -> Result<SetupChallenge, AppError> {
    use crate::server::two_factor;

    let (state, session, account) = super::signed_in().await?;
    session
        .require_reauthenticated(state.clock.now(), state.settings.reauth_seconds)
        .await?;
    two_factor::begin_setup(&state, &account).await
}

/// Cancelling the wizard before the code verified leaves 2FA as it was.
#[server(endpoint = "cancel_two_factor_setup", protocol = crate::api::Rpc)]
pub async fn cancel_two_factor_setup() -> Result<(), AppError> {
    let (state, _, account) = super::signed_in().await?;
    crate::server::two_factor::cancel_setup(&state, account.id).await
}

/// Next: the code from the app turns 2FA on and returns the recovery codes
/// (step 2 of 2). Other sessions of the account end; this one continues
/// under a new token, in the same transaction.
#[server(endpoint = "confirm_two_factor_setup", protocol = crate::api::Rpc)]
pub async fn confirm_two_factor_setup(code: String) -> Result<RecoveryCodes, AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::two_factor;

    let (state, session, account) = super::signed_in().await?;
    let change =
        two_factor::confirm_setup(&state, &account, &code, &RequestMeta::from_context()).await?;
    let codes = session.continue_with(&account, change).await?;
    tracing::info!(account_id = account.id, "two-factor authentication enabled");
    Ok(codes)
}

/// View Recovery Codes: the current set, used ones marked. Needs a recent
/// password confirmation.
#[server(endpoint = "view_recovery_codes", protocol = crate::api::Rpc)]
pub async fn view_recovery_codes() -> Result<RecoveryCodes, AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::two_factor;

    let (state, session, account) = super::signed_in().await?;
    session
        .require_reauthenticated(state.clock.now(), state.settings.reauth_seconds)
        .await?;
    two_factor::view_recovery_codes(&state, &account, &RequestMeta::from_context()).await
}

/// Generate new recovery codes: the old set stops working at once. Other
/// sessions of the account end; this one continues under a new token, in
/// the same transaction.
#[server(endpoint = "regenerate_recovery_codes", protocol = crate::api::Rpc)]
pub async fn regenerate_recovery_codes() -> Result<RecoveryCodes, AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::two_factor;

    let (state, session, account) = super::signed_in().await?;
    session
        .require_reauthenticated(state.clock.now(), state.settings.reauth_seconds)
        .await?;
    let change =
        two_factor::regenerate_recovery_codes(&state, &account, &RequestMeta::from_context())
            .await?;
    let codes = session.continue_with(&account, change).await?;
    tracing::info!(
        account_id = account.id,
        set_number = codes.set_number,
        "recovery codes regenerated"
    );
    Ok(codes)
}

/// The browser saved the codes to a file: worth a line in the activity.
#[server(endpoint = "note_recovery_codes_downloaded", protocol = crate::api::Rpc)]
pub async fn note_recovery_codes_downloaded() -> Result<(), AppError> {
    use crate::server::events::{self, RequestMeta};
    use crate::types::SecurityEventKind;

    let (state, _, account) = super::signed_in().await?;
    let kind = SecurityEventKind::RecoveryCodesDownloaded;
    events::record_alone(
        &state.db,
        account.id,
        kind,
        &RequestMeta::from_context(),
        state.clock.now(),
    )
    .await
}

/// Disable Two-Factor Authentication: after the confirm pop-up and the
/// password pop-up. Other sessions end; this one continues under a new
/// token, in the same transaction.
#[server(endpoint = "disable_two_factor", protocol = crate::api::Rpc)]
pub async fn disable_two_factor() -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::two_factor;

    let (state, session, account) = super::signed_in().await?;
    session
        .require_reauthenticated(state.clock.now(), state.settings.reauth_seconds)
        .await?;
    let change = two_factor::disable(&state, &account, &RequestMeta::from_context()).await?;
    session.continue_with(&account, change).await?;
    tracing::info!(
        account_id = account.id,
        "two-factor authentication disabled"
    );
    Ok(())
}

/// How many of the latest security events the account's activity shows.
#[cfg(feature = "ssr")]
const ACTIVITY_LINES: i64 = 20;

/// The latest security events of the account, newest first.
#[server(endpoint = "security_activity", protocol = crate::api::Rpc)]
pub async fn security_activity() -> Result<Vec<SecurityEvent>, AppError> {
    let (state, _, account) = super::signed_in().await?;
    crate::server::events::latest(&state.db, account.id, ACTIVITY_LINES).await
}

/// The same events as the Settings panel shows them: HTML rendered here, in
/// the request's language (see `components::ServerHtml`).
#[server(endpoint = "security_activity_html", protocol = crate::api::Rpc)]
pub async fn security_activity_html() -> Result<String, AppError> {
    use crate::components::{ActivityList, render};

    let (state, _, account) = super::signed_in().await?;
    let events = crate::server::events::latest(&state.db, account.id, ACTIVITY_LINES).await?;
    let lang = crate::i18n::request_lang();
    Ok(render(view! { <ActivityList events lang /> }))
}

/// Who is signing in, for the second-step page; `Unauthorized` unless a
/// sign-in is waiting for its second factor.
#[server(endpoint = "awaiting_second_factor", protocol = crate::api::Rpc)]
pub async fn awaiting_second_factor() -> Result<PendingSignIn, AppError> {
    let session = crate::server::session::from_request().await?;
    let account = session.pending_account().await?;
    Ok(PendingSignIn {
        login: account.login,
    })
}

/// The second sign-in step with a code from the authentication app.
#[server(endpoint = "verify_sign_in_code", output = crate::api::Json)]
pub async fn verify_sign_in_code(code: String) -> Result<(), AppError> {
    use crate::server::two_factor::SecondFactor;
    finish_sign_in(SecondFactor::Code(&code)).await
}

/// The second sign-in step with a recovery code (lost phone).
#[server(endpoint = "verify_recovery_code", output = crate::api::Json)]
pub async fn verify_recovery_code(recovery_code: String) -> Result<(), AppError> {
    use crate::server::two_factor::SecondFactor;
    finish_sign_in(SecondFactor::RecoveryCode(&recovery_code)).await
}

/// One implementation of the second step: the account comes from the
/// pending session, never from the request.
#[cfg(feature = "ssr")]
async fn finish_sign_in(
    factor: crate::server::two_factor::SecondFactor<'_>,
) -> Result<(), AppError> {
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, session, sign_in};

    let state = AppState::from_context();
    let session = session::from_request().await?;
    sign_in::second_factor_step(&state, &session, factor, &RequestMeta::from_context()).await?;
    leptos_axum::redirect("/");
    Ok(())
}
