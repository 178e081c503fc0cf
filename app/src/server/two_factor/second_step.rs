//! The second step of signing in: a code from any of the account's
//! authenticator apps, a security key or passkey, or a recovery code, for
//! the account a pending session names.
//!
//! Each attempt is one transaction: the throttle's gate first (which
//! serializes the account's attempts), then the check, then on success the
//! session signed in under a new token in the same transaction, so a code
//! is spent exactly when its sign-in lands.

use subtle::ConstantTimeEq;

use super::{AtTheCap, Passed, fail, invalid_code, pass_gate};
use crate::error::AppError;
use crate::server::AppState;
use crate::server::accounts::Account;
use crate::server::crypto::Purpose;
use crate::server::db::WriteTx;
use crate::server::events::{self, RequestMeta};
use crate::server::recovery::RecoveryCode;
use crate::server::repo;
use crate::server::repo::recovery_codes::UnusedCode;
use crate::server::session::Session;
use crate::server::throttle;
use crate::server::totp::{Code, TotpSecret, step_of};
use crate::server::webauthn;
use crate::types::{ClockDrift, SecurityEventKind};

/// What a person offers at the second sign-in step.
#[derive(Debug, Clone, Copy)]
pub enum SecondFactor<'a> {
    Code(&'a str),
    RecoveryCode(&'a str),
    /// The browser's answer (its JSON) to the WebAuthn ceremony `ceremony`.
    SecurityKey {
        ceremony: &'a str,
        response: &'a str,
    },
}

/// How a second factor was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// A code from the app, and which way the phone's clock looks off
    /// if the code matched a neighbouring step.
    Code {
        clock_drift: Option<ClockDrift>,
    },
    RecoveryCode {
        left: u32,
    },
    SecurityKey,
}

impl Accepted {
    /// A code that matched `step` while the server's clock says `now`.
    fn code(step: i64, now: i64) -> Self {
        Self::Code {
            clock_drift: ClockDrift::from_steps(step - step_of(now)),
        }
    }

    fn clock_drift(self) -> Option<ClockDrift> {
        match self {
            Self::Code { clock_drift } => clock_drift,
            Self::RecoveryCode { .. } | Self::SecurityKey => None,
        }
    }
}

/// The replay guard's rule: a code is good once, and never after a later one.
fn is_fresh(step: i64, last_used_step: i64) -> bool {
    step > last_used_step
}

/// The unused code whose lookup hash is `offered`, compared against every
/// one in constant time rather than letting an index lookup decide.
fn matching_code(offered: &[u8], unused: &[UnusedCode]) -> Option<i64> {
    let mut matched = None;
    for code in unused {
        if bool::from(code.lookup_hash.ct_eq(offered)) {
            matched = Some(code.id);
        }
    }
    matched
}

/// Checks the second factor of this pending sign-in and, if it is right,
/// signs the session in. A refusal is recorded and committed.
pub async fn verify(
    state: &AppState,
    session: &Session,
    factor: SecondFactor<'_>,
    meta: &RequestMeta,
) -> Result<(Account, Accepted), AppError> {
    let account = session.pending_account().await?;
    // A ceremony is taken (spent) before the attempt's transaction: on
    // SQLite that one holds the only write turn.
    let mut answer = match factor {
        SecondFactor::SecurityKey { ceremony, response } => {
            Some(webauthn::second_step::take(state, session, &account, ceremony, response).await?)
        }
        _ => None,
    };
    let now = state.clock.now();
    let tx = state.db.begin_write().await?;
    let at_the_cap = match factor {
        SecondFactor::Code(_) | SecondFactor::SecurityKey { .. } => AtTheCap::Refuse,
        SecondFactor::RecoveryCode(_) => AtTheCap::LetThrough,
    };
    let Passed {
        mut tx,
        failures_on_record,
        capped,
    } = pass_gate(tx, account.id, now, at_the_cap, meta).await?;
    let mut attempt = Attempt {
        tx: &mut tx,
        account_id: account.id,
        now,
    };
    let checked = match factor {
        SecondFactor::Code(input) => match Code::parse(input) {
            Ok(code) => check_code(state, &mut attempt, &code).await?,
            Err(error) => Err(error),
        },
        SecondFactor::RecoveryCode(input) => match RecoveryCode::parse(input) {
            Ok(code) => check_recovery_code(state, &mut attempt, &code).await?,
            // At the cap, input that cannot be a code records nothing: a
            // stream of it must not keep the account throttled for the
            // owner's own recovery code.
            Err(error) if capped => return Err(error),
            Err(error) => Err(error),
        },
        SecondFactor::SecurityKey { .. } => {
            let answer = answer.take().ok_or(AppError::Internal)?;
            webauthn::second_step::check(state, attempt.tx, account.id, answer, now)
                .await?
                .map(|()| {
                    (
                        Accepted::SecurityKey,
                        SecurityEventKind::SignedInWithSecurityKey,
                    )
                })
        }
    };
    let (accepted, kind) = match checked {
        Ok(accepted) => accepted,
        Err(error) => return fail(tx, account.id, now, error, meta).await,
    };
    throttle::record_success(&mut tx, account.id, failures_on_record).await?;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    let moved = session
        .finish_pending_on(&mut tx, &account, accepted.clock_drift())
        .await?;
    tx.commit().await?;
    session.adopt(moved).await;
    tracing::info!(
        account_id = account.id,
        ?accepted,
        "signed in with a second factor"
    );
    Ok((account, accepted))
}

/// The outcome of a check: accepted (and how, for the activity), or the
/// refusal to record. The outer `Result` is for failures of our own.
type Checked = Result<(Accepted, SecurityEventKind), AppError>;

/// An attempt past the gate, inside its transaction.
struct Attempt<'a> {
    tx: &'a mut WriteTx,
    account_id: i64,
    now: i64,
}

/// A code from any of the account's authenticator apps. Each app keeps
/// its own replay guard: a code is spent for the app whose secret made it.
async fn check_code(
    state: &AppState,
    attempt: &mut Attempt<'_>,
    code: &Code,
) -> Result<Checked, AppError> {
    let (account_id, now) = (attempt.account_id, attempt.now);
    let apps = repo::methods::apps(attempt.tx, account_id).await?;
    // 2FA was turned off while this sign-in waited: start again.
    if apps.is_empty()
        && !repo::two_factor::status(&mut **attempt.tx, account_id)
            .await?
            .enabled
    {
        return Err(AppError::Unauthorized);
    }
    for app in apps {
        let plain = state
            .vault
            .open(Purpose::TotpSecret, account_id, &app.sealed_secret)?;
        let Some(step) = TotpSecret::from_bytes(plain)?.matching_step(code, now) else {
            continue;
        };
        // Compare-and-set on the last used step, in the database, as well
        // as the rule on what this transaction read.
        let claimed = repo::methods::claim_step(attempt.tx, app.id, step, now).await?;
        if !is_fresh(step, app.last_used_step) || !claimed {
            tracing::warn!(account_id, "replayed authentication code refused");
            return Ok(Err(invalid_code(now)));
        }
        let kind = SecurityEventKind::SignedInWithCode;
        return Ok(Ok((Accepted::code(step, now), kind)));
    }
    Ok(Err(invalid_code(now)))
}

async fn check_recovery_code(
    state: &AppState,
    attempt: &mut Attempt<'_>,
    code: &RecoveryCode,
) -> Result<Checked, AppError> {
    let account_id = attempt.account_id;
    let offered = state.vault.lookup_hash(account_id, code.normalized());
    let unused = repo::recovery_codes::unused(attempt.tx, account_id).await?;
    let Some(id) = matching_code(&offered, &unused) else {
        return Ok(Err(AppError::InvalidRecoveryCode));
    };
    if !repo::recovery_codes::spend(attempt.tx, id, attempt.now).await? {
        return Ok(Err(AppError::InvalidRecoveryCode));
    }
    let left = unused.len().saturating_sub(1) as u32;
    let kind = SecurityEventKind::SignedInWithRecoveryCode;
    Ok(Ok((Accepted::RecoveryCode { left }, kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_good_once_and_never_after_a_later_one() {
        assert!(is_fresh(101, 100));
        assert!(!is_fresh(100, 100), "the same step twice");
        assert!(!is_fresh(99, 100), "an earlier step after a later one");
    }

    #[test]
    fn the_matched_step_says_which_way_the_clock_is_off() {
        let now = 30 * 1000 + 7;
        assert_eq!(Accepted::code(1000, now).clock_drift(), None);
        assert_eq!(
            Accepted::code(1001, now).clock_drift(),
            Some(ClockDrift::Ahead)
        );
        assert_eq!(
            Accepted::code(999, now).clock_drift(),
            Some(ClockDrift::Behind)
        );
        assert_eq!(Accepted::RecoveryCode { left: 3 }.clock_drift(), None);
    }

    #[test]
    fn a_recovery_code_matches_only_its_own_hash() {
        let unused = [
            UnusedCode {
                id: 7,
                lookup_hash: vec![1; 32],
            },
            UnusedCode {
                id: 9,
                lookup_hash: vec![2; 32],
            },
        ];
        assert_eq!(matching_code(&[2; 32], &unused), Some(9));
        assert_eq!(matching_code(&[3; 32], &unused), None);
        assert_eq!(
            matching_code(&[2; 31], &unused),
            None,
            "a prefix is no match"
        );
        assert_eq!(matching_code(&[1; 32], &[]), None);
    }
}
