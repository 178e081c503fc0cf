//! The account's latest security events, newest first.

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::api::two_factor::security_activity;
use crate::i18n::use_lang;

#[component]
pub fn SecurityActivity(
    /// Counts the account's reloads: each one may follow a new event.
    reloads: ReadSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let events = Resource::new(move || reloads.get(), |_| security_activity());
    view! {
        <h3 id="activity-title">{lang.t("activity.title")}</h3>
        <Transition fallback=move || view! { <p>{lang.t("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(events) if events.is_empty() => EitherOf3::A(view! { <p class="hint">{lang.t("activity.nothing")}</p> }),
                    Ok(events) => EitherOf3::B(view! {
                        <ol class="activity" aria-labelledby="activity-title">
                            {events.into_iter().map(|event| view! {
                                <li>
                                    <span class="what">{event.kind.label(lang)}</span>
                                    <span class="when">{event.at}</span>
                                    <span class="where">
                                        {event.ip.unwrap_or_else(|| lang.t("activity.unknown_address"))}
                                        {event.user_agent.map(|ua| format!(" · {ua}"))}
                                    </span>
                                </li>
                            }).collect_view()}
                        </ol>
                    }),
                    Err(error) => EitherOf3::C(view! { <p role="alert">{error.message(lang)}</p> }),
                }
            })}
        </Transition>
    }
}
