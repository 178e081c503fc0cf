//! Personal access tokens, managed from the dashboard (cookie sessions
//! only: a token cannot mint or revoke tokens).

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{AccessTokenView, CreatedToken};

/// Creates a token after a fresh password confirmation. `expires_in_days`
/// is "7", "30", "90" or "never"; `scope` is "read_only" or "read_write".
#[server(endpoint = "create_access_token", protocol = crate::api::Rpc)]
pub async fn create_access_token(
    name: String,
    expires_in_days: String,
    scope: String,
) -> Result<CreatedToken, AppError> {
    use crate::error::Reason;
    use crate::server::tokens;
    use crate::types::TokenScope;

    let caller = super::reauthenticated().await?;
    let expiry = tokens::parse_expiry(&expires_in_days)?;
    let scope = TokenScope::parse(&scope)
        .ok_or_else(|| AppError::validation("scope", Reason::TokenScope))?;
    tokens::create(
        &caller.state,
        &caller.account,
        &name,
        expiry,
        scope,
        &caller.meta,
    )
    .await
}

#[server(endpoint = "list_access_tokens", protocol = crate::api::Rpc)]
pub async fn list_access_tokens() -> Result<Vec<AccessTokenView>, AppError> {
    let caller = super::signed_in().await?;
    crate::server::tokens::list(&caller.state, caller.account.id).await
}

/// The same list as the Access tokens tab shows it: HTML rendered here, in
/// the request's language (see `components::ServerHtml`).
#[server(endpoint = "access_tokens_html", protocol = crate::api::Rpc)]
pub async fn access_tokens_html() -> Result<String, AppError> {
    use crate::fragments::{TokenTable, render};

    let caller = super::signed_in().await?;
    let tokens = crate::server::tokens::list(&caller.state, caller.account.id).await?;
    let lang = crate::i18n::request_lang();
    Ok(render(view! { <TokenTable tokens lang /> }))
}

/// Revoking takes effect at once and needs no password: it only closes a door.
#[server(endpoint = "revoke_access_token", protocol = crate::api::Rpc)]
pub async fn revoke_access_token(id: i64) -> Result<(), AppError> {
    let caller = super::signed_in().await?;
    crate::server::tokens::revoke(&caller.state, &caller.account, id, &caller.meta).await
}
