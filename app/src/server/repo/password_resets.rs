//! `password_resets`: one-time links to set a new password, by the SHA-256
//! of the token in the link.

use sqlx::{Any, AnyPool, Executor};

use super::Conn;

/// A reset link as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct ResetRow {
    pub account_id: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// A new link for the account; its earlier ones stop working (only the
/// latest link the operator handed out is valid).
pub async fn replace(
    conn: &mut Conn,
    account_id: i64,
    token_hash: &[u8],
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_resets WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find<'c>(
    db: impl Executor<'c, Database = Any>,
    token_hash: &[u8],
) -> Result<Option<ResetRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT account_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Spends the link if it is unused and unexpired at `now`, in one
/// statement (two requests with one link cannot both spend it); answers
/// its account.
pub async fn spend(
    conn: &mut Conn,
    token_hash: &[u8],
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// Every link of the account stops working (its password changed).
pub async fn delete_for(conn: &mut Conn, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_resets WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes up to `batch` links that expired before `before`.
pub async fn delete_old(pool: &AnyPool, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM password_resets WHERE token_hash IN
             (SELECT token_hash FROM password_resets WHERE expires_at <= $1 LIMIT $2)",
    )
    .bind(before)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
}
