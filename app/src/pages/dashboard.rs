//! The dashboard: a top bar with the login, Settings (top-right) and
//! Sign out, and the Settings frame.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::auth::{SignOut, current_account};
use crate::components::browser::focus_if_lost;
use crate::components::{FormError, LoadError, SettingsFrame, Unlocked};
use crate::error::AppError;
use crate::types::AccountView;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| current_account());

    view! {
        <Title text="Dashboard · Twofold" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(account) => view! { <Dashboard account /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error) => view! {
                        <main class="narrow"><LoadError error /></main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The interactive dashboard: the only island, so the only part of Twofold
/// compiled to wasm. It starts from the account the server rendered with
/// and reloads it after a change made in Settings.
#[island]
fn Dashboard(account: AccountView) -> impl IntoView {
    let unlocked = Unlocked::provide(account.unlocked_for);
    unlocked.run();
    let account = RwSignal::new(account);
    // Outside what a reload re-renders, so Settings stays open after a
    // change inside it.
    let settings_open = RwSignal::new(false);
    let on_change = Callback::new(move |()| {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = current_account().await {
                unlocked.set(fresh.unlocked_for);
                account.set(fresh);
                // The re-render removed whatever had focus.
                request_animation_frame(|| focus_if_lost("two-factor-title"));
            }
        });
    });
    // Effects run only in the browser: the page is now driven by the
    // hydrated island (browser tests wait for this mark).
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
    move || view! { <DashboardBody account=account.get() settings_open on_change /> }
}

#[component]
fn DashboardBody(
    account: AccountView,
    settings_open: RwSignal<bool>,
    on_change: Callback<()>,
) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let sign_out_error = Signal::derive(move || sign_out.value().get().and_then(Result::err));
    let login = account.login.clone();

    view! {
        <header class="topbar">
            <a class="brand" href="/">"Twofold"</a>
            <span class="who" aria-label="Signed in as">{login.clone()}</span>
            <button
                type="button"
                class="settings-button"
                aria-expanded=move || settings_open.get().to_string()
                aria-controls="settings"
                on:click=move |_| settings_open.update(|open| *open = !*open)
            >
                "Settings"
            </button>
            <ActionForm action=sign_out attr:class="inline">
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
        <main class="wide">
            <h1>"Welcome, " {login}</h1>
            {account.clock_drift.map(|drift| view! {
                <p class="warning" role="status">{drift.message()}</p>
            })}
            {account.recovery_codes_left.filter(|left| *left <= 2).map(|left| view! {
                <p class="warning" role="status">
                    {match left {
                        0 => "You have no recovery codes left. ".to_owned(),
                        1 => "Only 1 recovery code left. ".to_owned(),
                        n => format!("Only {n} recovery codes left. "),
                    }}
                    "Open Settings > Account > View Recovery Codes to "
                    <button type="button" class="link" on:click=move |_| settings_open.set(true)>
                        "generate new ones"
                    </button>
                    "."
                </p>
            })}
            <FormError error=sign_out_error id="sign-out-error" />
            <Show when=move || settings_open.get()>
                <SettingsFrame account=account.clone() on_change />
            </Show>
        </main>
    }
}
