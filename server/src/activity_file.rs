//! Download activity: `GET /account/activity.csv`, the account's security
//! events as a file, for a signed-in browser session (a plain link, so it
//! works without JavaScript too).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use app::i18n::Lang;
use app::server::AppState;
use app::server::activity_export::{FILE_NAME, csv};
use app::server::http_error::json_response;
use app::server::session::Session;

pub const PATH: &str = app::components::ACTIVITY_FILE;

pub async fn download(State(state): State<AppState>, request: Request) -> Response {
    let lang = Lang::of_request(request.headers());
    let Some(session) = request.extensions().get::<Session>() else {
        tracing::error!("session layer missing");
        return json_response(&app::error::AppError::Internal, lang);
    };
    let file = match session.current_account().await {
        Ok(account) => csv(&state, account.id, lang).await,
        Err(error) => Err(error),
    };
    match file {
        Ok(file) => {
            let disposition = format!("attachment; filename=\"{FILE_NAME}\"");
            let mut response = file.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(error) => json_response(&error, lang),
    }
}
