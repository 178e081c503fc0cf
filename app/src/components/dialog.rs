//! A modal built on the native `<dialog>`: the browser gives it the
//! `dialog` role, makes the page behind it inert and closes it on Esc. On
//! top of that, Tab wraps around inside it (focus never leaves for the
//! browser's controls) and closing it returns focus to whatever opened it.

use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;

use super::browser::keep_focus_inside;

/// Shows `children` in a modal dialog while `open` is true. Closing it by
/// any means (Esc included) sets `open` to false. `on_cancel` may refuse an
/// Esc by returning false (a step that must not be skipped).
///
/// `children` keeps its type (no `AnyView`): an erased view carries every
/// way to render itself, the async hydration included, which the island
/// never uses; that was most of the async hydration code in the wasm.
#[component]
pub fn Modal<C: IntoView + 'static>(
    open: RwSignal<bool>,
    /// The id of the element that names the dialog (its heading).
    labelled_by: &'static str,
    #[prop(optional, into)] on_cancel: Option<Callback<(), bool>>,
    #[prop(optional)] class: &'static str,
    children: TypedChildrenFn<C>,
) -> impl IntoView {
    let children = children.into_inner();
    let dialog = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(None::<HtmlElement>);
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else { return };
        if open.get() {
            if !dialog.open() {
                opener.set_value(
                    document()
                        .active_element()
                        .and_then(|element| element.dyn_into::<HtmlElement>().ok()),
                );
                let _ = dialog.show_modal();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });
    let return_focus = move || {
        if let Some(element) = opener.get_value().filter(|element| element.is_connected()) {
            let _ = element.focus();
        }
    };

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
            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if let Some(dialog) = dialog.get_untracked() {
                    keep_focus_inside(&dialog, &event);
                }
            }
            on:close=move |_| {
                // `close` is queued as a task: if the dialog was opened again
                // meanwhile (Esc, then Enter on the same button), it stays open.
                if dialog.get_untracked().is_some_and(|dialog| !dialog.open()) {
                    open.set(false);
                    return_focus();
                }
            }
        >
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}
