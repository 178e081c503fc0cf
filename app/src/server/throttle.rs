//! Throttling of second-factor attempts, per account, in the database, so
//! it holds across sessions, fresh sign-ins and server processes.
//!
//! - 5 failures within a sliding 5-minute window refuse every attempt, the
//!   right code too, until the oldest of them leaves the window.
//! - 100 consecutive failures (no success between) lock authentication-app
//!   codes until a recovery code succeeds or an operator unlocks.
//! - A success clears both.
//!
//! [`gate`] begins by locking the account row (`repo::failures`), so one
//! account's attempts are judged one at a time, never in a race.

use super::repo::{self, Conn};
use crate::error::AppError;

pub const WINDOW_SECONDS: i64 = 300;
pub const FAILURES_PER_WINDOW: i64 = 5;
pub const HARD_CAP: i64 = 100;

const SECOND_FACTOR: Window = Window {
    failures: FAILURES_PER_WINDOW,
    seconds: WINDOW_SECONDS,
};

/// A sliding window: at most `failures` in any `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub failures: i64,
    pub seconds: i64,
}

impl Window {
    /// Given the latest failures (newest first, at most `failures` of
    /// them), how long until an attempt is allowed again, if it is not
    /// now. The window frees up when the oldest of them leaves it.
    pub fn retry_after(self, recent: &[i64], now: i64) -> Option<u64> {
        if (recent.len() as i64) < self.failures {
            return None;
        }
        let lifts_at = recent[recent.len() - 1] + self.seconds;
        Some((lifts_at - now).max(1) as u64)
    }
}

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

impl Gate {
    /// The decision, from the consecutive failures and the latest ones in
    /// the window (newest first, at most [`FAILURES_PER_WINDOW`]).
    pub fn decide(consecutive: i64, recent: &[i64], now: i64) -> Self {
        if let Some(retry_after) = SECOND_FACTOR.retry_after(recent, now) {
            Self::Throttled { retry_after }
        } else if consecutive >= HARD_CAP {
            Self::Capped
        } else {
            Self::Open {
                failures_on_record: consecutive > 0,
            }
        }
    }
}

/// Locks the account's attempts for this transaction and decides.
pub async fn gate(conn: &mut Conn, account_id: i64, now: i64) -> Result<Gate, AppError> {
    let consecutive = repo::failures::lock_consecutive(conn, account_id).await?;
    // Every failure row comes with an increment, and only a success (or
    // turning 2FA off) resets the count, deleting the rows: zero means
    // there are none to read.
    let recent = if consecutive == 0 {
        Vec::new()
    } else {
        repo::failures::recent(conn, account_id, now - WINDOW_SECONDS, FAILURES_PER_WINDOW).await?
    };
    Ok(Gate::decide(consecutive, &recent, now))
}

pub async fn record_failure(conn: &mut Conn, account_id: i64, now: i64) -> Result<(), AppError> {
    Ok(repo::failures::record(conn, account_id, now, now - WINDOW_SECONDS).await?)
}

/// Clears the failures a success ends, if the gate found any.
pub async fn record_success(
    conn: &mut Conn,
    account_id: i64,
    failures_on_record: bool,
) -> Result<(), AppError> {
    if failures_on_record {
        repo::failures::clear(conn, account_id).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_in_the_window_wait_for_the_oldest_to_leave() {
        let retry_after = |recent: &[i64], now| SECOND_FACTOR.retry_after(recent, now);
        assert_eq!(retry_after(&[100, 90, 80, 70], 110), None);
        assert_eq!(retry_after(&[100, 90, 80, 70, 60], 110), Some(250));
        assert_eq!(retry_after(&[100, 90, 80, 70, 60], 359), Some(1));
        // Never zero: "try again in 0 seconds" would be refused again.
        assert_eq!(retry_after(&[100, 90, 80, 70, 60], 360), Some(1));
    }

    #[test]
    fn the_gate_opens_throttles_or_caps() {
        let open = |failures_on_record| Gate::Open { failures_on_record };
        assert_eq!(Gate::decide(0, &[], 1000), open(false));
        assert_eq!(Gate::decide(4, &[990, 980, 970, 960], 1000), open(true));
        assert_eq!(
            Gate::decide(5, &[990, 980, 970, 960, 950], 1000),
            Gate::Throttled { retry_after: 250 }
        );
        // The window comes first: at the cap, recent failures still wait.
        assert_eq!(
            Gate::decide(HARD_CAP, &[990, 980, 970, 960, 950], 1000),
            Gate::Throttled { retry_after: 250 }
        );
        assert_eq!(Gate::decide(HARD_CAP, &[990], 1000), Gate::Capped);
        assert_eq!(Gate::decide(HARD_CAP - 1, &[], 1000), open(true));
    }
}
