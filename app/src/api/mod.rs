//! Server functions: thin wrappers that authorize, validate, call the
//! domain code in `crate::server` and map its errors for the wire.

pub mod auth;
pub mod two_factor;

#[cfg(feature = "ssr")]
mod context {
    use tower_sessions::Session;

    use crate::error::AppError;
    use crate::server::accounts::Account;
    use crate::server::{AppState, session};

    /// The state, the session and its signed-in account, or `Unauthorized`.
    pub async fn signed_in() -> Result<(AppState, Session, Account), AppError> {
        let state = AppState::from_context();
        let session = session::from_request().await?;
        let account = session::current_account(&session, &state.db).await?;
        Ok((state, session, account))
    }

    /// After a change that ended the account's other sessions (its epoch
    /// moved on), this session carries on under a new id and the new epoch.
    pub async fn continue_session(
        state: &AppState,
        session: &Session,
        account_id: i64,
    ) -> Result<(), AppError> {
        let account = crate::server::accounts::find_by_id(&state.db, account_id)
            .await?
            .ok_or(AppError::Unauthorized)?;
        session::sign_in(session, &account).await
    }
}

#[cfg(feature = "ssr")]
pub(crate) use context::{continue_session, signed_in};
