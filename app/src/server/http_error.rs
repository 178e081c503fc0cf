//! The one mapping from an [`AppError`] to an HTTP answer: its status, its
//! `Retry-After`, and for the JSON API its body with the message in the
//! request's language. The JSON API, the server functions' status layer
//! and the pages all answer through here.

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::error::AppError;
use crate::i18n::Lang;

/// The HTTP status that stands for `error`.
pub fn status(error: &AppError) -> StatusCode {
    match error {
        AppError::InvalidCredentials
        | AppError::Unauthorized
        | AppError::IncorrectPassword
        | AppError::InvalidCode { .. }
        | AppError::InvalidRecoveryCode
        | AppError::SecurityKeyRefused
        | AppError::SecurityKeyCounterWentBack => StatusCode::UNAUTHORIZED,
        AppError::ReauthRequired | AppError::TokenNotAllowed | AppError::SignUpClosed => {
            StatusCode::FORBIDDEN
        }
        AppError::SessionNotFound
        | AppError::ResetLinkInvalid
        | AppError::EmailLinkInvalid
        | AppError::MethodNotFound => StatusCode::NOT_FOUND,
        AppError::ResetLinkExpired
        | AppError::ResetLinkUsed
        | AppError::EmailLinkExpired
        | AppError::EmailLinkUsed => StatusCode::GONE,
        AppError::EmailLinkOtherAccount => StatusCode::FORBIDDEN,
        AppError::LoginTaken
        | AppError::EmailTaken
        | AppError::SetupExpired
        | AppError::TwoFactorNotEnabled
        | AppError::TooManyMethods
        | AppError::SecurityKeyAlreadyAdded
        | AppError::NoSecurityKey => StatusCode::CONFLICT,
        AppError::CeremonyExpired => StatusCode::GONE,
        AppError::WebauthnUnavailable => StatusCode::NOT_IMPLEMENTED,
        AppError::SecondFactorLocked | AppError::SignInLocked => StatusCode::LOCKED,
        AppError::Validation { .. } | AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Overloaded | AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Network => StatusCode::BAD_GATEWAY,
        AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Seconds a client should wait before sending the request again, for
/// errors that pass with time.
pub fn retry_after(error: &AppError) -> Option<u64> {
    match error {
        AppError::RateLimited { retry_after } => Some(*retry_after),
        AppError::Overloaded | AppError::Unavailable => Some(5),
        _ => None,
    }
}

/// Gives a response the status and `Retry-After` of `error`.
pub fn set_status(error: &AppError, status_code: &mut StatusCode, headers: &mut HeaderMap) {
    *status_code = status(error);
    if let Some(seconds) = retry_after(error) {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
}

/// The JSON API's answer: the error's wire form (its kind and fields) plus
/// `message`, worded in `lang`, with the fitting status.
pub fn json_response(error: &AppError, lang: Lang) -> Response {
    let mut body = serde_json::to_value(error).unwrap_or_else(|_| serde_json::json!({}));
    body["message"] = error.message(lang).into();
    let (mut status_code, mut headers) = (StatusCode::OK, HeaderMap::new());
    set_status(error, &mut status_code, &mut headers);
    (status_code, headers, axum::Json(body)).into_response()
}

/// The status (and `Retry-After`) of the page being rendered, for a page
/// whose data failed to load.
pub fn set_page_status(error: &AppError) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status(error));
        if let Some(seconds) = retry_after(error) {
            response.insert_header(header::RETRY_AFTER, seconds.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_that_pass_with_time_say_when_to_retry() {
        let throttled = AppError::RateLimited { retry_after: 30 };
        assert_eq!(status(&throttled), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry_after(&throttled), Some(30));
        assert_eq!(retry_after(&AppError::Unavailable), Some(5));
        assert_eq!(retry_after(&AppError::InvalidCredentials), None);
        let bad = AppError::BadRequest {
            message: "missing field `password`".into(),
        };
        assert_eq!(status(&bad), StatusCode::BAD_REQUEST);
    }
}
