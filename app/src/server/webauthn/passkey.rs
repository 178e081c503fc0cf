//! Sign in with a passkey: no login, no password. The browser offers
//! whichever of the person's passkeys it holds for Twofold (in a prompt,
//! or in the login field's autofill where it supports conditional
//! mediation); the credential it answers with names the account (by its
//! random user handle, never the login). A passkey proves possession and
//! the person's PIN or biometric (user verification is required): both
//! factors, as GitHub treats it.
//!
//! The answer passes the account's second-factor gate like a code (the
//! throttle, the hard cap) and, in the same transaction, moves the
//! credential's counter on and signs the session in under a new token.

use webauthn_rs::prelude::{Credential, DiscoverableAuthentication, Passkey, PublicKeyCredential};

use super::ceremony::{self, BeganBy, Purpose};
use super::{CeremonyStart, credential_of, parse_response, refused, relying_party, start, stored};
use crate::error::AppError;
use crate::server::AppState;
use crate::server::accounts::Account;
use crate::server::events::{self, RequestMeta};
use crate::server::repo;
use crate::server::session::Session;
use crate::server::throttle;
use crate::server::two_factor::{AtTheCap, Passed, fail, pass_gate};
use crate::types::{MethodKind, SecurityEventKind};

/// A passkey sign-in is begun by nobody yet.
const ANYONE: BeganBy = BeganBy {
    account_id: None,
    session: None,
};

/// The browser's options for a discoverable credential, and the handle.
pub async fn begin(state: &AppState, meta: &RequestMeta) -> Result<CeremonyStart, AppError> {
    let rp = relying_party(state)?.webauthn();
    let (options, authentication) = rp.start_discoverable_authentication().map_err(refused)?;
    let now = state.clock.now();
    let source = meta.source();
    let handle = ceremony::store(
        &state.db,
        Purpose::PasskeySignIn,
        &ANYONE,
        Some(&source),
        &authentication,
        now,
    )
    .await?;
    start(&options, &handle)
}

/// Finishes a passkey sign-in: the session is signed in to the passkey's
/// account. Anything that names no passkey of an account (a security key,
/// a removed one, a made-up handle) is refused alike.
pub async fn finish(
    state: &AppState,
    session: &Session,
    handle: &str,
    response: &str,
    meta: &RequestMeta,
) -> Result<Account, AppError> {
    let rp = relying_party(state)?.webauthn();
    let now = state.clock.now();
    let authentication: DiscoverableAuthentication =
        ceremony::take(&state.db, handle, Purpose::PasskeySignIn, &ANYONE, now).await?;
    let response: PublicKeyCredential = parse_response(response)?;
    let (user_id, credential_id) = rp
        .identify_discoverable_authentication(&response)
        .map_err(refused)?;
    let row = repo::methods::by_credential_id(&state.db.pool, credential_id)
        .await?
        .filter(|row| row.kind == MethodKind::Passkey.as_str())
        .ok_or(AppError::SecurityKeyRefused)?;
    let account = repo::accounts::by_webauthn_user_id(&state.db.pool, &user_id.to_string())
        .await?
        .filter(|account| account.id == row.account_id)
        .ok_or(AppError::SecurityKeyRefused)?;

    let tx = state.db.begin_write().await?;
    let Passed {
        mut tx,
        failures_on_record,
        ..
    } = pass_gate(tx, account.id, now, AtTheCap::Refuse, meta).await?;
    // Read again under the lock: removed meanwhile, or used by another
    // sign-in, it is refused below.
    let row = repo::methods::credentials(&mut *tx, account.id)
        .await?
        .into_iter()
        .find(|held| held.id == row.id);
    let Some(row) = row else {
        return fail(tx, account.id, now, AppError::SecurityKeyRefused, meta).await;
    };
    let mut passkey = Passkey::from(credential_of(&row)?);
    let result = match rp.finish_discoverable_authentication_v2(&response, authentication, &passkey)
    {
        Ok(result) => result,
        Err(error) => return fail(tx, account.id, now, refused(error), meta).await,
    };
    passkey.update_credential(&result);
    let updated = stored(&Credential::from(passkey))?;
    if !repo::methods::record_use(&mut tx, row.id, &row.credential, &updated, now).await? {
        return fail(tx, account.id, now, AppError::SecurityKeyRefused, meta).await;
    }
    throttle::record_success(&mut tx, account.id, failures_on_record).await?;
    let kind = SecurityEventKind::SignedInWithPasskey;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    let moved = session.sign_in_on(&mut tx, &account).await?;
    tx.commit().await?;
    session.adopt(moved).await;
    tracing::info!(account_id = account.id, "signed in with a passkey");
    Ok(account)
}
