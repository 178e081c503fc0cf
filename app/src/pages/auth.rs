//! Sign-up and sign-in. Both are plain forms (`ActionForm`), so they work
//! with JavaScript off; hydrated, they submit without a page load.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{Ceremony, WebAuthnPanel, webauthn_on};
use crate::api::auth::{SignIn, SignUp};
use crate::components::{FormError, LanguageSwitcher, invalid};
use crate::i18n::use_lang;
use crate::validation::{EMAIL_MAX, LOGIN_MAX, LOGIN_MIN, PASSWORD_MAX, PASSWORD_MIN};

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

/// What the sign-in page tells someone sent to it after a change
/// (`/login?notice=<name>`): only these, never text from the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginNotice {
    AccountDeleted,
    PasswordSet,
}

impl LoginNotice {
    const ALL: [Self; 2] = [Self::AccountDeleted, Self::PasswordSet];

    fn name(self) -> &'static str {
        match self {
            Self::AccountDeleted => "account_deleted",
            Self::PasswordSet => "password_set",
        }
    }

    /// The sign-in page with this notice.
    pub fn path(self) -> &'static str {
        match self {
            Self::AccountDeleted => "/login?notice=account_deleted",
            Self::PasswordSet => "/login?notice=password_set",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|notice| notice.name() == name)
    }
}

/// Whether people may create accounts here (`--signup`). The sign-in and
/// sign-up pages are not islands: they are rendered on the server only,
/// and the browser never renders them again, so only the server's answer
/// counts.
fn sign_up_open() -> bool {
    #[cfg(feature = "ssr")]
    return crate::server::AppState::from_context()
        .settings
        .sign_up_open;
    #[cfg(not(feature = "ssr"))]
    true
}

/// Whether sign-up needs an email address (`--require-email`): the
/// server's answer, as for [`sign_up_open`].
fn email_required() -> bool {
    #[cfg(feature = "ssr")]
    return crate::server::AppState::from_context()
        .settings
        .require_email;
    #[cfg(not(feature = "ssr"))]
    false
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let notice = use_query_map()
        .read_untracked()
        .get("notice")
        .as_deref()
        .and_then(LoginNotice::parse);

    view! {
        <Title text=lang.t("auth.sign_in_title") />
        <PublicTopBar next="/login" />
        <main class="narrow">
            <h1>{lang.t("auth.sign_in_heading")}</h1>
            {notice.map(|notice| view! {
                <p class="notice" role="status">{lang.t(&format!("auth.notice_{}", notice.name()))}</p>
            })}
            <ActionForm action=action attr:class="card stack">
                <label for="login">{lang.t("common.login")}</label>
                // `webauthn`: the browser may offer passkeys in this field's
                // autofill (conditional mediation).
                <input id="login" name="login" type="text" autocomplete="username webauthn"
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
            <p><a class="standalone" href="/forgot">{lang.t("auth.forgot")}</a></p>
            {webauthn_on().then(|| view! { <WebAuthnPanel ceremony=Ceremony::PasskeySignIn lang /> })}
            {sign_up_open().then(|| view! {
                <p>{lang.t("auth.new_here")} " " <a href="/signup">{lang.t("auth.create_account")}</a></p>
            })}
        </main>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let lang = use_lang();
    if !sign_up_open() {
        return leptos::either::Either::Left(view! {
            <Title text=lang.t("auth.sign_up_title") />
            <PublicTopBar next="/signup" />
            <main class="narrow">
                <h1>{lang.t("auth.sign_up_heading")}</h1>
                <p class="card" role="status">{lang.t("auth.sign_up_closed")}</p>
                <p><a class="standalone" href="/login">{lang.t("auth.sign_in_instead")}</a></p>
            </main>
        });
    }
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let required = email_required();
    let login_hint = lang.t_with(
        "auth.login_hint",
        &[
            ("min", &LOGIN_MIN.to_string()),
            ("max", &LOGIN_MAX.to_string()),
        ],
    );

    leptos::either::Either::Right(view! {
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
                <label for="email">
                    {lang.t(if required { "auth.email" } else { "auth.email_optional" })}
                </label>
                <input id="email" name="email" type="email" autocomplete="email"
                    required=required maxlength=EMAIL_MAX
                    aria-describedby="email-hint sign-up-error"
                    aria-invalid=invalid(error, "email") />
                <p id="email-hint" class="hint">{lang.t("auth.email_hint")}</p>
                <FormError error id="sign-up-error" />
                <button type="submit" disabled=move || action.pending().get()>
                    {lang.t("auth.sign_up")}
                </button>
            </ActionForm>
            <p>{lang.t("auth.have_account")} " " <a href="/login">{lang.t("auth.sign_in_instead")}</a></p>
        </main>
    })
}
