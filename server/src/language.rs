//! `/language/{code}?next=/path`: the top bar's language switcher. The
//! choice is remembered in a cookie for a year, and the person goes back
//! to the page they were on, which the server renders in the new language.

use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::i18n::Lang;

const ONE_YEAR: u32 = 365 * 24 * 60 * 60;

#[derive(Debug, Deserialize)]
pub struct Back {
    next: Option<String>,
}

pub async fn choose(Path(code): Path<String>, Query(back): Query<Back>) -> Response {
    let Some(lang) = Lang::ALL.into_iter().find(|lang| lang.code() == code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let next = back.next.filter(|next| is_local_path(next));
    let mut response = Redirect::to(next.as_deref().unwrap_or("/")).into_response();
    let cookie = format!(
        "{}={}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax",
        Lang::COOKIE,
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Only a path on this site: never another origin (`//host`, `/\host`,
/// `https://…`), so the switcher cannot be used to send people elsewhere.
fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/login/verify?method=recovery"));
        for elsewhere in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "evil",
            "",
            "/\r\nSet-Cookie: x=1",
        ] {
            assert!(!is_local_path(elsewhere), "{elsewhere:?}");
        }
    }
}
