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
    // The dialog's content is rendered again each time it opens.
    let texts = StoredValue::new((title, message, confirm_label, use_lang().t("common.cancel")));
    let text = move |pick: fn(&(String, String, String, String)) -> &String| {
        texts.with_value(|texts| pick(texts).clone())
    };
    view! {
        <Modal open labelled_by=id>
            <h2 id=id>{text(|t| &t.0)}</h2>
            <p>{text(|t| &t.1)}</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| open.set(false)>{text(|t| &t.3)}</button>
                <button
                    type="button"
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    {text(|t| &t.2)}
                </button>
            </div>
        </Modal>
    }
}
