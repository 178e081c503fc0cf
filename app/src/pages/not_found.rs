use leptos::prelude::*;

use crate::components::respond_with_status;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    respond_with_status(404, None);
    view! {
        <main class="narrow">
            <h1>"Page not found"</h1>
            <p><a class="standalone" href="/">"Back to the dashboard"</a></p>
        </main>
    }
}
