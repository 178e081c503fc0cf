//! Delete Account: a pop-up that says what goes, asks for the login typed
//! out and the password. The server's answer sends the browser to the
//! sign-in page, which says the account was deleted.

use leptos::prelude::*;

use super::{FormError, Modal, invalid};
use crate::api::account::DeleteAccount;
use crate::api::action;
use crate::i18n::use_lang;
use crate::types::Secret;
use crate::validation::PASSWORD_MAX;

#[component]
pub fn DeleteAccountDialog(open: RwSignal<bool>, login: String) -> impl IntoView {
    let lang = use_lang();
    let action = action::<DeleteAccount>();
    let typed = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if !open.get() {
            action.value().set(None);
            typed.set(String::new());
            password.set(String::new());
        }
    });
    let type_login = lang.t_with("delete.type_login", &[("login", &login)]);

    view! {
        <Modal open labelled_by="delete-account-title">
            <form
                class="stack"
                on:submit=move |event| {
                    event.prevent_default();
                    action.dispatch(DeleteAccount {
                        login: typed.get_untracked(),
                        password: Secret(password.get_untracked()),
                    });
                }
            >
                <h2 id="delete-account-title">{lang.t("delete.title")}</h2>
                <p>{lang.t("delete.explain")}</p>
                <p class="warning">{lang.t("delete.cannot_undo")}</p>
                <label for="delete-login">{type_login.clone()}</label>
                <input id="delete-login" type="text" autocomplete="off" required
                    autocapitalize="none" spellcheck="false" bind:value=typed
                    aria-describedby="delete-account-error"
                    aria-invalid=invalid(error, "login") />
                <label for="delete-password">{lang.t("common.password")}</label>
                <input id="delete-password" type="password" autocomplete="current-password"
                    required maxlength=PASSWORD_MAX bind:value=password
                    aria-describedby="delete-account-error"
                    aria-invalid=invalid(error, "password") />
                <FormError error id="delete-account-error" />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>
                        {lang.t("common.cancel")}
                    </button>
                    <button type="submit" class="danger" disabled=move || action.pending().get()>
                        {lang.t("delete.submit")}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
