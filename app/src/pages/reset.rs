//! `/reset/<token>`: the page an operator's reset link opens, where a
//! person sets a new password. A plain form, so it works with JavaScript
//! off; a link that is expired, used or unknown says so instead.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::password::{ResetPassword, check_reset_link};
use crate::components::{FormError, LoadError, invalid};
use crate::i18n::use_lang;
use crate::pages::PublicTopBar;
use crate::types::Secret;
use crate::validation::{PASSWORD_MAX, PASSWORD_MIN};

#[component]
pub fn ResetPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        |token| check_reset_link(Secret(token)),
    );

    view! {
        <Title text=lang.t("reset.title") />
        <PublicTopBar next="/login" />
        <main class="narrow">
            <h1>{lang.t("reset.heading")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{lang.t("common.loading")}</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match link.await {
                            Ok(login) => leptos::either::Either::Left(view! { <ResetForm login token /> }),
                            Err(error) => leptos::either::Either::Right(view! {
                                <LoadError error />
                                <p><a class="standalone" href="/login">{lang.t("auth.sign_in_instead")}</a></p>
                            }),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn ResetForm(login: String, token: String) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <p>{lang.t("reset.for")} " " <strong>{login.clone()}</strong></p>
        <ActionForm action=action attr:class="card stack">
            <input type="hidden" name="token" value=token />
            // For password managers: the account this password belongs to.
            <input type="hidden" name="username" autocomplete="username" value=login />
            <label for="reset-password">{lang.t("reset.new_password")}</label>
            <input id="reset-password" name="password" type="password"
                autocomplete="new-password" required minlength=PASSWORD_MIN
                maxlength=PASSWORD_MAX aria-describedby="reset-hint reset-error"
                aria-invalid=invalid(error, "password") />
            <p id="reset-hint" class="hint">
                {lang.t_with("auth.password_hint", &[("min", &PASSWORD_MIN.to_string())])}
            </p>
            <label for="reset-password-again">{lang.t("reset.new_password_again")}</label>
            <input id="reset-password-again" name="password_again" type="password"
                autocomplete="new-password" required maxlength=PASSWORD_MAX
                aria-describedby="reset-error" aria-invalid=invalid(error, "password_again") />
            <FormError error id="reset-error" />
            <button type="submit" disabled=move || action.pending().get()>
                {lang.t("reset.set_password")}
            </button>
        </ActionForm>
    }
}
