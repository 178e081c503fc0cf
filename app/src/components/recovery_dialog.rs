//! View Recovery Codes: the current set (used ones struck through), with
//! Download and Copy, and at the bottom the link to generate a new set. A
//! new set must be saved (the checkbox) before Done.

use leptos::either::EitherOf4;
use leptos::prelude::*;

use super::browser::focus_if_lost;
use super::{ConfirmDialog, Modal, RecoveryCodesPanel};
use crate::api::action;
use crate::api::recovery::{RegenerateRecoveryCodes, ViewRecoveryCodes};
use crate::i18n::use_lang;

#[component]
pub fn RecoveryCodesDialog(
    open: RwSignal<bool>,
    #[prop(into)] on_change: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let view_action = action::<ViewRecoveryCodes>();
    let regenerate = action::<RegenerateRecoveryCodes>();
    let confirm_open = RwSignal::new(false);
    let saved = RwSignal::new(false);
    // A set regenerated in this dialog: a closure, not a derived `Signal`
    // (docs/wasm-budget.md#closures-instead-of-per-type-signals).
    let fresh = move || regenerate.value().get().and_then(Result::ok);
    let regenerated = move || {
        regenerate
            .value()
            .with_untracked(|answer| matches!(answer, Some(Ok(_))))
    };

    // Each opening loads the current set; the set shown last time (maybe
    // since regenerated) is not shown meanwhile.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            view_action.value().set(None);
            regenerate.value().set(None);
            saved.set(false);
            view_action.dispatch(ViewRecoveryCodes {});
        }
        is_open
    });
    let on_cancel = Callback::new(move |()| !regenerated() || saved.get_untracked());
    let close = move |_| {
        let changed = regenerated();
        open.set(false);
        if changed {
            on_change.run(());
        }
    };

    view! {
        <Modal open labelled_by="recovery-title" on_cancel class="wide">
            <h2 id="recovery-title" tabindex="-1">{lang.t("recovery.title")}</h2>
            {move || match (fresh(), view_action.value().get()) {
                (Some(codes), _) => EitherOf4::A({
                    // The link that asked for the new set is gone.
                    Effect::new(|_| focus_if_lost("recovery-title"));
                    view! {
                    <p class="warning" role="note">
                        {lang.t("recovery.new_warning")}
                    </p>
                    <RecoveryCodesPanel codes saved=saved />
                    <div class="actions">
                        <button type="button" disabled=move || !saved.get() on:click=close>{lang.t("wizard.done")}</button>
                    </div>
                    }
                }),
                (None, None) => EitherOf4::B(view! { <p>{lang.t("recovery.loading")}</p> }),
                (None, Some(Err(error))) => EitherOf4::C(view! { <p role="alert">{error.page_message(lang)}</p> }),
                (None, Some(Ok(codes))) => EitherOf4::D(view! {
                    <RecoveryCodesPanel codes />
                    {move || regenerate.value().get().and_then(Result::err).map(|error| view! {
                        <p role="alert" class="form-error">{error.page_message(lang)}</p>
                    })}
                    <p>
                        {lang.t("recovery.used_up")} " "
                        <button type="button" class="link" on:click=move |_| confirm_open.set(true)>
                            {lang.t("recovery.generate_link")}
                        </button>
                    </p>
                    <div class="actions">
                        <button type="button" class="secondary" on:click=close>{lang.t("recovery.close")}</button>
                    </div>
                }),
            }}
            <ConfirmDialog
                open=confirm_open
                id="regenerate-title"
                title=lang.t("recovery.regenerate_title")
                message=lang.t("recovery.regenerate_message")
                confirm_label=lang.t("recovery.regenerate_confirm")
                on_confirm=move |()| {
                    regenerate.dispatch(RegenerateRecoveryCodes {});
                }
            />
        </Modal>
    }
}
