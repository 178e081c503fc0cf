//! One module per page.

mod auth;
mod dashboard;
mod forgot;
mod not_found;
mod reset;
mod second_factor;
mod verify_email;
pub mod webauthn;

pub use auth::{LoginNotice, LoginPage, PublicTopBar, SignupPage};
pub use dashboard::DashboardPage;
pub use forgot::ForgotPage;
pub use not_found::NotFoundPage;
pub use reset::ResetPage;
pub use second_factor::SecondFactorPage;
pub use verify_email::{EmailConfirmedPage, VerifyEmailPage};
pub use webauthn::{Ceremony, WebAuthnPanel, webauthn_on};
