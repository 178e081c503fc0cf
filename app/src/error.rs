//! The one error type that crosses the wire. Its variants drive the UI; the
//! details of internal failures are logged on the server and never sent.

use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::Lang;
use crate::validation::{LOGIN_MAX, LOGIN_MIN, PASSWORD_MAX, PASSWORD_MIN, TOKEN_NAME_MAX};

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
        reason: String,
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

/// `AppError` as it arrives: the tag and every field any variant has, in
/// one flat struct. Serde's own reading of a tagged enum buffers the whole
/// object first, and that machinery was a tenth of the dashboard's wasm.
/// The round-trip test below keeps the two readings in step.
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
                reason: wire.reason.ok_or_else(|| missing("reason"))?,
            },
            "bad_request" => Self::BadRequest {
                message: wire.message.ok_or_else(|| missing("message"))?,
            },
            "reauth_required" => Self::ReauthRequired,
            "incorrect_password" => Self::IncorrectPassword,
            "invalid_code" => Self::InvalidCode {
                server_time: wire.server_time.ok_or_else(|| missing("server_time"))?,
            },
            "invalid_recovery_code" => Self::InvalidRecoveryCode,
            "setup_expired" => Self::SetupExpired,
            "two_factor_not_enabled" => Self::TwoFactorNotEnabled,
            "token_not_allowed" => Self::TokenNotAllowed,
            "second_factor_locked" => Self::SecondFactorLocked,
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

impl AppError {
    pub fn validation(field: &str, reason: &str) -> Self {
        Self::Validation {
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// The HTTP status an API client sees for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidCredentials
            | Self::Unauthorized
            | Self::IncorrectPassword
            | Self::InvalidCode { .. }
            | Self::InvalidRecoveryCode => 401,
            Self::ReauthRequired | Self::TokenNotAllowed => 403,
            Self::LoginTaken | Self::SetupExpired | Self::TwoFactorNotEnabled => 409,
            Self::SecondFactorLocked => 423,
            Self::Validation { .. } | Self::BadRequest { .. } => 400,
            Self::RateLimited { .. } => 429,
            Self::Overloaded | Self::Unavailable => 503,
            Self::Network => 502,
            Self::Internal => 500,
        }
    }

    /// Seconds a client should wait before sending the request again
    /// (the `Retry-After` header), for errors that pass with time.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            Self::Overloaded | Self::Unavailable => Some(5),
            _ => None,
        }
    }

    /// The message for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::InvalidCredentials => lang.t("errors.invalid_credentials"),
            Self::LoginTaken => lang.t("errors.login_taken"),
            Self::Unauthorized => lang.t("errors.unauthorized"),
            Self::Validation { reason, .. } => validation_message(lang, reason),
            Self::BadRequest { message } => {
                lang.t_with("errors.bad_request", &[("detail", message)])
            }
            Self::ReauthRequired => lang.t("errors.reauth_required"),
            Self::IncorrectPassword => lang.t("errors.incorrect_password"),
            Self::InvalidCode { server_time } => {
                lang.t_with("errors.invalid_code", &[("server_time", server_time)])
            }
            Self::InvalidRecoveryCode => lang.t("errors.invalid_recovery_code"),
            Self::SetupExpired => lang.t("errors.setup_expired"),
            Self::TwoFactorNotEnabled => lang.t("errors.two_factor_not_enabled"),
            Self::TokenNotAllowed => lang.t("errors.token_not_allowed"),
            Self::SecondFactorLocked => lang.t("errors.second_factor_locked"),
            Self::RateLimited { retry_after } => lang.t_with(
                "errors.rate_limited",
                &[("seconds", &retry_after.to_string())],
            ),
            Self::Overloaded => lang.t("errors.overloaded"),
            Self::Unavailable => lang.t("errors.unavailable"),
            Self::Network => lang.t("errors.network"),
            Self::Internal => lang.t("errors.internal"),
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
            Self::IncorrectPassword => field == "password",
            Self::InvalidCode { .. } => field == "code",
            Self::InvalidRecoveryCode => field == "recovery_code",
            _ => false,
        }
    }
}

/// `validation.<reason>`, with the bounds of the field it is about.
fn validation_message(lang: Lang, reason: &str) -> String {
    let (min, max) = if reason.starts_with("login") {
        (LOGIN_MIN, LOGIN_MAX)
    } else if reason.starts_with("password") {
        (PASSWORD_MIN, PASSWORD_MAX)
    } else {
        (1, TOKEN_NAME_MAX)
    };
    lang.t_with(
        &format!("validation.{reason}"),
        &[("min", &min.to_string()), ("max", &max.to_string())],
    )
}

/// In English, for logs.
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = crate::api::JsonText;

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

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    /// Database failures are logged with their details and reach the
    /// client only as `Unavailable` (the database cannot be reached: try
    /// again) or `Internal` (anything else).
    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            if is_unavailable(&error) {
                tracing::warn!(%error, "database unavailable");
                Self::Unavailable
            } else {
                tracing::error!(%error, "database error");
                Self::Internal
            }
        }
    }

    /// Errors that say the database is down, restarting or too busy, not
    /// that the request or our code is wrong.
    fn is_unavailable(error: &sqlx::Error) -> bool {
        match error {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(error) => error.code().is_some_and(|code| {
                // PostgreSQL: connection exceptions (08), operator
                // intervention such as a shutdown (57). SQLite: busy (5)
                // and locked (6) past the busy timeout.
                code.starts_with("08") || code.starts_with("57") || code == "5" || code == "6"
            }),
            _ => false,
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
        assert!(AppError::validation("name", "token_name").is_about("name"));
        assert!(!AppError::validation("name", "token_name").is_about("scope"));
        let refused = AppError::InvalidCode {
            server_time: "14:05:32 UTC".into(),
        };
        assert!(refused.is_about("code"));
        assert_eq!(
            refused.message(Lang::En),
            "Invalid authentication code. Server time: 14:05:32 UTC"
        );
        assert_eq!(
            refused.message(Lang::Id),
            "Kode autentikasi tidak valid. Waktu server: 14:05:32 UTC"
        );
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
            AppError::validation("login", "login_length"),
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
            AppError::RateLimited { .. } => 13,
            AppError::Overloaded => 14,
            AppError::Unavailable => 15,
            AppError::Network => 16,
            AppError::Internal => 17,
        };
        assert!(all.iter().map(position).eq(0..all.len()));
        for error in all {
            let json = serde_json::to_string(&error).unwrap();
            let back: AppError = serde_json::from_str(&json).unwrap();
            assert_eq!(back, error, "{json}");
        }
    }

    #[test]
    fn unknown_or_incomplete_errors_are_refused() {
        for json in [
            r#"{"error":"teapot"}"#,
            r#"{"error":"validation","field":"login"}"#,
            r#"{"error":"rate_limited"}"#,
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
        assert_eq!(err.status(), 400);
        assert!(err.message(Lang::En).contains("missing field `password`"));
    }
}
