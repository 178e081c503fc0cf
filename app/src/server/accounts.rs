//! Accounts: creating one, and the login key it is found by.

pub use super::repo::accounts::{Account, PasswordHash};

use super::AppState;
use super::repo;
use crate::error::AppError;

/// The case-insensitive key a login is found and kept unique by.
pub fn login_key(login: &str) -> String {
    login.to_ascii_lowercase()
}

/// Creates an account, or returns `None` when the login is taken (two
/// sign-ups racing for one login cannot both win: see the repo).
pub async fn create(
    state: &AppState,
    login: &str,
    password_hash: &PasswordHash,
) -> Result<Option<Account>, AppError> {
    let _turn = state.db.write_turn().await;
    let now = state.clock.now();
    Ok(
        repo::accounts::insert(&state.db.pool, login, &login_key(login), password_hash, now)
            .await?,
    )
}

pub async fn find_by_id(state: &AppState, id: i64) -> Result<Option<Account>, AppError> {
    Ok(repo::accounts::find_by_id(&state.db.pool, id).await?)
}

/// The account and its password hash, for checking a password.
pub async fn find_with_hash(
    state: &AppState,
    login: &str,
) -> Result<Option<(Account, PasswordHash)>, AppError> {
    Ok(repo::accounts::find_with_hash(&state.db.pool, &login_key(login)).await?)
}
