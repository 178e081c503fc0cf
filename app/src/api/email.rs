//! The account's email address: Add / Change (a confirmation link is
//! sent), and the link's page confirming it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::Secret;

/// Where a confirmed address sends the person (`pages::EmailConfirmedPage`).
pub const EMAIL_CONFIRMED: &str = "/email-confirmed";

/// Add / Change: sends a confirmation link to `email`, after the password
/// pop-up.
#[server(endpoint = "request_email_change", protocol = crate::api::Rpc)]
pub async fn request_email_change(email: String) -> Result<(), AppError> {
    let caller = super::reauthenticated().await?;
    let lang = crate::i18n::request_lang();
    crate::server::email_address::request_change(&caller, &email, lang).await
}

/// Whether the signed-in account may confirm the address of the link
/// `token`: the address, or why not.
#[server(endpoint = "check_email_link", protocol = crate::api::Rpc)]
pub async fn check_email_link(token: Secret) -> Result<String, AppError> {
    let caller = super::signed_in().await?;
    crate::server::email_address::check(&caller, token.as_str()).await
}

/// The confirmation link's **Confirm** button (a plain form, so it works
/// without JavaScript): the address becomes the account's. Answers it.
#[server(endpoint = "confirm_email", output = crate::api::Json)]
pub async fn confirm_email(token: Secret) -> Result<String, AppError> {
    let caller = super::signed_in().await?;
    let address = crate::server::email_address::confirm(&caller, token.as_str()).await?;
    leptos_axum::redirect(EMAIL_CONFIRMED);
    Ok(address)
}

/// Settings' notices checkbox: whether the informational notices (a new
/// browser, a token created) are mailed.
#[server(endpoint = "set_mail_informational", protocol = crate::api::Rpc)]
pub async fn set_mail_informational(wanted: bool) -> Result<(), AppError> {
    let caller = super::signed_in().await?;
    crate::server::email_address::set_informational(&caller, wanted).await
}
