//! `email_verifications`: the link that makes an address the account's,
//! by the SHA-256 of the token in it; one waiting per account.

use sqlx::{Any, AnyPool, Executor};

use super::Conn;

/// A confirmation link as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct VerificationRow {
    pub account_id: i64,
    pub email: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// A new link for `email`; the account's earlier one stops working.
pub async fn replace(
    conn: &mut Conn,
    account_id: i64,
    token_hash: &[u8],
    email: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM email_verifications WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO email_verifications (token_hash, account_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(email)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find<'c>(
    db: impl Executor<'c, Database = Any>,
    token_hash: &[u8],
) -> Result<Option<VerificationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT account_id, email, expires_at, used_at FROM email_verifications
         WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// The address the account's waiting link would confirm, if it is still
/// good at `now`.
pub async fn waiting<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT email FROM email_verifications
         WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(account_id)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Spends the link if it is unused and unexpired at `now`, in one
/// statement (two requests with one link cannot both spend it).
pub async fn spend(conn: &mut Conn, token_hash: &[u8], now: i64) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query(
        "UPDATE email_verifications SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(spent.rows_affected() == 1)
}

/// Deletes up to `batch` links that expired before `before`.
pub async fn delete_old(pool: &AnyPool, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM email_verifications WHERE token_hash IN
             (SELECT token_hash FROM email_verifications WHERE expires_at <= $1 LIMIT $2)",
    )
    .bind(before)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
}
