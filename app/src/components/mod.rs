//! The dashboard's views, rendered in the browser (server-rendered
//! fragments are in `crate::fragments`).

mod activity;
pub mod browser;
mod confirm;
mod confirm_password;
mod dialog;
mod fetched;
mod form_error;
mod language;
mod loaded_account;
mod recovery_codes;
mod recovery_dialog;
mod server_html;
mod settings;
mod setup_wizard;
mod tokens;
mod unlocked;

pub use activity::SecurityActivity;
pub use confirm::ConfirmDialog;
pub use confirm_password::ConfirmPasswordDialog;
pub use dialog::Modal;
pub use form_error::{FormError, LoadError, invalid};
pub use language::LanguageSwitcher;
pub use loaded_account::LoadedAccount;
pub use recovery_codes::RecoveryCodesPanel;
pub use recovery_dialog::RecoveryCodesDialog;
pub use server_html::ServerHtml;
pub use settings::SettingsFrame;
pub use setup_wizard::SetupWizard;
pub use tokens::{AccessTokensTab, TokenDoors};
pub use unlocked::{Unlocked, UnlockedStatus};
