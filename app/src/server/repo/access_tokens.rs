//! `access_tokens`: personal access tokens, stored as SHA-256.

use sqlx::{Any, Executor};

use super::Conn;
use super::accounts::Account;
use super::methods::MethodRow;
use super::two_factor::{StatusRow, status_columns};

/// The condition for a token that still opens the API (neither revoked nor
/// expired at `$2`), for a query where the token's row is `t`.
macro_rules! active_token {
    () => {
        "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"
    };
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub token_hash: Vec<u8>,
    pub scope: &'static str,
    pub expires_at: Option<i64>,
}

/// A token as listed: never its hash.
#[derive(sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// What an active token's hash finds: the token, its account, the
/// account's confirmed email address and its 2FA status, with one of its
/// methods (a row per method, or one without).
#[derive(sqlx::FromRow)]
pub struct GrantRow {
    pub token_id: i64,
    pub last_used_at: Option<i64>,
    pub email: Option<String>,
    #[sqlx(flatten)]
    pub account: Account,
    #[sqlx(flatten)]
    pub status: StatusRow,
    #[sqlx(flatten)]
    method: JoinedMethod,
}

/// A method's columns from a LEFT JOIN: all NULL for an account without.
#[derive(sqlx::FromRow)]
struct JoinedMethod {
    method_id: Option<i64>,
    method_kind: Option<String>,
    method_name: Option<String>,
    method_created_at: Option<i64>,
    method_last_used_at: Option<i64>,
}

impl GrantRow {
    /// The method this row carries, if the account has any.
    pub fn method(&mut self) -> Option<MethodRow> {
        let method = &mut self.method;
        Some(MethodRow {
            id: method.method_id?,
            kind: method.method_kind.take()?,
            name: method.method_name.take()?,
            created_at: method.method_created_at?,
            last_used_at: method.method_last_used_at,
        })
    }
}

/// Inserts a token; answers its id.
pub async fn insert(
    conn: &mut Conn,
    account_id: i64,
    token: &NewToken<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO access_tokens (account_id, name, token_hash, scope, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(token.name)
    .bind(&token.token_hash)
    .bind(token.scope)
    .bind(now)
    .bind(token.expires_at)
    .fetch_one(conn)
    .await
}

/// The names of the account's active tokens, newest first.
pub async fn active_names<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(concat!(
        "SELECT t.name FROM access_tokens t WHERE t.account_id = $1 AND ",
        active_token!(),
        " ORDER BY t.id DESC"
    ))
    .bind(account_id)
    .bind(now)
    .fetch_all(db)
    .await
}

/// Every token of the account, newest first.
pub async fn list<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
) -> Result<Vec<TokenRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, scope, created_at, expires_at, last_used_at, revoked_at
         FROM access_tokens WHERE account_id = $1 ORDER BY id DESC",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Revokes the account's token `id` if it is not already; answers whether
/// it was revoked now.
pub async fn revoke(
    conn: &mut Conn,
    account_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let revoked = sqlx::query(
        "UPDATE access_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(account_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(revoked == 1)
}

/// Revokes every token of the account not revoked yet; answers how many.
pub async fn revoke_all(conn: &mut Conn, account_id: i64, now: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE access_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// The active token with this hash, its account, address, status and
/// methods (oldest first), in one round trip: a row per method, or one
/// row for an account without; none for no active token.
pub async fn find_active<'c>(
    db: impl Executor<'c, Database = Any>,
    token_hash: &[u8],
    now: i64,
) -> Result<Vec<GrantRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT t.id AS token_id, t.last_used_at, a.email, a.id, a.login, a.session_epoch, ",
        status_columns!(),
        ", m.id AS method_id, m.kind AS method_kind, m.name AS method_name,
         m.created_at AS method_created_at, m.last_used_at AS method_last_used_at
         FROM access_tokens t JOIN accounts a ON a.id = t.account_id
         LEFT JOIN two_factor_methods m ON m.account_id = a.id
         WHERE t.token_hash = $1 AND ",
        active_token!(),
        " ORDER BY m.id"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_all(db)
    .await
}

pub async fn set_last_used<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
