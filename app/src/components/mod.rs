//! The dashboard's views, rendered in the browser (server-rendered
//! fragments are in `crate::fragments`).

mod activity;
pub mod browser;
mod change_password;
mod confirm;
mod confirm_password;
mod delete_account;
mod dialog;
mod email;
mod fetched;
mod form_error;
mod language;
mod loaded_account;
mod methods;
mod recovery_codes;
mod recovery_dialog;
mod security_key;
mod server_html;
mod sessions;
mod settings;
mod setup_wizard;
mod tokens;
mod unlocked;

pub use activity::{ACTIVITY_FILE, SecurityActivity};
pub use change_password::ChangePasswordDialog;
pub use confirm::ConfirmDialog;
pub use confirm_password::ConfirmPasswordDialog;
pub use delete_account::DeleteAccountDialog;
pub use dialog::Modal;
pub use email::EmailPanel;
pub use form_error::{FormError, LoadError, invalid};
pub use language::LanguageSwitcher;
pub use loaded_account::LoadedAccount;
pub use methods::MethodsPanel;
pub use recovery_codes::RecoveryCodesPanel;
pub use recovery_dialog::RecoveryCodesDialog;
pub use security_key::SecurityKeyDialog;
pub use server_html::ServerHtml;
pub use sessions::SessionsTab;
pub use settings::SettingsFrame;
pub use setup_wizard::SetupWizard;
pub use tokens::{AccessTokensTab, TokenDoors};
pub use unlocked::{Unlocked, UnlockedStatus};
