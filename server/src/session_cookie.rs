//! The session cookie: the token comes in with the request, and the token
//! the session ended with goes back with the response. The session itself
//! (`app::server::session`) writes to the database as it changes.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};

use app::server::events::RequestMeta;
use app::server::session::{CookieChange, Session};
use app::server::{AppState, cookie_headers};

/// A browser's device cookie lasts as long as browsers let a cookie live
/// (400 days); each sign-in renews it.
const BROWSER_COOKIE_SECONDS: i64 = 400 * 24 * 60 * 60;

/// How the cookies are named and flagged: the session's, and the device
/// cookie that marks a browser known to the accounts it signed in to.
#[derive(Clone, Debug)]
pub struct CookieSettings {
    name: &'static str,
    browser_name: &'static str,
    secure: bool,
}

impl CookieSettings {
    /// The `__Host-` prefix pins the cookie to this origin, but browsers
    /// accept it only on Secure cookies.
    pub fn new(secure: bool) -> Self {
        let (name, browser_name) = if secure {
            ("__Host-twofold", "__Host-twofold-browser")
        } else {
            ("twofold", "twofold_browser")
        };
        Self {
            name,
            browser_name,
            secure,
        }
    }

    fn cookie(&self, value: String, max_age: i64) -> Cookie<'static> {
        self.named(self.name, value, max_age)
    }

    fn named(&self, name: &'static str, value: String, max_age: i64) -> Cookie<'static> {
        Cookie::build((name, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .path("/")
            .max_age(time::Duration::seconds(max_age))
            .build()
    }

    /// The first session cookie of ours in the request's `Cookie` headers.
    fn presented(&self, headers: &HeaderMap) -> Option<String> {
        presented(headers, self.name)
    }
}

/// The first cookie called `name` in the request's `Cookie` headers.
fn presented(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie_headers(headers).find_map(|cookies| {
        Cookie::split_parse(cookies)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == name)
            .map(|cookie| cookie.value().to_owned())
    })
}

/// Gives the request its session, and the response the cookie for it.
pub async fn layer(
    State((state, settings)): State<(AppState, CookieSettings)>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = settings.presented(request.headers());
    let browser = presented(request.headers(), settings.browser_name);
    let meta = RequestMeta::of(request.headers(), request.extensions());
    let session = Session::new(&state, token.as_deref(), browser.as_deref(), meta);
    request.extensions_mut().insert(session.clone());
    let mut response = next.run(request).await;
    if session.was_live().await {
        // An answer about a signed-in or pending session is never stored.
        no_store(response.headers_mut());
    }
    if let Some(token) = session.issued_browser_token().await {
        let cookie = settings.named(
            settings.browser_name,
            token.as_str().to_owned(),
            BROWSER_COOKIE_SECONDS,
        );
        set_cookie(response.headers_mut(), &cookie);
    }
    let cookie = match session.cookie_change().await {
        CookieChange::Keep => return response,
        CookieChange::Set(token, max_age) => settings.cookie(token.as_str().to_owned(), max_age),
        CookieChange::Clear => {
            let mut cookie = settings.cookie(String::new(), 0);
            cookie.make_removal();
            cookie
        }
    };
    set_cookie(response.headers_mut(), &cookie);
    response
}

fn set_cookie(headers: &mut HeaderMap, cookie: &Cookie<'_>) {
    match HeaderValue::from_str(&cookie.to_string()) {
        Ok(value) => {
            headers.append(header::SET_COOKIE, value);
            // A response that hands out a token is never stored by a cache.
            no_store(headers);
        }
        Err(_) => tracing::error!("cookie not encodable"),
    }
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(value: &[u8]) -> HeaderMap {
        let value = HeaderValue::from_bytes(value).expect("bytes a header can carry");
        HeaderMap::from_iter([(header::COOKIE, value)])
    }

    /// Any byte a header value can carry but `;`: tab, visible ASCII and
    /// everything above it.
    fn header_byte() -> impl Strategy<Value = u8> {
        prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff].prop_filter("not ;", |&b| b != b';')
    }

    proptest! {
        /// Whatever bytes other cookies hold, before or after ours, ours is
        /// found (and nothing panics).
        #[test]
        fn our_cookie_is_found_beside_any_bytes(
            other in proptest::collection::vec(header_byte(), 0..64),
            token in "[A-Za-z0-9_-]{1,64}",
        ) {
            let settings = CookieSettings::new(false);
            let ours = format!("twofold={token}");
            for value in [
                [ours.as_bytes(), b"; ", &other].concat(),
                [&b"x="[..], &other, b"; ", ours.as_bytes()].concat(),
            ] {
                prop_assert_eq!(settings.presented(&headers(&value)), Some(token.clone()));
            }
        }
    }
}
