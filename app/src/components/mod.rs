//! Reusable pieces of the dashboard.

mod activity;
pub mod browser;
mod confirm;
mod confirm_password;
mod dialog;
mod fetched;
mod form_error;
mod language;
mod recovery_codes;
mod recovery_dialog;
mod server_html;
mod settings;
mod setup_wizard;
mod tokens;
mod unlocked;

#[cfg(feature = "ssr")]
pub use activity::ActivityList;
pub use activity::SecurityActivity;
pub use confirm::ConfirmDialog;
pub use confirm_password::ConfirmPasswordDialog;
pub use dialog::Modal;
pub use form_error::{FormError, LoadError, invalid, respond_with_status};
pub use language::LanguageSwitcher;
pub use recovery_codes::RecoveryCodesPanel;
pub use recovery_dialog::RecoveryCodesDialog;
pub use server_html::ServerHtml;
#[cfg(feature = "ssr")]
pub use server_html::render;
pub use settings::{LoadedAccount, SettingsFrame};
pub use setup_wizard::SetupWizard;
#[cfg(feature = "ssr")]
pub use tokens::TokenTable;
pub use tokens::{AccessTokensTab, TokenDoors};
pub use unlocked::{Unlocked, UnlockedStatus};
