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

#[cfg(test)]
mod tests {
    use crate::types::Secret;

    /// The server functions' argument structs derive `Debug` (the macro
    /// does): what they carry that is secret prints as `Secret(..)`.
    #[test]
    fn arguments_never_print_their_secrets() {
        let printed = [
            format!(
                "{:?}",
                super::auth::SignIn {
                    login: "ana".into(),
                    password: Secret("hunter2 hunter2".into()),
                }
            ),
            format!(
                "{:?}",
                super::reauth::ConfirmPassword {
                    password: Secret("hunter2 hunter2".into()),
                }
            ),
            format!(
                "{:?}",
                super::second_step::VerifyRecoveryCode {
                    recovery_code: Secret("abcd-efgh-jkmn-pqrs".into()),
                }
            ),
            format!(
                "{:?}",
                super::two_factor::ConfirmTwoFactorSetup {
                    code: Secret("123456".into()),
                }
            ),
        ];
        for text in printed {
            assert!(text.contains("Secret(..)"), "{text}");
            for secret in ["hunter2", "abcd", "123456"] {
                assert!(!text.contains(secret), "{text}");
            }
        }
    }
}
