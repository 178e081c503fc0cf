//! The confirm-password pop-up the seed asks for before every sensitive
//! action. A wrong password says so and keeps the pop-up open; Esc or
//! Cancel closes it; a right one closes it and runs `on_confirmed`.

use leptos::prelude::*;

use super::{FormError, Modal, Unlocked, invalid};
use crate::api::action;
use crate::api::reauth::ConfirmPassword;
use crate::i18n::use_lang;
use crate::types::Secret;

#[component]
pub fn ConfirmPasswordDialog(
    open: RwSignal<bool>,
    #[prop(into)] on_confirmed: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let action = action::<ConfirmPassword>();
    let password = RwSignal::new(String::new());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let unlocked = use_context::<Unlocked>();

    Effect::new(move |_| {
        if let Some(Ok(seconds)) = action.value().get() {
            action.value().set(None);
            if let Some(unlocked) = unlocked {
                unlocked.set(Some(seconds));
            }
            password.set(String::new());
            open.set(false);
            on_confirmed.run(());
        }
    });
    // A fresh pop-up each time: no stale error or password.
    Effect::new(move |_| {
        if !open.get() {
            action.value().set(None);
            password.set(String::new());
        }
    });

    view! {
        <Modal open labelled_by="confirm-password-title">
            <form
                class="stack"
                on:submit=move |event| {
                    event.prevent_default();
                    action.dispatch(ConfirmPassword { password: Secret(password.get_untracked()) });
                }
            >
                <h2 id="confirm-password-title">{lang.t("confirm_password.title")}</h2>
                <p>{lang.t("confirm_password.explain")}</p>
                <label for="confirm-password">{lang.t("common.password")}</label>
                <input
                    id="confirm-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby="confirm-password-error"
                    aria-invalid=invalid(error, "password")
                    bind:value=password
                />
                <FormError error id="confirm-password-error" />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>
                        {lang.t("common.cancel")}
                    </button>
                    <button type="submit" disabled=move || action.pending().get()>
                        {lang.t("confirm_password.confirm")}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
