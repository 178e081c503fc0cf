//! The session cookie: the token comes in with the request, and the token
//! the session ended with goes back with the response. The session itself
//! (`app::server::session`) writes to the database as it changes.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};

use app::server::session::{CookieChange, Session};
use app::server::{AppState, cookie_headers};

/// How the cookie is named and flagged.
#[derive(Clone, Debug)]
pub struct CookieSettings {
    name: &'static str,
    secure: bool,
}

impl CookieSettings {
    /// The `__Host-` prefix pins the cookie to this origin, but browsers
    /// accept it only on Secure cookies.
    pub fn new(secure: bool) -> Self {
        let name = if secure { "__Host-twofold" } else { "twofold" };
        Self { name, secure }
    }

    fn cookie(&self, value: String, max_age: i64) -> Cookie<'static> {
        Cookie::build((self.name, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .path("/")
            .max_age(time::Duration::seconds(max_age))
            .build()
    }

    /// The first cookie of ours in the request's `Cookie` headers.
    fn presented(&self, headers: &HeaderMap) -> Option<String> {
        cookie_headers(headers).find_map(|cookies| {
            Cookie::split_parse(cookies)
                .filter_map(Result::ok)
                .find(|cookie| cookie.name() == self.name)
                .map(|cookie| cookie.value().to_owned())
        })
    }
}

/// Gives the request its session, and the response the cookie for it.
pub async fn layer(
    State((state, settings)): State<(AppState, CookieSettings)>,
    mut request: Request,
    next: Next,
) -> Response {
    let presented = settings.presented(request.headers());
    let session = Session::new(&state, presented.as_deref());
    request.extensions_mut().insert(session.clone());
    let mut response = next.run(request).await;
    if session.was_live().await {
        // An answer about a signed-in or pending session is never stored.
        no_store(response.headers_mut());
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
    let headers = response.headers_mut();
    match HeaderValue::from_str(&cookie.to_string()) {
        Ok(value) => {
            headers.append(header::SET_COOKIE, value);
            // A response that hands out a token is never stored by a cache.
            no_store(headers);
        }
        Err(_) => tracing::error!("session cookie not encodable"),
    }
    response
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
