use leptos::prelude::*;

use crate::error::AppError;

/// The message of a failed action, announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <p class="form-error" role="alert">
            {move || error.get().map(|error| error.message())}
        </p>
    }
}

/// A page whose data could not load: the message, and on the server the
/// error's HTTP status (503 while the database is down, not a 200 page).
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    respond_with_status(error.status(), error.retry_after());
    view! { <p role="alert">{error.message()}</p> }
}

/// On the server, the HTTP status (and `Retry-After`) of the page being
/// rendered; nothing in the browser.
pub fn respond_with_status(status: u16, retry_after: Option<u64>) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let Some(seconds) = retry_after {
            response.insert_header(http::header::RETRY_AFTER, seconds.into());
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = (status, retry_after);
}
