//! The state every handler and server function shares. Built once at start
//! by the server crate; tests build their own.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::clock::Clock;
use super::crypto::Vault;
use super::db::Db;
use super::mail::Mailer;
use super::password::Passwords;
use super::source_hints::SourceHints;
use super::webauthn::RelyingParty;

/// Operator settings the app logic needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Shown in authenticator apps as the account's issuer.
    pub issuer: String,
    /// How long a password confirmation unlocks sensitive actions.
    pub reauth_seconds: i64,
    /// A signed-in session ends this long after it signed in, however
    /// much it is used (`--session-max-days`).
    pub session_max_seconds: i64,
    /// Whether people may create their own accounts (`--signup open`).
    pub sign_up_open: bool,
    /// Whether sign-up needs an email address (`--require-email`).
    pub require_email: bool,
    /// Where people reach Twofold (`--public-url`): the start of the links
    /// in its mail.
    pub public_url: String,
}

/// Cloned for every request by each extractor and layer that takes it, so
/// a clone is one reference count: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub passwords: Passwords,
    pub vault: Vault,
    pub clock: Clock,
    pub settings: Settings,
    /// Twofold as a WebAuthn relying party, or `None` when the public URL
    /// cannot be one (security keys and passkeys are then off).
    pub webauthn: Option<RelyingParty>,
    /// Where the outbox's mail goes.
    pub mailer: Mailer,
    /// The sources this process saw with their password budget spent.
    pub source_hints: SourceHints,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    pub fn from_context() -> Self {
        leptos::prelude::expect_context::<Self>()
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// leptos_axum's routes read the site's options from the state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
