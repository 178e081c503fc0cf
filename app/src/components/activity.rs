//! The account's latest security events, newest first. The server renders
//! the list (`fragments::ActivityList`, answered by `security_activity_html`).

use leptos::prelude::*;

use super::ServerHtml;
use crate::api::activity::security_activity_html;
use crate::i18n::use_lang;

/// Where the whole activity is downloaded as CSV (served by the server
/// crate's `activity_file`).
pub const ACTIVITY_FILE: &str = "/account/activity.csv";

#[component]
pub fn SecurityActivity(
    /// Counts the account's reloads: each one may follow a new event.
    reloads: ReadSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h3 id="activity-title">{lang.t("activity.title")}</h3>
        <ServerHtml trigger=reloads.into() fetch=security_activity_html />
        // A plain link: the file is the server's answer, with or without
        // JavaScript.
        <p><a class="standalone" href=ACTIVITY_FILE download>{lang.t("activity.download")}</a></p>
    }
}
