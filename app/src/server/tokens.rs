//! Personal access tokens: `twofold_pat_` and 192 random bits, shown once,
//! stored as SHA-256, expiring, revocable at once. They open the API
//! without a second factor (their purpose), never the dashboard's
//! functions: those take only cookie sessions.

use sqlx::Row;

use super::AppState;
use super::accounts::{self, Account};
use super::crypto::{random_token, token_hash};
use super::events::{self, RequestMeta, date_time_of};
use super::two_factor::{Status, status_columns};
use crate::error::AppError;
use crate::types::{AccessTokenView, CreatedToken, SecurityEventKind, TokenScope};

pub const PREFIX: &str = "twofold_pat_";
const RANDOM_BYTES: usize = 24;
pub const NAME_MAX: usize = crate::validation::TOKEN_NAME_MAX;

/// Expiry choices offered: 7, 30, 90 days, or none.
pub fn parse_expiry(days: &str) -> Result<Option<i64>, AppError> {
    match days {
        "7" | "30" | "90" => Ok(Some(days.parse::<i64>().unwrap_or(7))),
        "never" => Ok(None),
        _ => Err(AppError::validation("expires_in_days", "token_expiry")),
    }
}

pub async fn create(
    state: &AppState,
    account: &Account,
    name: &str,
    expires_in_days: Option<i64>,
    scope: TokenScope,
    meta: &RequestMeta,
) -> Result<CreatedToken, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(AppError::validation("name", "token_name"));
    }
    let token = format!("{PREFIX}{}", random_token::<RANDOM_BYTES>());
    let now = state.clock.now();
    let expires_at = expires_in_days.map(|days| now + days * 86_400);

    let (_turn, mut tx) = state.db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_tokens (account_id, name, token_hash, scope, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account.id)
    .bind(name)
    .bind(token_hash(&token))
    .bind(scope.as_str())
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?;
    events::record(
        &mut tx,
        account.id,
        SecurityEventKind::AccessTokenCreated,
        meta,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedToken { token, id })
}

/// The condition for a token that still opens the API (neither revoked nor
/// expired at `$2`), for a query where the token's row is `t`.
macro_rules! active_token {
    () => {
        "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"
    };
}

/// The names of the account's active tokens, newest first: the doors that
/// skip the second factor, read with the account on every dashboard render.
pub async fn active_names(state: &AppState, account_id: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(concat!(
        "SELECT t.name FROM access_tokens t WHERE t.account_id = $1 AND ",
        active_token!(),
        " ORDER BY t.id DESC"
    ))
    .bind(account_id)
    .bind(state.clock.now())
    .fetch_all(&state.db.pool)
    .await?)
}

pub async fn list(state: &AppState, account_id: i64) -> Result<Vec<AccessTokenView>, AppError> {
    let now = state.clock.now();
    let rows = sqlx::query(
        "SELECT id, name, scope, created_at, expires_at, last_used_at, revoked_at
         FROM access_tokens WHERE account_id = $1 ORDER BY id DESC",
    )
    .bind(account_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut tokens = Vec::with_capacity(rows.len());
    for row in rows {
        let expires_at: Option<i64> = row.try_get("expires_at")?;
        let revoked_at: Option<i64> = row.try_get("revoked_at")?;
        let scope: String = row.try_get("scope")?;
        tokens.push(AccessTokenView {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            scope: TokenScope::parse(&scope).unwrap_or(TokenScope::ReadOnly),
            created_at: date_time_of(row.try_get("created_at")?),
            expires_at: expires_at.map(date_time_of),
            last_used_at: row
                .try_get::<Option<i64>, _>("last_used_at")?
                .map(date_time_of),
            active: revoked_at.is_none() && expires_at.is_none_or(|at| at > now),
        });
    }
    Ok(tokens)
}

/// Revokes one of the account's tokens; it stops working at once.
pub async fn revoke(
    state: &AppState,
    account: &Account,
    id: i64,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let (_turn, mut tx) = state.db.begin_write().await?;
    let revoked = sqlx::query(
        "UPDATE access_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(account.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if revoked != 1 {
        return Err(AppError::validation("token", "token_unknown"));
    }
    events::record(
        &mut tx,
        account.id,
        SecurityEventKind::AccessTokenRevoked,
        meta,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How stale `last_used_at` may get: recording every use would make each
/// API call a write transaction; to the minute is what the list shows.
const LAST_USED_RESOLUTION: i64 = 60;

/// What a token grants: its account, with the account's 2FA status read
/// in the same round trip.
pub struct Grant {
    pub account: Account,
    pub status: Status,
}

/// What `token` grants, or `Unauthorized` for anything unknown, revoked or
/// expired. Records when it was last used, to the minute.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Grant, AppError> {
    if !token.starts_with(PREFIX) || token.len() > 128 {
        return Err(AppError::Unauthorized);
    }
    let now = state.clock.now();
    // The token, its account and the account's status in one round trip.
    let row = sqlx::query(concat!(
        "SELECT t.id AS token_id, t.last_used_at, a.id, a.login, a.session_epoch, ",
        status_columns!(),
        " FROM access_tokens t JOIN accounts a ON a.id = t.account_id
         WHERE t.token_hash = $1 AND ",
        active_token!()
    ))
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::Unauthorized)?;
    let last_used_at: Option<i64> = row.try_get("last_used_at")?;
    if last_used_at.is_none_or(|at| at <= now - LAST_USED_RESOLUTION) {
        let id: i64 = row.try_get("token_id")?;
        let _turn = state.db.write_turn().await;
        sqlx::query("UPDATE access_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&state.db.pool)
            .await?;
    }
    Ok(Grant {
        account: accounts::account_from(&row)?,
        status: Status::from_row(&row)?,
    })
}
