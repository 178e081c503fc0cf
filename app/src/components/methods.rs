//! Settings > Account's two-factor methods: the list (the server renders
//! it, `fragments::MethodTable`, answered by `methods_html`), Rename in a
//! pop-up of its own, and Remove after the password pop-up; removing the
//! last method first asks to confirm that 2FA will be off.

use leptos::prelude::*;

use super::browser::clicked_data;
use super::{ConfirmDialog, ConfirmPasswordDialog, FormError, Modal, ServerHtml, invalid};
use crate::api::action;
use crate::api::methods::{RemoveTwoFactorMethod, RenameTwoFactorMethod, methods_html};
use crate::fragments::{LAST_METHOD, METHOD_NAME, REMOVE_METHOD, RENAME_METHOD};
use crate::i18n::use_lang;
use crate::validation::METHOD_NAME_MAX;

#[component]
pub fn MethodsPanel(
    /// Counts the account's reloads: the list is fetched again after each.
    reloads: ReadSignal<u32>,
    /// Called after a method was renamed or removed: reloads the account.
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let remove = action::<RemoveTwoFactorMethod>();
    let rename = action::<RenameTwoFactorMethod>();
    Effect::new(move |_| {
        // Skip the first run: nothing changed yet.
        if (remove.version().get(), rename.version().get()) != (0, 0) {
            on_change.run(());
        }
    });
    let error = Signal::derive(move || remove.value().get().and_then(Result::err));

    let removing = StoredValue::new(None::<i64>);
    let last_open = RwSignal::new(false);
    let password_open = RwSignal::new(false);
    let renaming = RwSignal::new(None::<(i64, String)>);
    let on_list_click = move |event: leptos::ev::MouseEvent| {
        if let Some(id) = clicked_data(&event, RENAME_METHOD).and_then(|id| id.parse().ok()) {
            let name = clicked_data(&event, METHOD_NAME).unwrap_or_default();
            renaming.set(Some((id, name)));
        } else if let Some(id) = clicked_data(&event, REMOVE_METHOD).and_then(|id| id.parse().ok())
        {
            removing.set_value(Some(id));
            if clicked_data(&event, LAST_METHOD).as_deref() == Some("true") {
                last_open.set(true);
            } else {
                password_open.set(true);
            }
        }
    };
    let on_confirmed = move |()| {
        if let Some(id) = removing.get_value() {
            remove.dispatch(RemoveTwoFactorMethod { id });
        }
    };

    view! {
        <h4 id="methods-title">{lang.t("methods.heading")}</h4>
        <FormError error id="methods-error" />
        <div on:click=on_list_click>
            <ServerHtml trigger=reloads.into() fetch=methods_html />
        </div>
        <ConfirmDialog
            open=last_open
            id="remove-last-title"
            title=lang.t("methods.remove_last_title")
            message=lang.t("methods.remove_last_message")
            confirm_label=lang.t("methods.remove_last_confirm")
            on_confirm=move |()| password_open.set(true)
        />
        <ConfirmPasswordDialog open=password_open on_confirmed />
        <RenameDialog renaming rename />
    }
}

/// The pop-up Rename opens: the method's name, to change.
#[component]
fn RenameDialog(
    renaming: RwSignal<Option<(i64, String)>>,
    rename: Action<RenameTwoFactorMethod, Result<(), crate::error::AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let error = Signal::derive(move || rename.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some((_, current)) = renaming.get() {
            rename.value().set(None);
            name.set(current);
            open.set(true);
        }
    });
    Effect::new(move |_| {
        if !open.get() {
            renaming.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = rename.value().get() {
            open.set(false);
        }
    });

    view! {
        <Modal open labelled_by="rename-title">
            <form
                class="stack"
                on:submit=move |event| {
                    event.prevent_default();
                    if let Some((id, _)) = renaming.get_untracked() {
                        rename.dispatch(RenameTwoFactorMethod { id, name: name.get_untracked() });
                    }
                }
            >
                <h2 id="rename-title">{lang.t("methods.rename_title")}</h2>
                <label for="method-name">{lang.t("methods.name_label")}</label>
                <input id="method-name" type="text" required maxlength=METHOD_NAME_MAX
                    bind:value=name
                    aria-describedby="method-name-hint rename-error"
                    aria-invalid=invalid(error, "name") />
                <p id="method-name-hint" class="hint">{lang.t("methods.name_hint")}</p>
                <FormError error id="rename-error" />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>
                        {lang.t("common.cancel")}
                    </button>
                    <button type="submit" disabled=move || rename.pending().get()>
                        {lang.t("methods.save")}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
