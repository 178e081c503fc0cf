//! Reusable pieces of the dashboard.

mod browser;
mod confirm_password;
mod dialog;
mod form_error;
mod recovery_codes;
mod settings;
mod setup_wizard;

pub use confirm_password::ConfirmPasswordDialog;
pub use dialog::Modal;
pub use form_error::FormError;
pub use recovery_codes::RecoveryCodesPanel;
pub use settings::SettingsFrame;
pub use setup_wizard::SetupWizard;
