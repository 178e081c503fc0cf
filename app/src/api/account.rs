//! The signed-in account, as the dashboard shows it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::AccountView;

/// The signed-in account, or `Unauthorized`.
#[server(endpoint = "current_account", protocol = crate::api::Rpc)]
pub async fn current_account() -> Result<AccountView, AppError> {
    use crate::server::{email_address, tokens, two_factor};

    let crate::server::caller::Caller {
        state,
        session,
        account,
        ..
    } = super::signed_in().await?;
    let status = two_factor::status(&state, account.id).await?;
    let active_tokens = tokens::active_names(&state, account.id).await?;
    let mail = email_address::status(&state, account.id).await?;
    let now = state.clock.now();
    Ok(AccountView {
        login: account.login,
        two_factor_enabled: status.enabled,
        recovery_codes_left: status.enabled.then_some(status.recovery_codes_left),
        unlocked_for: session
            .unlocked_for(now, state.settings.reauth_seconds)
            .await?,
        clock_drift: session.take_clock_drift().await?,
        failed_sign_ins: session.take_failed_sign_ins().await?,
        active_tokens,
        webauthn: state.webauthn.is_some(),
        email: mail.email,
        email_waiting: mail.waiting,
        mail_informational: mail.informational,
    })
}

/// Delete Account: the login typed out and the password. Everything of the
/// account goes in one transaction; the session ends, and the answer
/// sends the browser to the sign-in page, which says so.
#[server(endpoint = "delete_account", protocol = crate::api::Rpc)]
pub async fn delete_account(login: String, password: crate::types::Secret) -> Result<(), AppError> {
    let caller = super::signed_in().await?;
    crate::server::account_deletion::delete(&caller, &login, password.into_inner()).await?;
    leptos_axum::redirect(crate::pages::LoginNotice::AccountDeleted.path());
    Ok(())
}
