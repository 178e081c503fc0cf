//! Delete Account: the login typed out, then the password (counted in the
//! account's password budget). One statement deletes the account, and the
//! database's cascades take everything that belongs to it in the same
//! transaction: sessions, the second factor, recovery codes, tokens,
//! events, throttle rows, known browsers and reset links. The login is
//! free again afterwards.

use super::caller::Caller;
use super::reauth;
use super::repo;
use crate::error::{AppError, Reason};

pub async fn delete(caller: &Caller, typed_login: &str, password: String) -> Result<(), AppError> {
    let (state, session, account, _) = caller.parts();
    if typed_login.trim() != account.login {
        return Err(AppError::validation("login", Reason::LoginMismatch));
    }
    reauth::check_password(caller, password).await?;
    let mut tx = state.db.begin_write().await?;
    if !repo::accounts::delete(&mut tx, account.id).await? {
        return Err(AppError::Unauthorized);
    }
    tx.commit().await?;
    session.sign_out().await?;
    tracing::info!(account_id = account.id, "account deleted by its owner");
    Ok(())
}
