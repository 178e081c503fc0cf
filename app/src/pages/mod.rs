//! One module per page.

mod auth;
mod dashboard;
mod not_found;

pub use auth::{LoginPage, SignupPage};
pub use dashboard::DashboardPage;
pub use not_found::NotFoundPage;
