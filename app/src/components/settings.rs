use leptos::prelude::*;

use crate::types::AccountView;

/// The frame the Settings button opens, with its tabs. Only the Account tab
/// exists so far; the tab pattern (roles, `aria-selected`) is in place for
/// the ones to come.
#[component]
pub fn SettingsFrame(account: AccountView) -> impl IntoView {
    let selected = RwSignal::new(Tab::Account);
    let status = if account.two_factor_enabled {
        "Enabled"
    } else {
        "Disabled"
    };

    view! {
        <section id="settings" class="settings card" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <div role="tablist" aria-label="Settings sections" class="tabs">
                <button
                    type="button"
                    role="tab"
                    id="tab-account"
                    aria-controls="panel-account"
                    aria-selected=move || (selected.get() == Tab::Account).to_string()
                    on:click=move |_| selected.set(Tab::Account)
                >
                    "Account"
                </button>
            </div>
            <div
                role="tabpanel"
                id="panel-account"
                aria-labelledby="tab-account"
                hidden=move || selected.get() != Tab::Account
            >
                <dl class="facts">
                    <dt>"Login"</dt>
                    <dd>{account.login.clone()}</dd>
                </dl>
                <p class="two-factor-status">"Two-factor authentication: " {status}</p>
            </div>
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Account,
}
