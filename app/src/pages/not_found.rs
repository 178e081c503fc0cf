use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_lang;
use crate::pages::PublicTopBar;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <Title text=lang.t("not_found.title") />
        <PublicTopBar next="/" />
        <main class="narrow">
            <h1>{lang.t("not_found.heading")}</h1>
            <p><a class="standalone" href="/">{lang.t("not_found.back")}</a></p>
        </main>
    }
}
