//! The JSON API of the seed's "Using API with Two-Factor Authentication":
//! `SignIn`, then `Verify2FACode` on accounts with 2FA, gives a session for
//! `GetAccount`; `SignOut` ends it. Sessions are the same server-side
//! records the browser's cookies name, carried here as opaque bearer
//! tokens, and both steps run the same code as the browser's sign-in
//! (`app::server::sign_in`).

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use app::error::{AppError, Reason};
use app::i18n::Lang;
use app::server::bearer::{self, SessionToken};
use app::server::dates::rfc3339_of;
use app::server::events::RequestMeta;
use app::server::session::Session;
use app::server::sign_in::{PasswordStep, SecondFactor, password_step, second_factor_step};
use app::server::{AppState, email_address, http_error, tokens, two_factor};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/SignIn", post(sign_in))
        .route("/api/Verify2FACode", post(verify_2fa_code))
        .route("/api/GetAccount", get(get_account))
        .route("/api/SignOut", post(sign_out))
        .route("/api/openapi.json", get(openapi))
        .layer(axum::middleware::from_fn(in_request_language))
}

/// The OpenAPI 3 description of these endpoints, generated from the
/// handlers' own types, for client generators and API fuzzers.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Twofold API", description = "Sign in with two-factor authentication from scripts."),
    paths(sign_in, verify_2fa_code, get_account, sign_out),
    components(schemas(SignInRequest, SignInReply, VerifyRequest, SessionReply, AccountReply, MethodReply, ErrorBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Response {
    use utoipa::OpenApi;
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_pretty_json().unwrap_or_default(),
    )
        .into_response()
}

/// Every error: a machine-readable kind and a message for people. Some
/// kinds add fields (`field` for `validation`, `retry_after` for
/// `rate_limited`, `server_time` for `invalid_code`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documents the wire shape of `ApiError`.
struct ErrorBody {
    /// `bad_request`, `validation`, `invalid_credentials`, `unauthorized`,
    /// `invalid_code`, `invalid_recovery_code`, `rate_limited`,
    /// `second_factor_locked`, `overloaded`, `internal`...
    error: String,
    message: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SignInRequest {
    /// Surrounding spaces are ignored; it must hold something else. The
    /// pattern is ECMA-262's, whose `\s` lacks U+0085 (NEL), which Rust's
    /// `trim` removes: a login of NEL alone is as empty as one of spaces.
    #[schema(min_length = 1, max_length = 64, pattern = r"[^\s\u0085]")]
    login: String,
    #[schema(min_length = 1, max_length = 1024)]
    password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct SignInReply {
    /// Pending when `two_factor_required`: only Verify2FACode accepts it.
    session: String,
    two_factor_required: bool,
}

/// Exactly one of `code` and `recovery_code`: a code from any of the
/// account's authenticator apps. A security key or passkey answers the
/// browser's WebAuthn prompt, which only a browser can show: the API does
/// not take one (an account with only keys signs in to the API with a
/// recovery code, or uses a personal access token).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct VerifyRequest {
    session: String,
    /// The six digits the authenticator app shows.
    code: Option<String>,
    /// One of the recovery codes, with or without dashes.
    recovery_code: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct SessionReply {
    session: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct AccountReply {
    login: String,
    two_factor_enabled: bool,
    recovery_codes_left: u32,
    /// The account's second factors, oldest first.
    methods: Vec<MethodReply>,
    /// The confirmed email address notices go to, if any.
    email: Option<String>,
}

/// One of the account's second factors (never its secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct MethodReply {
    /// `app`, `security_key` or `passkey`.
    kind: &'static str,
    /// As the owner named it; empty if never named.
    name: String,
    /// RFC 3339, UTC.
    added_at: String,
    last_used_at: Option<String>,
}

/// The API's bodies that carry passwords, codes or session tokens: their
/// `Debug` names the listed fields and shows none of their values.
macro_rules! debug_without_secrets {
    ($($type:ident { $($field:ident),* })*) => {$(
        impl std::fmt::Debug for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($type))
                    $(.field(stringify!($field), &"..."))*
                    .finish()
            }
        }
    )*};
}

debug_without_secrets! {
    SignInRequest { login, password }
    SignInReply { session }
    VerifyRequest { session, code, recovery_code }
    SessionReply { session }
}

tokio::task_local! {
    /// The language of the API request being answered (`Accept-Language`,
    /// or the switcher's cookie), for the errors' `message`.
    static REQUEST_LANG: Lang;
}

async fn in_request_language(request: axum::extract::Request, next: Next) -> Response {
    let lang = Lang::of_request(request.headers());
    REQUEST_LANG.scope(lang, next.run(request)).await
}

/// An `AppError` as the API answers it: `{"error": kind, "message": ...}`
/// (plus the variant's fields) with the fitting status; the message in
/// the request's language.
pub struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let lang = REQUEST_LANG.try_with(|lang| *lang).unwrap_or_default();
        http_error::json_response(&self.0, lang)
    }
}

fn bad_json(rejection: JsonRejection) -> ApiError {
    ApiError(AppError::BadRequest {
        message: rejection.body_text(),
    })
}

/// A new API session: the same records the browser's cookies name.
fn new_api_session(state: &AppState, meta: RequestMeta) -> Session {
    Session::of_token(state, None, meta)
}

/// The API session a bearer token names. A token that cannot be one is
/// refused before anything else in the request is judged.
fn api_session(state: &AppState, token: &str, parts: &Parts) -> Result<Session, ApiError> {
    let token = SessionToken::parse(token.trim()).ok_or(ApiError(AppError::Unauthorized))?;
    let meta = RequestMeta::of_parts(parts);
    Ok(Session::of_token(state, Some(token), meta))
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError(AppError::Unauthorized))
}

/// The token the session ended with, for the client to send next.
async fn token_of(session: &Session) -> Result<String, ApiError> {
    session
        .token()
        .await
        .map(|token| token.as_str().to_owned())
        .ok_or(ApiError(AppError::Internal))
}

#[utoipa::path(post, path = "/api/SignIn", request_body = SignInRequest, responses(
    (status = 200, description = "Signed in, or pending the second factor", body = SignInReply),
    (status = 400, description = "Malformed request", body = ErrorBody),
    (status = 401, description = "Invalid login or password", body = ErrorBody),
    (status = 423, description = "Too many failures from browsers the account does not know: an operator must unlock it", body = ErrorBody),
    (status = 429, description = "Too many failed passwords for this account or from this address, or too many sign-ins from this address at once; see Retry-After", body = ErrorBody),
    (status = 503, description = "Too many sign-ins at once, or the database is unreachable; see Retry-After", body = ErrorBody),
))]
async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    body: Result<Json<SignInRequest>, JsonRejection>,
) -> Result<Json<SignInReply>, ApiError> {
    let Json(request) = body.map_err(bad_json)?;
    let meta = RequestMeta::of_parts(&parts);
    let session = new_api_session(&state, meta.clone());
    let step = password_step(&state, &session, &request.login, request.password, &meta).await?;
    Ok(Json(SignInReply {
        session: token_of(&session).await?,
        two_factor_required: step == PasswordStep::SecondFactorRequired,
    }))
}

#[utoipa::path(post, path = "/api/Verify2FACode", request_body = VerifyRequest, responses(
    (status = 200, description = "Signed in; the pending session is dead", body = SessionReply),
    (status = 400, description = "Malformed request or code", body = ErrorBody),
    (status = 401, description = "Wrong or reused code, or no pending session", body = ErrorBody),
    (status = 423, description = "Too many failures: only a recovery code", body = ErrorBody),
    (status = 429, description = "Throttled; see Retry-After", body = ErrorBody),
    (status = 503, description = "The database is unreachable", body = ErrorBody),
))]
async fn verify_2fa_code(
    State(state): State<AppState>,
    parts: Parts,
    body: Result<Json<VerifyRequest>, JsonRejection>,
) -> Result<Json<SessionReply>, ApiError> {
    let Json(request) = body.map_err(bad_json)?;
    let session = api_session(&state, &request.session, &parts)?;
    let factor = match (&request.code, &request.recovery_code) {
        (Some(code), None) => SecondFactor::Code(code),
        (None, Some(code)) => SecondFactor::RecoveryCode(code),
        _ => {
            return Err(ApiError(AppError::validation(
                "code",
                Reason::CodeOrRecoveryCode,
            )));
        }
    };
    second_factor_step(&state, &session, factor, &RequestMeta::of_parts(&parts)).await?;
    Ok(Json(SessionReply {
        session: token_of(&session).await?,
    }))
}

#[utoipa::path(get, path = "/api/GetAccount", security(("session" = [])), responses(
    (status = 200, body = AccountReply),
    (status = 401, description = "No valid signed-in session", body = ErrorBody),
    (status = 503, description = "The database is unreachable", body = ErrorBody),
))]
async fn get_account(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Json<AccountReply>, ApiError> {
    let token = bearer(&parts.headers)?;
    // A personal access token opens the API without a second factor: that
    // is what it is for. Anything else must be a signed-in session.
    let (account, status, email, methods) = if token.starts_with(bearer::ACCESS_TOKEN_PREFIX) {
        let grant = tokens::authenticate(&state, token).await?;
        (grant.account, grant.status, grant.email, grant.methods)
    } else {
        let session = api_session(&state, token, &parts)?;
        let account = session.current_account().await?;
        let status = two_factor::status(&state, account.id).await?;
        let email = email_address::confirmed(&state, account.id).await?;
        let methods = two_factor::methods::of_account(&state, account.id).await?;
        (account, status, email, methods)
    };
    Ok(Json(AccountReply {
        login: account.login,
        two_factor_enabled: status.enabled,
        recovery_codes_left: status.recovery_codes_left,
        methods: methods
            .into_iter()
            .map(|method| MethodReply {
                kind: method.kind.as_str(),
                name: method.name,
                added_at: rfc3339_of(method.created_at),
                last_used_at: method.last_used_at.map(rfc3339_of),
            })
            .collect(),
        email,
    }))
}

#[utoipa::path(post, path = "/api/SignOut", security(("session" = [])), responses(
    (status = 204, description = "The session is ended"),
    (status = 403, description = "A personal access token (revoke it instead)", body = ErrorBody),
    (status = 401, description = "No valid signed-in session", body = ErrorBody),
    (status = 503, description = "The database is unreachable", body = ErrorBody),
))]
async fn sign_out(State(state): State<AppState>, parts: Parts) -> Result<StatusCode, ApiError> {
    let token = bearer(&parts.headers)?;
    if token.starts_with(bearer::ACCESS_TOKEN_PREFIX) {
        // Tokens end by being revoked in the dashboard, not by signing out.
        return Err(ApiError(AppError::TokenNotAllowed));
    }
    let session = api_session(&state, token, &parts)?;
    // Only a live session can be ended; anything else is refused alike.
    session.current_account().await?;
    session.sign_out().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_reply_bodies_never_print_their_secrets() {
        let sign_in = SignInRequest {
            login: "ana".into(),
            password: "correct horse battery".into(),
        };
        let verify = VerifyRequest {
            session: "SESSIONTOKEN".into(),
            code: Some("123456".into()),
            recovery_code: Some("abcd-efgh-jkmn-pqrs".into()),
        };
        let replies = (
            SignInReply {
                session: "SESSIONTOKEN".into(),
                two_factor_required: true,
            },
            SessionReply {
                session: "SESSIONTOKEN".into(),
            },
        );
        let printed = format!("{sign_in:?} {verify:?} {replies:?}");
        for secret in ["correct horse", "SESSIONTOKEN", "123456", "abcd-efgh"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("password"), "{printed}");
    }
}
