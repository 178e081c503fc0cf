//! Throttling of second-factor attempts, per account, in the database, so
//! it holds across sessions, fresh sign-ins and server processes.
//!
//! - 5 failures within a sliding 5-minute window refuse every attempt, the
//!   right code too, until the oldest of them leaves the window.
//! - 100 consecutive failures (no success between) lock authentication-app
//!   codes until a recovery code succeeds or an operator unlocks.
//! - A success clears both.
//!
//! [`gate`] begins with an UPDATE of the account row: inside a transaction
//! that locks the row (PostgreSQL) or the database (SQLite) until commit,
//! so one account's attempts are judged one at a time, never in a race.

use sqlx::AnyConnection;

pub const WINDOW_SECONDS: i64 = 300;
pub const FAILURES_PER_WINDOW: i64 = 5;
pub const HARD_CAP: i64 = 100;

#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// `failures_on_record`: a success has failures to clear. Without
    /// any, the success changes nothing here, and skips two statements.
    Open { failures_on_record: bool },
    /// Too many recent failures; try again after `retry_after` seconds.
    Throttled { retry_after: u64 },
    /// The hard cap: only a recovery code may be tried.
    Capped,
}

pub async fn gate(
    conn: &mut AnyConnection,
    account_id: i64,
    now: i64,
) -> Result<Gate, sqlx::Error> {
    let consecutive: i64 = sqlx::query_scalar(
        "UPDATE accounts SET second_factor_failures = second_factor_failures
         WHERE id = $1 RETURNING second_factor_failures",
    )
    .bind(account_id)
    .fetch_one(&mut *conn)
    .await?;
    // Every failure row comes with an increment, and only a success (or
    // turning 2FA off) resets the count, deleting the rows: zero means
    // there are none to read.
    if consecutive == 0 {
        return Ok(Gate::Open {
            failures_on_record: false,
        });
    }
    let recent: Vec<i64> = sqlx::query_scalar(
        "SELECT failed_at FROM second_factor_failures
         WHERE account_id = $1 AND failed_at > $2
         ORDER BY failed_at DESC LIMIT $3",
    )
    .bind(account_id)
    .bind(now - WINDOW_SECONDS)
    .bind(FAILURES_PER_WINDOW)
    .fetch_all(&mut *conn)
    .await?;
    if let Some(retry_after) = retry_after(&recent, now) {
        return Ok(Gate::Throttled { retry_after });
    }
    if consecutive >= HARD_CAP {
        return Ok(Gate::Capped);
    }
    Ok(Gate::Open {
        failures_on_record: true,
    })
}

/// Given the latest failures (newest first, at most five), how long until
/// an attempt is allowed again, if it is not now. The window frees up when
/// the oldest of the last five leaves it.
fn retry_after(recent: &[i64], now: i64) -> Option<u64> {
    if (recent.len() as i64) < FAILURES_PER_WINDOW {
        return None;
    }
    let lifts_at = recent[recent.len() - 1] + WINDOW_SECONDS;
    Some((lifts_at - now).max(1) as u64)
}

/// Password confirmations (the pop-up) get the same window, counted over
/// their failure events: a stolen session cannot guess the password at
/// leisure to unlock the sensitive actions.
pub async fn password_confirmation_retry_after(
    db: &super::db::Db,
    account_id: i64,
    now: i64,
) -> Result<Option<u64>, sqlx::Error> {
    let recent = super::events::times_since(
        db,
        account_id,
        crate::types::SecurityEventKind::PasswordConfirmationFailed,
        now - WINDOW_SECONDS,
        FAILURES_PER_WINDOW,
    )
    .await?;
    Ok(retry_after(&recent, now))
}

pub async fn record_failure(
    conn: &mut AnyConnection,
    account_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM second_factor_failures WHERE account_id = $1 AND failed_at <= $2")
        .bind(account_id)
        .bind(now - WINDOW_SECONDS)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO second_factor_failures (account_id, failed_at) VALUES ($1, $2)")
        .bind(account_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE accounts SET second_factor_failures = second_factor_failures + 1 WHERE id = $1",
    )
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Clears the failures a success ends, if the gate found any.
pub async fn record_success(
    conn: &mut AnyConnection,
    account_id: i64,
    failures_on_record: bool,
) -> Result<(), sqlx::Error> {
    if !failures_on_record {
        return Ok(());
    }
    sqlx::query("DELETE FROM second_factor_failures WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE accounts SET second_factor_failures = 0 WHERE id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_in_the_window_wait_for_the_oldest_to_leave() {
        assert_eq!(retry_after(&[100, 90, 80, 70], 110), None);
        assert_eq!(retry_after(&[100, 90, 80, 70, 60], 110), Some(250));
        assert_eq!(retry_after(&[100, 90, 80, 70, 60], 359), Some(1));
        // Never zero: "try again in 0 seconds" would be refused again.
        assert_eq!(retry_after(&[100, 90, 80, 70, 60], 360), Some(1));
    }
}
