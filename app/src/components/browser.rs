//! The few browser APIs the dashboard calls directly: saving a text file,
//! writing to the clipboard, printing, and keeping focus inside a dialog.
//! They only ever run in event handlers, in the hydrated app; the server
//! build gets inert stand-ins.

/// Offers `text` as a download named `file_name`.
#[cfg(feature = "hydrate")]
pub fn download_text(file_name: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;

    let fail = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let anchor: web_sys::HtmlAnchorElement = leptos::prelude::document()
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).map_err(fail)
}

#[cfg(not(feature = "hydrate"))]
pub fn download_text(_file_name: &str, _text: &str) -> Result<(), String> {
    Err("downloads need the browser".into())
}

/// Writes `text` to the clipboard; resolves once the browser has done it.
#[cfg(feature = "hydrate")]
pub async fn copy_text(text: &str) -> Result<(), String> {
    let promise = leptos::prelude::window()
        .navigator()
        .clipboard()
        .write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

#[cfg(not(feature = "hydrate"))]
pub async fn copy_text(_text: &str) -> Result<(), String> {
    Err("the clipboard needs the browser".into())
}

/// Opens the browser's print dialog (the print stylesheet decides what is
/// printed).
#[cfg(feature = "hydrate")]
pub fn print() -> Result<(), String> {
    leptos::prelude::window()
        .print()
        .map_err(|e| format!("{e:?}"))
}

#[cfg(not(feature = "hydrate"))]
pub fn print() -> Result<(), String> {
    Err("printing needs the browser".into())
}

/// What Tab can reach.
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Tab and Shift+Tab wrap around inside an open modal `dialog` instead of
/// leaving for the browser's own controls. A nested dialog handles its own.
#[cfg(feature = "hydrate")]
pub fn keep_focus_inside(dialog: &web_sys::HtmlDialogElement, event: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;

    let own = |element: &web_sys::Element| {
        element
            .closest("dialog")
            .ok()
            .flatten()
            .is_some_and(|closest| closest == ***dialog)
    };
    if event.key() != "Tab"
        || !event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|target| own(&target))
    {
        return;
    }
    let Ok(nodes) = dialog.query_selector_all(FOCUSABLE) else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|element| own(element) && element.get_client_rects().length() > 0)
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        event.prevent_default();
        return;
    };
    let active = leptos::prelude::document().active_element();
    let is = |element: &web_sys::HtmlElement| active.as_ref() == Some(&**element);
    let wrap_to = if event.shift_key() {
        is(first).then_some(last)
    } else {
        is(last).then_some(first)
    };
    if let Some(target) = wrap_to {
        event.prevent_default();
        let _ = target.focus();
    }
}

#[cfg(not(feature = "hydrate"))]
pub fn keep_focus_inside<D, E>(_dialog: &D, _event: &E) {}

/// Milliseconds since the epoch by the browser's clock.
#[cfg(feature = "hydrate")]
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(feature = "hydrate"))]
pub fn now_ms() -> f64 {
    0.0
}

/// Focuses the element `id` (a heading with `tabindex="-1"`) if the
/// focused element was just removed by a re-render, so that keyboard and
/// screen-reader users continue from there instead of from the page's top.
#[cfg(feature = "hydrate")]
pub fn focus_if_lost(id: &str) {
    use wasm_bindgen::JsCast;

    let document = leptos::prelude::document();
    let lost = document
        .active_element()
        .is_none_or(|active| Some(&active) == document.body().as_deref());
    if lost
        && let Some(element) = document
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

#[cfg(not(feature = "hydrate"))]
pub fn focus_if_lost(_id: &str) {}

/// The value of `attribute` on the clicked element or the nearest of its
/// ancestors that has it: for buttons in HTML the server rendered, which
/// carry what they act on (`data-revoke="7"`).
#[cfg(feature = "hydrate")]
pub fn clicked_data(event: &leptos::ev::MouseEvent, attribute: &str) -> Option<String> {
    use wasm_bindgen::JsCast;

    event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(&format!("[{attribute}]"))
        .ok()??
        .get_attribute(attribute)
}

#[cfg(not(feature = "hydrate"))]
pub fn clicked_data(_event: &leptos::ev::MouseEvent, _attribute: &str) -> Option<String> {
    None
}

/// Whether this browser can run WebAuthn ceremonies as `/webauthn.js`
/// does them (JSON options in, `toJSON()` out): the same test the script
/// makes, so the dashboard hides its buttons where the script would.
#[cfg(feature = "hydrate")]
pub fn webauthn_supported() -> bool {
    let has = |target: &wasm_bindgen::JsValue, name: &str| {
        js_sys::Reflect::get(target, &name.into()).is_ok_and(|value| !value.is_undefined())
    };
    let window = leptos::prelude::window();
    js_sys::Reflect::get(&window, &"PublicKeyCredential".into()).is_ok_and(|credential| {
        has(&credential, "parseCreationOptionsFromJSON")
            && has(&credential, "parseRequestOptionsFromJSON")
    })
}

#[cfg(not(feature = "hydrate"))]
pub fn webauthn_supported() -> bool {
    false
}

#[cfg(feature = "hydrate")]
mod webauthn_script {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `twofoldWebAuthn.create` of `/webauthn.js`.
        #[wasm_bindgen(catch, js_namespace = twofoldWebAuthn, js_name = create)]
        pub fn create(options: &str) -> Result<js_sys::Promise, JsValue>;
    }
}

/// How the browser's prompt ended without a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptRefused {
    /// Closed, timed out, or not allowed (`NotAllowedError`).
    Cancelled,
    /// The authenticator is already one of the account's
    /// (`InvalidStateError`: the options excluded it).
    AlreadyAdded,
    /// Anything else (no script, an unexpected error).
    Failed,
}

/// The browser's prompt for a new credential with `options` (the
/// server's JSON); the answer as JSON text for the server to check.
#[cfg(feature = "hydrate")]
pub async fn create_credential(options: &str) -> Result<String, PromptRefused> {
    let refusal = |error: wasm_bindgen::JsValue| {
        let name = js_sys::Reflect::get(&error, &"name".into())
            .ok()
            .and_then(|name| name.as_string());
        match name.as_deref() {
            Some("NotAllowedError" | "AbortError") => PromptRefused::Cancelled,
            Some("InvalidStateError") => PromptRefused::AlreadyAdded,
            _ => PromptRefused::Failed,
        }
    };
    let promise = webauthn_script::create(options).map_err(refusal)?;
    let answer = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(refusal)?;
    answer.as_string().ok_or(PromptRefused::Failed)
}

#[cfg(not(feature = "hydrate"))]
pub async fn create_credential(_options: &str) -> Result<String, PromptRefused> {
    Err(PromptRefused::Failed)
}
