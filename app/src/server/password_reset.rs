//! One-time password reset links (`<public url>/reset/<token>`), handed
//! out by the operator (`server admin reset-link`, `create-account`) or
//! mailed to the account's verified address ("Forgot your password?"). A
//! link is valid for an hour and works once; only the SHA-256 of its token
//! is stored. Setting a password through it ends every session of the
//! account, forgets its known browsers, clears its password throttles and
//! is recorded; a second factor, if on, is still asked at the next sign-in.

use super::AppState;
use super::accounts::login_key;
use super::bearer::ResetToken;
use super::db::Db;
use super::events::{self, RequestMeta};
use super::mail::{Details, Letter, MailKind};
use super::password::Lane;
use super::password_attempts;
use super::repo::{self, Conn, accounts::PasswordHash};
use super::strength::validate_strength;
use super::throttle::Window;
use crate::error::{AppError, Reason};
use crate::types::SecurityEventKind;
use crate::validation::{EMAIL_MAX, validate_repeated_password};

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

/// How many reset mails one account gets: 3 an hour (more requests are
/// answered alike and mail nothing).
pub const MAILS_PER_ACCOUNT: Window = Window {
    failures: 3,
    seconds: 60 * 60,
};

/// How many "Forgot your password?" requests one source may make: 10 in
/// 15 minutes (then 429, which says nothing about any account).
pub const REQUESTS_PER_SOURCE: Window = Window {
    failures: 10,
    seconds: 15 * 60,
};

/// "Forgot your password?": `who` is a login or an email address. The
/// answer is the same whether or not it names an account, and comes as
/// soon: the request is recorded (and bounded per source) here, and the
/// account is looked up afterwards, apart from the answer
/// ([`mail_link`]). A link goes only to an account's verified address.
pub async fn request_by_mail(
    state: &AppState,
    who: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let who = who.trim();
    if who.is_empty() || who.len() > EMAIL_MAX {
        return Err(AppError::validation("who", Reason::LoginOrEmail));
    }
    let now = state.clock.now();
    let source = meta.source();
    let mut tx = state.db.begin_write().await?;
    let window = REQUESTS_PER_SOURCE;
    let since = now - window.seconds;
    let latest =
        repo::reset_requests::latest_from(&mut tx, &source, since, window.failures).await?;
    if let Some(retry_after) = window.retry_after(&latest, now) {
        return Err(AppError::RateLimited { retry_after });
    }
    let request_id = repo::reset_requests::insert(&mut tx, &source, now).await?;
    tx.commit().await?;

    let (state, who, meta) = (state.clone(), who.to_owned(), meta.clone());
    tokio::spawn(async move {
        if let Err(error) = mail_link(&state, request_id, &who, &meta).await {
            tracing::warn!(?error, request_id, "a reset request was not looked up");
        }
    });
    Ok(())
}

/// Looks up the request's `who`: the account whose verified address it
/// is, or else the account whose login it is. If that account has an
/// address, mails it a new link (within [`MAILS_PER_ACCOUNT`]), in one
/// transaction with the request marked.
async fn mail_link(
    state: &AppState,
    request_id: i64,
    who: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let account_id = match repo::accounts::id_by_email(&mut *tx, who).await? {
        Some(id) => Some(id),
        None => repo::accounts::id_by_login_key(&mut *tx, &login_key(who)).await?,
    };
    let mut mailed = None;
    if let Some(account_id) = account_id
        && let Some(profile) = repo::accounts::lock_mail_profile(&mut tx, account_id).await?
        && let Some(address) = profile.email.as_deref()
    {
        let window = MAILS_PER_ACCOUNT;
        let since = now - window.seconds;
        let latest =
            repo::reset_requests::latest_mailed(&mut tx, account_id, since, window.failures)
                .await?;
        if window.retry_after(&latest, now).is_some() {
            tracing::info!(account_id, "reset mail held back: enough sent this hour");
        } else {
            let token = create_link(&mut tx, account_id, now).await?;
            let link = format!("{}/reset/{}", state.settings.public_url, token.as_str());
            let details = Details::of(&profile.login, meta, now);
            let letter = Letter {
                account_id,
                recipient: address,
                language: &profile.language,
                kind: MailKind::ResetPassword,
                details: &details,
                link: Some(&link),
            };
            letter.enqueue(&mut tx, Some(&state.vault), now).await?;
            let kind = SecurityEventKind::PasswordResetMailed;
            events::record(&mut tx, account_id, kind, meta, now).await?;
            mailed = Some(account_id);
        }
    }
    repo::reset_requests::looked_up(&mut tx, request_id, mailed, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a batch of reset requests made before `before`.
pub async fn delete_old_requests(db: &Db, before: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::reset_requests::delete_old(&db.pool, before, batch).await?)
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
