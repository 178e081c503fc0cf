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
/// `children` keeps its type (`TypedChildrenFn`, never an `AnyView`, whose
/// unused async hydration would be compiled for each dialog;
/// docs/wasm-budget.md#static-view-types).
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
    let behaviour = Behaviour::new(open, on_cancel);
    view! {
        <dialog
            node_ref=behaviour.dialog
            class=format!("modal {class}")
            aria-labelledby=labelled_by
            on:cancel=behaviour.on_cancel()
            on:keydown=behaviour.on_keydown()
            on:close=behaviour.on_close()
        >
            // Rendered only while open; `shown` changes only when `open`
            // does, so setting it again keeps what is inside. A `Memo<bool>`
            // and a closure, not `<Show>`
            // (docs/wasm-budget.md#closures-instead-of-per-type-signals).
            {move || behaviour.shown.get().then(|| children())}
        </dialog>
    }
}

/// Everything `Modal` does that does not depend on its contents' type, in
/// plain functions, so the dialogs share one copy
/// (docs/wasm-budget.md#shared-code-out-of-generic-components).
#[derive(Clone, Copy)]
struct Behaviour {
    open: RwSignal<bool>,
    shown: Memo<bool>,
    on_cancel: Option<Callback<(), bool>>,
    dialog: NodeRef<html::Dialog>,
    opener: StoredValue<Option<HtmlElement>, LocalStorage>,
}

impl Behaviour {
    fn new(open: RwSignal<bool>, on_cancel: Option<Callback<(), bool>>) -> Self {
        let behaviour = Self {
            open,
            shown: Memo::new(move |_| open.get()),
            on_cancel,
            dialog: NodeRef::new(),
            opener: StoredValue::new_local(None),
        };
        Effect::new(move |_| behaviour.follow_open());
        behaviour
    }

    /// Opens or closes the dialog as `open` says, remembering the opener.
    fn follow_open(self) {
        let Some(dialog) = self.dialog.get() else {
            return;
        };
        if self.open.get() {
            if !dialog.open() {
                self.opener.set_value(
                    document()
                        .active_element()
                        .and_then(|element| element.dyn_into::<HtmlElement>().ok()),
                );
                let _ = dialog.show_modal();
            }
        } else if dialog.open() {
            dialog.close();
        }
    }

    fn on_cancel(self) -> impl Fn(leptos::ev::Event) + 'static {
        move |event| {
            if self.on_cancel.is_some_and(|allow| !allow.run(())) {
                event.prevent_default();
            }
        }
    }

    fn on_keydown(self) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
        move |event| {
            if let Some(dialog) = self.dialog.get_untracked() {
                keep_focus_inside(&dialog, &event);
            }
        }
    }

    fn on_close(self) -> impl Fn(leptos::ev::Event) + 'static {
        move |_| {
            // `close` is queued as a task: if the dialog was opened again
            // meanwhile (Esc, then Enter on the same button), it stays open.
            if self
                .dialog
                .get_untracked()
                .is_some_and(|dialog| !dialog.open())
            {
                self.open.set(false);
                if let Some(element) = self
                    .opener
                    .get_value()
                    .filter(|element| element.is_connected())
                {
                    let _ = element.focus();
                }
            }
        }
    }
}
