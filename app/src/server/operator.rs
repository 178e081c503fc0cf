//! What the operator does from the command line (`server admin ...`):
//! list accounts, unlock one, reset its second factor, sign it out, hand
//! out a password reset link, create an account. Each change is one
//! transaction with an event whose kind names the operator as its actor;
//! each works while servers run on the same database, and what it ends is
//! refused at once on every process.

use super::AppState;
use super::accounts::{Account, PasswordHash, login_key};
use super::bearer::ResetToken;
use super::db::WriteTx;
use super::events::{self, RequestMeta};
use super::password::Lane;
use super::password_attempts::{self, HARD_CAP, PER_ACCOUNT};
use super::password_reset;
use super::repo;
use super::throttle;
use crate::error::AppError;
use crate::types::SecurityEventKind;
use crate::validation::validate_login;

/// Why an operator's command changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("no account has the login {0:?}")]
    UnknownLogin(String),
    #[error("{0} has no two-factor authentication to reset")]
    TwoFactorNotEnabled(String),
    #[error("{0}")]
    App(#[from] AppError),
}

impl From<sqlx::Error> for OperatorError {
    fn from(error: sqlx::Error) -> Self {
        Self::App(error.into())
    }
}

/// An account, as `server admin accounts` lists it.
#[derive(Debug)]
pub struct AccountSummary {
    pub login: String,
    pub created_at: i64,
    pub two_factor: bool,
    pub recovery_codes_left: i64,
    pub last_sign_in: Option<i64>,
    pub access: Access,
}

/// Whether an account can be signed in to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Open,
    /// A budget of its sliding windows is spent: it passes with time.
    Throttled,
    /// A hard cap is reached: only an unlock (or, for codes, a recovery
    /// code; for passwords, a known browser) opens it.
    Locked,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Throttled => "throttled",
            Self::Locked => "locked",
        }
    }
}

pub async fn accounts(state: &AppState) -> Result<Vec<AccountSummary>, AppError> {
    let now = state.clock.now();
    let rows = repo::accounts::summaries(
        &state.db.pool,
        now - PER_ACCOUNT.seconds,
        now - throttle::WINDOW_SECONDS,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let access = if row.password_failures >= HARD_CAP
                || row.second_factor_failures >= throttle::HARD_CAP
            {
                Access::Locked
            } else if row.recent_password_failures >= PER_ACCOUNT.failures
                || row.recent_code_failures >= throttle::FAILURES_PER_WINDOW
            {
                Access::Throttled
            } else {
                Access::Open
            };
            AccountSummary {
                login: row.login,
                created_at: row.created_at,
                two_factor: row.two_factor > 0,
                recovery_codes_left: row.recovery_codes_left,
                last_sign_in: row.last_sign_in,
                access,
            }
        })
        .collect())
}

/// Clears the account's password and second-factor throttles, the hard
/// caps included.
pub async fn unlock(state: &AppState, login: &str) -> Result<Account, OperatorError> {
    let (mut tx, account) = begin(state, login).await?;
    password_attempts::unlock(&mut tx, account.id).await?;
    repo::failures::clear(&mut tx, account.id).await?;
    finish(state, tx, &account, SecurityEventKind::OperatorUnlocked).await?;
    Ok(account)
}

/// Turns 2FA off for someone who lost phone and codes: the secret, any
/// set-up, the codes and the throttle go, and every session ends.
pub async fn reset_two_factor(state: &AppState, login: &str) -> Result<Account, OperatorError> {
    let (mut tx, account) = begin(state, login).await?;
    if !repo::two_factor::delete(&mut tx, account.id).await? {
        return Err(OperatorError::TwoFactorNotEnabled(account.login));
    }
    repo::two_factor::delete_setup(&mut *tx, account.id).await?;
    repo::recovery_codes::delete_all(&mut tx, account.id).await?;
    repo::failures::clear(&mut tx, account.id).await?;
    end_sessions(&mut tx, &account).await?;
    let kind = SecurityEventKind::OperatorResetTwoFactor;
    finish(state, tx, &account, kind).await?;
    Ok(account)
}

/// What `sign_out` ended.
#[derive(Debug)]
pub struct SignedOut {
    pub account: Account,
    pub sessions: u64,
    /// Access tokens revoked (`--tokens`), if asked.
    pub tokens: Option<u64>,
}

/// Ends every session of the account on every process; with `tokens`,
/// revokes its access tokens too.
pub async fn sign_out(
    state: &AppState,
    login: &str,
    tokens: bool,
) -> Result<SignedOut, OperatorError> {
    let (mut tx, account) = begin(state, login).await?;
    let sessions = end_sessions(&mut tx, &account).await?;
    let (revoked, kind) = if tokens {
        let now = state.clock.now();
        let revoked = repo::access_tokens::revoke_all(&mut tx, account.id, now).await?;
        (Some(revoked), SecurityEventKind::OperatorRevokedTokens)
    } else {
        (None, SecurityEventKind::OperatorSignedOut)
    };
    finish(state, tx, &account, kind).await?;
    Ok(SignedOut {
        account,
        sessions,
        tokens: revoked,
    })
}

/// A one-time link for the account to set a new password; its earlier
/// links stop working.
pub async fn reset_link(state: &AppState, login: &str) -> Result<ResetToken, OperatorError> {
    let (mut tx, account) = begin(state, login).await?;
    let now = state.clock.now();
    let token = password_reset::create_link(&mut tx, account.id, now).await?;
    let kind = SecurityEventKind::OperatorCreatedResetLink;
    finish(state, tx, &account, kind).await?;
    Ok(token)
}

/// Creates an account whose password nobody knows (a hash of 256 random
/// bits) and a reset link for its first one: no password on the command
/// line.
pub async fn create_account(state: &AppState, login: &str) -> Result<ResetToken, OperatorError> {
    let login = validate_login(login)?;
    let unknowable = crate::server::bearer::ResetToken::generate();
    let hashing = state.passwords.admit(Lane::SignedIn)?;
    let hash = PasswordHash(hashing.hash(unknowable.as_str().to_owned()).await?);
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let account = repo::accounts::insert(&mut *tx, login, &login_key(login), &hash, now)
        .await?
        .ok_or(AppError::LoginTaken)?;
    let token = password_reset::create_link(&mut tx, account.id, now).await?;
    let kind = SecurityEventKind::OperatorCreatedAccount;
    finish(state, tx, &account, kind).await?;
    Ok(token)
}

/// A write transaction, and the account `login` names in it.
async fn begin(state: &AppState, login: &str) -> Result<(WriteTx, Account), OperatorError> {
    let mut tx = state.db.begin_write().await?;
    let account = repo::accounts::lock_by_login_key(&mut tx, &login_key(login.trim()))
        .await?
        .ok_or_else(|| OperatorError::UnknownLogin(login.to_owned()))?;
    Ok((tx, account))
}

/// Ends every session of the account: its epoch moves on, so each is
/// refused at once, and the rows go. Answers how many there were.
async fn end_sessions(tx: &mut WriteTx, account: &Account) -> Result<u64, AppError> {
    repo::accounts::end_all_sessions(tx, account.id).await?;
    Ok(repo::sessions::delete_all(tx, account.id).await?)
}

/// Records the operator's `kind` of change and commits it.
async fn finish(
    state: &AppState,
    mut tx: WriteTx,
    account: &Account,
    kind: SecurityEventKind,
) -> Result<(), AppError> {
    let now = state.clock.now();
    events::record(&mut tx, account.id, kind, &RequestMeta::default(), now).await?;
    tx.commit().await?;
    tracing::info!(
        account_id = account.id,
        kind = kind.as_str(),
        "operator's change"
    );
    Ok(())
}
