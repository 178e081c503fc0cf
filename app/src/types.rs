//! Data both sides see. Never a hash, a secret or a stored code.

use serde::{Deserialize, Serialize};

/// The signed-in account as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub login: String,
    pub two_factor_enabled: bool,
    /// Unused recovery codes; `None` while 2FA is off.
    pub recovery_codes_left: Option<u32>,
}

/// Step 1 of the set-up wizard: what the authenticator app needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupChallenge {
    pub issuer: String,
    pub account: String,
    /// The key to type by hand, base32 in groups of four.
    pub manual_key: String,
    /// The `otpauth://` URI as a QR code, an inline SVG rendered server-side.
    pub qr_svg: String,
    pub expires_in_minutes: u32,
}

/// A set of recovery codes, as shown once after set-up and downloaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub login: String,
    pub set_number: u32,
    /// `YYYY-MM-DD`, the day the set was generated.
    pub generated_on: String,
    pub codes: Vec<String>,
}

impl RecoveryCodes {
    /// The name of the downloaded file.
    pub const FILE_NAME: &'static str = "twofold-recovery-codes.txt";

    /// The content of the downloaded file.
    pub fn file_text(&self) -> String {
        let mut text = format!(
            "Twofold recovery codes\nAccount: {}\nSet {}, generated {}\n\n",
            self.login, self.set_number, self.generated_on
        );
        for code in &self.codes {
            text.push_str(code);
            text.push('\n');
        }
        text.push_str(
            "\nEach code signs you in once if you cannot use your authentication app.\n\
             Keep them somewhere safe. A newer set replaces this one.\n",
        );
        text
    }
}

/// A sign-in waiting for its second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub login: String,
}
