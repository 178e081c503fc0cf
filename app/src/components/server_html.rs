//! A panel whose HTML the server renders: a server function answers it in
//! the request's language, and the browser puts it in place as it is, as
//! GitHub loads parts of its settings with `include-fragment`. For the
//! read-only lists of Settings (the security activity, the access tokens):
//! their view code stays on the server (docs/wasm-budget.md#server-rendered-lists).
//!
//! The HTML is Leptos's own server rendering, which escapes every text and
//! attribute (a token's name is the user's input); it comes from our origin
//! with the session's cookie, like every other answer.

use std::future::Future;

use leptos::either::EitherOf3;
use leptos::prelude::*;

use super::fetched::fetched;
use crate::error::AppError;
use crate::i18n::use_lang;

/// `fetch`'s HTML, fetched when the panel is created and again whenever
/// `trigger` changes; the last one stays while the next is on its way.
#[component]
pub fn ServerHtml<Fut>(trigger: Signal<u32>, fetch: fn() -> Fut) -> impl IntoView
where
    Fut: Future<Output = Result<String, AppError>> + 'static,
{
    let lang = use_lang();
    let html = fetched(trigger, fetch);
    move || match html.get() {
        None => EitherOf3::A(view! { <p>{lang.t("common.loading")}</p> }),
        Some(Ok(html)) => EitherOf3::B(view! { <div inner_html=html></div> }),
        Some(Err(error)) => EitherOf3::C(view! { <p role="alert">{error.page_message(lang)}</p> }),
    }
}
