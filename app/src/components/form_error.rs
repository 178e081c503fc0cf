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
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let Some(seconds) = error.retry_after() {
            response.insert_header(http::header::RETRY_AFTER, seconds.into());
        }
    }
    view! { <p role="alert">{error.message()}</p> }
}
