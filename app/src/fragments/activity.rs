//! The security activity list, as the server renders it.

use leptos::either::Either;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::types::SecurityEvent;

/// The list as the server renders it, labelled by the panel's heading.
#[component]
pub fn ActivityList(events: Vec<SecurityEvent>, lang: Lang) -> impl IntoView {
    if events.is_empty() {
        return Either::Left(view! {
            <p class="hint">{lang.t("activity.nothing")}</p>
        });
    }
    Either::Right(view! {
        <ol class="activity" aria-labelledby="activity-title">
            {events.into_iter().map(|event| view! {
                <li>
                    <span class="what">{event.kind.label(lang)}</span>
                    {(event.repeats > 1).then(|| view! {
                        <span class="repeats">
                            {lang.t_with("activity.repeats", &[("count", &event.repeats.to_string())])}
                        </span>
                    })}
                    <span class="when">{event.at}</span>
                    <span class="where">
                        {if event.kind.by_operator() {
                            lang.t("activity.by_operator")
                        } else {
                            event.ip.unwrap_or_else(|| lang.t("activity.unknown_address"))
                        }}
                        {event.user_agent.map(|ua| format!(" · {ua}"))}
                    </span>
                </li>
            }).collect_view()}
        </ol>
    })
}
