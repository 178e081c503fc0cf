//! A yes/no pop-up for decisions the seed asks people to confirm
//! (regenerating codes, disabling 2FA).

use leptos::prelude::*;

use super::Modal;
use crate::i18n::use_lang;

#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    /// The id of the dialog's heading; unique on the page.
    id: &'static str,
    title: String,
    message: String,
    confirm_label: String,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    let cancel = use_lang().t("common.cancel");
    view! {
        <Modal open labelled_by=id>
            <h2 id=id>{title.clone()}</h2>
            <p>{message.clone()}</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| open.set(false)>{cancel.clone()}</button>
                <button
                    type="button"
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm_label.clone()}
                </button>
            </div>
        </Modal>
    }
}
