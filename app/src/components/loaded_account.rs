//! The account the dashboard shows, as every component of it reads it.

use leptos::prelude::*;

use crate::types::AccountView;

/// The account as the dashboard last loaded it, and how many times it has
/// been reloaded since the page was rendered: a change made in Settings
/// reloads it, and what shows the account follows.
#[derive(Clone, Copy)]
pub struct LoadedAccount {
    view: ReadSignal<AccountView>,
    pub reloads: ReadSignal<u32>,
    /// The parts that change with a reload, as memos: a reload that leaves
    /// them alone re-renders nothing.
    pub enabled: Memo<bool>,
    /// The server offers security keys and passkeys.
    pub webauthn: Memo<bool>,
    pub codes_left: Memo<Option<u32>>,
}

impl LoadedAccount {
    pub fn new(view: ReadSignal<AccountView>, reloads: ReadSignal<u32>) -> Self {
        Self {
            view,
            reloads,
            enabled: Memo::new(move |_| view.with(|account| account.two_factor_enabled)),
            webauthn: Memo::new(move |_| view.with(|account| account.webauthn)),
            codes_left: Memo::new(move |_| view.with(|account| account.recovery_codes_left)),
        }
    }

    /// Reads the account, tracked: what reads it follows every reload.
    pub fn with<R>(&self, read: impl FnOnce(&AccountView) -> R) -> R {
        self.view.with(read)
    }

    /// The login, which a reload does not change.
    pub fn login(&self) -> String {
        self.view.with_untracked(|account| account.login.clone())
    }
}
