//! Server functions, one file per feature. Each is thin: authorize (with
//! the guards below), make one call into `crate::server`, answer. How they
//! travel is in [`transport`].

pub mod account;
pub mod activity;
pub mod auth;
pub mod reauth;
pub mod recovery;
pub mod second_step;
pub mod tokens;
pub mod transport;
pub mod two_factor;

pub use transport::{Json, Rpc, action};

#[cfg(feature = "ssr")]
mod guard {
    use crate::error::AppError;
    use crate::server::accounts::Account;
    use crate::server::events::RequestMeta;
    use crate::server::session::{self, Session};
    use crate::server::{AppState, reauth};

    /// What a server function for a signed-in account works with.
    pub struct SignedIn {
        pub state: AppState,
        pub session: Session,
        pub account: Account,
        pub meta: RequestMeta,
    }

    /// The state, the session and its signed-in account, or `Unauthorized`.
    pub async fn signed_in() -> Result<SignedIn, AppError> {
        let state = AppState::from_context();
        let session = session::from_request().await?;
        let account = session.current_account().await?;
        Ok(SignedIn {
            state,
            session,
            account,
            meta: RequestMeta::from_context(),
        })
    }

    /// [`signed_in`], with the password confirmed on this session within
    /// the last few minutes, or `ReauthRequired`.
    pub async fn reauthenticated() -> Result<SignedIn, AppError> {
        let signed_in = signed_in().await?;
        reauth::require(&signed_in.state, &signed_in.session).await?;
        Ok(signed_in)
    }
}

#[cfg(feature = "ssr")]
use guard::{SignedIn, reauthenticated, signed_in};
