//! The Sessions tab's table, as the server renders it.

use leptos::either::Either;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::types::SessionView;

/// Every live session of the account. Each other session's Sign out
/// button carries its handle for the tab's click handler.
#[component]
pub fn SessionTable(sessions: Vec<SessionView>, lang: Lang) -> impl IntoView {
    view! {
        // Focusable, so that a keyboard can scroll it when it is wider
        // than a phone's screen.
        <table class="sessions" tabindex="0">
            <caption>{lang.t("sessions.yours")}</caption>
            <thead>
                <tr>
                    <th scope="col">{lang.t("sessions.col_browser")}</th>
                    <th scope="col">{lang.t("sessions.col_address")}</th>
                    <th scope="col">{lang.t("sessions.col_began")}</th>
                    <th scope="col">{lang.t("sessions.col_last_used")}</th>
                    <th scope="col">{lang.t("sessions.col_status")}</th>
                </tr>
            </thead>
            <tbody>
                {sessions.into_iter().map(|session| {
                    let device = device(&session, lang);
                    let label = lang.t_with(
                        "sessions.sign_out_label",
                        &[("device", &device), ("last_used", &session.last_used_at)],
                    );
                    view! {
                        <tr>
                            <td>{device}</td>
                            <td>{session.address.unwrap_or_else(|| lang.t("activity.unknown_address"))}</td>
                            <td>{session.began_at}</td>
                            <td>{session.last_used_at}</td>
                            <td>
                                {session.pending.then(|| view! {
                                    <span class="warning-text">{lang.t("sessions.pending")}</span>
                                    " "
                                })}
                                {if session.current {
                                    Either::Left(view! { <strong>{lang.t("sessions.this_browser")}</strong> })
                                } else {
                                    Either::Right(view! {
                                        <button type="button" class="danger small" aria-label=label
                                            data-sign-out=session.handle>
                                            {lang.t("sessions.sign_out")}
                                        </button>
                                    })
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "Chrome 131 on Linux", or as much of it as is known.
fn device(session: &SessionView, lang: Lang) -> String {
    match (&session.browser, &session.system) {
        (Some(browser), Some(system)) => lang.t_with(
            "sessions.browser_on_system",
            &[("browser", browser), ("system", system)],
        ),
        (Some(known), None) | (None, Some(known)) => known.clone(),
        (None, None) => lang.t("sessions.unknown_browser"),
    }
}
