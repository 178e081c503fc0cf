//! Settings > Access tokens: create a personal access token (after the
//! password pop-up), see it once, list tokens, revoke them.

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

use super::browser::copy_text;
use super::fetched::fetched;
use super::{ConfirmPasswordDialog, FormError, invalid};
use crate::api::tokens::{CreateAccessToken, RevokeAccessToken, list_access_tokens};
use crate::i18n::{Lang, use_lang};
use crate::types::{AccessTokenView, TokenScope};

/// Bumped whenever the account's tokens change, so every view of them
/// (the tab's list, the Account tab's doors) refetches.
#[derive(Debug, Clone, Copy)]
pub struct TokensChanged(pub RwSignal<u32>);

fn tokens_changed() -> RwSignal<u32> {
    use_context::<TokensChanged>().map_or_else(|| RwSignal::new(0), |TokensChanged(signal)| signal)
}

#[component]
pub fn AccessTokensTab() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateAccessToken>::new();
    let revoke = ServerAction::<RevokeAccessToken>::new();
    let changed = tokens_changed();
    Effect::new(move |_| {
        // Track both actions' versions; skip the first run (nothing changed yet).
        let versions = (create.version().get(), revoke.version().get());
        if versions != (0, 0) {
            changed.update(|n| *n += 1);
        }
    });
    let tokens = fetched(changed.into(), list_access_tokens);
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
    let created = Signal::derive(move || create.value().get().and_then(Result::ok));

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
                    " " {scope_name(lang, TokenScope::ReadOnly)}
                </label>
                <label>
                    <input type="radio" name="token-scope" prop:checked=move || read_write.get()
                        on:change=move |_| read_write.set(true) />
                    " " {scope_name(lang, TokenScope::ReadWrite)}
                </label>
            </fieldset>
            <FormError error id="token-error" />
            <div class="actions start">
                <button type="submit" disabled=move || create.pending().get()>{lang.t("tokens.create")}</button>
            </div>
        </form>
        {move || created.get().map(|created| {
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
        {move || match tokens.get() {
            None => EitherOf4::A(view! { <p>{lang.t("common.loading")}</p> }),
            Some(Ok(list)) if list.is_empty() => EitherOf4::B(view! { <p class="hint">{lang.t("tokens.none")}</p> }),
            Some(Ok(list)) => EitherOf4::C(view! { <TokenList list revoke /> }),
            Some(Err(error)) => EitherOf4::D(view! { <p role="alert">{error.message(lang)}</p> }),
        }}
    }
}

#[component]
fn TokenList(list: Vec<AccessTokenView>, revoke: ServerAction<RevokeAccessToken>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="tokens">
            <caption>{lang.t("tokens.yours")}</caption>
            <thead>
                <tr>
                    <th scope="col">{lang.t("tokens.col_name")}</th>
                    <th scope="col">{lang.t("tokens.scope")}</th>
                    <th scope="col">{lang.t("tokens.col_created")}</th>
                    <th scope="col">{lang.t("tokens.expires")}</th>
                    <th scope="col">{lang.t("tokens.col_last_used")}</th>
                    <th scope="col">{lang.t("tokens.col_status")}</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|token| {
                    let id = token.id;
                    let label = lang.t_with("tokens.revoke_label", &[("name", &token.name)]);
                    view! {
                        <tr>
                            <td>{token.name.clone()}</td>
                            <td>{scope_name(lang, token.scope)}</td>
                            <td>{token.created_at}</td>
                            <td>{token.expires_at.unwrap_or_else(|| lang.t("tokens.never"))}</td>
                            <td>{token.last_used_at.unwrap_or_else(|| lang.t("tokens.never"))}</td>
                            <td>
                                {if token.active {
                                    Either::Left(view! {
                                        <button type="button" class="danger small" aria-label=label
                                            on:click=move |_| { revoke.dispatch(RevokeAccessToken { id }); }>
                                            {lang.t("tokens.revoke")}
                                        </button>
                                    })
                                } else {
                                    Either::Right(view! { <span class="hint">{lang.t("tokens.inactive")}</span> })
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Next to 2FA: every way into the account that skips the second factor.
#[component]
pub fn TokenDoors() -> impl IntoView {
    let lang = use_lang();
    let changed = tokens_changed();
    let tokens = fetched(changed.into(), list_access_tokens);
    move || {
        tokens.get().map(|answer| {
            let active: Vec<String> = answer
                .unwrap_or_default()
                .into_iter()
                .filter(|t| t.active)
                .map(|t| t.name)
                .collect();
            view! {
                <p class="doors">
                    {if active.is_empty() {
                        lang.t("tokens.doors_none")
                    } else {
                        lang.t_with("tokens.doors_some", &[("names", &active.join(", "))])
                    }}
                </p>
            }
        })
    }
}

fn scope_name(lang: Lang, scope: TokenScope) -> String {
    lang.t(match scope {
        TokenScope::ReadOnly => "tokens.read_only",
        TokenScope::ReadWrite => "tokens.read_write",
    })
}
