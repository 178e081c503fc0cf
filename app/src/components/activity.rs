//! The account's latest security events, newest first. The server renders
//! the list ([`ActivityList`], answered by `security_activity_html`).

use leptos::prelude::*;

use super::ServerHtml;
use crate::api::two_factor::security_activity_html;
use crate::i18n::use_lang;
#[cfg(feature = "ssr")]
use crate::{i18n::Lang, types::SecurityEvent};
#[cfg(feature = "ssr")]
use leptos::either::Either;

#[component]
pub fn SecurityActivity(
    /// Counts the account's reloads: each one may follow a new event.
    reloads: ReadSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h3 id="activity-title">{lang.t("activity.title")}</h3>
        <ServerHtml trigger=reloads.into() fetch=security_activity_html />
    }
}

/// The list as the server renders it, labelled by the panel's heading.
#[cfg(feature = "ssr")]
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
                    <span class="when">{event.at}</span>
                    <span class="where">
                        {event.ip.unwrap_or_else(|| lang.t("activity.unknown_address"))}
                        {event.user_agent.map(|ua| format!(" · {ua}"))}
                    </span>
                </li>
            }).collect_view()}
        </ol>
    })
}
