//! The Settings frame, its tabs, and the Account tab.

use leptos::either::Either;
use leptos::prelude::*;

use super::browser::webauthn_supported;
use super::{
    AccessTokensTab, ChangePasswordDialog, ConfirmDialog, ConfirmPasswordDialog,
    DeleteAccountDialog, EmailPanel, FormError, LoadedAccount, MethodsPanel, RecoveryCodesDialog,
    SecurityActivity, SecurityKeyDialog, SessionsTab, SetupWizard, TokenDoors, UnlockedStatus,
};
use crate::api::action;
use crate::api::two_factor::DisableTwoFactor;
use crate::i18n::use_lang;
use crate::types::MethodKind;

/// The frame the Settings button opens, with its tabs: Account, Sessions
/// and Access tokens.
#[component]
pub fn SettingsFrame(
    account: LoadedAccount,
    /// Called after something changed the account (2FA enabled...).
    #[prop(into)]
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let selected = RwSignal::new(Tab::Account);
    // Mounted while selected (it fetches afresh each time); a click on the
    // tab already selected keeps what was typed.
    let tokens_shown = Memo::new(move |_| selected.get() == Tab::Tokens);
    let sessions_shown = Memo::new(move |_| selected.get() == Tab::Sessions);

    view! {
        <section id="settings" class="settings card" aria-labelledby="settings-title">
            <h2 id="settings-title">{lang.t("settings.heading")}</h2>
            <UnlockedStatus />
            <div role="tablist" aria-label=lang.t("settings.sections") class="tabs">
                <TabButton tab=Tab::Account name="account" selected label=lang.t("settings.tab_account") />
                <TabButton tab=Tab::Sessions name="sessions" selected label=lang.t("settings.tab_sessions") />
                <TabButton tab=Tab::Tokens name="tokens" selected label=lang.t("settings.tab_tokens") />
            </div>
            <div
                role="tabpanel"
                id="panel-account"
                aria-labelledby="tab-account"
                hidden=move || selected.get() != Tab::Account
            >
                <AccountTab account on_change />
            </div>
            <div
                role="tabpanel"
                id="panel-sessions"
                aria-labelledby="tab-sessions"
                hidden=move || selected.get() != Tab::Sessions
            >
                {move || sessions_shown.get().then(|| view! { <SessionsTab on_change /> })}
            </div>
            <div
                role="tabpanel"
                id="panel-tokens"
                aria-labelledby="tab-tokens"
                hidden=move || selected.get() != Tab::Tokens
            >
                {move || tokens_shown.get().then(|| view! { <AccessTokensTab on_change /> })}
            </div>
        </section>
    }
}

/// One tab of the tab list: `tab-{name}`, controlling `panel-{name}`.
#[component]
fn TabButton(
    tab: Tab,
    name: &'static str,
    selected: RwSignal<Tab>,
    label: String,
) -> impl IntoView {
    view! {
        <button
            type="button"
            role="tab"
            id=format!("tab-{name}")
            aria-controls=format!("panel-{name}")
            aria-selected=move || (selected.get() == tab).to_string()
            on:click=move |_| selected.set(tab)
        >
            {label}
        </button>
    }
}

/// What the confirm-password pop-up unlocks once the password is right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unlock {
    SetUp,
    ViewCodes,
    Disable,
    /// Add security key, Add passkey.
    AddKey(MethodKind),
    /// Email address > Add / Change.
    Email,
}

#[component]
fn AccountTab(account: LoadedAccount, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let confirm_open = RwSignal::new(false);
    let wizard_open = RwSignal::new(false);
    let codes_open = RwSignal::new(false);
    let disable_open = RwSignal::new(false);
    let password_open = RwSignal::new(false);
    let password_changed = RwSignal::new(false);
    let delete_open = RwSignal::new(false);
    let email_open = RwSignal::new(false);
    let app_added = RwSignal::new(false);
    let adding_key = RwSignal::new(None::<MethodKind>);
    let key_added = RwSignal::new(None::<MethodKind>);
    // Where the browser can run WebAuthn and the server offers it; read
    // once hydrated (the server renders without the buttons).
    let keys_offered = RwSignal::new(false);
    Effect::new(move |_| keys_offered.set(account.webauthn.get() && webauthn_supported()));
    let unlock = StoredValue::new(None::<Unlock>);
    let disable = action::<DisableTwoFactor>();
    let disable_error = Signal::derive(move || disable.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            disable.value().set(None);
            on_change.run(());
        }
    });

    let ask_password = move |what: Unlock| {
        unlock.set_value(Some(what));
        confirm_open.set(true);
    };
    let on_confirmed = move |()| match unlock.get_value() {
        Some(Unlock::SetUp) => wizard_open.set(true),
        Some(Unlock::ViewCodes) => codes_open.set(true),
        Some(Unlock::Disable) => {
            disable.dispatch(DisableTwoFactor {});
        }
        Some(Unlock::AddKey(kind)) => {
            key_added.set(None);
            adding_key.set(Some(kind));
        }
        Some(Unlock::Email) => email_open.set(true),
        None => {}
    };

    let LoadedAccount {
        enabled,
        codes_left,
        ..
    } = account;
    let status = move || {
        let status = lang.t(if enabled.get() {
            "account.enabled"
        } else {
            "account.disabled"
        });
        lang.t_with("account.status", &[("status", &status)])
    };
    let codes_left = move || {
        codes_left.get().map(|left| match left {
            1 => lang.t("account.codes_left_one"),
            n => lang.t_with("account.codes_left_many", &[("count", &n.to_string())]),
        })
    };

    view! {
        <dl class="facts">
            <dt>{lang.t("common.login")}</dt>
            <dd>{account.login()}</dd>
        </dl>
        <div class="actions start">
            <button type="button" class="secondary" on:click=move |_| password_open.set(true)>
                {lang.t("account.change_password")}
            </button>
        </div>
        {move || password_changed.get().then(|| view! {
            <p class="notice" role="status">{lang.t("password.changed")}</p>
        })}
        <EmailPanel account on_change open=email_open on_add=move |()| ask_password(Unlock::Email) />
        <h3 id="two-factor-title" tabindex="-1">{lang.t("account.two_factor")}</h3>
        <p class="two-factor-status">{status}</p>
        {move || codes_left().map(|text| view! { <p class="codes-left">{text}</p> })}
        {move || if enabled.get() {
            Either::Left(view! {
                <div class="actions start">
                    <button type="button" on:click=move |_| ask_password(Unlock::ViewCodes)>
                        {lang.t("account.view_codes")}
                    </button>
                    <button type="button" class="danger" on:click=move |_| disable_open.set(true)>
                        {lang.t("account.disable")}
                    </button>
                </div>
                <FormError error=disable_error id="disable-error" />
                <MethodsPanel reloads=account.reloads on_change />
                <div class="actions start">
                    <button type="button" class="secondary" on:click=move |_| {
                        app_added.set(false);
                        ask_password(Unlock::SetUp);
                    }>
                        {lang.t("methods.add_app")}
                    </button>
                </div>
                {move || app_added.get().then(|| view! {
                    <p class="notice" role="status">{lang.t("methods.app_added")}</p>
                })}
            })
        } else {
            Either::Right(view! {
                <p class="hint">{lang.t("account.protect_hint")}</p>
                <button type="button" on:click=move |_| ask_password(Unlock::SetUp)>
                    {lang.t("account.set_up")}
                </button>
            })
        }}
        {move || keys_offered.get().then(|| view! {
            <div class="actions start">
                <button type="button" class="secondary"
                    on:click=move |_| ask_password(Unlock::AddKey(MethodKind::SecurityKey))>
                    {lang.t("keys.add_security_key")}
                </button>
                <button type="button" class="secondary"
                    on:click=move |_| ask_password(Unlock::AddKey(MethodKind::Passkey))>
                    {lang.t("keys.add_passkey")}
                </button>
            </div>
        })}
        {move || key_added.get().map(|kind| view! {
            <p class="notice" role="status">{lang.t(match kind {
                MethodKind::Passkey => "keys.passkey_added",
                _ => "keys.key_added",
            })}</p>
        })}
        <TokenDoors account />
        <ConfirmDialog
            open=disable_open
            id="disable-title"
            title=lang.t("account.disable_title")
            message=lang.t("account.disable_message")
            confirm_label=lang.t("account.disable_confirm")
            on_confirm=move |()| ask_password(Unlock::Disable)
        />
        <ConfirmPasswordDialog open=confirm_open on_confirmed />
        <SetupWizard open=wizard_open adding=enabled on_done=move |()| {
            app_added.set(enabled.get_untracked());
            on_change.run(());
        } />
        <RecoveryCodesDialog open=codes_open on_change />
        <SecurityKeyDialog adding=adding_key added=key_added on_done=on_change />
        <SecurityActivity reloads=account.reloads />
        <h3>{lang.t("delete.heading")}</h3>
        <p class="hint">{lang.t("delete.hint")}</p>
        <div class="actions start">
            <button type="button" class="danger" on:click=move |_| delete_open.set(true)>
                {lang.t("account.delete")}
            </button>
        </div>
        <ChangePasswordDialog open=password_open changed=password_changed on_change />
        <DeleteAccountDialog open=delete_open login=account.login() />
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Account,
    Sessions,
    Tokens,
}
