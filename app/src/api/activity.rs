//! The account's security activity.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::SecurityEvent;

/// How many of the latest security events the account's activity shows.
#[cfg(feature = "ssr")]
const ACTIVITY_LINES: i64 = 20;

/// The latest security events of the account, newest first.
#[server(endpoint = "security_activity", protocol = crate::api::Rpc)]
pub async fn security_activity() -> Result<Vec<SecurityEvent>, AppError> {
    let caller = super::signed_in().await?;
    crate::server::events::latest(&caller.state.db, caller.account.id, ACTIVITY_LINES).await
}

/// The same events as the Settings panel shows them: HTML rendered here, in
/// the request's language (see `components::ServerHtml`).
#[server(endpoint = "security_activity_html", protocol = crate::api::Rpc)]
pub async fn security_activity_html() -> Result<String, AppError> {
    use crate::fragments::{ActivityList, render};

    let caller = super::signed_in().await?;
    let events =
        crate::server::events::latest(&caller.state.db, caller.account.id, ACTIVITY_LINES).await?;
    let lang = crate::i18n::request_lang();
    Ok(render(view! { <ActivityList events lang /> }))
}
