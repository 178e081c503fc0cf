//! The second sign-in step: a code from the authentication app, or a
//! recovery code (`?method=recovery`). Plain forms: they work with
//! JavaScript off, and the link between the two is an ordinary link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::two_factor::{VerifyRecoveryCode, VerifySignInCode, awaiting_second_factor};
use crate::components::{FormError, LoadError, invalid};
use crate::error::AppError;

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let pending = Resource::new(|| (), |_| awaiting_second_factor());
    let query = use_query_map();
    let use_recovery =
        Signal::derive(move || query.read().get("method").as_deref() == Some("recovery"));

    view! {
        <Title text="Two-factor authentication · Twofold" />
        <main class="narrow">
            <h1>"Two-factor authentication"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(pending) => view! {
                            <p>"Signing in as " <strong>{pending.login}</strong></p>
                            <Show when=move || use_recovery.get() fallback=CodeForm>
                                <RecoveryForm />
                            </Show>
                        }.into_any(),
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
    let action = ServerAction::<VerifySignInCode>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <ActionForm action=action attr:class="card stack">
            <label for="code">"Authentication code"</label>
            <input id="code" name="code" type="text" inputmode="numeric"
                autocomplete="one-time-code" required maxlength=12 autofocus
                aria-describedby="code-hint code-error" aria-invalid=invalid(error, "code") />
            <p id="code-hint" class="hint">"Open your authenticator app and type the six-digit code it shows."</p>
            <FormError error id="code-error" />
            <button type="submit" disabled=move || action.pending().get()>"Verify"</button>
        </ActionForm>
        <p><a class="standalone" href="/login/verify?method=recovery">"Use a recovery code"</a></p>
    }
}

#[component]
fn RecoveryForm() -> impl IntoView {
    let action = ServerAction::<VerifyRecoveryCode>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <ActionForm action=action attr:class="card stack">
            <label for="recovery-code">"Recovery code"</label>
            <input id="recovery-code" name="recovery_code" type="text" autocomplete="off"
                required maxlength=64 autocapitalize="none" spellcheck="false" autofocus
                aria-describedby="recovery-hint recovery-error"
                aria-invalid=invalid(error, "recovery_code") />
            <p id="recovery-hint" class="hint">
                "One of the codes you saved when you set up two-factor authentication. Each works once."
            </p>
            <FormError error id="recovery-error" />
            <button type="submit" disabled=move || action.pending().get()>"Verify"</button>
        </ActionForm>
        <p><a class="standalone" href="/login/verify">"Use your authentication app instead"</a></p>
    }
}
