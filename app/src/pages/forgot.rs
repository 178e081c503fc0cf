//! `/forgot`: "Forgot your password?". A plain form, so it works with
//! JavaScript off. Whatever was typed, the answer is the same page saying
//! a link was sent if an account matches, so nobody learns which logins
//! or addresses exist here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::password::RequestPasswordReset;
use crate::components::{FormError, invalid};
use crate::i18n::use_lang;
use crate::pages::PublicTopBar;
use crate::validation::EMAIL_MAX;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = use_query_map().read_untracked().get("sent").is_some();

    view! {
        <Title text=lang.t("forgot.title") />
        <PublicTopBar next="/forgot" />
        <main class="narrow">
            <h1>{lang.t("forgot.heading")}</h1>
            {sent.then(|| view! {
                <p class="notice" role="status">{lang.t("forgot.sent")}</p>
            })}
            <p>{lang.t("forgot.intro")}</p>
            <ActionForm action=action attr:class="card stack">
                <label for="who">{lang.t("forgot.who")}</label>
                <input id="who" name="who" type="text" autocomplete="username" required
                    maxlength=EMAIL_MAX autocapitalize="none" spellcheck="false"
                    aria-describedby="forgot-error" aria-invalid=invalid(error, "who") />
                <FormError error id="forgot-error" />
                <button type="submit" disabled=move || action.pending().get()>
                    {lang.t("forgot.send")}
                </button>
            </ActionForm>
            <p><a class="standalone" href="/login">{lang.t("auth.sign_in_instead")}</a></p>
        </main>
    }
}
