//! One module per page.

mod auth;
mod dashboard;
mod not_found;
mod second_factor;

pub use auth::{LoginPage, PublicTopBar, SignupPage};
pub use dashboard::DashboardPage;
pub use not_found::NotFoundPage;
pub use second_factor::SecondFactorPage;
