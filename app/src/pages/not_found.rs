use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::respond_with_status;
use crate::i18n::use_lang;
use crate::pages::PublicTopBar;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    respond_with_status(404, None);
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
