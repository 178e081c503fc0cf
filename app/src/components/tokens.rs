//! Settings > Access tokens: create a personal access token (after the
//! password pop-up), see it once, list tokens, revoke them. The server
//! renders the list (`fragments::TokenTable`, answered by `access_tokens_html`).

use leptos::prelude::*;

use super::browser::{clicked_data, copy_text};
use super::{ConfirmPasswordDialog, FormError, LoadedAccount, ServerHtml, invalid};
use crate::api::action;
use crate::api::tokens::{CreateAccessToken, RevokeAccessToken, access_tokens_html};
use crate::fragments::REVOKE;
use crate::i18n::use_lang;
use crate::types::TokenScope;

#[component]
pub fn AccessTokensTab(
    /// Called after a token was created or revoked: the account's doors
    /// (`AccountView::active_tokens`) changed.
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let create = action::<CreateAccessToken>();
    let revoke = action::<RevokeAccessToken>();
    let changed = RwSignal::new(0);
    Effect::new(move |_| {
        // Track both actions' versions; skip the first run (nothing changed yet).
        let versions = (create.version().get(), revoke.version().get());
        if versions != (0, 0) {
            changed.update(|n| *n += 1);
            on_change.run(());
        }
    });
    let on_list_click = move |event: leptos::ev::MouseEvent| {
        if let Some(id) = clicked_data(&event, REVOKE).and_then(|id| id.parse().ok()) {
            revoke.dispatch(RevokeAccessToken { id });
        }
    };
    let name = RwSignal::new(String::new());
    let expiry = RwSignal::new("30".to_owned());
    let read_write = RwSignal::new(false);
    let confirm_open = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    });

    let on_confirmed = move |()| {
        copied.set(false);
        create.dispatch(CreateAccessToken {
            name: name.get_untracked(),
            expires_in_days: expiry.get_untracked(),
            scope: if read_write.get_untracked() {
                "read_write"
            } else {
                "read_only"
            }
            .to_owned(),
        });
    };

    view! {
        <h3>{lang.t("tokens.heading")}</h3>
        <p class="hint">{lang.t("tokens.hint")}</p>
        <form
            class="stack"
            on:submit=move |event| {
                event.prevent_default();
                confirm_open.set(true);
            }
        >
            <label for="token-name">{lang.t("tokens.name")}</label>
            <input id="token-name" type="text" required maxlength=64 bind:value=name
                aria-describedby="token-error" aria-invalid=invalid(error, "name") />
            <label for="token-expiry">{lang.t("tokens.expires")}</label>
            <select id="token-expiry" on:change=move |ev| expiry.set(event_target_value(&ev)) prop:value=move || expiry.get()>
                <option value="7">{lang.t_with("tokens.in_days", &[("days", "7")])}</option>
                <option value="30" selected>{lang.t_with("tokens.in_days", &[("days", "30")])}</option>
                <option value="90">{lang.t_with("tokens.in_days", &[("days", "90")])}</option>
                <option value="never">{lang.t("tokens.never")}</option>
            </select>
            <fieldset>
                <legend>{lang.t("tokens.scope")}</legend>
                <label>
                    <input type="radio" name="token-scope" prop:checked=move || !read_write.get()
                        on:change=move |_| read_write.set(false) />
                    " " {TokenScope::ReadOnly.label(lang)}
                </label>
                <label>
                    <input type="radio" name="token-scope" prop:checked=move || read_write.get()
                        on:change=move |_| read_write.set(true) />
                    " " {TokenScope::ReadWrite.label(lang)}
                </label>
            </fieldset>
            <FormError error id="token-error" />
            <div class="actions start">
                <button type="submit" disabled=move || create.pending().get()>{lang.t("tokens.create")}</button>
            </div>
        </form>
        {move || create.value().get().and_then(Result::ok).map(|created| {
            let token = StoredValue::new(created.token.clone());
            view! {
                <div class="warning new-token" role="status">
                    <p>{lang.t("tokens.copy_now")}</p>
                    <p><code class="key" id="new-token">{created.token.clone()}</code></p>
                    <button type="button" class="secondary" on:click=move |_| {
                        leptos::task::spawn_local(async move {
                            if copy_text(&token.get_value()).await.is_ok() {
                                copied.set(true);
                            }
                        });
                    }>
                        {move || lang.t(if copied.get() { "tokens.copied" } else { "codes.copy" })}
                    </button>
                </div>
            }
        })}
        <ConfirmPasswordDialog open=confirm_open on_confirmed />
        <div on:click=on_list_click>
            <ServerHtml trigger=changed.into() fetch=access_tokens_html />
        </div>
    }
}

/// Next to 2FA: every way into the account that skips the second factor
/// (the names of its active tokens, which come with the account).
#[component]
pub fn TokenDoors(account: LoadedAccount) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="doors">
            {move || account.with(|account| if account.active_tokens.is_empty() {
                lang.t("tokens.doors_none")
            } else {
                lang.t_with("tokens.doors_some", &[("names", &account.active_tokens.join(", "))])
            })}
        </p>
    }
}
