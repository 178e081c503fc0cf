//! Add security key and Add passkey, after the password pop-up: the
//! browser's own prompt (through `/webauthn.js`), then a name for it. The
//! account's first method turns 2FA on, and its recovery codes are shown
//! with the wizard's step 2 (Download, Copy, "I've saved the data", Done).

use leptos::either::EitherOf4;
use leptos::prelude::*;

use super::browser::{PromptRefused, create_credential};
use super::{FormError, Modal, RecoveryCodesPanel, invalid};
use crate::api::action;
use crate::api::webauthn::{BeginAddingSecurityKey, FinishAddingSecurityKey};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::types::{MethodKind, RecoveryCodes};
use crate::validation::METHOD_NAME_MAX;

/// Where the dialog is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// The browser's prompt is open.
    Asking,
    /// It ended without a credential.
    Refused(PromptRefused),
    /// A credential, to name: the ceremony and the browser's answer.
    Naming { ceremony: String, response: String },
    /// It turned 2FA on: the codes to save.
    Codes(RecoveryCodes),
}

#[component]
pub fn SecurityKeyDialog(
    /// The kind being added; set (after the password pop-up) opens the
    /// dialog and the browser's prompt.
    adding: RwSignal<Option<MethodKind>>,
    /// Set when a further method was added, for the tab to say so.
    added: RwSignal<Option<MethodKind>>,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(false);
    let stage = RwSignal::new(Stage::Asking);
    let begin = action::<BeginAddingSecurityKey>();
    let finish = action::<FinishAddingSecurityKey>();
    let saved = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let kind = move || adding.get_untracked().unwrap_or(MethodKind::SecurityKey);

    let ask = move || {
        stage.set(Stage::Asking);
        begin.value().set(None);
        finish.value().set(None);
        begin.dispatch(BeginAddingSecurityKey {
            kind: kind().as_str().to_owned(),
        });
    };
    Effect::new(move |_| {
        if adding.get().is_some() {
            saved.set(false);
            name.set(String::new());
            open.set(true);
            ask();
        }
    });
    Effect::new(move |_| {
        if !open.get() {
            adding.set(None);
        }
    });
    // The server's options: the browser's prompt.
    Effect::new(move |_| {
        if let Some(Ok(start)) = begin.value().get() {
            leptos::task::spawn_local(async move {
                stage.set(match create_credential(&start.options).await {
                    Ok(response) => Stage::Naming {
                        ceremony: start.ceremony,
                        response,
                    },
                    Err(refused) => Stage::Refused(refused),
                });
            });
        }
    });
    Effect::new(move |_| match finish.value().get() {
        Some(Ok(Some(codes))) => stage.set(Stage::Codes(codes)),
        Some(Ok(None)) => {
            added.set(adding.get_untracked());
            open.set(false);
            on_done.run(());
        }
        _ => {}
    });
    let error = Signal::derive(move || {
        begin
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| finish.value().get().and_then(Result::err))
    });
    let done = move |_| {
        open.set(false);
        on_done.run(());
    };
    // Esc may not skip saving the codes.
    let on_cancel = Callback::new(move |()| {
        !matches!(stage.get_untracked(), Stage::Codes(_)) || saved.get_untracked()
    });
    let title = move || {
        lang.t(match adding.get() {
            Some(MethodKind::Passkey) => "keys.add_passkey_title",
            _ => "keys.add_security_key_title",
        })
    };

    view! {
        <Modal open labelled_by="security-key-title" on_cancel>
            <h2 id="security-key-title">{title}</h2>
            {move || match stage.get() {
                Stage::Asking => EitherOf4::A(view! {
                    <p role="status">{lang.t("keys.follow_prompt")}</p>
                    <FormError error id="security-key-error" />
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| open.set(false)>
                            {lang.t("common.cancel")}
                        </button>
                    </div>
                }),
                Stage::Refused(refused) => EitherOf4::B(view! {
                    <p role="alert">{lang.t(match refused {
                        PromptRefused::Cancelled => "webauthn.cancelled",
                        PromptRefused::AlreadyAdded => "errors.security_key_already_added",
                        PromptRefused::Failed => "keys.prompt_failed",
                    })}</p>
                    <FormError error id="security-key-error" />
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| open.set(false)>
                            {lang.t("common.cancel")}
                        </button>
                        <button type="button" on:click=move |_| ask()>{lang.t("keys.try_again")}</button>
                    </div>
                }),
                Stage::Naming { ceremony, response } => EitherOf4::C(view! {
                    <NameForm ceremony response name finish error open kind=kind() />
                }),
                Stage::Codes(codes) => EitherOf4::D(view! {
                    <p class="step">{lang.t("wizard.step2")}</p>
                    <h3 id="key-codes-title" tabindex="-1">{lang.t("wizard.save_heading")}</h3>
                    <p class="warning" role="note">{lang.t("wizard.save_warning")}</p>
                    <RecoveryCodesPanel codes saved />
                    <div class="actions">
                        <button type="button" disabled=move || !saved.get() on:click=done>
                            {lang.t("wizard.done")}
                        </button>
                    </div>
                }),
            }}
        </Modal>
    }
}

/// The name of the credential the browser just made.
#[component]
fn NameForm(
    ceremony: String,
    response: String,
    name: RwSignal<String>,
    finish: Action<FinishAddingSecurityKey, Result<Option<RecoveryCodes>, AppError>>,
    error: Signal<Option<AppError>>,
    open: RwSignal<bool>,
    kind: MethodKind,
) -> impl IntoView {
    let lang = use_lang();
    let answer = StoredValue::new((ceremony, response));
    let hint = match kind {
        MethodKind::Passkey => "keys.passkey_name_hint",
        _ => "keys.key_name_hint",
    };
    view! {
        <form
            class="stack"
            on:submit=move |event| {
                event.prevent_default();
                let (ceremony, response) = answer.get_value();
                finish.dispatch(FinishAddingSecurityKey {
                    kind: kind.as_str().to_owned(),
                    ceremony,
                    name: name.get_untracked(),
                    response,
                });
            }
        >
            <p role="status">{lang.t("keys.created")}</p>
            <label for="security-key-name">{lang.t("methods.name_label")}</label>
            <input id="security-key-name" type="text" required maxlength=METHOD_NAME_MAX
                bind:value=name
                aria-describedby="security-key-name-hint security-key-error"
                aria-invalid=invalid(error, "name") />
            <p id="security-key-name-hint" class="hint">{lang.t(hint)}</p>
            <FormError error id="security-key-error" />
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| open.set(false)>
                    {lang.t("common.cancel")}
                </button>
                <button type="submit" disabled=move || finish.pending().get()>
                    {lang.t("methods.save")}
                </button>
            </div>
        </form>
    }
}
