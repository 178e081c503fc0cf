//! The server's clock, in unix seconds. Tests move it forward to cross
//! TOTP steps and throttle windows without sleeping; in production the
//! offset stays zero. A test that compares durations to the second can
//! also stop the clock, so that a second boundary crossed while it runs
//! does not change the answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
    /// The second the clock stands still at, or 0 while it runs.
    stopped_at: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> i64 {
        let stopped = self.stopped_at.load(Ordering::Relaxed);
        let system = if stopped != 0 {
            stopped
        } else {
            Self::system()
        };
        system + self.offset.load(Ordering::Relaxed)
    }

    fn system() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }

    /// Stops this clock (and every clone of it) at the current second;
    /// from then on only `advance` moves it.
    pub fn stop(&self) {
        self.stopped_at.store(Self::system(), Ordering::Relaxed);
    }

    /// Moves this clock (and every clone of it) forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::Relaxed);
    }
}
