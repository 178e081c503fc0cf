//! One-time password reset links (`<public url>/reset/<token>`), handed
//! out by the operator (`server admin reset-link`, `create-account`). A
//! link is valid for an hour and works once; only the SHA-256 of its token
//! is stored. Setting a password through it ends every session of the
//! account, forgets its known browsers, clears its password throttles and
//! is recorded; a second factor, if on, is still asked at the next sign-in.

use super::AppState;
use super::bearer::ResetToken;
use super::db::Db;
use super::events::{self, RequestMeta};
use super::password::Lane;
use super::password_attempts;
use super::repo::{self, Conn, accounts::PasswordHash};
use super::strength::validate_strength;
use crate::error::AppError;
use crate::types::SecurityEventKind;
use crate::validation::validate_repeated_password;

/// How long a reset link works.
pub const LINK_SECONDS: i64 = 60 * 60;

/// A new link for the account, on `conn` (the operator's transaction);
/// the account's earlier links stop working.
pub async fn create_link(
    conn: &mut Conn,
    account_id: i64,
    now: i64,
) -> Result<ResetToken, AppError> {
    let token = ResetToken::generate();
    repo::password_resets::replace(conn, account_id, &token.hash(), now, now + LINK_SECONDS)
        .await?;
    Ok(token)
}

/// The account a link may still reset, or why it may not.
pub async fn check(state: &AppState, token: &str) -> Result<i64, AppError> {
    let token = ResetToken::parse(token).ok_or(AppError::ResetLinkInvalid)?;
    let row = repo::password_resets::find(&state.db.pool, &token.hash()).await?;
    judge(row, state.clock.now())
}

fn judge(row: Option<repo::password_resets::ResetRow>, now: i64) -> Result<i64, AppError> {
    match row {
        None => Err(AppError::ResetLinkInvalid),
        Some(row) if row.used_at.is_some() => Err(AppError::ResetLinkUsed),
        Some(row) if row.expires_at <= now => Err(AppError::ResetLinkExpired),
        Some(row) => Ok(row.account_id),
    }
}

/// Sets the account's password through the link `token`. The link is
/// spent in the transaction that sets the password, so two requests with
/// one link cannot both set one.
pub async fn reset(
    state: &AppState,
    token: &str,
    password: String,
    again: String,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let account_id = check(state, token).await?;
    let token = ResetToken::parse(token).ok_or(AppError::ResetLinkInvalid)?;
    validate_repeated_password(&password, &again, ("password", "password_again"))?;
    let account = repo::accounts::find_by_id(&state.db.pool, account_id)
        .await?
        .ok_or(AppError::ResetLinkInvalid)?;
    validate_strength(&password, &[&account.login]).map_err(|e| e.for_field("password"))?;
    let source = meta.source();
    let hashing = state.passwords.admit(Lane::Anonymous { source: &source })?;
    let hash = PasswordHash(hashing.hash(password).await?);

    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if repo::password_resets::spend(&mut tx, &token.hash(), now)
        .await?
        .is_none()
    {
        // Spent or expired since it was checked: say which.
        let row = repo::password_resets::find(&mut *tx, &token.hash()).await?;
        return Err(judge(row, now).err().unwrap_or(AppError::ResetLinkUsed));
    }
    repo::accounts::set_password_hash(&mut *tx, account.id, &hash).await?;
    repo::accounts::end_all_sessions(&mut tx, account.id).await?;
    repo::sessions::delete_all(&mut tx, account.id).await?;
    repo::known_browsers::forget_others(&mut tx, account.id, None).await?;
    password_attempts::unlock(&mut tx, account.id).await?;
    let kind = SecurityEventKind::PasswordReset;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    tx.commit().await?;
    tracing::info!(account_id = account.id, "password set with a reset link");
    Ok(())
}

/// Deletes a batch of links that expired before `before`.
pub async fn delete_old(db: &Db, before: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::password_resets::delete_old(&db.pool, before, batch).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use repo::password_resets::ResetRow;

    #[test]
    fn a_link_is_good_once_and_for_an_hour() {
        let row = |expires_at, used_at| {
            Some(ResetRow {
                account_id: 7,
                expires_at,
                used_at,
            })
        };
        assert_eq!(judge(row(2000, None), 1999), Ok(7));
        assert_eq!(
            judge(row(2000, None), 2000),
            Err(AppError::ResetLinkExpired)
        );
        assert_eq!(
            judge(row(2000, Some(1500)), 1600),
            Err(AppError::ResetLinkUsed)
        );
        assert_eq!(judge(None, 1000), Err(AppError::ResetLinkInvalid));
    }
}
