//! The state every handler and server function shares. Built once at start
//! by the server crate; tests build their own.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::clock::Clock;
use super::crypto::Vault;
use super::db::Db;
use super::password::Passwords;

/// Operator settings the app logic needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Shown in authenticator apps as the account's issuer.
    pub issuer: String,
    /// How long a password confirmation unlocks sensitive actions.
    pub reauth_seconds: i64,
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub passwords: Arc<Passwords>,
    pub vault: Arc<Vault>,
    pub clock: Clock,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn from_context() -> Self {
        leptos::prelude::expect_context::<Self>()
    }
}
