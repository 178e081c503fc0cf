//! A yes/no pop-up for decisions the seed asks people to confirm
//! (regenerating codes, disabling 2FA).

use leptos::prelude::*;

use super::Modal;

#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    /// The id of the dialog's heading; unique on the page.
    id: &'static str,
    title: &'static str,
    message: &'static str,
    confirm_label: &'static str,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <Modal open labelled_by=id>
            <h2 id=id>{title}</h2>
            <p>{message}</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                <button
                    type="button"
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm_label}
                </button>
            </div>
        </Modal>
    }
}
