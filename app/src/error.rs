//! The one error type that crosses the wire. Its variants drive the UI; the
//! details of internal failures are logged on the server and never sent.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    /// Wrong password and unknown login look exactly alike.
    #[error("Invalid login or password")]
    InvalidCredentials,
    #[error("This login is already taken. Choose another one")]
    LoginTaken,
    /// No session, an expired one, or one that was ended elsewhere.
    #[error("Please sign in to continue")]
    Unauthorized,
    /// A field failed validation; `field` names the form field.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// The request could not be read (missing or malformed arguments).
    #[error("Invalid request: {message}")]
    BadRequest { message: String },
    /// Before anything sensitive: the password must be confirmed again.
    #[error("Please confirm your password to continue")]
    ReauthRequired,
    /// The password typed into a confirmation pop-up is wrong.
    #[error("Incorrect password")]
    IncorrectPassword,
    /// A wrong authentication code, or one already used: the same words
    /// for both, so a replay tells an attacker nothing. The server's time
    /// (`HH:MM:SS UTC`) lets a person compare it with the phone's clock.
    #[error("Invalid authentication code. Server time: {server_time}")]
    InvalidCode { server_time: String },
    #[error("Invalid recovery code")]
    InvalidRecoveryCode,
    /// The secret being set up expired or was cancelled.
    #[error("This set-up has expired. Start again to get a new QR code")]
    SetupExpired,
    #[error("Two-factor authentication is not enabled")]
    TwoFactorNotEnabled,
    /// A personal access token asked for something tokens may not do.
    #[error("Personal access tokens cannot do this")]
    TokenNotAllowed,
    /// Too many consecutive failures: only a recovery code may be tried.
    #[error("Too many failed codes. Sign in with a recovery code")]
    SecondFactorLocked,
    #[error("Too many attempts. Try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    /// Too many password hashes queued: shed load instead of queueing forever.
    #[error("The server is busy. Please try again in a moment")]
    Overloaded,
    /// The database cannot be reached (stopped, restarting, unreachable):
    /// nothing was changed, and the same request can be sent again.
    #[error("The service is temporarily unavailable. Please try again in a moment")]
    Unavailable,
    /// The browser could not reach the server.
    #[error("Could not reach the server. Check your connection and try again")]
    Network,
    #[error("Something went wrong on our side. Please try again")]
    Internal,
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
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

    /// The message for people, whichever variant this is.
    pub fn message(&self) -> String {
        self.to_string()
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

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

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

    /// The session store is the database: a backend failure means it is
    /// unreachable; encoding failures are ours.
    impl From<tower_sessions::session::Error> for AppError {
        fn from(error: tower_sessions::session::Error) -> Self {
            use tower_sessions::session::Error as SessionError;
            use tower_sessions::session_store::Error as StoreError;
            match error {
                SessionError::Store(StoreError::Backend(ref detail)) => {
                    tracing::warn!(%detail, "session store unavailable");
                    Self::Unavailable
                }
                error => {
                    tracing::error!(%error, "session store error");
                    Self::Internal
                }
            }
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
        assert!(AppError::validation("name", "Name the token").is_about("name"));
        assert!(!AppError::validation("name", "Name the token").is_about("scope"));
        let refused = AppError::InvalidCode {
            server_time: "14:05:32 UTC".into(),
        };
        assert!(refused.is_about("code"));
        assert_eq!(
            refused.message(),
            "Invalid authentication code. Server time: 14:05:32 UTC"
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
    fn argument_errors_are_bad_requests_not_internal() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "missing field `password`".into(),
        ));
        assert_eq!(err.status(), 400);
        assert!(err.message().contains("missing field `password`"));
    }
}
