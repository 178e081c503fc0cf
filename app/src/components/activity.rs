//! The account's latest security events, newest first.

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::api::two_factor::security_activity;

#[component]
pub fn SecurityActivity() -> impl IntoView {
    let events = Resource::new(|| (), |_| security_activity());
    view! {
        <h3 id="activity-title">"Security activity"</h3>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(events) if events.is_empty() => EitherOf3::A(view! { <p class="hint">"Nothing yet."</p> }),
                    Ok(events) => EitherOf3::B(view! {
                        <ol class="activity" aria-labelledby="activity-title">
                            {events.into_iter().map(|event| view! {
                                <li>
                                    <span class="what">{event.kind.label()}</span>
                                    <span class="when">{event.at}</span>
                                    <span class="where">
                                        {event.ip.unwrap_or_else(|| "unknown address".into())}
                                        {event.user_agent.map(|ua| format!(" · {ua}"))}
                                    </span>
                                </li>
                            }).collect_view()}
                        </ol>
                    }),
                    Err(error) => EitherOf3::C(view! { <p role="alert">{error.message()}</p> }),
                }
            })}
        </Transition>
    }
}
