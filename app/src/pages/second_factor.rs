//! The second sign-in step: Use your security key (where the account has
//! one and the browser can), a code from the authentication app, or a
//! recovery code (`?method=recovery`). Plain forms: they work with
//! JavaScript off, and the link between the two is an ordinary link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::second_step::{VerifyRecoveryCode, VerifySignInCode, awaiting_second_factor};
use crate::components::{FormError, LoadError, invalid};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::pages::{Ceremony, PublicTopBar, WebAuthnPanel};

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let lang = use_lang();
    let pending = Resource::new(|| (), |_| awaiting_second_factor());
    let query = use_query_map();
    let use_recovery =
        Signal::derive(move || query.read().get("method").as_deref() == Some("recovery"));

    view! {
        <Title text=lang.t("second.title") />
        <PublicTopBar next=if use_recovery.get_untracked() {
            "/login/verify?method=recovery"
        } else {
            "/login/verify"
        } />
        <main class="narrow">
            <h1>{lang.t("second.heading")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{lang.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(pending) => {
                            let app = pending.app;
                            view! {
                                <p>{lang.t("second.signing_in_as")} " " <strong>{pending.login}</strong></p>
                                {pending.security_key.then(|| view! {
                                    <WebAuthnPanel ceremony=Ceremony::SecondStep lang />
                                })}
                                // An account without an app has no code to type.
                                <Show when=move || use_recovery.get() || !app fallback=CodeForm>
                                    <RecoveryForm app />
                                </Show>
                            }.into_any()
                        }
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(error) => view! { <LoadError error /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn CodeForm() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<VerifySignInCode>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <ActionForm action=action attr:class="card stack">
            <label for="code">{lang.t("common.code_label")}</label>
            <input id="code" name="code" type="text" inputmode="numeric"
                autocomplete="one-time-code" required maxlength=12 autofocus
                aria-describedby="code-hint code-error" aria-invalid=invalid(error, "code") />
            <p id="code-hint" class="hint">{lang.t("second.code_hint")}</p>
            <FormError error id="code-error" />
            <button type="submit" disabled=move || action.pending().get()>{lang.t("second.verify")}</button>
        </ActionForm>
        <p><a class="standalone" href="/login/verify?method=recovery">{lang.t("second.use_recovery")}</a></p>
    }
}

#[component]
fn RecoveryForm(
    /// The account has an authenticator app to go back to.
    app: bool,
) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<VerifyRecoveryCode>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <ActionForm action=action attr:class="card stack">
            <label for="recovery-code">{lang.t("second.recovery_label")}</label>
            <input id="recovery-code" name="recovery_code" type="text" autocomplete="off"
                required maxlength=64 autocapitalize="none" spellcheck="false" autofocus
                aria-describedby="recovery-hint recovery-error"
                aria-invalid=invalid(error, "recovery_code") />
            <p id="recovery-hint" class="hint">{lang.t("second.recovery_hint")}</p>
            <FormError error id="recovery-error" />
            <button type="submit" disabled=move || action.pending().get()>{lang.t("second.verify")}</button>
        </ActionForm>
        {app.then(|| view! {
            <p><a class="standalone" href="/login/verify">{lang.t("second.use_app")}</a></p>
        })}
    }
}
