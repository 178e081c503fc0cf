//! Two-factor authentication: set-up, confirmation and the second sign-in
//! step. The browser and the API call these same functions.
//!
//! Every change is one transaction. Confirming a set-up moves the secret
//! from `two_factor_setup` to `two_factor` and stores the recovery codes
//! together, so a closed tab or a killed process leaves either no 2FA or
//! 2FA with its codes, never half. Every attempt passes the throttle gate
//! first, which serializes one account's attempts: replays and races are
//! decided one at a time.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use sqlx::{AnyConnection, Row};
use subtle::ConstantTimeEq;

use super::AppState;
use super::accounts::Account;
use super::crypto::Purpose;
use super::db::{Uncommitted, WriteTurn};
use super::events::{self, RequestMeta};
use super::recovery::{self, RecoveryCode};
use super::throttle::{self, Gate};
use super::totp::{Code, TotpSecret, step_of};
use crate::error::AppError;
use crate::types::{
    ClockDrift, RecoveryCodeEntry, RecoveryCodes, SecurityEventKind, SetupChallenge,
};

/// How long a secret being set up stays valid.
pub const SETUP_LIFETIME_SECONDS: i64 = 15 * 60;

/// The state of an account's second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: u32,
}

/// The columns `Status::from_row` reads, for a query where the account's
/// row is `a`: a caller that already reads the account gets its status in
/// the same round trip.
macro_rules! status_columns {
    () => {
        "(SELECT COUNT(*) FROM two_factor WHERE account_id = a.id) AS enabled,
         (SELECT COUNT(*) FROM recovery_codes WHERE account_id = a.id AND used_at IS NULL) AS left_"
    };
}
pub(crate) use status_columns;

impl Status {
    pub fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, AppError> {
        let enabled: i64 = row.try_get("enabled")?;
        let left: i64 = row.try_get("left_")?;
        Ok(Self {
            enabled: enabled > 0,
            recovery_codes_left: left as u32,
        })
    }
}

pub async fn status(state: &AppState, account_id: i64) -> Result<Status, AppError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        status_columns!(),
        " FROM accounts a WHERE a.id = $1"
    ))
    .bind(account_id)
    .fetch_one(&state.db.pool)
    .await?;
    Status::from_row(&row)
}

/// Step 1: a fresh secret, stored sealed as pending (replacing any earlier
/// pending one), and what the authenticator app needs to add it.
pub async fn begin_setup(state: &AppState, account: &Account) -> Result<SetupChallenge, AppError> {
    let secret = TotpSecret::generate();
    let sealed = state
        .vault
        .seal(Purpose::TotpSecret, account.id, secret.as_bytes());
    let turn = state.db.write_turn().await;
    sqlx::query(
        "INSERT INTO two_factor_setup (account_id, sealed_secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET sealed_secret = $2, created_at = $3",
    )
    .bind(account.id)
    .bind(sealed)
    .bind(state.clock.now())
    .execute(&state.db.pool)
    .await?;
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

/// Renders `data` as an inline SVG QR code (without the XML prologue).
fn qr_svg(data: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(data, EcLevel::M).map_err(|error| {
        tracing::error!(%error, "QR encoding failed");
        AppError::Internal
    })?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(232, 232)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(svg
        .find("<svg")
        .map_or(svg.clone(), |start| svg[start..].to_owned()))
}

/// Cancelling leaves 2FA as it was.
pub async fn cancel_setup(state: &AppState, account_id: i64) -> Result<(), AppError> {
    let _turn = state.db.write_turn().await;
    sqlx::query("DELETE FROM two_factor_setup WHERE account_id = $1")
        .bind(account_id)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Step 2: the first code from the app proves it holds the secret. In one
/// transaction the secret becomes active (replacing an earlier one, if the
/// person is moving to a new phone), ten recovery codes are stored, and
/// the account's other sessions end (its session epoch moves on; the
/// caller carries the current session on in this transaction, then
/// commits).
///
/// The matched step is recorded as used: the code that confirmed set-up
/// cannot also sign in.
pub async fn confirm_setup(
    state: &AppState,
    account: &Account,
    code_input: &str,
    meta: &RequestMeta,
) -> Result<Uncommitted<Changed<RecoveryCodes>>, AppError> {
    let now = state.clock.now();
    let (turn, mut tx) = state.db.begin_write().await?;
    let failures_on_record = match throttle::gate(&mut tx, account.id, now).await? {
        Gate::Open { failures_on_record } => failures_on_record,
        Gate::Throttled { retry_after } => {
            return throttled(tx, account.id, retry_after, meta, now).await;
        }
        Gate::Capped => {
            tx.commit().await?;
            return Err(AppError::SecondFactorLocked);
        }
    };
    let code = match Code::parse(code_input) {
        Ok(code) => code,
        Err(error) => return fail(tx, account.id, now, error, meta).await,
    };
    let pending =
        sqlx::query("SELECT sealed_secret, created_at FROM two_factor_setup WHERE account_id = $1")
            .bind(account.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(pending) = pending else {
        return Err(AppError::SetupExpired);
    };
    let sealed: Vec<u8> = pending.try_get("sealed_secret")?;
    let created_at: i64 = pending.try_get("created_at")?;
    if now - created_at > SETUP_LIFETIME_SECONDS {
        sqlx::query("DELETE FROM two_factor_setup WHERE account_id = $1")
            .bind(account.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(AppError::SetupExpired);
    }
    let secret =
        TotpSecret::from_bytes(state.vault.open(Purpose::TotpSecret, account.id, &sealed)?)?;
    let Some(step) = secret.matching_step(&code, now) else {
        return fail(tx, account.id, now, invalid_code(now), meta).await;
    };

    let previous_set: Option<i64> =
        sqlx::query_scalar("SELECT recovery_set FROM two_factor WHERE account_id = $1")
            .bind(account.id)
            .fetch_optional(&mut *tx)
            .await?;
    let set_number = previous_set.unwrap_or(0) + 1;
    sqlx::query("DELETE FROM two_factor WHERE account_id = $1")
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO two_factor (account_id, sealed_secret, last_used_step, recovery_set, enabled_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account.id)
    .bind(sealed)
    .bind(step)
    .bind(set_number)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM two_factor_setup WHERE account_id = $1")
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let codes = store_new_recovery_codes(state, &mut tx, account.id, set_number, now).await?;
    throttle::record_success(&mut tx, account.id, failures_on_record).await?;
    let session_epoch = end_other_sessions(&mut tx, account).await?;
    events::record(
        &mut tx,
        account.id,
        SecurityEventKind::TwoFactorEnabled,
        meta,
        now,
    )
    .await?;
    let mut value = fresh_set(account, set_number, now, &codes);
    value.clock_drift = ClockDrift::from_steps(step - step_of(now));
    let changed = Changed {
        value,
        session_epoch,
    };
    Ok(Uncommitted::new(changed, turn, tx))
}

fn fresh_set(
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

/// Moves the account's session epoch on, so every session but the one the
/// caller carries on (with the returned epoch) is dead, on every process.
///
/// Compare-and-set against the epoch the caller's session carries: if
/// another change ended this session meanwhile, this one fails instead of
/// reviving it.
async fn end_other_sessions(tx: &mut AnyConnection, account: &Account) -> Result<i64, AppError> {
    let epoch: Option<i64> = sqlx::query_scalar(
        "UPDATE accounts SET session_epoch = session_epoch + 1
         WHERE id = $1 AND session_epoch = $2 RETURNING session_epoch",
    )
    .bind(account.id)
    .bind(account.session_epoch)
    .fetch_optional(tx)
    .await?;
    epoch.ok_or(AppError::Unauthorized)
}

/// The result of a change that ended the account's other sessions: the
/// caller carries its own session on with `session_epoch`, in the change's
/// transaction ([`super::session::Session::continue_with`]).
#[derive(Debug)]
pub struct Changed<T> {
    pub value: T,
    pub session_epoch: i64,
}

/// The current set, used codes included, for "View Recovery Codes".
pub async fn view_recovery_codes(
    state: &AppState,
    account: &Account,
    meta: &RequestMeta,
) -> Result<RecoveryCodes, AppError> {
    let now = state.clock.now();
    let (_turn, mut tx) = state.db.begin_write().await?;
    // The write first: on SQLite a deferred transaction that reads before
    // it writes can fail at once if another write lands in between.
    let kind = SecurityEventKind::RecoveryCodesViewed;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    let set: Option<(i64, i64)> =
        sqlx::query_as("SELECT recovery_set, enabled_at FROM two_factor WHERE account_id = $1")
            .bind(account.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((set_number, _)) = set else {
        return Err(AppError::TwoFactorNotEnabled);
    };
    let rows = sqlx::query(
        "SELECT sealed_code, used_at, created_at FROM recovery_codes
         WHERE account_id = $1 ORDER BY position",
    )
    .bind(account.id)
    .fetch_all(&mut *tx)
    .await?;
    let mut codes = Vec::with_capacity(rows.len());
    let mut generated_at = now;
    for row in rows {
        let sealed: Vec<u8> = row.try_get("sealed_code")?;
        let plain = state
            .vault
            .open(Purpose::RecoveryCode, account.id, &sealed)?;
        let code =
            RecoveryCode::parse(std::str::from_utf8(&plain).map_err(|_| AppError::Internal)?)
                .map_err(|_| AppError::Internal)?;
        let used_at: Option<i64> = row.try_get("used_at")?;
        generated_at = row.try_get("created_at")?;
        codes.push(RecoveryCodeEntry {
            code: code.display(),
            used_at: used_at.map(events::date_time_of),
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

/// A new set replaces the old one in one transaction: the old codes stop
/// working the moment the new ones exist. The row lock on `two_factor`
/// makes concurrent regenerations take turns; the last one wins whole.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    account: &Account,
    meta: &RequestMeta,
) -> Result<Uncommitted<Changed<RecoveryCodes>>, AppError> {
    let now = state.clock.now();
    let (turn, mut tx) = state.db.begin_write().await?;
    // The account row first, as every other 2FA change takes it: one lock
    // order, no deadlock.
    let session_epoch = end_other_sessions(&mut tx, account).await?;
    let set_number: Option<i64> = sqlx::query_scalar(
        "UPDATE two_factor SET recovery_set = recovery_set + 1 WHERE account_id = $1 RETURNING recovery_set",
    )
    .bind(account.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(set_number) = set_number else {
        return Err(AppError::TwoFactorNotEnabled);
    };
    let codes = store_new_recovery_codes(state, &mut tx, account.id, set_number, now).await?;
    events::record(
        &mut tx,
        account.id,
        SecurityEventKind::RecoveryCodesRegenerated,
        meta,
        now,
    )
    .await?;
    let changed = Changed {
        value: fresh_set(account, set_number, now, &codes),
        session_epoch,
    };
    Ok(Uncommitted::new(changed, turn, tx))
}

/// Turns 2FA off: the secret, any pending set-up, the codes and the
/// throttle and replay state go in one transaction, which begins by
/// locking the account row, as set-up confirmation does: a set-up finishing
/// in another tab either lands before (and is removed) or finds its pending
/// secret gone.
pub async fn disable(
    state: &AppState,
    account: &Account,
    meta: &RequestMeta,
) -> Result<Uncommitted<Changed<()>>, AppError> {
    let now = state.clock.now();
    let (turn, mut tx) = state.db.begin_write().await?;
    let session_epoch = end_other_sessions(&mut tx, account).await?;
    sqlx::query("UPDATE accounts SET second_factor_failures = 0 WHERE id = $1")
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let removed = sqlx::query("DELETE FROM two_factor WHERE account_id = $1")
        .bind(account.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::TwoFactorNotEnabled);
    }
    for table in [
        "two_factor_setup",
        "recovery_codes",
        "second_factor_failures",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE account_id = $1"))
            .bind(account.id)
            .execute(&mut *tx)
            .await?;
    }
    events::record(
        &mut tx,
        account.id,
        SecurityEventKind::TwoFactorDisabled,
        meta,
        now,
    )
    .await?;
    let changed = Changed {
        value: (),
        session_epoch,
    };
    Ok(Uncommitted::new(changed, turn, tx))
}

/// Replaces the account's recovery codes with a new set, inside `tx`.
async fn store_new_recovery_codes(
    state: &AppState,
    tx: &mut AnyConnection,
    account_id: i64,
    set_number: i64,
    now: i64,
) -> Result<Vec<RecoveryCode>, AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    let codes = recovery::generate_set();
    for (position, code) in codes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO recovery_codes
                 (account_id, set_number, position, lookup_hash, sealed_code, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(account_id)
        .bind(set_number)
        .bind(position as i64)
        .bind(state.vault.lookup_hash(account_id, code.normalized()))
        .bind(state.vault.seal(
            Purpose::RecoveryCode,
            account_id,
            code.normalized().as_bytes(),
        ))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(codes)
}

/// What a person offers at the second sign-in step.
#[derive(Debug, Clone, Copy)]
pub enum SecondFactor<'a> {
    Code(&'a str),
    RecoveryCode(&'a str),
}

/// How a second factor was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// A code from the app, and which way the phone's clock looks off
    /// if the code matched a neighbouring step.
    Code {
        clock_drift: Option<ClockDrift>,
    },
    RecoveryCode {
        left: u32,
    },
}

/// Checks the second factor of a pending sign-in. A refusal is recorded
/// and committed here; an acceptance is left for the caller to commit,
/// with the signed-in session written in its transaction, so the code is
/// spent if and only if that lands too.
pub async fn verify(
    state: &AppState,
    account_id: i64,
    factor: SecondFactor<'_>,
    meta: &RequestMeta,
) -> Result<Uncommitted<Accepted>, AppError> {
    let now = state.clock.now();
    let (turn, mut tx) = state.db.begin_write().await?;
    let failures_on_record = match throttle::gate(&mut tx, account_id, now).await? {
        Gate::Open { failures_on_record } => failures_on_record,
        Gate::Throttled { retry_after } => {
            return throttled(tx, account_id, retry_after, meta, now).await;
        }
        // The hard cap stops app codes; a recovery code may still unlock.
        Gate::Capped if matches!(factor, SecondFactor::Code(_)) => {
            tx.commit().await?;
            return Err(AppError::SecondFactorLocked);
        }
        Gate::Capped => true,
    };
    let attempt = Attempt {
        tx,
        turn,
        account_id,
        failures_on_record,
        now,
        meta,
    };
    match factor {
        SecondFactor::Code(input) => verify_code(state, attempt, input).await,
        SecondFactor::RecoveryCode(input) => verify_recovery_code(state, attempt, input).await,
    }
}

/// A second-factor attempt past the throttle gate, inside its transaction.
struct Attempt<'a> {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    turn: WriteTurn,
    account_id: i64,
    failures_on_record: bool,
    now: i64,
    meta: &'a RequestMeta,
}

impl Attempt<'_> {
    /// Clears the throttle and records how the account signed in, with the
    /// change that accepted the factor; the caller commits.
    async fn succeed(
        mut self,
        kind: SecurityEventKind,
        accepted: Accepted,
    ) -> Result<Uncommitted<Accepted>, AppError> {
        let (account_id, now) = (self.account_id, self.now);
        throttle::record_success(&mut self.tx, account_id, self.failures_on_record).await?;
        events::record(&mut self.tx, account_id, kind, self.meta, now).await?;
        Ok(Uncommitted::new(accepted, self.turn, self.tx))
    }

    async fn fail<T>(self, error: AppError) -> Result<T, AppError> {
        fail(self.tx, self.account_id, self.now, error, self.meta).await
    }
}

async fn verify_code(
    state: &AppState,
    mut attempt: Attempt<'_>,
    input: &str,
) -> Result<Uncommitted<Accepted>, AppError> {
    let (account_id, now) = (attempt.account_id, attempt.now);
    let code = match Code::parse(input) {
        Ok(code) => code,
        Err(error) => return attempt.fail(error).await,
    };
    let row =
        sqlx::query("SELECT sealed_secret, last_used_step FROM two_factor WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&mut *attempt.tx)
            .await?;
    // 2FA was turned off while this sign-in waited: start again.
    let Some(row) = row else {
        return Err(AppError::Unauthorized);
    };
    let sealed: Vec<u8> = row.try_get("sealed_secret")?;
    let last_used_step: i64 = row.try_get("last_used_step")?;
    let secret =
        TotpSecret::from_bytes(state.vault.open(Purpose::TotpSecret, account_id, &sealed)?)?;
    let Some(step) = secret.matching_step(&code, now) else {
        return attempt.fail(invalid_code(now)).await;
    };
    // Compare-and-set on the last used step: a code is good once, and never
    // after a later one.
    let claimed = sqlx::query(
        "UPDATE two_factor SET last_used_step = $1 WHERE account_id = $2 AND last_used_step < $1",
    )
    .bind(step)
    .bind(account_id)
    .execute(&mut *attempt.tx)
    .await?
    .rows_affected();
    if step <= last_used_step || claimed != 1 {
        tracing::warn!(account_id, "replayed authentication code refused");
        return attempt.fail(invalid_code(now)).await;
    }
    let accepted = Accepted::Code {
        clock_drift: ClockDrift::from_steps(step - step_of(now)),
    };
    attempt
        .succeed(SecurityEventKind::SignedInWithCode, accepted)
        .await
}

async fn verify_recovery_code(
    state: &AppState,
    mut attempt: Attempt<'_>,
    input: &str,
) -> Result<Uncommitted<Accepted>, AppError> {
    let (account_id, now) = (attempt.account_id, attempt.now);
    let code = match RecoveryCode::parse(input) {
        Ok(code) => code,
        Err(error) => return attempt.fail(error).await,
    };
    let offered = state.vault.lookup_hash(account_id, code.normalized());
    // Compare against every unused code in constant time, rather than
    // letting an index lookup decide.
    let unused = sqlx::query(
        "SELECT id, lookup_hash FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .fetch_all(&mut *attempt.tx)
    .await?;
    let mut matched = None;
    for row in &unused {
        let hash: Vec<u8> = row.try_get("lookup_hash")?;
        if bool::from(hash.ct_eq(&offered)) {
            matched = Some(row.try_get::<i64, _>("id")?);
        }
    }
    let Some(id) = matched else {
        return attempt.fail(AppError::InvalidRecoveryCode).await;
    };
    let used =
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *attempt.tx)
            .await?
            .rows_affected();
    if used != 1 {
        return attempt.fail(AppError::InvalidRecoveryCode).await;
    }
    let left = unused.len().saturating_sub(1) as u32;
    attempt
        .succeed(
            SecurityEventKind::SignedInWithRecoveryCode,
            Accepted::RecoveryCode { left },
        )
        .await
}

/// Records a failed attempt (and its event) and commits it before
/// answering with `error`.
async fn fail<T>(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    account_id: i64,
    now: i64,
    error: AppError,
    meta: &RequestMeta,
) -> Result<T, AppError> {
    throttle::record_failure(&mut tx, account_id, now).await?;
    events::record(
        &mut tx,
        account_id,
        SecurityEventKind::SecondFactorFailed,
        meta,
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_id, "second factor refused");
    Err(error)
}

/// Refuses an attempt while the throttle holds, and says so in the activity.
async fn throttled<T>(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    account_id: i64,
    retry_after: u64,
    meta: &RequestMeta,
    now: i64,
) -> Result<T, AppError> {
    // One line per window in the activity: a flood of refused attempts must
    // not push the events that matter out of sight.
    let kind = SecurityEventKind::SecondFactorThrottled;
    if !events::happened_since(&mut tx, account_id, kind, now - throttle::WINDOW_SECONDS).await? {
        events::record(&mut tx, account_id, kind, meta, now).await?;
    }
    tx.commit().await?;
    tracing::warn!(account_id, "second factor throttled");
    Err(AppError::RateLimited { retry_after })
}

/// A refused code, with the server's time of day for the person to
/// compare with the phone's clock.
fn invalid_code(now: i64) -> AppError {
    let server_time = time::OffsetDateTime::from_unix_timestamp(now)
        .map(|t| format!("{:02}:{:02}:{:02} UTC", t.hour(), t.minute(), t.second()))
        .unwrap_or_default();
    AppError::InvalidCode { server_time }
}

/// `YYYY-MM-DD` of a unix time, in UTC.
pub fn date_of(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}
