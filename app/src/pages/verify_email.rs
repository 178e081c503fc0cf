//! `/verify-email/<token>`: the page an address's confirmation link
//! opens. It confirms nothing by itself (mail scanners open links): the
//! signed-in owner presses **Confirm email address**, a plain form that
//! works with JavaScript off. A link that is expired, used, unknown or of
//! another account says so; signed out, the page asks to sign in first.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::email::{ConfirmEmail, check_email_link};
use crate::components::{FormError, LoadError};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::pages::PublicTopBar;
use crate::types::Secret;

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
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
        |token| check_email_link(Secret(token)),
    );

    view! {
        <Title text=lang.t("verify_email.title") />
        <PublicTopBar next="/" />
        <main class="narrow">
            <h1>{lang.t("verify_email.heading")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{lang.t("common.loading")}</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match link.await {
                            Ok(address) => EitherOf3::A(view! { <ConfirmForm address token /> }),
                            Err(AppError::Unauthorized) => EitherOf3::B(view! {
                                <p role="status">{lang.t("verify_email.sign_in_first")}</p>
                                <p><a class="standalone" href="/login">{lang.t("auth.sign_in")}</a></p>
                            }),
                            Err(error) => EitherOf3::C(view! {
                                <LoadError error />
                                <p><a class="standalone" href="/">{lang.t("verify_email.to_dashboard")}</a></p>
                            }),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn ConfirmForm(address: String, token: String) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<ConfirmEmail>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <p>{lang.t("verify_email.address")} " " <strong>{address}</strong></p>
        <ActionForm action=action attr:class="card stack">
            <input type="hidden" name="token" value=token />
            <FormError error id="verify-email-error" />
            <button type="submit" disabled=move || action.pending().get()>
                {lang.t("verify_email.confirm")}
            </button>
        </ActionForm>
    }
}

/// Where the form sends the owner once the address is theirs.
#[component]
pub fn EmailConfirmedPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=lang.t("verify_email.title") />
        <PublicTopBar next="/" />
        <main class="narrow">
            <h1>{lang.t("verify_email.heading")}</h1>
            <p class="notice" role="status">{lang.t("verify_email.confirmed")}</p>
            <p><a class="standalone" href="/">{lang.t("verify_email.to_dashboard")}</a></p>
        </main>
    }
}
