//! The one error type that crosses the wire. Its variants drive the UI; the
//! details of internal failures are logged on the server and never sent.

use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::api::transport::JsonText;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case", try_from = "Wire")]
pub enum AppError {
    /// Wrong password and unknown login look exactly alike.
    InvalidCredentials,
    LoginTaken,
    /// No session, an expired one, or one that was ended elsewhere.
    Unauthorized,
    /// A field failed validation: `field` names the form field, `reason`
    /// what is wrong with it (its text is `validation.<reason>`).
    Validation {
        field: String,
        reason: Reason,
    },
    /// The request could not be read (missing or malformed arguments).
    BadRequest {
        message: String,
    },
    /// Before anything sensitive: the password must be confirmed again.
    ReauthRequired,
    /// The password typed into a confirmation pop-up is wrong.
    IncorrectPassword,
    /// A wrong authentication code, or one already used: the same words
    /// for both, so a replay tells an attacker nothing. The server's time
    /// (`HH:MM:SS UTC`) lets a person compare it with the phone's clock.
    InvalidCode {
        server_time: String,
    },
    InvalidRecoveryCode,
    /// The secret being set up expired or was cancelled.
    SetupExpired,
    TwoFactorNotEnabled,
    /// A personal access token asked for something tokens may not do.
    TokenNotAllowed,
    /// Too many consecutive failures: only a recovery code may be tried.
    SecondFactorLocked,
    /// The password hard cap: only a browser that signed in to the account
    /// before may try, until an operator unlocks it.
    SignInLocked,
    /// The session to sign out is not one of this account's live ones (it
    /// ended already, or it is someone else's: the same answer).
    SessionNotFound,
    /// A password reset link past its hour.
    ResetLinkExpired,
    /// A password reset link already used (each works once).
    ResetLinkUsed,
    /// A password reset link that names no reset (mistyped, or replaced
    /// by a newer one).
    ResetLinkInvalid,
    /// `--signup closed`: accounts are created by the operator.
    SignUpClosed,
    /// The two-factor method to rename or remove is not one of this
    /// account's (removed already, or someone else's: the same answer).
    MethodNotFound,
    /// The account holds as many two-factor methods as it may.
    TooManyMethods,
    /// The public URL cannot be a WebAuthn relying party (an IP address).
    WebauthnUnavailable,
    /// A WebAuthn ceremony answered too late, twice, or by another session.
    CeremonyExpired,
    /// A WebAuthn answer that does not verify: another origin, a bad
    /// signature, a malformed response, a credential not of this account.
    SecurityKeyRefused,
    /// The key's signature counter went back: it may have been cloned.
    SecurityKeyCounterWentBack,
    /// This credential is already one of an account's methods.
    SecurityKeyAlreadyAdded,
    /// The account has no security key or passkey to ask.
    NoSecurityKey,
    /// An email verification link past its 24 hours.
    EmailLinkExpired,
    /// An email verification link already used (each works once).
    EmailLinkUsed,
    /// An email verification link that names no verification (mistyped,
    /// or replaced by a newer one).
    EmailLinkInvalid,
    /// An email verification link of another account than the one signed
    /// in.
    EmailLinkOtherAccount,
    /// The address is another account's.
    EmailTaken,
    RateLimited {
        retry_after: u64,
    },
    /// Too many password hashes queued: shed load instead of queueing forever.
    Overloaded,
    /// The database cannot be reached (stopped, restarting, unreachable):
    /// nothing was changed, and the same request can be sent again.
    Unavailable,
    /// The browser could not reach the server.
    Network,
    Internal,
}

/// What is wrong with a field, named on the wire in snake_case; its text
/// is `validation.<name>` in the locale files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    LoginLength,
    LoginCharacters,
    LoginEmpty,
    LoginTooLong,
    PasswordTooShort,
    PasswordTooLong,
    PasswordEmpty,
    /// Too easy to guess (the strength estimator's verdict).
    PasswordWeak,
    CodeFormat,
    RecoveryCodeFormat,
    /// The API's Verify2FACode needs exactly one of its two factors.
    CodeOrRecoveryCode,
    TokenExpiry,
    TokenName,
    TokenUnknown,
    TokenScope,
    /// The new password and its repetition differ.
    PasswordMismatch,
    /// The new password is the current one.
    PasswordUnchanged,
    /// The login typed to confirm a deletion is not the account's.
    LoginMismatch,
    /// The session to sign out from the list is the one making the request.
    SessionCurrent,
    /// A two-factor method's name: empty, too long, or with control
    /// characters.
    MethodName,
    /// Not an email address, or longer than one may be.
    EmailAddress,
    /// The address is already the account's.
    EmailUnchanged,
    /// "Forgot your password?" needs a login or an address.
    LoginOrEmail,
    /// The operator requires an email address at sign-up.
    EmailRequired,
}

impl Reason {
    pub const ALL: [Self; 24] = [
        Self::LoginLength,
        Self::LoginCharacters,
        Self::LoginEmpty,
        Self::LoginTooLong,
        Self::PasswordTooShort,
        Self::PasswordTooLong,
        Self::PasswordEmpty,
        Self::PasswordWeak,
        Self::CodeFormat,
        Self::RecoveryCodeFormat,
        Self::CodeOrRecoveryCode,
        Self::TokenExpiry,
        Self::TokenName,
        Self::TokenUnknown,
        Self::TokenScope,
        Self::PasswordMismatch,
        Self::PasswordUnchanged,
        Self::LoginMismatch,
        Self::SessionCurrent,
        Self::MethodName,
        Self::EmailAddress,
        Self::EmailUnchanged,
        Self::LoginOrEmail,
        Self::EmailRequired,
    ];

    /// The name on the wire and in `validation.<name>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginLength => "login_length",
            Self::LoginCharacters => "login_characters",
            Self::LoginEmpty => "login_empty",
            Self::LoginTooLong => "login_too_long",
            Self::PasswordTooShort => "password_too_short",
            Self::PasswordTooLong => "password_too_long",
            Self::PasswordEmpty => "password_empty",
            Self::PasswordWeak => "password_weak",
            Self::CodeFormat => "code_format",
            Self::RecoveryCodeFormat => "recovery_code_format",
            Self::CodeOrRecoveryCode => "code_or_recovery_code",
            Self::TokenExpiry => "token_expiry",
            Self::TokenName => "token_name",
            Self::TokenUnknown => "token_unknown",
            Self::TokenScope => "token_scope",
            Self::PasswordMismatch => "password_mismatch",
            Self::PasswordUnchanged => "password_unchanged",
            Self::LoginMismatch => "login_mismatch",
            Self::SessionCurrent => "session_current",
            Self::MethodName => "method_name",
            Self::EmailAddress => "email_address",
            Self::EmailUnchanged => "email_unchanged",
            Self::LoginOrEmail => "login_or_email",
            Self::EmailRequired => "email_required",
        }
    }

    /// Read by name rather than through serde's enum reader, which would
    /// add its own code to the wasm for one field
    /// (docs/wasm-budget.md#apperror-through-a-flat-struct).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == name)
    }
}

/// `AppError` as it arrives: the tag and every field any variant has, in
/// one flat struct, read instead of serde's buffered tagged enum
/// (docs/wasm-budget.md#apperror-through-a-flat-struct). The round-trip test
/// below keeps the two readings in step.
#[derive(Deserialize)]
struct Wire {
    error: String,
    field: Option<String>,
    reason: Option<String>,
    message: Option<String>,
    server_time: Option<String>,
    retry_after: Option<u64>,
}

impl TryFrom<Wire> for AppError {
    type Error = String;

    fn try_from(wire: Wire) -> Result<Self, String> {
        let missing = |name: &str| format!("`{}` needs `{name}`", wire.error);
        Ok(match wire.error.as_str() {
            "invalid_credentials" => Self::InvalidCredentials,
            "login_taken" => Self::LoginTaken,
            "unauthorized" => Self::Unauthorized,
            "validation" => Self::Validation {
                field: wire.field.ok_or_else(|| missing("field"))?,
                reason: wire
                    .reason
                    .as_deref()
                    .map(|name| {
                        Reason::parse(name).ok_or_else(|| format!("unknown reason `{name}`"))
                    })
                    .ok_or_else(|| missing("reason"))??,
            },
            "bad_request" => Self::BadRequest {
                message: wire.message.ok_or_else(|| missing("message"))?,
            },
            "reauth_required" => Self::ReauthRequired,
            "incorrect_password" => Self::IncorrectPassword,
            "invalid_code" => Self::InvalidCode {
                server_time: wire
                    .server_time
                    .filter(|time| is_time_of_day(time))
                    .ok_or_else(|| missing("server_time as HH:MM:SS UTC"))?,
            },
            "invalid_recovery_code" => Self::InvalidRecoveryCode,
            "setup_expired" => Self::SetupExpired,
            "two_factor_not_enabled" => Self::TwoFactorNotEnabled,
            "token_not_allowed" => Self::TokenNotAllowed,
            "second_factor_locked" => Self::SecondFactorLocked,
            "sign_in_locked" => Self::SignInLocked,
            "session_not_found" => Self::SessionNotFound,
            "reset_link_expired" => Self::ResetLinkExpired,
            "reset_link_used" => Self::ResetLinkUsed,
            "reset_link_invalid" => Self::ResetLinkInvalid,
            "sign_up_closed" => Self::SignUpClosed,
            "method_not_found" => Self::MethodNotFound,
            "too_many_methods" => Self::TooManyMethods,
            "webauthn_unavailable" => Self::WebauthnUnavailable,
            "ceremony_expired" => Self::CeremonyExpired,
            "security_key_refused" => Self::SecurityKeyRefused,
            "security_key_counter_went_back" => Self::SecurityKeyCounterWentBack,
            "security_key_already_added" => Self::SecurityKeyAlreadyAdded,
            "no_security_key" => Self::NoSecurityKey,
            "email_link_expired" => Self::EmailLinkExpired,
            "email_link_used" => Self::EmailLinkUsed,
            "email_link_invalid" => Self::EmailLinkInvalid,
            "email_link_other_account" => Self::EmailLinkOtherAccount,
            "email_taken" => Self::EmailTaken,
            "rate_limited" => Self::RateLimited {
                retry_after: wire.retry_after.ok_or_else(|| missing("retry_after"))?,
            },
            "overloaded" => Self::Overloaded,
            "unavailable" => Self::Unavailable,
            "network" => Self::Network,
            "internal" => Self::Internal,
            other => return Err(format!("unknown error `{other}`")),
        })
    }
}

/// `HH:MM:SS UTC`, the only shape a server time is sent in.
fn is_time_of_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 12
        && text.ends_with(" UTC")
        && [0, 1, 3, 4, 6, 7]
            .iter()
            .all(|&i| bytes[i].is_ascii_digit())
        && bytes[2] == b':'
        && bytes[5] == b':'
}

impl AppError {
    pub fn validation(field: &str, reason: Reason) -> Self {
        Self::Validation {
            field: field.to_owned(),
            reason,
        }
    }

    /// This error, if it is about a field, about `field` instead: a rule
    /// shared by several forms names the field of the form that used it.
    #[must_use]
    pub fn for_field(self, field: &str) -> Self {
        match self {
            Self::Validation { reason, .. } => Self::validation(field, reason),
            other => other,
        }
    }

    /// The field this error belongs to, for forms that show it beside the input.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Whether this error says what was typed into `field` is wrong (the
    /// field is then marked `aria-invalid`). Errors about the server or the
    /// session are about no field.
    pub fn is_about(&self, field: &str) -> bool {
        match self {
            Self::Validation { field: bad, .. } => bad == field,
            Self::InvalidCredentials => field == "login" || field == "password",
            Self::LoginTaken => field == "login",
            Self::EmailTaken => field == "email",
            Self::IncorrectPassword => field == "password" || field == "current_password",
            Self::InvalidCode { .. } => field == "code",
            Self::InvalidRecoveryCode => field == "recovery_code",
            _ => false,
        }
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message) => Self::BadRequest { message },
            ServerFnErrorErr::Request(_) => Self::Network,
            // Registration, serialization and response failures are ours,
            // not the person's: say so without details.
            _ => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_fields_they_are_about() {
        assert!(AppError::InvalidCredentials.is_about("login"));
        assert!(AppError::InvalidCredentials.is_about("password"));
        assert!(AppError::LoginTaken.is_about("login"));
        assert!(!AppError::LoginTaken.is_about("password"));
        assert!(AppError::validation("name", Reason::TokenName).is_about("name"));
        assert!(!AppError::validation("name", Reason::TokenName).is_about("scope"));
        let refused = AppError::InvalidCode {
            server_time: "14:05:32 UTC".into(),
        };
        assert!(refused.is_about("code"));
        assert!(!AppError::Unavailable.is_about("code"));
        assert!(!AppError::RateLimited { retry_after: 3 }.is_about("code"));
    }

    #[test]
    fn wire_form_is_tagged_snake_case() {
        let json = serde_json::to_value(AppError::RateLimited { retry_after: 30 }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": "rate_limited", "retry_after": 30})
        );
        let back: AppError = serde_json::from_value(json).unwrap();
        assert_eq!(back, AppError::RateLimited { retry_after: 30 });
    }

    #[test]
    fn every_error_reads_back_as_itself() {
        let all = [
            AppError::InvalidCredentials,
            AppError::LoginTaken,
            AppError::Unauthorized,
            AppError::validation("login", Reason::LoginLength),
            AppError::BadRequest {
                message: "missing field `code`".into(),
            },
            AppError::ReauthRequired,
            AppError::IncorrectPassword,
            AppError::InvalidCode {
                server_time: "14:05:32 UTC".into(),
            },
            AppError::InvalidRecoveryCode,
            AppError::SetupExpired,
            AppError::TwoFactorNotEnabled,
            AppError::TokenNotAllowed,
            AppError::SecondFactorLocked,
            AppError::SignInLocked,
            AppError::SessionNotFound,
            AppError::ResetLinkExpired,
            AppError::ResetLinkUsed,
            AppError::ResetLinkInvalid,
            AppError::SignUpClosed,
            AppError::MethodNotFound,
            AppError::TooManyMethods,
            AppError::WebauthnUnavailable,
            AppError::CeremonyExpired,
            AppError::SecurityKeyRefused,
            AppError::SecurityKeyCounterWentBack,
            AppError::SecurityKeyAlreadyAdded,
            AppError::NoSecurityKey,
            AppError::EmailLinkExpired,
            AppError::EmailLinkUsed,
            AppError::EmailLinkInvalid,
            AppError::EmailLinkOtherAccount,
            AppError::EmailTaken,
            AppError::RateLimited { retry_after: 7 },
            AppError::Overloaded,
            AppError::Unavailable,
            AppError::Network,
            AppError::Internal,
        ];
        // Stops compiling when a variant is added, until it is listed above.
        let position = |error: &AppError| match error {
            AppError::InvalidCredentials => 0,
            AppError::LoginTaken => 1,
            AppError::Unauthorized => 2,
            AppError::Validation { .. } => 3,
            AppError::BadRequest { .. } => 4,
            AppError::ReauthRequired => 5,
            AppError::IncorrectPassword => 6,
            AppError::InvalidCode { .. } => 7,
            AppError::InvalidRecoveryCode => 8,
            AppError::SetupExpired => 9,
            AppError::TwoFactorNotEnabled => 10,
            AppError::TokenNotAllowed => 11,
            AppError::SecondFactorLocked => 12,
            AppError::SignInLocked => 13,
            AppError::SessionNotFound => 14,
            AppError::ResetLinkExpired => 15,
            AppError::ResetLinkUsed => 16,
            AppError::ResetLinkInvalid => 17,
            AppError::SignUpClosed => 18,
            AppError::MethodNotFound => 19,
            AppError::TooManyMethods => 20,
            AppError::WebauthnUnavailable => 21,
            AppError::CeremonyExpired => 22,
            AppError::SecurityKeyRefused => 23,
            AppError::SecurityKeyCounterWentBack => 24,
            AppError::SecurityKeyAlreadyAdded => 25,
            AppError::NoSecurityKey => 26,
            AppError::EmailLinkExpired => 27,
            AppError::EmailLinkUsed => 28,
            AppError::EmailLinkInvalid => 29,
            AppError::EmailLinkOtherAccount => 30,
            AppError::EmailTaken => 31,
            AppError::RateLimited { .. } => 32,
            AppError::Overloaded => 33,
            AppError::Unavailable => 34,
            AppError::Network => 35,
            AppError::Internal => 36,
        };
        assert!(all.iter().map(position).eq(0..all.len()));
        for error in all {
            let json = serde_json::to_string(&error).unwrap();
            let back: AppError = serde_json::from_str(&json).unwrap();
            assert_eq!(back, error, "{json}");
        }
    }

    #[test]
    fn every_reason_reads_back_by_name() {
        for reason in Reason::ALL {
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
        }
        assert_eq!(Reason::parse("Send either `code` or `recovery_code`"), None);
    }

    #[test]
    fn unknown_or_incomplete_errors_are_refused() {
        for json in [
            r#"{"error":"teapot"}"#,
            r#"{"error":"validation","field":"login"}"#,
            r#"{"error":"rate_limited"}"#,
            r#"{"error":"invalid_code","server_time":"Call +1 555 0100 for help"}"#,
            r#"{"error":"validation","field":"login","reason":"validation.login_length"}"#,
            r#"{"field":"login"}"#,
        ] {
            assert!(serde_json::from_str::<AppError>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn argument_errors_are_bad_requests_not_internal() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "missing field `password`".into(),
        ));
        assert_eq!(
            err,
            AppError::BadRequest {
                message: "missing field `password`".into()
            }
        );
    }
}
