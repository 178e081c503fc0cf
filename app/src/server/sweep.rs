//! The periodic sweep: deletes rows that are refused or shown no more
//! (dead sessions, password failures out of every window, browsers unseen
//! for 400 days, reset and email links a day past their time, mail sent a
//! week ago, security events past
//! their keeping). Each delete takes
//! a small batch, and SQLite's write turn is given back between batches,
//! so requests never wait long behind it.

use super::AppState;
use super::email_address;
use super::events;
use super::mail;
use super::password_attempts;
use super::password_reset;
use super::session;
use super::webauthn;
use crate::error::AppError;

/// Rows per delete.
pub const BATCH: i64 = 500;

/// Known browsers and security events are kept this long.
pub const KEEP_SECONDS: i64 = 400 * 24 * 60 * 60;

/// And at most this many events per account.
pub const EVENTS_PER_ACCOUNT: i64 = 2_000;

/// A spent or expired reset link is kept a day, so that whoever opens it
/// is told it was used or expired, not that it never existed.
const DAY_SECONDS: i64 = 24 * 60 * 60;

/// One sweep; what could not be deleted now is tried at the next.
pub async fn run(state: &AppState) {
    let now = state.clock.now();
    let max = state.settings.session_max_seconds;
    let db = &state.db;
    sweep("dead sessions", || {
        session::delete_dead(db, now, max, BATCH)
    })
    .await;
    sweep("old password failures", || {
        password_attempts::delete_old(db, now, BATCH)
    })
    .await;
    sweep("browsers not seen for 400 days", || {
        password_attempts::forget_old_browsers(db, now - KEEP_SECONDS, BATCH)
    })
    .await;
    sweep("reset links expired a day ago", || {
        password_reset::delete_old(db, now - DAY_SECONDS, BATCH)
    })
    .await;
    sweep("reset requests a day old", || {
        password_reset::delete_old_requests(db, now - DAY_SECONDS, BATCH)
    })
    .await;
    sweep("email links expired a day ago", || {
        email_address::delete_old(db, now - DAY_SECONDS, BATCH)
    })
    .await;
    sweep("mail sent or given up on a week ago", || {
        mail::sender::delete_done(db, now - 7 * DAY_SECONDS, BATCH)
    })
    .await;
    sweep("expired WebAuthn ceremonies", || {
        webauthn::ceremony::delete_expired(db, now, BATCH)
    })
    .await;
    sweep("old security events", || {
        events::prune(db, now - KEEP_SECONDS, EVENTS_PER_ACCOUNT, BATCH)
    })
    .await;
}

/// Runs `delete` until a batch comes back short; logs the total.
async fn sweep<F, Fut>(what: &str, delete: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<u64, AppError>>,
{
    let mut total = 0;
    loop {
        match delete().await {
            Ok(deleted) => {
                total += deleted;
                if deleted < BATCH as u64 {
                    break;
                }
                tokio::task::yield_now().await;
            }
            Err(error) => {
                tracing::warn!(?error, what, "sweep stopped");
                break;
            }
        }
    }
    if total > 0 {
        tracing::info!(deleted = total, what, "swept");
    }
}
