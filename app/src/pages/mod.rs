//! One module per page.

mod auth;
mod dashboard;
mod not_found;
mod reset;
mod second_factor;
pub mod webauthn;

pub use auth::{LoginNotice, LoginPage, PublicTopBar, SignupPage};
pub use dashboard::DashboardPage;
pub use not_found::NotFoundPage;
pub use reset::ResetPage;
pub use second_factor::SecondFactorPage;
pub use webauthn::{Ceremony, WebAuthnPanel, webauthn_on};
