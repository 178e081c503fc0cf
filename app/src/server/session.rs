//! What a session says about who is signed in.
//!
//! The session record (in the database, via tower-sessions) holds the
//! account id and the account's session epoch at sign-in. A session whose
//! epoch no longer matches the account's is dead: bumping the epoch ends
//! every session of an account at once, on every server process.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::accounts::{self, Account};
use super::db::Db;
use crate::error::AppError;

const AUTH_KEY: &str = "auth";

#[derive(Debug, Clone, Serialize, Deserialize)]
enum SessionAuth {
    SignedIn { account_id: i64, epoch: i64 },
}

/// The request's session, put there by the session layer.
pub async fn from_request() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "session layer missing");
        AppError::Internal
    })
}

/// Signs `account` in on this session, under a new session id: an id seen
/// before sign-in (by a network observer or a planted cookie) is dead.
pub async fn sign_in(session: &Session, account: &Account) -> Result<(), AppError> {
    session.cycle_id().await?;
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

/// The signed-in account, or `Unauthorized`.
pub async fn current_account(session: &Session, db: &Db) -> Result<Account, AppError> {
    let Some(SessionAuth::SignedIn { account_id, epoch }) =
        session.get::<SessionAuth>(AUTH_KEY).await?
    else {
        return Err(AppError::Unauthorized);
    };
    match accounts::find_by_id(db, account_id).await? {
        Some(account) if account.session_epoch == epoch => Ok(account),
        _ => Err(AppError::Unauthorized),
    }
}

/// Ends the session: its record is deleted from the store and the cookie
/// is cleared, so the old id is refused from now on.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}
