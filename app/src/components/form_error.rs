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
