//! The account's security events: recorded inside the transaction of the
//! change they describe, so an event exists exactly when its change does.
//!
//! Failures and refusals (wrong passwords and codes, throttled attempts)
//! are *repeated* kinds: a run of one of them since the last event that
//! matters is one line with a count, so guessing cannot push a sign-in out
//! of the list.
//!
//! The events the owner is told of by mail (`mail::notify::mails_for`)
//! write their mail to the outbox here, in the same transaction.

use super::dates::date_time_of;
use super::db::Db;
use super::mail::{self, MailKind};
use super::repo::{self, Conn, events::EventRow};
pub use super::request_meta::{ClientIp, RequestMeta};
use crate::error::AppError;
use crate::types::{SecurityEvent, SecurityEventKind};

pub async fn record(
    conn: &mut Conn,
    account_id: i64,
    kind: SecurityEventKind,
    meta: &RequestMeta,
    now: i64,
) -> Result<(), AppError> {
    let event = EventRow {
        kind: kind.as_str().to_owned(),
        at: now,
        ip: meta.ip.map(|ip| ip.to_canonical().to_string()),
        user_agent: meta.user_agent.clone(),
        repeats: 1,
    };
    if kind.is_repeated() {
        let others = REPEATED.map(SecurityEventKind::as_str);
        if repo::events::add_to_run(conn, account_id, &event, &others).await? {
            return Ok(());
        }
    }
    repo::events::insert(conn, account_id, &event).await?;
    // A run of a repeated kind mails its owner once, when it begins.
    if mail::notify::mails_for(kind) {
        mail::notify(conn, account_id, MailKind::Event(kind), meta, now).await?;
    }
    Ok(())
}

/// The kinds a run of which is one line: what a stranger or a signed-in
/// user can repeat at will, so that it never pushes a sign-in out of the
/// list.
const REPEATED: [SecurityEventKind; 6] = [
    SecurityEventKind::PasswordFailed,
    SecurityEventKind::PasswordThrottled,
    SecurityEventKind::PasswordConfirmationFailed,
    SecurityEventKind::SecondFactorFailed,
    SecurityEventKind::SecondFactorThrottled,
    SecurityEventKind::TwoFactorMethodRenamed,
];

impl SecurityEventKind {
    fn is_repeated(self) -> bool {
        REPEATED.contains(&self)
    }
}

/// Whether an event of `kind` was recorded after `since`.
pub async fn happened_since(
    conn: &mut Conn,
    account_id: i64,
    kind: SecurityEventKind,
    since: i64,
) -> Result<bool, AppError> {
    Ok(repo::events::any_since(conn, account_id, kind.as_str(), since).await?)
}

/// Deletes a batch of events from before `before`, or beyond each
/// account's latest `keep`; answers how many went.
pub async fn prune(db: &Db, before: i64, keep: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::events::prune(&db.pool, before, keep, batch).await?)
}

/// The latest events, newest first.
pub async fn latest(db: &Db, account_id: i64, limit: i64) -> Result<Vec<SecurityEvent>, AppError> {
    let rows = repo::events::latest(&db.pool, account_id, limit).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let Some(kind) = SecurityEventKind::parse(&row.kind) else {
                tracing::warn!(kind = %row.kind, "unknown security event kind skipped");
                return None;
            };
            Some(SecurityEvent {
                kind,
                at: date_time_of(row.at),
                ip: row.ip,
                user_agent: row.user_agent,
                repeats: u32::try_from(row.repeats).unwrap_or(u32::MAX),
            })
        })
        .collect())
}
