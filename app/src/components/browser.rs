//! The few browser APIs the dashboard calls directly: saving a text file
//! and writing to the clipboard. They only ever run in event handlers, in
//! the hydrated app; the server build gets inert stand-ins.

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
