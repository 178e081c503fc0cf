//! The account's email address. **Add** / **Change** in Settings (after
//! the password pop-up) sends a confirmation link to the new address; the
//! address counts only once that link is opened by the account, within 24
//! hours, once. Until then the address in use, if any, stays in use and is
//! told of the request; once confirmed, it is told of the change.

use std::str::FromStr;

use super::AppState;
use super::bearer::EmailToken;
use super::caller::Caller;
use super::db::Db;
use super::events::{self, RequestMeta};
use super::mail::{Details, Letter, MailKind};
use super::repo::{self, Conn, email_verifications::VerificationRow};
use crate::error::{AppError, Reason};
use crate::i18n::Lang;
use crate::types::SecurityEventKind;
use crate::validation::EMAIL_MAX;

/// How long a confirmation link works.
pub const LINK_SECONDS: i64 = 24 * 60 * 60;

/// Where a confirmation link points, before its token.
pub const LINK_PATH: &str = "/verify-email/";

/// `text` as an address mail can go to (trimmed), or why not.
pub fn validate_email(text: &str) -> Result<String, AppError> {
    let bad = || AppError::validation("email", Reason::EmailAddress);
    let address = text.trim();
    if address.is_empty() || address.len() > EMAIL_MAX {
        return Err(bad());
    }
    // lettre's own reading: what it cannot send to is refused here.
    let parsed = lettre::Address::from_str(address).map_err(|_| bad())?;
    if !parsed.domain().contains('.') && parsed.domain() != "localhost" {
        return Err(bad());
    }
    Ok(address.to_owned())
}

/// Sends a confirmation link to `address` for the caller's account (whose
/// mail is from now on written in `lang`), and tells the address in use,
/// if any. A newer request replaces a waiting one. The caller has
/// confirmed the password (the `reauthenticated` guard).
pub async fn request_change(caller: &Caller, address: &str, lang: Lang) -> Result<(), AppError> {
    let (state, _, account, meta) = caller.parts();
    let address = validate_email(address)?;
    let mut tx = state.db.begin_write().await?;
    let profile = repo::accounts::lock_mail_profile(&mut tx, account.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let current = profile.email.as_deref();
    if current.is_some_and(|current| current.eq_ignore_ascii_case(&address)) {
        return Err(AppError::validation("email", Reason::EmailUnchanged));
    }
    let link = Link {
        account_id: account.id,
        login: &profile.login,
        address: &address,
        lang,
    };
    link.send(&mut tx, state, meta).await?;
    if let Some(current) = current {
        let details = Details {
            address: Some(address.clone()),
            ..Details::of(&profile.login, meta, state.clock.now())
        };
        let warning = Letter {
            account_id: account.id,
            recipient: current,
            language: &profile.language,
            kind: MailKind::AddressChangeRequested,
            details: &details,
            link: None,
        };
        warning.enqueue(&mut tx, None, state.clock.now()).await?;
    }
    tx.commit().await?;
    tracing::info!(account_id = account.id, "email address confirmation sent");
    Ok(())
}

/// Refuses `address` if another account than `account_id` (or any, for a
/// sign-up) has it.
pub async fn ensure_free(
    conn: &mut Conn,
    address: &str,
    account_id: Option<i64>,
) -> Result<(), AppError> {
    match repo::accounts::id_by_email(&mut *conn, address).await? {
        Some(owner) if Some(owner) != account_id => Err(AppError::EmailTaken),
        _ => Ok(()),
    }
}

/// A confirmation link to send: for whom, to where, in which language.
pub struct Link<'a> {
    pub account_id: i64,
    pub login: &'a str,
    /// Validated ([`validate_email`]).
    pub address: &'a str,
    pub lang: Lang,
}

impl Link<'_> {
    /// Writes the link (replacing a waiting one) and its mail, on `conn`'s
    /// transaction, after checking that no other account has the address.
    pub async fn send(
        &self,
        conn: &mut Conn,
        state: &AppState,
        meta: &RequestMeta,
    ) -> Result<(), AppError> {
        ensure_free(conn, self.address, Some(self.account_id)).await?;
        let now = state.clock.now();
        let token = EmailToken::generate();
        repo::accounts::set_language(conn, self.account_id, self.lang.code()).await?;
        repo::email_verifications::replace(
            conn,
            self.account_id,
            &token.hash(),
            self.address,
            now,
            now + LINK_SECONDS,
        )
        .await?;
        let link = format!("{}{LINK_PATH}{}", state.settings.public_url, token.as_str());
        let details = Details::of(self.login, meta, now);
        let confirm = Letter {
            account_id: self.account_id,
            recipient: self.address,
            language: self.lang.code(),
            kind: MailKind::VerifyAddress,
            details: &details,
            link: Some(&link),
        };
        confirm.enqueue(conn, Some(&state.vault), now).await
    }
}

/// The account's address as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The verified address in use.
    pub email: Option<String>,
    /// An address whose link was sent and is still good.
    pub waiting: Option<String>,
    /// Whether informational notices are wanted.
    pub informational: bool,
}

pub async fn status(state: &AppState, account_id: i64) -> Result<Status, AppError> {
    let pool = &state.db.pool;
    let profile = repo::accounts::mail_profile(pool, account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let waiting = repo::email_verifications::waiting(pool, account_id, state.clock.now()).await?;
    Ok(Status {
        email: profile.email,
        waiting,
        informational: profile.informational,
    })
}

/// The account's confirmed address, if it has one (without the one
/// waiting for its link, which [`status`] reads too).
pub async fn confirmed(state: &AppState, account_id: i64) -> Result<Option<String>, AppError> {
    let profile = repo::accounts::mail_profile(&state.db.pool, account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(profile.email)
}

/// Turns the informational notices (a new browser, a token created) on
/// or off; the notices of changes to the factors always go out.
pub async fn set_informational(caller: &Caller, wanted: bool) -> Result<(), AppError> {
    let (state, _, account, _) = caller.parts();
    let mut tx = state.db.begin_write().await?;
    repo::accounts::set_mail_informational(&mut tx, account.id, wanted).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the signed-in caller may open the link `token`: the address
/// it would confirm, or why not.
pub async fn check(caller: &Caller, token: &str) -> Result<String, AppError> {
    let (state, _, account, _) = caller.parts();
    let token = EmailToken::parse(token).ok_or(AppError::EmailLinkInvalid)?;
    let row = repo::email_verifications::find(&state.db.pool, &token.hash()).await?;
    Ok(judge(row, account.id, state.clock.now())?.email)
}

/// Opens a confirmation link for the signed-in caller: the address it
/// names becomes the account's, and the address it replaces is told.
/// Answers the address.
pub async fn confirm(caller: &Caller, token: &str) -> Result<String, AppError> {
    let (state, _, account, meta) = caller.parts();
    let token = EmailToken::parse(token).ok_or(AppError::EmailLinkInvalid)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let profile = repo::accounts::lock_mail_profile(&mut tx, account.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let row = repo::email_verifications::find(&mut *tx, &token.hash()).await?;
    let row = judge(row, account.id, now)?;
    ensure_free(&mut tx, &row.email, Some(account.id)).await?;
    if !repo::email_verifications::spend(&mut tx, &token.hash(), now).await? {
        return Err(AppError::EmailLinkUsed);
    }
    repo::accounts::set_email(&mut tx, account.id, &row.email).await?;
    let kind = SecurityEventKind::EmailChanged;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    if let Some(old) = profile.email.as_deref().filter(|old| *old != row.email) {
        let details = Details {
            address: Some(row.email.clone()),
            ..Details::of(&profile.login, meta, now)
        };
        let told = Letter {
            account_id: account.id,
            recipient: old,
            language: &profile.language,
            kind: MailKind::AddressChanged,
            details: &details,
            link: None,
        };
        told.enqueue(&mut tx, None, now).await?;
    }
    tx.commit().await?;
    tracing::info!(account_id = account.id, "email address confirmed");
    Ok(row.email)
}

/// Deletes a batch of links that expired before `before`.
pub async fn delete_old(db: &Db, before: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::email_verifications::delete_old(&db.pool, before, batch).await?)
}

/// Whether a link may still be opened by `account_id`, and its row.
fn judge(
    row: Option<VerificationRow>,
    account_id: i64,
    now: i64,
) -> Result<VerificationRow, AppError> {
    match row {
        None => Err(AppError::EmailLinkInvalid),
        Some(row) if row.account_id != account_id => Err(AppError::EmailLinkOtherAccount),
        Some(row) if row.used_at.is_some() => Err(AppError::EmailLinkUsed),
        Some(row) if row.expires_at <= now => Err(AppError::EmailLinkExpired),
        Some(row) => Ok(row),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_as_mail_can_use_them() {
        assert_eq!(
            validate_email("  ana@example.org "),
            Ok("ana@example.org".into())
        );
        assert!(validate_email("ana@localhost").is_ok());
        // 64 characters before the @ (the most one may have), 189 after.
        let label = "b".repeat(61);
        let longest = format!("{}@{label}.{label}.{label}.org", "a".repeat(64));
        assert_eq!(longest.len(), EMAIL_MAX);
        assert!(validate_email(&longest).is_ok());
        let too_long = format!("{}@{label}.{label}.{label}.orgs", "a".repeat(64));
        for bad in [
            "",
            "   ",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "ana @example.org",
            "ana@example.org\r\nBcc: all@example.org",
            &too_long,
        ] {
            assert_eq!(
                validate_email(bad),
                Err(AppError::validation("email", Reason::EmailAddress)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_link_is_good_once_for_a_day_for_its_own_account() {
        let row = |expires_at, used_at| {
            Some(VerificationRow {
                account_id: 7,
                email: "ana@example.org".into(),
                expires_at,
                used_at,
            })
        };
        assert!(judge(row(2000, None), 7, 1999).is_ok());
        assert_eq!(
            judge(row(2000, None), 7, 2000).unwrap_err(),
            AppError::EmailLinkExpired
        );
        assert_eq!(
            judge(row(2000, Some(1500)), 7, 1600).unwrap_err(),
            AppError::EmailLinkUsed
        );
        assert_eq!(
            judge(row(2000, None), 8, 1999).unwrap_err(),
            AppError::EmailLinkOtherAccount
        );
        assert_eq!(
            judge(None, 7, 1000).unwrap_err(),
            AppError::EmailLinkInvalid
        );
    }
}
