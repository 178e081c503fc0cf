//! Server functions: thin wrappers that authorize, validate, call the
//! domain code in `crate::server` and map its errors for the wire.

pub mod auth;
pub mod tokens;
pub mod two_factor;

#[cfg(feature = "ssr")]
mod context {
    use crate::server::session::Session;

    use crate::error::AppError;
    use crate::server::accounts::Account;
    use crate::server::{AppState, session};

    /// The state, the session and its signed-in account, or `Unauthorized`.
    pub async fn signed_in() -> Result<(AppState, Session, Account), AppError> {
        let state = AppState::from_context();
        let session = session::from_request().await?;
        let account = session.current_account().await?;
        Ok((state, session, account))
    }
}

#[cfg(feature = "ssr")]
pub(crate) use context::signed_in;
