//! Settings > Account's list of two-factor methods: renaming and
//! removing them (adding is the set-up wizard's, `two_factor`).

use leptos::prelude::*;

use crate::error::AppError;

/// The account's methods as the list shows them: HTML rendered here, in
/// the request's language (see `components::ServerHtml`).
#[server(endpoint = "methods_html", protocol = crate::api::Rpc)]
pub async fn methods_html() -> Result<String, AppError> {
    use crate::fragments::{MethodTable, render};

    let methods = crate::server::two_factor::methods::list(&super::signed_in().await?).await?;
    let lang = crate::i18n::request_lang();
    Ok(render(view! { <MethodTable methods lang /> }))
}

/// Gives a method a name of the owner's choosing.
#[server(endpoint = "rename_two_factor_method", protocol = crate::api::Rpc)]
pub async fn rename_two_factor_method(id: i64, name: String) -> Result<(), AppError> {
    crate::server::two_factor::methods::rename(&super::signed_in().await?, id, &name).await
}

/// Remove, after the password pop-up; the last method turns 2FA off.
#[server(endpoint = "remove_two_factor_method", protocol = crate::api::Rpc)]
pub async fn remove_two_factor_method(id: i64) -> Result<(), AppError> {
    crate::server::two_factor::methods::remove(&super::reauthenticated().await?, id).await
}
