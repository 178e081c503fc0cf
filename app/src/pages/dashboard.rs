//! The dashboard: a top bar with the login, Settings (top-right) and
//! Sign out, and the Settings frame.

use leptos::html;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::account::current_account;
use crate::api::action;
use crate::api::auth::SignOut;
use crate::components::browser::focus_if_lost;
use crate::components::{
    FormError, LanguageSwitcher, LoadError, LoadedAccount, SettingsFrame, Unlocked,
};
use crate::error::AppError;
use crate::i18n::{Lang, Texts, use_lang};
use crate::types::AccountView;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let account = Resource::new(|| (), |_| current_account());

    view! {
        <Title text=lang.t("dashboard.title") />
        <Suspense fallback=move || view! { <p class="loading">{lang.t("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(account) => {
                        view! { <Dashboard account lang texts=Texts::of(lang) /> }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error) => view! {
                        <main class="narrow"><LoadError error /></main>
                    }.into_any(),
                }
            })}
        </Suspense>
        // Add security key and Add passkey ask the browser through it.
        {crate::pages::webauthn_on().then(|| view! {
            <crate::pages::webauthn::Script />
        })}
    }
}

/// The interactive dashboard: the only island, so the only part of Twofold
/// compiled to wasm (docs/wasm-budget.md#only-the-dashboard-hydrates). It
/// starts from the account the server rendered with and reloads it after a
/// change made in Settings. The server passes the page's language and its
/// texts, so the island renders in it too.
///
/// The page is rendered once; a reload updates only the parts that show
/// the account. Re-rendering the whole body would throw away whatever was
/// opened while the reload was on its way (a dialog, an action's answer).
#[island]
fn Dashboard(account: AccountView, lang: Lang, texts: Texts) -> impl IntoView {
    texts.install();
    provide_context(lang);
    let unlocked = Unlocked::provide(account.unlocked_for);
    unlocked.run();
    let account = RwSignal::new(account);
    let reloads = RwSignal::new(0);
    let on_change = Callback::new(move |()| {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = current_account().await {
                unlocked.set(fresh.unlocked_for);
                account.set(fresh);
                reloads.update(|count| *count += 1);
                // A button that changed with the account may have had focus.
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
    let account = LoadedAccount::new(account.read_only(), reloads.read_only());
    view! { <DashboardBody account on_change /> }
}

#[component]
fn DashboardBody(account: LoadedAccount, on_change: Callback<()>) -> impl IntoView {
    // A plain form, not `ActionForm`, whose query-string parser SignOut
    // (no arguments) does not need (docs/wasm-budget.md#sign-out-as-a-plain-form).
    // Its answer redirects to /login (the hook that follows it is set where
    // the wasm starts, in `frontend`).
    let sign_out = action::<SignOut>();
    let sign_out_url = <SignOut as server_fn::ServerFn>::url();
    let sign_out_error = Signal::derive(move || sign_out.value().get().and_then(Result::err));
    let login = account.login();
    let LoadedAccount { codes_left, .. } = account;
    // Set only by the sign-in whose code matched a neighbouring step: the
    // first reload clears it, so it needs no memo of its own.
    let clock_drift = move || account.with(|account| account.clock_drift);
    let failed_sign_ins = move || account.with(|account| account.failed_sign_ins);
    let settings_open = RwSignal::new(false);
    let lang = use_lang();
    // Settings opens closed, so the server never renders it: it is mounted
    // in the browser when opened, not hydrated as part of the page's view
    // (docs/wasm-budget.md#settings-is-mounted-not-hydrated).
    let settings_host = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let host = settings_host.get()?;
        settings_open.get().then(|| {
            untrack(|| {
                mount_to(
                    host.into(),
                    move || view! { <SettingsFrame account on_change /> },
                )
            })
        })
    });

    view! {
        <header class="topbar">
            <a class="brand" href="/">"Twofold"</a>
            <span class="who" aria-label=lang.t("dashboard.signed_in_as")>{login.clone()}</span>
            <button
                type="button"
                class="settings-button"
                aria-expanded=move || settings_open.get().to_string()
                aria-controls="settings"
                on:click=move |_| settings_open.update(|open| *open = !*open)
            >
                {lang.t("dashboard.settings")}
            </button>
            <form
                class="inline"
                method="post"
                action=sign_out_url
                on:submit=move |event| {
                    event.prevent_default();
                    sign_out.dispatch(SignOut {});
                }
            >
                <button type="submit" class="secondary">{lang.t("dashboard.sign_out")}</button>
            </form>
            <LanguageSwitcher next="/" />
        </header>
        <main class="wide">
            <h1>{lang.t_with("dashboard.welcome", &[("login", &login)])}</h1>
            {move || clock_drift().map(|drift| view! {
                <p class="warning" role="status">{drift.message(lang)}</p>
            })}
            {move || failed_sign_ins().map(|count| view! {
                <p class="warning" role="status">
                    {match count {
                        1 => lang.t("dashboard.one_failed_sign_in"),
                        n => lang.t_with("dashboard.failed_sign_ins", &[("count", &n.to_string())]),
                    }}
                </p>
            })}
            {move || codes_left.get().filter(|left| *left <= 2).map(|left| view! {
                <p class="warning" role="status">
                    {match left {
                        0 => lang.t("dashboard.no_codes_left"),
                        1 => lang.t("dashboard.one_code_left"),
                        n => lang.t_with("dashboard.few_codes_left", &[("count", &n.to_string())]),
                    }}
                    " " {lang.t("dashboard.renew_before")} " "
                    <button type="button" class="link" on:click=move |_| settings_open.set(true)>
                        {lang.t("dashboard.renew_link")}
                    </button>
                    {lang.t("dashboard.renew_after")}
                </p>
            })}
            <FormError error=sign_out_error id="sign-out-error" />
            <div node_ref=settings_host></div>
        </main>
    }
}
