//! The account's latest security events, newest first.

use leptos::either::EitherOf4;
use leptos::prelude::*;

use super::fetched::fetched;
use crate::api::two_factor::security_activity;
use crate::i18n::use_lang;

#[component]
pub fn SecurityActivity(
    /// Counts the account's reloads: each one may follow a new event.
    reloads: ReadSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let events = fetched(reloads.into(), security_activity);
    view! {
        <h3 id="activity-title">{lang.t("activity.title")}</h3>
        {move || match events.get() {
            None => EitherOf4::A(view! { <p>{lang.t("common.loading")}</p> }),
            Some(Ok(events)) if events.is_empty() => EitherOf4::B(view! { <p class="hint">{lang.t("activity.nothing")}</p> }),
            Some(Ok(events)) => EitherOf4::C(view! {
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
            Some(Err(error)) => EitherOf4::D(view! { <p role="alert">{error.message(lang)}</p> }),
        }}
    }
}
