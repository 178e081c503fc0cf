//! Personal access tokens: shown once, stored as SHA-256, expiring,
//! revocable at once. They open the API without a second factor (their
//! purpose), never the dashboard's functions: those take only cookie
//! sessions.

use super::AppState;
use super::accounts::Account;
use super::bearer::{is_access_token, new_access_token, stored_hash};
use super::dates::date_time_of;
use super::events::{self, RequestMeta};
use super::repo::{self, access_tokens::NewToken};
use super::two_factor::Status;
use super::two_factor::methods::Method;
use crate::error::{AppError, Reason};
use crate::types::{AccessTokenView, CreatedToken, SecurityEventKind, TokenScope};
use crate::validation::validate_name;

pub const NAME_MAX: usize = crate::validation::TOKEN_NAME_MAX;

/// Expiry choices offered: 7, 30, 90 days, or none.
pub fn parse_expiry(days: &str) -> Result<Option<i64>, AppError> {
    match days {
        "7" | "30" | "90" => Ok(Some(days.parse::<i64>().unwrap_or(7))),
        "never" => Ok(None),
        _ => Err(AppError::validation("expires_in_days", Reason::TokenExpiry)),
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
    let name = validate_name(name, NAME_MAX)
        .ok_or_else(|| AppError::validation("name", Reason::TokenName))?;
    let token = new_access_token();
    let now = state.clock.now();
    let new = NewToken {
        name,
        token_hash: stored_hash(&token),
        scope: scope.as_str(),
        expires_at: expires_in_days.map(|days| now + days * 86_400),
    };
    let mut tx = state.db.begin_write().await?;
    let id = repo::access_tokens::insert(&mut tx, account.id, &new, now).await?;
    let kind = SecurityEventKind::AccessTokenCreated;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    tx.commit().await?;
    Ok(CreatedToken { token, id })
}

/// The names of the account's active tokens, newest first: the doors that
/// skip the second factor, read with the account on every dashboard render.
pub async fn active_names(state: &AppState, account_id: i64) -> Result<Vec<String>, AppError> {
    let now = state.clock.now();
    Ok(repo::access_tokens::active_names(&state.db.pool, account_id, now).await?)
}

pub async fn list(state: &AppState, account_id: i64) -> Result<Vec<AccessTokenView>, AppError> {
    let now = state.clock.now();
    let rows = repo::access_tokens::list(&state.db.pool, account_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| AccessTokenView {
            active: row.revoked_at.is_none() && row.expires_at.is_none_or(|at| at > now),
            id: row.id,
            name: row.name,
            scope: TokenScope::parse(&row.scope).unwrap_or(TokenScope::ReadOnly),
            created_at: date_time_of(row.created_at),
            expires_at: row.expires_at.map(date_time_of),
            last_used_at: row.last_used_at.map(date_time_of),
        })
        .collect())
}

/// Revokes one of the account's tokens; it stops working at once.
pub async fn revoke(
    state: &AppState,
    account: &Account,
    id: i64,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !repo::access_tokens::revoke(&mut tx, account.id, id, now).await? {
        return Err(AppError::validation("token", Reason::TokenUnknown));
    }
    let kind = SecurityEventKind::AccessTokenRevoked;
    events::record(&mut tx, account.id, kind, meta, now).await?;
    tx.commit().await?;
    Ok(())
}

/// How stale `last_used_at` may get: recording every use would make each
/// API call a write transaction; to the minute is what the list shows.
const LAST_USED_RESOLUTION: i64 = 60;

/// What a token grants: its account, with what `GetAccount` shows of it
/// (the confirmed email address, the 2FA status and methods) read in the
/// same round trip.
pub struct Grant {
    pub account: Account,
    pub email: Option<String>,
    pub status: Status,
    pub methods: Vec<Method>,
}

/// What `token` grants, or `Unauthorized` for anything unknown, revoked or
/// expired. Records when it was last used, to the minute.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Grant, AppError> {
    if !is_access_token(token) {
        return Err(AppError::Unauthorized);
    }
    let now = state.clock.now();
    let mut rows =
        repo::access_tokens::find_active(&state.db.pool, &stored_hash(token), now).await?;
    let methods = rows
        .iter_mut()
        .filter_map(|row| row.method().and_then(Method::of_row))
        .collect();
    let row = rows.into_iter().next().ok_or(AppError::Unauthorized)?;
    if row
        .last_used_at
        .is_none_or(|at| at <= now - LAST_USED_RESOLUTION)
    {
        let _turn = state.db.write_turn().await;
        repo::access_tokens::set_last_used(&state.db.pool, row.token_id, now).await?;
    }
    Ok(Grant {
        account: row.account,
        email: row.email,
        status: row.status.into(),
        methods,
    })
}
