//! Two-factor authentication, in parts with one job each: [`setup`] (an
//! authenticator app's set-up and confirmation, disabling), [`methods`]
//! (the account's methods as a list: renaming, removing), the
//! [`second_step`] of signing in (the throttle's gate, the replay guards,
//! codes and recovery codes), and [`recovery_codes`] (viewing,
//! regenerating, storing). The browser and the API call the same
//! functions.
//!
//! Every change that enables, disables or regenerates is one transaction
//! that the service begins and commits, with the session's move written
//! in it: a closed tab or a killed process leaves the account as before or
//! whole, never half. Every attempt (a set-up's code, a sign-in's factor)
//! passes the throttle gate first ([`pass_gate`], here because both use
//! it, and a passkey's sign-in in `webauthn::passkey`), which serializes
//! one account's attempts.

pub mod methods;
mod qr;
pub mod recovery_codes;
pub mod second_step;
pub mod setup;

pub use super::repo::two_factor::Status;

use super::AppState;
use super::dates::time_of_day;
use super::db::WriteTx;
use super::events::{self, RequestMeta};
use super::throttle::{self, Gate};
use crate::error::AppError;
use crate::types::SecurityEventKind;

pub async fn status(state: &AppState, account_id: i64) -> Result<Status, AppError> {
    Ok(super::repo::two_factor::status(&state.db.pool, account_id).await?)
}

/// Which attempts the hard cap still lets through.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtTheCap {
    Refuse,
    /// A recovery code may still unlock an account at the cap.
    LetThrough,
}

/// An attempt past the gate.
pub(crate) struct Passed {
    pub tx: WriteTx,
    /// A success has failures to clear.
    pub failures_on_record: bool,
    /// The account is at the hard cap (only a recovery code got through).
    pub capped: bool,
}

/// The throttle's gate, first in every attempt's transaction: answers the
/// transaction back with what the gate found, or commits the refusal
/// (with its activity line while throttled).
pub(crate) async fn pass_gate(
    mut tx: WriteTx,
    account_id: i64,
    now: i64,
    at_the_cap: AtTheCap,
    meta: &RequestMeta,
) -> Result<Passed, AppError> {
    match throttle::gate(&mut tx, account_id, now).await? {
        Gate::Open { failures_on_record } => Ok(Passed {
            tx,
            failures_on_record,
            capped: false,
        }),
        Gate::Throttled { retry_after } => throttled(tx, account_id, retry_after, meta, now).await,
        Gate::Capped if at_the_cap == AtTheCap::LetThrough => Ok(Passed {
            tx,
            failures_on_record: true,
            capped: true,
        }),
        Gate::Capped => {
            tx.commit().await?;
            Err(AppError::SecondFactorLocked)
        }
    }
}

/// Records a failed attempt (and its event) and commits it before
/// answering with `error`.
pub(crate) async fn fail<T>(
    mut tx: WriteTx,
    account_id: i64,
    now: i64,
    error: AppError,
    meta: &RequestMeta,
) -> Result<T, AppError> {
    throttle::record_failure(&mut tx, account_id, now).await?;
    let kind = SecurityEventKind::SecondFactorFailed;
    events::record(&mut tx, account_id, kind, meta, now).await?;
    if error == AppError::SecurityKeyCounterWentBack {
        // A cloned key: the owner must see it, not only a failure.
        let kind = SecurityEventKind::SecurityKeyCounterWentBack;
        events::record(&mut tx, account_id, kind, meta, now).await?;
    }
    tx.commit().await?;
    tracing::info!(account_id, "second factor refused");
    Err(error)
}

/// Refuses an attempt while the throttle holds, and says so in the activity.
async fn throttled<T>(
    mut tx: WriteTx,
    account_id: i64,
    retry_after: u64,
    meta: &RequestMeta,
    now: i64,
) -> Result<T, AppError> {
    // One line per window in the activity: a flood of refused attempts must
    // not push the events that matter out of sight.
    let kind = SecurityEventKind::SecondFactorThrottled;
    if !events::happened_since(&mut tx, account_id, kind, now - throttle::WINDOW_SECONDS).await? {
        events::record(&mut tx, account_id, kind, meta, now).await?;
    }
    tx.commit().await?;
    tracing::warn!(account_id, "second factor throttled");
    Err(AppError::RateLimited { retry_after })
}

/// A refused code, with the server's time of day for the person to
/// compare with the phone's clock.
fn invalid_code(now: i64) -> AppError {
    AppError::InvalidCode {
        server_time: time_of_day(now),
    }
}
