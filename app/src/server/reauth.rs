//! Re-authentication: the confirm-password pop-up unlocks sensitive
//! actions on this session for a few minutes.

use super::AppState;
use super::accounts;
use super::caller::Caller;
use super::events;
use super::password::Verified;
use super::session::Session;
use super::throttle;
use crate::error::AppError;
use crate::types::SecurityEventKind;
use crate::validation::validate_offered_password;

/// Checks `password` for the signed-in `account`; if right, this session
/// is unlocked and the answer is for how many seconds. Wrong ones are
/// recorded, and five in the throttle's window refuse the pop-up for a
/// while: a stolen session cannot guess the password at leisure.
pub async fn confirm_password(caller: &Caller, password: String) -> Result<u32, AppError> {
    let (state, session, account, meta) = caller.parts();
    validate_offered_password(&password)?;
    let now = state.clock.now();
    let throttled = throttle::password_confirmation_retry_after(&state.db, account.id, now).await?;
    if let Some(retry_after) = throttled {
        return Err(AppError::RateLimited { retry_after });
    }
    let stored = accounts::find_with_hash(state, &account.login)
        .await?
        .map(|(_, hash)| hash.0);
    if state.passwords.verify(password, stored).await? == Verified::No {
        tracing::info!(account_id = account.id, "password confirmation failed");
        let kind = SecurityEventKind::PasswordConfirmationFailed;
        events::record_alone(&state.db, account.id, kind, meta, now).await?;
        return Err(AppError::IncorrectPassword);
    }
    session.mark_reauthenticated(now).await?;
    Ok(u32::try_from(state.settings.reauth_seconds).unwrap_or(0))
}

/// Sensitive actions need a password confirmation on this session within
/// the operator's window (`--reauth-seconds`).
pub async fn require(state: &AppState, session: &Session) -> Result<(), AppError> {
    session
        .require_reauthenticated(state.clock.now(), state.settings.reauth_seconds)
        .await
}
