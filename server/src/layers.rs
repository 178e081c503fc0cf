//! Request and response layers of our own: cross-site request refusal,
//! HTTP statuses for server function errors, and the headers every
//! response carries.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::error::AppError;
use app::i18n::Lang;
use app::server::http_error;

/// What every response carries: no type sniffing, no framing by another
/// site, no referrer beyond this origin, and, behind TLS (`secure`),
/// HSTS for a year.
pub fn security_headers(secure: bool) -> impl Fn(Response) -> std::future::Ready<Response> + Clone {
    move |mut response: Response| {
        let headers = response.headers_mut();
        let set = [
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "same-origin"),
        ];
        for (name, value) in set {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if secure {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            );
        }
        std::future::ready(response)
    }
}

/// Server functions have no CSRF protection of their own. Browsers say
/// where a request comes from; a state-changing request from another site
/// is refused. (SameSite=Lax cookies are the second line.)
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(&request) {
        tracing::warn!(path = %loggable_path(request.uri().path()), "cross-site request refused");
        let lang = Lang::of_request(request.headers());
        return json_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            &lang.t("api.cross_site"),
        );
    }
    next.run(request).await
}

fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false; // Non-browser clients send no Origin; cookies are SameSite.
    };
    // HTTP/2 carries the host in the URI's authority, not a Host header.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(origin), Some(host)) => !origin.eq_ignore_ascii_case(host),
        _ => true,
    }
}

/// Server function errors leave `server_fn` as 500 whatever they are.
/// Give API clients the status the error stands for (400, 401, 409, 429 with
/// `Retry-After`...). Plain HTML form posts are redirects and pass through.
pub async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"))
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        http_error::set_status(&error, &mut parts.status, &mut parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Under `/api/`, errors that the framework answers itself (a body over
/// the limit, an unknown path, a wrong method) are JSON like ours, never a
/// plain-text or HTML page.
pub async fn json_api_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    // Only API requests can need it; pages and files skip the work.
    let lang = is_api.then(|| Lang::of_request(request.headers()));
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
    if !is_api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (kind, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "api.payload_too_large"),
        StatusCode::NOT_FOUND => ("not_found", "api.not_found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "api.method_not_allowed"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("bad_request", "api.json_only"),
        StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "errors.unavailable"),
        s if s.is_client_error() => ("bad_request", "api.not_understood"),
        _ => ("internal", "errors.internal"),
    };
    json_error(status, kind, &lang.unwrap_or_default().t(message))
}

/// A JSON error body in the same shape as `AppError`'s, for the layers
/// that answer before any server function runs.
pub fn json_error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": kind, "message": message });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The pages mail links open hold a token in their path and their form:
/// a reset link's (`/reset/<token>`) and an email address's confirmation
/// link's (`/verify-email/<token>`).
const LINK_PAGES: [&str; 2] = ["/reset/", "/verify-email/"];

/// A link page (`LINK_PAGES`) is kept by no cache. Its `Referer` stays
/// `same-origin`, as everywhere: other sites never see the path, and the
/// form's no-JavaScript error redirect goes back to the page by it.
pub async fn private_link_pages(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let private = LINK_PAGES.iter().any(|page| path.starts_with(page));
    let mut response = next.run(request).await;
    if private {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A request's path as logs may show it. A link page's path holds its
/// token, a secret: `/reset/<token>` is written `/reset/…`.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for page in LINK_PAGES {
        if let Some(token) = path.strip_prefix(page)
            && !token.is_empty()
        {
            return format!("{page}…").into();
        }
    }
    path.into()
}

/// The span each request's logs are in: its method and loggable path.
pub fn request_span(request: &Request) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_links_token_never_reaches_a_log() {
        assert_eq!(loggable_path("/reset/abcDEF123_-"), "/reset/…");
        assert_eq!(loggable_path("/reset/"), "/reset/");
        assert_eq!(loggable_path("/login/verify"), "/login/verify");
        assert_eq!(
            loggable_path("/verify-email/abcDEF123_-"),
            "/verify-email/…"
        );
    }
}
