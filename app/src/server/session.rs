//! What a session says about who is signed in.
//!
//! The session record (in the database, via tower-sessions) holds the
//! account id and the account's session epoch at sign-in. A session whose
//! epoch no longer matches the account's is dead: bumping the epoch ends
//! every session of an account at once, on every server process.
//!
//! After a correct password on an account with 2FA the session is only
//! *pending*: it names the account for the second step and nothing else
//! accepts it. Each step (password, second factor, re-authentication)
//! issues a new session id.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::accounts::{self, Account};
use super::db::Db;
use crate::error::AppError;
use crate::types::ClockDrift;

const AUTH_KEY: &str = "auth";
const REAUTH_KEY: &str = "reauthenticated_at";
const CLOCK_DRIFT_KEY: &str = "clock_drift";

/// A pending sign-in must be finished within this time.
pub const PENDING_SECONDS: i64 = 10 * 60;

#[derive(Debug, Clone, Serialize, Deserialize)]
enum SessionAuth {
    SignedIn {
        account_id: i64,
        epoch: i64,
    },
    Pending {
        account_id: i64,
        epoch: i64,
        since: i64,
    },
}

/// The request's session, put there by the session layer.
pub async fn from_request() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "session layer missing");
        AppError::Internal
    })
}

/// A new id for a session that has one, against fixation. A session never
/// stored has no id anyone could know, and gets a fresh one when saved:
/// rotating it would only delete a record that does not exist.
async fn renew_id(session: &Session) -> Result<(), AppError> {
    if session.id().is_some() {
        session.cycle_id().await?;
    }
    Ok(())
}

/// Signs `account` in on this session, under a new session id: an id seen
/// before sign-in (by a network observer or a planted cookie) is dead.
pub async fn sign_in(session: &Session, account: &Account) -> Result<(), AppError> {
    renew_id(session).await?;
    session.remove_value(REAUTH_KEY).await?;
    session
        .insert(
            AUTH_KEY,
            SessionAuth::SignedIn {
                account_id: account.id,
                epoch: account.session_epoch,
            },
        )
        .await?;
    Ok(())
}

/// The password was right; the second factor is still to come. The
/// session can do nothing but finish signing in.
pub async fn begin_pending(session: &Session, account: &Account, now: i64) -> Result<(), AppError> {
    renew_id(session).await?;
    session
        .insert(
            AUTH_KEY,
            SessionAuth::Pending {
                account_id: account.id,
                epoch: account.session_epoch,
                since: now,
            },
        )
        .await?;
    Ok(())
}

async fn live_account(db: &Db, account_id: i64, epoch: i64) -> Result<Account, AppError> {
    match accounts::find_by_id(db, account_id).await? {
        Some(account) if account.session_epoch == epoch => Ok(account),
        _ => Err(AppError::Unauthorized),
    }
}

/// After a change that ended the account's other sessions, this session
/// carries on under a new id with the epoch that change set.
pub async fn continue_after_change(
    session: &Session,
    account: &Account,
    session_epoch: i64,
) -> Result<(), AppError> {
    let account = Account {
        session_epoch,
        ..account.clone()
    };
    sign_in(session, &account).await
}

/// The signed-in account, or `Unauthorized` (a pending sign-in included).
pub async fn current_account(session: &Session, db: &Db) -> Result<Account, AppError> {
    match session.get::<SessionAuth>(AUTH_KEY).await? {
        Some(SessionAuth::SignedIn { account_id, epoch }) => {
            live_account(db, account_id, epoch).await
        }
        _ => Err(AppError::Unauthorized),
    }
}

/// The account of a pending sign-in, taken from the server-side session
/// only, or `Unauthorized` if there is none or it expired.
pub async fn pending_account(session: &Session, db: &Db, now: i64) -> Result<Account, AppError> {
    match session.get::<SessionAuth>(AUTH_KEY).await? {
        Some(SessionAuth::Pending {
            account_id,
            epoch,
            since,
        }) if now - since <= PENDING_SECONDS => live_account(db, account_id, epoch).await,
        _ => Err(AppError::Unauthorized),
    }
}

/// Records a successful password confirmation on this session, under a
/// new session id.
pub async fn mark_reauthenticated(session: &Session, now: i64) -> Result<(), AppError> {
    renew_id(session).await?;
    session.insert(REAUTH_KEY, now).await?;
    Ok(())
}

/// Sensitive actions need a password confirmation on this very session
/// within the last `max_age` seconds.
pub async fn require_reauthenticated(
    session: &Session,
    now: i64,
    max_age: i64,
) -> Result<(), AppError> {
    reauthenticated_at(session, now, max_age)
        .await?
        .map(|_| ())
        .ok_or(AppError::ReauthRequired)
}

/// When this session last confirmed the password, if that confirmation
/// still unlocks sensitive actions: the one rule for the window.
async fn reauthenticated_at(
    session: &Session,
    now: i64,
    max_age: i64,
) -> Result<Option<i64>, AppError> {
    Ok(session
        .get::<i64>(REAUTH_KEY)
        .await?
        .filter(|at| *at <= now && now - at <= max_age))
}

/// Seconds left before sensitive actions lock again, or `None` if they
/// are locked.
pub async fn unlocked_for(
    session: &Session,
    now: i64,
    max_age: i64,
) -> Result<Option<u32>, AppError> {
    Ok(reauthenticated_at(session, now, max_age)
        .await?
        .map(|at| max_age - (now - at))
        .filter(|left| *left > 0)
        .and_then(|left| u32::try_from(left).ok()))
}

/// Lock now: sensitive actions need the password again.
pub async fn lock(session: &Session) -> Result<(), AppError> {
    session.remove_value(REAUTH_KEY).await?;
    Ok(())
}

/// Remembers, for the dashboard to say once, that the code just accepted
/// matched a neighbouring time step.
pub async fn note_clock_drift(session: &Session, drift: ClockDrift) -> Result<(), AppError> {
    session.insert(CLOCK_DRIFT_KEY, drift).await?;
    Ok(())
}

/// The noted clock drift, forgotten as it is read. Only a note that is
/// there is removed: removing marks the session changed, and every
/// dashboard load would otherwise write the session back to the database.
pub async fn take_clock_drift(session: &Session) -> Result<Option<ClockDrift>, AppError> {
    let drift = session.get::<ClockDrift>(CLOCK_DRIFT_KEY).await?;
    if drift.is_some() {
        session.remove_value(CLOCK_DRIFT_KEY).await?;
    }
    Ok(drift)
}

/// Ends the session: its record is deleted from the store and the cookie
/// is cleared, so the old id is refused from now on.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}
