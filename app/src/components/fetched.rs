//! A server function's answer, fetched in the browser when a component is
//! created and again whenever its trigger changes.

use std::future::Future;

use leptos::prelude::*;

use crate::error::AppError;

/// `fetch`'s latest answer: `None` until the first one arrives. The last
/// answer stays while the next is on its way, and an answer overtaken by a
/// newer request is dropped.
///
/// For the Settings panels, which the server never renders (the frame opens
/// closed): a `Resource` without its hydration, serialisation and suspense
/// code (docs/wasm-budget.md#loading-without-resource).
pub fn fetched<T, Fut>(
    trigger: Signal<u32>,
    fetch: fn() -> Fut,
) -> ReadSignal<Option<Result<T, AppError>>>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let answer = RwSignal::new(None);
    let latest = StoredValue::new(0_u32);
    Effect::new(move |_| {
        trigger.track();
        latest.update_value(|count| *count = count.wrapping_add(1));
        let request = latest.get_value();
        leptos::task::spawn_local(async move {
            let result = fetch().await;
            // The component may be gone, or a newer request on its way.
            if latest.try_get_value() == Some(request) {
                answer.try_set(Some(result));
            }
        });
    });
    answer.read_only()
}
