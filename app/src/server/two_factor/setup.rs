//! Setting up an authenticator app (a pending secret, confirmed by its
//! first code), and turning 2FA off.
//!
//! Confirming moves the secret from `two_factor_setup` to the account's
//! methods and, for the first method, turns 2FA on and stores the recovery
//! codes, in one transaction: 2FA is either off or on with its codes,
//! never half.

use super::qr::qr_svg;
use super::recovery_codes::{fresh_set, store_new_set};
use super::{AtTheCap, Passed, fail, invalid_code, pass_gate};
use crate::error::AppError;
use crate::server::AppState;
use crate::server::accounts::Account;
use crate::server::caller::Caller;
use crate::server::crypto::Purpose;
use crate::server::db::WriteTx;
use crate::server::events;
use crate::server::repo::{self, Conn};
use crate::server::session;
use crate::server::throttle;
use crate::server::totp::{Code, TotpSecret, step_of};
use crate::types::{ClockDrift, RecoveryCodes, SecurityEventKind, SetupChallenge};
use crate::validation::METHODS_MAX;

/// How long a secret being set up stays valid.
pub const SETUP_LIFETIME_SECONDS: i64 = 15 * 60;

/// Step 1: a fresh secret, stored sealed as pending (replacing any earlier
/// pending one), and what the authenticator app needs to add it.
pub async fn begin(state: &AppState, account: &Account) -> Result<SetupChallenge, AppError> {
    let secret = TotpSecret::generate();
    let sealed = state
        .vault
        .seal(Purpose::TotpSecret, account.id, secret.as_bytes());
    let turn = state.db.write_turn().await;
    repo::two_factor::put_setup(&state.db.pool, account.id, &sealed, state.clock.now()).await?;
    drop(turn);

    let issuer = &state.settings.issuer;
    let uri = secret.key_uri(issuer, &account.login);
    Ok(SetupChallenge {
        issuer: issuer.clone(),
        account: account.login.clone(),
        manual_key: secret.base32_grouped(),
        qr_svg: qr_svg(&uri)?,
        expires_in_minutes: (SETUP_LIFETIME_SECONDS / 60) as u32,
    })
}

/// Cancelling leaves 2FA as it was.
pub async fn cancel(state: &AppState, account_id: i64) -> Result<(), AppError> {
    let _turn = state.db.write_turn().await;
    repo::two_factor::delete_setup(&state.db.pool, account_id).await?;
    Ok(())
}

/// Step 2: the first code from the app proves it holds the secret, and
/// the app becomes one of the account's methods, in one transaction.
///
/// The first method turns 2FA on: ten recovery codes are stored, the
/// account's other sessions end and this one carries on under a new
/// token, and the codes are answered. A further app (a second phone) is
/// added beside the others: no new codes, `None`.
///
/// The matched step is recorded as used: the code that confirmed set-up
/// cannot also sign in.
pub async fn confirm(caller: &Caller, code_input: &str) -> Result<Option<RecoveryCodes>, AppError> {
    let (state, _, account, meta) = caller.parts();
    let now = state.clock.now();
    let tx = state.db.begin_write().await?;
    let Passed {
        mut tx,
        failures_on_record,
        ..
    } = pass_gate(tx, account.id, now, AtTheCap::Refuse, meta).await?;
    // Nothing to confirm counts as no attempt: it is refused before the
    // code is judged, and the transaction is dropped, recording nothing.
    let Some(pending) = repo::two_factor::pending_setup(&mut tx, account.id).await? else {
        return Err(AppError::SetupExpired);
    };
    let code = match Code::parse(code_input) {
        Ok(code) => code,
        Err(error) => return fail(tx, account.id, now, error, meta).await,
    };
    if now - pending.created_at > SETUP_LIFETIME_SECONDS {
        repo::two_factor::delete_setup(&mut *tx, account.id).await?;
        tx.commit().await?;
        return Err(AppError::SetupExpired);
    }
    let plain = state
        .vault
        .open(Purpose::TotpSecret, account.id, &pending.sealed_secret)?;
    let secret = TotpSecret::from_bytes(plain)?;
    let Some(step) = secret.matching_step(&code, now) else {
        return fail(tx, account.id, now, invalid_code(now), meta).await;
    };

    let first = begin_adding(&mut tx, account.id, now).await?;
    repo::methods::add_app(&mut tx, account.id, &pending.sealed_secret, step, now).await?;
    repo::two_factor::delete_setup(&mut *tx, account.id).await?;
    throttle::record_success(&mut tx, account.id, failures_on_record).await?;
    let mut codes = finish_adding(caller, tx, first).await?;
    if let Some(codes) = &mut codes {
        codes.clock_drift = ClockDrift::from_steps(step - step_of(now));
    }
    Ok(codes)
}

/// The first half of adding a method, in the transaction that stores it
/// (the account row locked): turns 2FA on if this is the account's first
/// method (answering true), or checks there is room for one more.
pub(crate) async fn begin_adding(
    tx: &mut WriteTx,
    account_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let first = repo::two_factor::enable(tx, account_id, now).await?;
    if !first {
        check_room(tx, account_id).await?;
    }
    Ok(first)
}

/// Refuses a further method once the account holds [`METHODS_MAX`].
async fn check_room(conn: &mut Conn, account_id: i64) -> Result<(), AppError> {
    let held = repo::methods::count(conn, account_id).await?;
    if usize::try_from(held).unwrap_or(usize::MAX) >= METHODS_MAX {
        return Err(AppError::TooManyMethods);
    }
    Ok(())
}

/// The second half, once the method is stored in `tx`: a further method
/// is recorded and committed, answering `None`. The first stores ten
/// recovery codes, ends the account's other sessions and carries this one
/// on under a new token, and answers the codes.
pub(crate) async fn finish_adding(
    caller: &Caller,
    mut tx: WriteTx,
    first: bool,
) -> Result<Option<RecoveryCodes>, AppError> {
    let (state, session, account, meta) = caller.parts();
    let now = state.clock.now();
    if !first {
        let kind = SecurityEventKind::TwoFactorMethodAdded;
        events::record(&mut tx, account.id, kind, meta, now).await?;
        tx.commit().await?;
        return Ok(None);
    }
    const FIRST_SET: i64 = 1;
    let codes = store_new_set(state, &mut tx, account.id, FIRST_SET, now).await?;
    let epoch = session::end_other_sessions(&mut tx, account).await?;
    let kind = SecurityEventKind::TwoFactorEnabled;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    session.continue_and_commit(tx, account, epoch).await?;
    Ok(Some(fresh_set(account, FIRST_SET, now, &codes)))
}

/// Turns 2FA off: every method, any pending set-up, the codes and the
/// throttle state go in one transaction, which begins by locking the
/// account row, as set-up confirmation does: a set-up finishing in
/// another tab either lands before (and is removed) or finds its pending
/// secret gone. Other sessions end; this one carries on.
pub async fn disable(caller: &Caller) -> Result<(), AppError> {
    disable_in(caller.state.db.begin_write().await?, caller).await
}

/// [`disable`], in a transaction already begun (removing the last method
/// is disabling).
pub(super) async fn disable_in(mut tx: WriteTx, caller: &Caller) -> Result<(), AppError> {
    let (state, session, account, meta) = caller.parts();
    let now = state.clock.now();
    let epoch = session::end_other_sessions(&mut tx, account).await?;
    repo::failures::clear(&mut tx, account.id).await?;
    if !repo::two_factor::delete(&mut tx, account.id).await? {
        return Err(AppError::TwoFactorNotEnabled);
    }
    repo::two_factor::delete_setup(&mut *tx, account.id).await?;
    repo::recovery_codes::delete_all(&mut tx, account.id).await?;
    let kind = SecurityEventKind::TwoFactorDisabled;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    session.continue_and_commit(tx, account, epoch).await?;
    Ok(())
}
