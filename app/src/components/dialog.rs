//! A modal built on the native `<dialog>`: the browser gives it the
//! `dialog` role, traps focus while it is open, closes it on Esc and
//! returns focus to the button that opened it.

use leptos::html;
use leptos::prelude::*;

/// Shows `children` in a modal dialog while `open` is true. Closing it by
/// any means (Esc included) sets `open` to false. `on_cancel` may refuse an
/// Esc by returning false (a step that must not be skipped).
#[component]
pub fn Modal(
    open: RwSignal<bool>,
    /// The id of the element that names the dialog (its heading).
    labelled_by: &'static str,
    #[prop(optional, into)] on_cancel: Option<Callback<(), bool>>,
    #[prop(optional)] class: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else { return };
        if open.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });

    view! {
        <dialog
            node_ref=dialog
            class=format!("modal {class}")
            aria-labelledby=labelled_by
            on:cancel=move |event: leptos::ev::Event| {
                if on_cancel.is_some_and(|allow| !allow.run(())) {
                    event.prevent_default();
                }
            }
            on:close=move |_| open.set(false)
        >
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}
