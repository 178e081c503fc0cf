use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_lang;

/// The message of a failed action, announced to screen readers as it
/// appears (`role="alert"`). Fields name it with `aria-describedby=id` and
/// take their `aria-invalid` from [`invalid`].
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>, id: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p id=id class="form-error" role="alert">
            {move || error.get().map(|error| error.page_message(lang))}
        </p>
    }
}

/// `aria-invalid` for `field` while `error` is about what was typed there.
pub fn invalid(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    move || {
        error
            .get()
            .filter(|error| error.is_about(field))
            .map(|_| "true")
    }
}

/// A page whose data could not load: the message, and on the server the
/// error's HTTP status (503 while the database is down, not a 200 page).
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::http_error::set_page_status(&error);
    view! { <p role="alert">{error.page_message(use_lang())}</p> }
}
