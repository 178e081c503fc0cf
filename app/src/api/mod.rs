//! Server functions, one file per feature. Each is thin: authorize (with
//! the guards below), make one call into `crate::server`, answer. How they
//! travel is in [`transport`].

pub mod account;
pub mod activity;
pub mod auth;
pub mod email;
pub mod methods;
pub mod password;
pub mod reauth;
pub mod recovery;
pub mod second_step;
pub mod sessions;
pub mod tokens;
pub mod transport;
pub mod two_factor;
pub mod webauthn;

pub use transport::{Json, Rpc, action};

#[cfg(feature = "ssr")]
mod guard {
    use crate::error::AppError;
    use crate::server::caller::Caller;
    use crate::server::events::RequestMeta;
    use crate::server::{AppState, reauth, session};

    /// The state, the session and its signed-in account, or `Unauthorized`.
    pub async fn signed_in() -> Result<Caller, AppError> {
        let state = AppState::from_context();
        let session = session::from_request().await?;
        let account = session.current_account().await?;
        Ok(Caller {
            state,
            session,
            account,
            meta: RequestMeta::from_context(),
        })
    }

    /// [`signed_in`], with the password confirmed on this session within
    /// the last few minutes, or `ReauthRequired`.
    pub async fn reauthenticated() -> Result<Caller, AppError> {
        let caller = signed_in().await?;
        reauth::require(&caller.state, &caller.session).await?;
        Ok(caller)
    }
}

#[cfg(feature = "ssr")]
use guard::{reauthenticated, signed_in};
