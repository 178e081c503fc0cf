//! Re-authentication: the confirm-password pop-up unlocks sensitive
//! actions on this session for a few minutes.

use super::AppState;
use super::accounts;
use super::caller::Caller;
use super::password::{Lane, Verified};
use super::password_attempts::{self, Purpose};
use super::repo::password_failures::Attempt;
use super::session::Session;
use super::sign_in::known_browser;
use crate::error::AppError;
use crate::validation::validate_offered_password;

/// Checks `password` for the signed-in `account`; if right, this session
/// is unlocked and the answer is for how many seconds.
pub async fn confirm_password(caller: &Caller, password: String) -> Result<u32, AppError> {
    check_password(caller, password).await?;
    let (state, session, ..) = caller.parts();
    session.mark_reauthenticated(state.clock.now()).await?;
    Ok(u32::try_from(state.settings.reauth_seconds).unwrap_or(0))
}

/// Checks the signed-in account's current password, as the pop-up and
/// the forms that ask for it again (change password, delete account) do.
/// A check is a password attempt like a sign-in, in the same budgets
/// (`password_attempts`): a stolen session cannot guess the password at
/// leisure, and parallel guesses cannot overrun the budget. Wrong:
/// `IncorrectPassword`, counted and recorded.
pub async fn check_password(caller: &Caller, password: String) -> Result<(), AppError> {
    let (state, session, account, meta) = caller.parts();
    validate_offered_password(&password)?;
    let stored = accounts::find_with_hash(state, &account.login)
        .await?
        .map(|(_, hash)| hash.0);
    let hashing = state.passwords.admit(Lane::SignedIn)?;
    let attempt = Attempt {
        account_id: Some(account.id),
        browser_id: known_browser(state, session, Some(account)).await?,
        source: meta.source(),
    };
    let now = state.clock.now();
    let reserved = password_attempts::reserve(
        &state.db,
        &state.source_hints,
        attempt,
        Purpose::Confirmation,
        meta,
        now,
    )
    .await?;
    if hashing.verify(password, stored).await? == Verified::No {
        tracing::info!(account_id = account.id, "password confirmation failed");
        reserved.failed(&state.db, meta, now).await?;
        return Err(AppError::IncorrectPassword);
    }
    let mut tx = state.db.begin_write().await?;
    reserved.succeeded(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Sensitive actions need a password confirmation on this session within
/// the operator's window (`--reauth-seconds`).
pub async fn require(state: &AppState, session: &Session) -> Result<(), AppError> {
    session
        .require_reauthenticated(state.clock.now(), state.settings.reauth_seconds)
        .await
}
