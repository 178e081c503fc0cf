//! The set-up wizard. Step 1 of 2: the QR code and the data to type by
//! hand, then a code from the app and Next. Step 2 of 2: the recovery
//! codes, Download/Copy, "I've saved the data", and Done.
//!
//! Once 2FA is on, the same wizard adds another authenticator app (Add
//! authenticator app): step 1 only, and the app is added with no new
//! recovery codes.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use super::browser::focus_if_lost;
use super::{FormError, Modal, RecoveryCodesPanel, invalid};
use crate::api::action;
use crate::api::two_factor::{BeginTwoFactorSetup, ConfirmTwoFactorSetup, cancel_two_factor_setup};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::types::{RecoveryCodes, Secret, SetupChallenge};

const GOOGLE_AUTHENTICATOR_GUIDE: &str = "https://support.google.com/accounts/answer/1066447";

#[component]
pub fn SetupWizard(
    open: RwSignal<bool>,
    /// 2FA is on: this app is added beside the others.
    #[prop(into)]
    adding: Signal<bool>,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let begin = action::<BeginTwoFactorSetup>();
    let confirm = action::<ConfirmTwoFactorSetup>();
    let saved = RwSignal::new(false);
    // Step 2's codes, once the code from the app was accepted: closures, not
    // a derived `Signal` (docs/wasm-budget.md#closures-instead-of-per-type-signals).
    let codes = move || confirm.value().get().and_then(Result::ok).flatten();
    let at_step_two = move || {
        confirm
            .value()
            .with_untracked(|answer| matches!(answer, Some(Ok(Some(_)))))
    };

    // Each opening starts a fresh set-up (a new secret); the last one's QR
    // code is not shown meanwhile.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            begin.value().set(None);
            confirm.value().set(None);
            saved.set(false);
            begin.dispatch(BeginTwoFactorSetup {});
        }
        is_open
    });

    // Leaving before step 2 drops the pending secret: 2FA stays off. That
    // needs no answer, so no `Action`: a failed cancel leaves a set-up that
    // expires by itself (docs/wasm-budget.md#fire-and-forget-calls-without-an-action).
    // Returns whether the wizard may close.
    let leave = move || {
        if at_step_two() {
            return saved.get_untracked();
        }
        leptos::task::spawn_local(async {
            let _ = cancel_two_factor_setup().await;
        });
        true
    };
    let close = move || {
        leave();
        open.set(false);
    };
    // Esc may not skip saving the codes.
    let on_cancel = Callback::new(move |()| leave());
    let done = move |_| {
        open.set(false);
        on_done.run(());
    };
    // A further app was added: nothing more to show.
    Effect::new(move |_| {
        if let Some(Ok(None)) = confirm.value().get() {
            confirm.value().set(None);
            open.set(false);
            on_done.run(());
        }
    });

    view! {
        <Modal open labelled_by="wizard-title" on_cancel class="wide">
            <h2 id="wizard-title">
                {move || lang.t(if adding.get() { "methods.add_app_title" } else { "wizard.title" })}
            </h2>
            {move || match codes() {
                None => Either::Left(view! {
                    {move || (!adding.get()).then(|| view! { <p class="step">{lang.t("wizard.step1")}</p> })}
                    {move || match begin.value().get() {
                        None => EitherOf3::A(view! { <p>{lang.t("wizard.preparing")}</p> }),
                        Some(Err(error)) => EitherOf3::B(view! { <p role="alert">{error.page_message(lang)}</p> }),
                        Some(Ok(challenge)) => EitherOf3::C(view! { <StepOne challenge confirm /> }),
                    }}
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| close()>{lang.t("common.cancel")}</button>
                        <button type="submit" form="setup-code-form"
                            disabled=move || confirm.pending().get() || begin.value().get().is_none()>
                            {lang.t("wizard.next")}
                        </button>
                    </div>
                }),
                Some(codes) => Either::Right(view! { <StepTwo codes saved /> <div class="actions">
                    <button type="button" disabled=move || !saved.get() on:click=done>{lang.t("wizard.done")}</button>
                </div> }),
            }}
        </Modal>
    }
}

#[component]
fn StepOne(
    challenge: SetupChallenge,
    confirm: Action<ConfirmTwoFactorSetup, Result<Option<RecoveryCodes>, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let code = RwSignal::new(String::new());
    let error = Signal::derive(move || confirm.value().get().and_then(Result::err));
    let copied = RwSignal::new(false);
    let key = StoredValue::new(challenge.manual_key.clone());
    let copy_key = move |_| {
        leptos::task::spawn_local(async move {
            if super::browser::copy_text(&key.get_value().replace(' ', ""))
                .await
                .is_ok()
            {
                copied.set(true);
            }
        });
    };

    view! {
        <p>
            {lang.t("wizard.open_app_before")}
            <a href=GOOGLE_AUTHENTICATOR_GUIDE target="_blank" rel="noopener noreferrer">"Google Authenticator"</a>
            {lang.t("wizard.open_app_after")}
        </p>
        <div class="setup-grid">
            <div
                class="qr"
                role="img"
                aria-label=lang.t("wizard.qr_alt")
                inner_html=challenge.qr_svg.clone()
            ></div>
            <dl class="facts">
                <dt>{lang.t("wizard.account")}</dt>
                <dd>{format!("{}: {}", challenge.issuer, challenge.account)}</dd>
                <dt>{lang.t("wizard.key")}</dt>
                <dd>
                    <code id="manual-key" class="key">{challenge.manual_key.clone()}</code>
                    <button type="button" class="secondary small" on:click=copy_key>
                        {move || lang.t(if copied.get() { "wizard.key_copied" } else { "wizard.copy_key" })}
                    </button>
                </dd>
                <dt>{lang.t("wizard.type")}</dt>
                <dd>{lang.t("wizard.time_based")}</dd>
            </dl>
        </div>
        <form
            id="setup-code-form"
            class="stack"
            on:submit=move |event| {
                event.prevent_default();
                confirm.dispatch(ConfirmTwoFactorSetup { code: Secret(code.get_untracked()) });
            }
        >
            <label for="setup-code">{lang.t("common.code_label")}</label>
            <input
                id="setup-code"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                required
                maxlength=12
                aria-describedby="setup-code-hint setup-code-error"
                aria-invalid=invalid(error, "code")
                bind:value=code
            />
            <p id="setup-code-hint" class="hint">
                {lang.t("wizard.code_hint")}
            </p>
            <FormError error id="setup-code-error" />
        </form>
    }
}

#[component]
fn StepTwo(codes: RecoveryCodes, saved: RwSignal<bool>) -> impl IntoView {
    // Step 1's field, which had focus, is gone.
    Effect::new(|_| focus_if_lost("save-codes-title"));
    let lang = use_lang();
    view! {
        <p class="step">{lang.t("wizard.step2")}</p>
        {codes.clock_drift.map(|drift| view! {
            <p class="warning" role="status">{drift.message(lang)}</p>
        })}
        <h3 id="save-codes-title" tabindex="-1">{lang.t("wizard.save_heading")}</h3>
        <p class="warning" role="note">{lang.t("wizard.save_warning")}</p>
        <RecoveryCodesPanel codes saved=saved />
    }
}
