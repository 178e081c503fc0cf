//! Recovery codes: storing a new set, viewing the current one (used codes
//! included) and regenerating it.

use crate::error::AppError;
use crate::server::AppState;
use crate::server::accounts::Account;
use crate::server::caller::Caller;
use crate::server::crypto::Purpose;
use crate::server::dates::{date_of, date_time_of};
use crate::server::events;
use crate::server::recovery::{self, RecoveryCode};
use crate::server::repo::recovery_codes::NewCode;
use crate::server::repo::{self, Conn};
use crate::server::session;
use crate::types::{RecoveryCodeEntry, RecoveryCodes, SecurityEventKind};

/// Replaces the account's recovery codes with a new set, on `conn` (the
/// change's transaction), and answers the codes to show once.
pub(super) async fn store_new_set(
    state: &AppState,
    conn: &mut Conn,
    account_id: i64,
    set_number: i64,
    now: i64,
) -> Result<Vec<RecoveryCode>, AppError> {
    let codes = recovery::generate_set();
    let stored: Vec<NewCode> = codes
        .iter()
        .map(|code| NewCode {
            lookup_hash: state.vault.lookup_hash(account_id, code.normalized()),
            sealed_code: state.vault.seal(
                Purpose::RecoveryCode,
                account_id,
                code.normalized().as_bytes(),
            ),
        })
        .collect();
    repo::recovery_codes::replace_set(conn, account_id, set_number, &stored, now).await?;
    Ok(codes)
}

/// A set just generated, as shown and downloaded.
pub(super) fn fresh_set(
    account: &Account,
    set_number: i64,
    now: i64,
    codes: &[RecoveryCode],
) -> RecoveryCodes {
    RecoveryCodes {
        login: account.login.clone(),
        set_number: set_number as u32,
        generated_on: date_of(now),
        codes: codes
            .iter()
            .map(|code| RecoveryCodeEntry {
                code: code.display(),
                used_at: None,
            })
            .collect(),
        clock_drift: None,
    }
}

/// The current set, used codes included, for "View Recovery Codes".
pub async fn view(caller: &Caller) -> Result<RecoveryCodes, AppError> {
    let (state, _, account, meta) = caller.parts();
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // The write first: on SQLite a deferred transaction that reads before
    // it writes can fail at once if another write lands in between.
    let kind = SecurityEventKind::RecoveryCodesViewed;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    let Some(set_number) = repo::two_factor::recovery_set(&mut tx, account.id).await? else {
        return Err(AppError::TwoFactorNotEnabled);
    };
    let rows = repo::recovery_codes::all(&mut tx, account.id).await?;
    let mut codes = Vec::with_capacity(rows.len());
    let mut generated_at = now;
    for row in rows {
        let plain = state
            .vault
            .open(Purpose::RecoveryCode, account.id, &row.sealed_code)?;
        let text = std::str::from_utf8(&plain).map_err(|_| AppError::Internal)?;
        let code = RecoveryCode::parse(text).map_err(|_| AppError::Internal)?;
        generated_at = row.created_at;
        codes.push(RecoveryCodeEntry {
            code: code.display(),
            used_at: row.used_at.map(date_time_of),
        });
    }
    tx.commit().await?;
    Ok(RecoveryCodes {
        login: account.login.clone(),
        set_number: set_number as u32,
        generated_on: date_of(generated_at),
        codes,
        clock_drift: None,
    })
}

/// Repeated notes of one kind within this long are one line of the
/// activity: a signed-in user cannot flood it until a sign-in drops out.
pub const NOTE_EVERY_SECONDS: i64 = 300;

/// The browser saved the codes to a file: a line in the activity, unless
/// one was written within [`NOTE_EVERY_SECONDS`].
pub async fn note_downloaded(caller: &Caller) -> Result<(), AppError> {
    let (state, _, account, meta) = caller.parts();
    let now = state.clock.now();
    let kind = SecurityEventKind::RecoveryCodesDownloaded;
    let mut tx = state.db.begin_write().await?;
    if !events::happened_since(&mut tx, account.id, kind, now - NOTE_EVERY_SECONDS).await? {
        events::record(&mut tx, account.id, kind, meta, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A new set replaces the old one in one transaction: the old codes stop
/// working the moment the new ones exist. Concurrent regenerations take
/// turns on the account row; one whose session an earlier one ended is
/// refused, so exactly one whole set survives. Other sessions end; this
/// one carries on.
pub async fn regenerate(caller: &Caller) -> Result<RecoveryCodes, AppError> {
    let (state, session, account, meta) = caller.parts();
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // The account row first, as every other 2FA change takes it: one lock
    // order, no deadlock.
    let epoch = session::end_other_sessions(&mut tx, account).await?;
    let Some(set_number) = repo::two_factor::next_recovery_set(&mut tx, account.id).await? else {
        return Err(AppError::TwoFactorNotEnabled);
    };
    let codes = store_new_set(state, &mut tx, account.id, set_number, now).await?;
    let kind = SecurityEventKind::RecoveryCodesRegenerated;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    session.continue_and_commit(tx, account, epoch).await?;
    Ok(fresh_set(account, set_number, now, &codes))
}
