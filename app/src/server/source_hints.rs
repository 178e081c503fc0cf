//! What this process has seen of the sources' password budgets: a source
//! found with its budget spent is refused again, for a second at most,
//! without asking the database. A flood from one address then costs the
//! server little more than reading its requests, and the database stays
//! the budget's one authority: a hint lasts [`HINT_SECONDS`] at most, so a
//! place freed in the window (an attempt in flight that turned out right)
//! is seen within that time, and every process keeps its own.
//!
//! Such a refusal is answered after [`PAUSE`]: a flood from one address
//! then gets one answer per connection per pause, instead of as many as
//! the server can write, and leaves the cores to the people signing in.
//! A paused request holds only its connection, which `--max-connections`
//! bounds as it bounds any other.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::AppError;

/// How long a hint is believed.
pub const HINT_SECONDS: i64 = 1;

/// How long a refusal from a hint waits before it is answered.
pub const PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// Sources remembered at most: past this, hints that ran out are dropped,
/// and if none did, no new one is taken (the database still answers).
const MAX_SOURCES: usize = 10_000;

#[derive(Debug, Default)]
pub struct SourceHints(Mutex<HashMap<String, Hint>>);

#[derive(Debug, Clone, Copy)]
struct Hint {
    /// Until when the hint is believed.
    believed_until: i64,
    /// When the database said the source's budget lifts.
    lifts_at: i64,
}

impl SourceHints {
    /// The refusal this process knows for `source` at `now`, if any.
    pub fn refusal(&self, source: &str, now: i64) -> Option<AppError> {
        let hints = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let hint = hints.get(source).filter(|hint| now < hint.believed_until)?;
        Some(AppError::RateLimited {
            retry_after: (hint.lifts_at - now).max(1) as u64,
        })
    }

    /// [`refusal`](Self::refusal), answered after [`PAUSE`] (and logged as
    /// the database's refusals are).
    pub async fn refuse(&self, source: &str, now: i64) -> Option<AppError> {
        let refusal = self.refusal(source, now)?;
        tracing::warn!("password attempt refused");
        tokio::time::sleep(PAUSE).await;
        Some(refusal)
    }

    /// The database said `source` must wait `retry_after` seconds from `now`.
    pub fn note(&self, source: &str, retry_after: u64, now: i64) {
        let lifts_at = now + i64::try_from(retry_after).unwrap_or(i64::MAX / 2);
        let hint = Hint {
            believed_until: (now + HINT_SECONDS).min(lifts_at),
            lifts_at,
        };
        let mut hints = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if hints.len() >= MAX_SOURCES && !hints.contains_key(source) {
            hints.retain(|_, hint| now < hint.believed_until);
            if hints.len() >= MAX_SOURCES {
                return;
            }
        }
        hints.insert(source.to_owned(), hint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_is_believed_for_a_second_and_tells_the_real_wait() {
        let hints = SourceHints::default();
        assert_eq!(hints.refusal("192.0.2.1", 1000), None);
        hints.note("192.0.2.1", 600, 1000);
        assert_eq!(
            hints.refusal("192.0.2.1", 1000),
            Some(AppError::RateLimited { retry_after: 600 })
        );
        assert_eq!(hints.refusal("192.0.2.2", 1000), None, "another source");
        assert_eq!(hints.refusal("192.0.2.1", 1001), None, "asked again");
    }

    #[test]
    fn a_wait_shorter_than_the_hint_ends_it() {
        let hints = SourceHints::default();
        hints.note("192.0.2.1", 0, 1000);
        assert_eq!(hints.refusal("192.0.2.1", 1000), None);
    }

    #[test]
    fn the_hints_are_bounded() {
        let hints = SourceHints::default();
        for i in 0..MAX_SOURCES {
            hints.note(&format!("source {i}"), 60, 1000);
        }
        hints.note("one more", 60, 1000);
        assert_eq!(hints.refusal("one more", 1000), None, "full: not taken");
        hints.note("one more", 60, 1001);
        assert!(
            hints.refusal("one more", 1001).is_some(),
            "the old ones ran out"
        );
        assert_eq!(hints.0.lock().unwrap().len(), 1);
    }
}
