//! Sign-up and sign-in. Both are plain forms (`ActionForm`), so they work
//! with JavaScript off; hydrated, they submit without a page load.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{SignIn, SignUp};
use crate::components::{FormError, LanguageSwitcher, invalid};
use crate::i18n::use_lang;
use crate::validation::{LOGIN_MAX, LOGIN_MIN, PASSWORD_MAX, PASSWORD_MIN};

/// The top bar of the pages before sign-in: the name and the language.
#[component]
pub fn PublicTopBar(next: &'static str) -> impl IntoView {
    view! {
        <header class="topbar public">
            <a class="brand" href="/">"Twofold"</a>
            <LanguageSwitcher next />
        </header>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));

    view! {
        <Title text=lang.t("auth.sign_in_title") />
        <PublicTopBar next="/login" />
        <main class="narrow">
            <h1>{lang.t("auth.sign_in_heading")}</h1>
            <ActionForm action=action attr:class="card stack">
                <label for="login">{lang.t("common.login")}</label>
                <input id="login" name="login" type="text" autocomplete="username"
                    required maxlength=LOGIN_MAX autocapitalize="none" spellcheck="false"
                    aria-describedby="sign-in-error" aria-invalid=invalid(error, "login") />
                <label for="password">{lang.t("common.password")}</label>
                <input id="password" name="password" type="password"
                    autocomplete="current-password" required maxlength=PASSWORD_MAX
                    aria-describedby="sign-in-error" aria-invalid=invalid(error, "password") />
                <FormError error id="sign-in-error" />
                <button type="submit" disabled=move || action.pending().get()>
                    {lang.t("auth.sign_in")}
                </button>
            </ActionForm>
            <p>{lang.t("auth.new_here")} " " <a href="/signup">{lang.t("auth.create_account")}</a></p>
        </main>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let login_hint = lang.t_with(
        "auth.login_hint",
        &[
            ("min", &LOGIN_MIN.to_string()),
            ("max", &LOGIN_MAX.to_string()),
        ],
    );

    view! {
        <Title text=lang.t("auth.sign_up_title") />
        <PublicTopBar next="/signup" />
        <main class="narrow">
            <h1>{lang.t("auth.sign_up_heading")}</h1>
            <ActionForm action=action attr:class="card stack">
                <label for="login">{lang.t("common.login")}</label>
                <input id="login" name="login" type="text" autocomplete="username"
                    required minlength=LOGIN_MIN maxlength=LOGIN_MAX autocapitalize="none"
                    spellcheck="false" aria-describedby="login-hint sign-up-error"
                    aria-invalid=invalid(error, "login") />
                <p id="login-hint" class="hint">{login_hint}</p>
                <label for="password">{lang.t("common.password")}</label>
                <input id="password" name="password" type="password"
                    autocomplete="new-password" required minlength=PASSWORD_MIN
                    maxlength=PASSWORD_MAX aria-describedby="password-hint sign-up-error"
                    aria-invalid=invalid(error, "password") />
                <p id="password-hint" class="hint">
                    {lang.t_with("auth.password_hint", &[("min", &PASSWORD_MIN.to_string())])}
                </p>
                <FormError error id="sign-up-error" />
                <button type="submit" disabled=move || action.pending().get()>
                    {lang.t("auth.sign_up")}
                </button>
            </ActionForm>
            <p>{lang.t("auth.have_account")} " " <a href="/login">{lang.t("auth.sign_in_instead")}</a></p>
        </main>
    }
}
