//! Data both sides see. Never a hash, a secret or a stored code.

use serde::{Deserialize, Serialize};

mod event_kind;
pub use event_kind::SecurityEventKind;

/// A password or code as a person typed it, in a server function's
/// arguments: sent and read as a plain string, never printed (`Debug` says
/// `Secret(..)`; the arguments' structs derive `Debug`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The signed-in account as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub login: String,
    pub two_factor_enabled: bool,
    /// Unused recovery codes; `None` while 2FA is off.
    pub recovery_codes_left: Option<u32>,
    /// Seconds sensitive actions stay unlocked after the last password
    /// confirmation on this session; `None` when locked.
    pub unlocked_for: Option<u32>,
    /// Set once, right after a sign-in whose code matched a neighbouring
    /// time step.
    pub clock_drift: Option<ClockDrift>,
    /// Set once, right after a sign-in that failed password attempts came
    /// before: how many, since the sign-in before.
    pub failed_sign_ins: Option<u32>,
    /// The names of the personal access tokens that can reach the account
    /// now (neither revoked nor expired): the doors that skip the second
    /// factor, shown next to it.
    pub active_tokens: Vec<String>,
    /// Security keys and passkeys are on (the public URL can be a WebAuthn
    /// relying party).
    pub webauthn: bool,
    /// The verified email address, where notices go.
    pub email: Option<String>,
    /// An address waiting for its confirmation link to be opened.
    pub email_waiting: Option<String>,
    /// Whether the informational notices (new browser, token created) are
    /// mailed.
    pub mail_informational: bool,
}

/// Which way the phone's clock looks off, from the time step its code
/// matched: the step after the server's (ahead) or the one before (behind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockDrift {
    Ahead,
    Behind,
}

impl ClockDrift {
    /// From the matched step minus the server's current step.
    pub fn from_steps(steps: i64) -> Option<Self> {
        match steps.signum() {
            1 => Some(Self::Ahead),
            -1 => Some(Self::Behind),
            _ => None,
        }
    }
}

/// Step 1 of the set-up wizard: what the authenticator app needs.
/// (`Debug` hides the key: it is a secret.)
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupChallenge {
    pub issuer: String,
    pub account: String,
    /// The key to type by hand, base32 in groups of four.
    pub manual_key: String,
    /// The `otpauth://` URI as a QR code, an inline SVG rendered server-side.
    pub qr_svg: String,
    pub expires_in_minutes: u32,
}

/// A set of recovery codes, as shown and downloaded. (`Debug` hides the
/// codes.)
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub login: String,
    pub set_number: u32,
    /// `YYYY-MM-DD`, the day the set was generated.
    pub generated_on: String,
    pub codes: Vec<RecoveryCodeEntry>,
    /// Only in the answer to a set-up whose code matched a neighbouring
    /// time step: the phone's clock looks off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_drift: Option<ClockDrift>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodeEntry {
    /// `abcd-efgh-jkmn-pqrs`
    pub code: String,
    /// When it was used to sign in, `YYYY-MM-DD HH:MM UTC`; `None` if unused.
    pub used_at: Option<String>,
}

impl RecoveryCodes {
    pub fn left(&self) -> usize {
        self.codes
            .iter()
            .filter(|entry| entry.used_at.is_none())
            .count()
    }

    /// The codes still usable, one a line, for the clipboard.
    pub fn unused_text(&self) -> String {
        self.codes
            .iter()
            .filter(|entry| entry.used_at.is_none())
            .map(|entry| entry.code.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The name of the downloaded file.
    pub const FILE_NAME: &'static str = "twofold-recovery-codes.txt";
}

impl std::fmt::Debug for SetupChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupChallenge")
            .field("issuer", &self.issuer)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryCodes")
            .field("login", &self.login)
            .field("set_number", &self.set_number)
            .field("left", &self.left())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for RecoveryCodeEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryCodeEntry")
            .field("used_at", &self.used_at)
            .finish_non_exhaustive()
    }
}

/// A sign-in waiting for its second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub login: String,
    /// The account has a security key or passkey to ask.
    pub security_key: bool,
    /// The account has an authenticator app (a code to type).
    pub app: bool,
}

/// What kind of second factor a method is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// An authenticator app (TOTP).
    App,
    /// A WebAuthn credential used as a second factor.
    SecurityKey,
    /// A discoverable WebAuthn credential with user verification: both
    /// factors at once.
    Passkey,
}

impl MethodKind {
    pub const ALL: [Self; 3] = [Self::App, Self::SecurityKey, Self::Passkey];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::SecurityKey => "security_key",
            Self::Passkey => "passkey",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// One of the account's two-factor methods as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodView {
    pub id: i64,
    pub kind: MethodKind,
    /// As the owner named it; empty for one never named.
    pub name: String,
    pub added_at: String,
    pub last_used_at: Option<String>,
}

/// The first half of a WebAuthn ceremony, for the browser: the options
/// for `navigator.credentials.create` or `get` (webauthn-rs's JSON, as
/// `PublicKeyCredential.parse*OptionsFromJSON` reads it), and the handle
/// its answer goes back with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CeremonyStart {
    pub ceremony: String,
    pub options: String,
}

/// What a personal access token may do through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    ReadOnly,
    ReadWrite,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "read_only",
            Self::ReadWrite => "read_write",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::ReadOnly, Self::ReadWrite]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// A personal access token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenView {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    /// Neither revoked nor expired.
    pub active: bool,
}

/// A live session of the account, as the Sessions tab lists it. `handle`
/// names it for Sign out and opens nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub handle: String,
    /// The session making this request ("This browser").
    pub current: bool,
    /// The password was given, the second factor not (yet).
    pub pending: bool,
    /// When it signed in (or, pending, gave the password).
    pub began_at: String,
    pub last_used_at: String,
    pub address: Option<String>,
    /// The browser and system its user agent names, as far as known.
    pub browser: Option<String>,
    pub system: Option<String>,
}

/// A token just created: the only time its value is shown, and its id.
/// The dashboard's list shows the rest, so the browser decodes nothing
/// more. (`Debug` hides the token.)
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: String,
    pub id: i64,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// One line of the account's security activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub kind: SecurityEventKind,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub at: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// How many times in a row it happened (a run of failures is one
    /// line); `at`, `ip` and `user_agent` are the latest's.
    pub repeats: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_keys_and_codes() {
        let challenge = SetupChallenge {
            issuer: "Twofold".into(),
            account: "ana".into(),
            manual_key: "SECRETKEY".into(),
            qr_svg: "<svg/>".into(),
            expires_in_minutes: 15,
        };
        let codes = RecoveryCodes {
            login: "ana".into(),
            set_number: 1,
            generated_on: "2026-11-27".into(),
            codes: vec![RecoveryCodeEntry {
                code: "abcd-efgh-jkmn-pqrs".into(),
                used_at: None,
            }],
            clock_drift: None,
        };
        let printed = format!("{challenge:?} {codes:?} {:?}", codes.codes[0]);
        assert!(
            !printed.contains("SECRETKEY") && !printed.contains("abcd"),
            "{printed}"
        );
    }

    #[test]
    fn every_event_kind_round_trips_by_name() {
        for kind in SecurityEventKind::ALL {
            assert_eq!(SecurityEventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(SecurityEventKind::parse("nonsense"), None);
    }
}
