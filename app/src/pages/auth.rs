//! Sign-up and sign-in. Both are plain forms (`ActionForm`), so they work
//! with JavaScript off; hydrated, they submit without a page load.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{SignIn, SignUp};
use crate::components::{FormError, invalid};
use crate::validation::{LOGIN_MAX, PASSWORD_MAX, PASSWORD_MIN};

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));

    view! {
        <Title text="Sign in · Twofold" />
        <main class="narrow">
            <h1>"Sign in to Twofold"</h1>
            <ActionForm action=action attr:class="card stack">
                <label for="login">"Login"</label>
                <input id="login" name="login" type="text" autocomplete="username"
                    required maxlength=LOGIN_MAX autocapitalize="none" spellcheck="false"
                    aria-describedby="sign-in-error" aria-invalid=invalid(error, "login") />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password"
                    autocomplete="current-password" required maxlength=PASSWORD_MAX
                    aria-describedby="sign-in-error" aria-invalid=invalid(error, "password") />
                <FormError error id="sign-in-error" />
                <button type="submit" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p>"New to Twofold? " <a href="/signup">"Create an account"</a></p>
        </main>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));

    view! {
        <Title text="Sign up · Twofold" />
        <main class="narrow">
            <h1>"Create your Twofold account"</h1>
            <ActionForm action=action attr:class="card stack">
                <label for="login">"Login"</label>
                <input id="login" name="login" type="text" autocomplete="username"
                    required minlength=3 maxlength=LOGIN_MAX autocapitalize="none"
                    spellcheck="false" aria-describedby="login-hint sign-up-error"
                    aria-invalid=invalid(error, "login") />
                <p id="login-hint" class="hint">
                    "3 to 64 characters: letters, digits, '.', '_', '-' and '@'."
                </p>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password"
                    autocomplete="new-password" required minlength=PASSWORD_MIN
                    maxlength=PASSWORD_MAX aria-describedby="password-hint sign-up-error"
                    aria-invalid=invalid(error, "password") />
                <p id="password-hint" class="hint">"At least 10 characters."</p>
                <FormError error id="sign-up-error" />
                <button type="submit" disabled=move || action.pending().get()>"Sign up"</button>
            </ActionForm>
            <p>"Already have an account? " <a href="/login">"Sign in instead"</a></p>
        </main>
    }
}
