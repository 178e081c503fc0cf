//! The Sessions tab: the account's live sessions, and signing them out
//! (after the password pop-up, as for 2FA changes).

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::SessionView;

#[server(endpoint = "list_sessions", protocol = crate::api::Rpc)]
pub async fn list_sessions() -> Result<Vec<SessionView>, AppError> {
    crate::server::session_list::list(&super::signed_in().await?).await
}

/// The same list as the Sessions tab shows it: HTML rendered here, in the
/// request's language (see `components::ServerHtml`).
#[server(endpoint = "sessions_html", protocol = crate::api::Rpc)]
pub async fn sessions_html() -> Result<String, AppError> {
    use crate::fragments::{SessionTable, render};

    let sessions = crate::server::session_list::list(&super::signed_in().await?).await?;
    let lang = crate::i18n::request_lang();
    Ok(render(view! { <SessionTable sessions lang /> }))
}

/// Ends another session of the account, named by its handle.
#[server(endpoint = "sign_out_session", protocol = crate::api::Rpc)]
pub async fn sign_out_session(handle: String) -> Result<(), AppError> {
    crate::server::session_list::sign_out(&super::reauthenticated().await?, &handle).await
}

/// Ends every session of the account but this one.
#[server(endpoint = "sign_out_other_sessions", protocol = crate::api::Rpc)]
pub async fn sign_out_other_sessions() -> Result<(), AppError> {
    crate::server::session_list::sign_out_others(&super::reauthenticated().await?).await
}
