//! The budgets of password attempts (sign-ins and the confirmation
//! pop-up), in the database so that they hold across processes.
//!
//! - From a browser that has signed in to the account before (its device
//!   cookie, `known_browsers`): 5 failures in 15 minutes, counted for that
//!   browser only. A stranger's guessing never touches this budget.
//! - From anywhere else: 10 failures in 15 minutes per account, and 30 per
//!   source (an IPv4 address or an IPv6 /64) across every login.
//! - 100 consecutive failures from unknown browsers (NIST SP 800-63B
//!   5.2.2) lock the account's password to unknown browsers until a known
//!   browser's success or an operator's [`unlock`].
//!
//! An attempt is refused before its hash is computed. It is written as a
//! failure before the hash is judged (in the transaction that checked the
//! budget, holding the account's row) and forgotten when the password was
//! right, so parallel attempts cannot overrun a budget. A budget already
//! spent is seen on a plain read first and refused without that write
//! transaction: a flood of refused attempts does not queue for SQLite's
//! one writer ahead of the people signing in.

use super::db::Db;
use super::events::{self, RequestMeta};
use super::repo::password_failures::{self, Attempt, Counted};
use super::repo::{self, Conn};
use super::source_hints::SourceHints;
use super::throttle::Window;
use crate::error::AppError;
use crate::types::SecurityEventKind;

pub const WINDOW_SECONDS: i64 = 15 * 60;
pub const PER_ACCOUNT: Window = Window {
    failures: 10,
    seconds: WINDOW_SECONDS,
};
pub const PER_SOURCE: Window = Window {
    failures: 30,
    seconds: WINDOW_SECONDS,
};
pub const PER_KNOWN_BROWSER: Window = Window {
    failures: 5,
    seconds: WINDOW_SECONDS,
};
pub const HARD_CAP: i64 = 100;

/// What a password attempt is: a sign-in's step one, or the pop-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    Confirmation,
}

/// An attempt inside its budgets, written as a failure until
/// [`Reserved::succeeded`] says otherwise.
#[derive(Debug)]
#[must_use = "say how the attempt ended"]
pub struct Reserved {
    id: i64,
    account_id: Option<i64>,
    purpose: Purpose,
}

/// Checks the budgets `attempt` counts in and, if none is spent, writes it
/// as a failure. Refused: `RateLimited` with the wait, or `SignInLocked`
/// at the hard cap.
pub async fn reserve(
    db: &Db,
    hints: &SourceHints,
    attempt: Attempt,
    purpose: Purpose,
    meta: &RequestMeta,
    now: i64,
) -> Result<Reserved, AppError> {
    if let Some(refusal) = refused_on_read(db, hints, &attempt, now).await? {
        tracing::warn!(account_id = attempt.account_id, "password attempt refused");
        return Err(refusal);
    }
    let mut tx = db.begin_write().await?;
    let consecutive = match attempt.account_id {
        Some(id) => password_failures::lock_consecutive(&mut tx, id).await?,
        None => 0,
    };
    if let Some(refusal) = refusal(&mut tx, hints, &attempt, consecutive, now).await? {
        if let Some(account_id) = attempt.account_id {
            note_refusal(&mut tx, account_id, meta, now).await?;
        }
        tx.commit().await?;
        tracing::warn!(account_id = attempt.account_id, "password attempt refused");
        return Err(refusal);
    }
    let id = password_failures::insert(&mut tx, &attempt, now).await?;
    tx.commit().await?;
    Ok(Reserved {
        id,
        account_id: attempt.account_id,
        purpose,
    })
}

/// The refusal of an attempt whose budget is spent already, read without
/// the write turn, when that refusal has nothing left to write: no
/// account, or the account's activity already says it was throttled in
/// this window. `None` sends the attempt on to the transaction that
/// decides (the reads here may be stale, never wrong in its favour).
async fn refused_on_read(
    db: &Db,
    hints: &SourceHints,
    attempt: &Attempt,
    now: i64,
) -> Result<Option<AppError>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let consecutive = match attempt.account_id {
        Some(id) => password_failures::consecutive(&mut conn, id).await?,
        None => 0,
    };
    let Some(refusal) = refusal(&mut conn, hints, attempt, consecutive, now).await? else {
        return Ok(None);
    };
    let noted = match attempt.account_id {
        Some(id) => {
            let kind = SecurityEventKind::PasswordThrottled;
            events::happened_since(&mut conn, id, kind, now - WINDOW_SECONDS).await?
        }
        None => true,
    };
    Ok(noted.then_some(refusal))
}

/// Why `attempt` is refused, if a budget it counts in is spent, given the
/// account's consecutive failures from unknown browsers. A source's spent
/// budget is noted in `hints`.
async fn refusal(
    conn: &mut Conn,
    hints: &SourceHints,
    attempt: &Attempt,
    consecutive: i64,
    now: i64,
) -> Result<Option<AppError>, AppError> {
    Ok(match attempt.browser_id {
        Some(browser) => wait(conn, PER_KNOWN_BROWSER, Counted::Browser(browser), now).await?,
        None if consecutive >= HARD_CAP => Some(AppError::SignInLocked),
        None => {
            let source = wait(conn, PER_SOURCE, Counted::Source(&attempt.source), now).await?;
            if let Some(AppError::RateLimited { retry_after }) = source {
                hints.note(&attempt.source, retry_after, now);
            }
            let account = match attempt.account_id {
                Some(id) => wait(conn, PER_ACCOUNT, Counted::Account(id), now).await?,
                None => None,
            };
            longer(source, account)
        }
    })
}

impl Reserved {
    /// The password was right: in `conn`, the transaction of what it
    /// allows, the attempt is no failure and the consecutive count starts
    /// again.
    pub async fn succeeded(self, conn: &mut Conn) -> Result<(), AppError> {
        let Some(account_id) = self.account_id else {
            tracing::error!("a password was right for no account");
            return Err(AppError::Internal);
        };
        Ok(password_failures::succeeded(conn, self.id, account_id).await?)
    }

    /// The password was wrong: the failure stays, and the owner is told
    /// (an event, and a failed sign-in to count at the next one).
    pub async fn failed(self, db: &Db, meta: &RequestMeta, now: i64) -> Result<(), AppError> {
        let Some(account_id) = self.account_id else {
            return Ok(());
        };
        let mut tx = db.begin_write().await?;
        let kind = match self.purpose {
            Purpose::SignIn => {
                password_failures::note_failed_sign_in(&mut tx, account_id).await?;
                SecurityEventKind::PasswordFailed
            }
            Purpose::Confirmation => SecurityEventKind::PasswordConfirmationFailed,
        };
        events::record(&mut tx, account_id, kind, meta, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The wait `window` imposes on `counted`, as a refusal.
async fn wait(
    conn: &mut Conn,
    window: Window,
    counted: Counted<'_>,
    now: i64,
) -> Result<Option<AppError>, AppError> {
    let recent =
        password_failures::recent(conn, counted, now - window.seconds, window.failures).await?;
    Ok(window
        .retry_after(&recent, now)
        .map(|retry_after| AppError::RateLimited { retry_after }))
}

/// Of two refusals, the one that waits longer.
fn longer(a: Option<AppError>, b: Option<AppError>) -> Option<AppError> {
    let seconds = |e: &Option<AppError>| match e {
        Some(AppError::RateLimited { retry_after }) => *retry_after,
        _ => 0,
    };
    if seconds(&b) > seconds(&a) {
        b
    } else {
        a.or(b)
    }
}

/// One line per window in the activity that attempts were refused.
async fn note_refusal(
    conn: &mut Conn,
    account_id: i64,
    meta: &RequestMeta,
    now: i64,
) -> Result<(), AppError> {
    let kind = SecurityEventKind::PasswordThrottled;
    if !events::happened_since(conn, account_id, kind, now - WINDOW_SECONDS).await? {
        events::record(conn, account_id, kind, meta, now).await?;
    }
    Ok(())
}

/// The failed sign-ins since the account's last sign-in, for its new
/// session to tell once (`None` when there were none), counted from zero
/// again: in the transaction of that sign-in.
pub async fn take_failed_sign_ins(
    conn: &mut Conn,
    account_id: i64,
) -> Result<Option<u32>, AppError> {
    let count = password_failures::take_failed_sign_ins(conn, account_id).await?;
    Ok((count > 0).then(|| u32::try_from(count).unwrap_or(u32::MAX)))
}

/// Clears the account's password budgets and its hard cap, on `conn`
/// (the operator's unlock, a password reset).
pub async fn unlock(conn: &mut Conn, account_id: i64) -> Result<(), AppError> {
    Ok(password_failures::clear_account(conn, account_id).await?)
}

/// Deletes a batch of attempts that left every window; answers how many.
pub async fn delete_old(db: &Db, now: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::password_failures::delete_old(&db.pool, now - WINDOW_SECONDS, batch).await?)
}

/// Forgets a batch of browsers that have not signed in since `before`.
pub async fn forget_old_browsers(db: &Db, before: i64, batch: i64) -> Result<u64, AppError> {
    let _turn = db.write_turn().await;
    Ok(repo::known_browsers::delete_old(&db.pool, before, batch).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longer_wait_wins() {
        let wait = |retry_after| Some(AppError::RateLimited { retry_after });
        assert_eq!(longer(None, None), None);
        assert_eq!(longer(wait(3), None), wait(3));
        assert_eq!(longer(None, wait(4)), wait(4));
        assert_eq!(longer(wait(3), wait(9)), wait(9));
        assert_eq!(longer(wait(9), wait(3)), wait(9));
    }

    #[test]
    fn budgets_are_as_documented() {
        let times = |n: i64| (0..n).map(|i| 1000 - i).collect::<Vec<_>>();
        assert_eq!(PER_ACCOUNT.retry_after(&times(9), 1000), None);
        assert_eq!(PER_ACCOUNT.retry_after(&times(10), 1000), Some(891));
        assert_eq!(PER_SOURCE.retry_after(&times(29), 1000), None);
        assert!(PER_SOURCE.retry_after(&times(30), 1000).is_some());
        assert_eq!(PER_KNOWN_BROWSER.retry_after(&times(4), 1000), None);
        assert!(PER_KNOWN_BROWSER.retry_after(&times(5), 1000).is_some());
    }
}
