//! Server-only code: storage, password hashing, sessions, the 2FA rules.
//! Never compiled to wasm (the whole module sits behind the `ssr`
//! feature). Services here hold rules and own their transactions; the
//! SQL is in `repo`.

pub mod account_deletion;
pub mod accounts;
pub mod activity_export;
pub mod bearer;
pub mod caller;
pub mod clock;
pub mod crypto;
pub mod csp;
pub mod dates;
pub mod db;
pub mod email_address;
pub mod events;
pub mod http_error;
pub mod mail;
pub mod operator;
pub mod password;
pub mod password_attempts;
pub mod password_change;
pub mod password_reset;
pub mod private_files;
pub mod reauth;
pub mod recovery;
pub mod repo;
pub mod request_meta;
pub mod session;
pub mod session_list;
pub mod sign_in;
pub mod source_hints;
pub mod state;
pub mod strength;
pub mod sweep;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod two_factor;
pub mod webauthn;

pub use state::{AppState, Settings, Shared};

use std::borrow::Cow;

/// A request's `Cookie` headers as text, read leniently: another site on
/// this host may have set a cookie that is not ASCII (browsers send its
/// bytes as they are), and it must not hide ours. Only our own cookies'
/// values have to make sense.
pub fn cookie_headers(headers: &http::HeaderMap) -> impl Iterator<Item = Cow<'_, str>> {
    headers
        .get_all(http::header::COOKIE)
        .into_iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()))
}
