//! Change Password: a pop-up with the current password and the new one
//! twice. A wrong or weak password says so and keeps the pop-up open; on
//! success it closes, the tab says what happened, and the account reloads.

use leptos::prelude::*;

use super::{FormError, Modal, invalid};
use crate::api::action;
use crate::api::password::ChangePassword;
use crate::i18n::use_lang;
use crate::types::Secret;
use crate::validation::{PASSWORD_MAX, PASSWORD_MIN};

#[component]
pub fn ChangePasswordDialog(
    open: RwSignal<bool>,
    /// Set once the password has changed, for the tab to say so.
    changed: RwSignal<bool>,
    #[prop(into)] on_change: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let action = action::<ChangePassword>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let clear = move || {
        action.value().set(None);
        for field in [current, new, again] {
            field.set(String::new());
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            clear();
            open.set(false);
            changed.set(true);
            on_change.run(());
        }
    });
    // A fresh pop-up each time: no stale error or password.
    Effect::new(move |_| {
        if !open.get() {
            clear();
        }
    });

    view! {
        <Modal open labelled_by="change-password-title">
            <form
                class="stack"
                on:submit=move |event| {
                    event.prevent_default();
                    action.dispatch(ChangePassword {
                        current_password: Secret(current.get_untracked()),
                        new_password: Secret(new.get_untracked()),
                        new_password_again: Secret(again.get_untracked()),
                    });
                }
            >
                <h2 id="change-password-title">{lang.t("password.title")}</h2>
                <p>{lang.t("password.explain")}</p>
                <label for="current-password">{lang.t("password.current")}</label>
                <input id="current-password" type="password" autocomplete="current-password"
                    required maxlength=PASSWORD_MAX bind:value=current
                    aria-describedby="change-password-error"
                    aria-invalid=invalid(error, "current_password") />
                <label for="new-password">{lang.t("password.new")}</label>
                <input id="new-password" type="password" autocomplete="new-password"
                    required minlength=PASSWORD_MIN maxlength=PASSWORD_MAX bind:value=new
                    aria-describedby="new-password-hint change-password-error"
                    aria-invalid=invalid(error, "new_password") />
                <p id="new-password-hint" class="hint">
                    {lang.t_with("auth.password_hint", &[("min", &PASSWORD_MIN.to_string())])}
                </p>
                <label for="new-password-again">{lang.t("password.new_again")}</label>
                <input id="new-password-again" type="password" autocomplete="new-password"
                    required maxlength=PASSWORD_MAX bind:value=again
                    aria-describedby="change-password-error"
                    aria-invalid=invalid(error, "new_password_again") />
                <FormError error id="change-password-error" />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>
                        {lang.t("common.cancel")}
                    </button>
                    <button type="submit" disabled=move || action.pending().get()>
                        {lang.t("password.submit")}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
