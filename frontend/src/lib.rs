//! The wasm entry point. Pages are server-rendered; only islands (the
//! dashboard) hydrate, each from the props serialized into the page
//! (docs/wasm-budget.md#only-the-dashboard-hydrates).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Debug builds only: the release wasm traps on a panic before any hook
    // could run (docs/wasm-budget.md#no-panic-hook-in-release).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // A server function that answers with a redirect (SignOut) sends the
    // browser there. No router runs in the browser to do it.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = leptos::prelude::window().location().set_href(location);
    });
    // Links the app crate, whose islands export their hydration functions.
    #[allow(unused_imports)]
    use app::*;
    leptos::mount::hydrate_islands();
    // A page without islands is as hydrated as it gets; an island marks
    // the page itself once it runs (`pages::dashboard`).
    if let Some(document) = leptos::prelude::document().document_element() {
        let has_islands = leptos::prelude::document()
            .query_selector("leptos-island")
            .ok()
            .flatten()
            .is_some();
        if !has_islands {
            let _ = document.set_attribute("data-hydrated", "");
        }
    }
}
