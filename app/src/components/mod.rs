//! Reusable pieces of the dashboard.

mod form_error;
mod settings;

pub use form_error::FormError;
pub use settings::SettingsFrame;
