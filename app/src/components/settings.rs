use leptos::prelude::*;

use super::{ConfirmPasswordDialog, SetupWizard};
use crate::types::AccountView;

/// The frame the Settings button opens, with its tabs. Only the Account tab
/// exists so far; the tab pattern (roles, `aria-selected`) is in place for
/// the ones to come.
#[component]
pub fn SettingsFrame(
    account: AccountView,
    /// Called after something changed the account (2FA enabled...).
    #[prop(into)]
    on_change: Callback<()>,
) -> AnyView {
    let selected = RwSignal::new(Tab::Account);

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
                <AccountTab account on_change />
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn AccountTab(account: AccountView, on_change: Callback<()>) -> AnyView {
    let confirm_open = RwSignal::new(false);
    let wizard_open = RwSignal::new(false);
    let status = if account.two_factor_enabled {
        "Enabled"
    } else {
        "Disabled"
    };
    let codes_left = account.recovery_codes_left.map(|left| match left {
        1 => "1 recovery code left".to_owned(),
        n => format!("{n} recovery codes left"),
    });

    view! {
        <dl class="facts">
            <dt>"Login"</dt>
            <dd>{account.login.clone()}</dd>
        </dl>
        <h3>"Two-factor authentication"</h3>
        <p class="two-factor-status">"Two-factor authentication: " {status}</p>
        {codes_left.map(|text| view! { <p class="codes-left">{text}</p> })}
        <Show when=move || !account.two_factor_enabled>
            <p class="hint">
                "Protect your account with a code from an authenticator app on your phone, "
                "in addition to your password."
            </p>
            <button type="button" on:click=move |_| confirm_open.set(true)>
                "Set Up Two-Factor Authentication"
            </button>
        </Show>
        <ConfirmPasswordDialog open=confirm_open on_confirmed=move |()| wizard_open.set(true) />
        <SetupWizard open=wizard_open on_done=on_change />
    }
    .into_any()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Account,
}
