//! What a session row says, and how a session moves to a new token.

use crate::error::AppError;
use crate::server::accounts::Account;
use crate::server::bearer::{BrowserToken, SessionToken};
use crate::server::repo::Conn;
use crate::server::repo::sessions::{self, AsRead, Seen, SessionRow, Values};
use crate::types::ClockDrift;

/// A session ends after this long without a request.
pub const IDLE_SECONDS: i64 = 12 * 60 * 60;

/// A pending sign-in must be finished within this time.
pub const PENDING_SECONDS: i64 = 10 * 60;

/// A used session's expiry moves on at most this often: one write per
/// session every few minutes, not one per request.
pub(super) const EXTEND_EVERY_SECONDS: i64 = 5 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// The password was right; the second factor is still to come.
    Pending,
    SignedIn,
}

impl Stage {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::SignedIn => "signed_in",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "signed_in" => Some(Self::SignedIn),
            _ => None,
        }
    }
}

fn drift_as_str(drift: ClockDrift) -> &'static str {
    match drift {
        ClockDrift::Ahead => "ahead",
        ClockDrift::Behind => "behind",
    }
}

fn drift_parse(text: &str) -> Option<ClockDrift> {
    match text {
        "ahead" => Some(ClockDrift::Ahead),
        "behind" => Some(ClockDrift::Behind),
        _ => None,
    }
}

/// What a live session says, with its account.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub account: Account,
    pub stage: Stage,
    pub reauthenticated_at: Option<i64>,
    /// A note for the dashboard to show once: the code just accepted
    /// matched a neighbouring time step.
    pub clock_drift: Option<ClockDrift>,
    /// A note for the dashboard to show once: the failed sign-ins to the
    /// account between the last sign-in and this one.
    pub failed_sign_ins: Option<u32>,
    /// When the session signed in: it ends `--session-max-days` later,
    /// however much it is used.
    pub signed_in_at: i64,
    pub expires_at: i64,
    /// Its handle, and its latest use that was written down.
    pub seen: Seen,
}

/// A new session's handle: 128 random bits, hex. It names the session in
/// the Sessions tab and opens nothing.
fn new_handle() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl Record {
    pub fn signed_in(account: &Account, now: i64) -> Self {
        Self {
            account: account.clone(),
            stage: Stage::SignedIn,
            reauthenticated_at: None,
            clock_drift: None,
            failed_sign_ins: None,
            signed_in_at: now,
            expires_at: now + IDLE_SECONDS,
            seen: Seen {
                handle: new_handle(),
                last_used_at: now,
                ip: None,
                user_agent: None,
            },
        }
    }

    pub fn from_row(row: SessionRow) -> Result<Self, AppError> {
        Ok(Self {
            account: row.account,
            stage: Stage::parse(&row.stage).ok_or(AppError::Internal)?,
            reauthenticated_at: row.reauthenticated_at,
            clock_drift: row.clock_drift.as_deref().and_then(drift_parse),
            failed_sign_ins: row
                .failed_sign_ins
                .map(|count| u32::try_from(count).unwrap_or(u32::MAX)),
            signed_in_at: row.signed_in_at,
            expires_at: row.expires_at,
            seen: row.seen,
        })
    }

    fn values(&self, token: &SessionToken) -> Values<'_> {
        Values {
            id_hash: token.hash(),
            account_id: self.account.id,
            epoch: self.account.session_epoch,
            stage: self.stage.as_str(),
            reauthenticated_at: self.reauthenticated_at,
            clock_drift: self.clock_drift.map(drift_as_str),
            failed_sign_ins: self.failed_sign_ins.map(i64::from),
            signed_in_at: self.signed_in_at,
            expires_at: self.expires_at,
            seen: &self.seen,
        }
    }
}

/// A session written under a new token in a caller's transaction, for the
/// request to adopt ([`super::Session::adopt`]) once that transaction has
/// committed.
#[derive(Debug)]
#[must_use = "adopt it after the transaction commits, or the client keeps the old token"]
pub struct Moved {
    pub(super) token: SessionToken,
    pub(super) record: Record,
    /// A device cookie issued with this sign-in, for the browser to keep.
    pub(super) browser: Option<BrowserToken>,
}

/// The row a new token takes over.
pub(super) enum Replacing<'a> {
    /// A fresh sign-in: the presented token's row, whatever its state, if
    /// there is one; otherwise a new row.
    Whatever(Option<&'a SessionToken>),
    /// This live session, as this request read it. If it moved to another
    /// token, ended or expired meanwhile, nothing is written and the
    /// request is refused: a move never revives a session, and two
    /// requests on one token cannot both carry it on.
    Live(&'a SessionToken, &'a Record),
}

/// Writes `record` under a new token, on `conn`, in place of `replacing`.
pub(super) async fn write(
    conn: &mut Conn,
    replacing: Replacing<'_>,
    record: Record,
    now: i64,
) -> Result<Moved, AppError> {
    let token = SessionToken::generate();
    let values = record.values(&token);
    let moved = match replacing {
        Replacing::Whatever(None) => false,
        Replacing::Whatever(Some(old)) => sessions::replace(conn, &old.hash(), &values).await?,
        Replacing::Live(old, was) => {
            let as_read = AsRead {
                id_hash: old.hash(),
                stage: was.stage.as_str(),
                epoch: was.account.session_epoch,
                now,
            };
            if !sessions::replace_as_read(conn, &as_read, &values).await? {
                tracing::info!("session changed by another request; refused");
                return Err(AppError::Unauthorized);
            }
            true
        }
    };
    if !moved {
        sessions::insert(conn, &values).await?;
    }
    Ok(Moved {
        token,
        record,
        browser: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_drifts_read_back_what_is_written() {
        for stage in [Stage::Pending, Stage::SignedIn] {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
        for drift in [ClockDrift::Ahead, ClockDrift::Behind] {
            assert_eq!(drift_parse(drift_as_str(drift)), Some(drift));
        }
        assert_eq!(Stage::parse("admin"), None);
    }
}
