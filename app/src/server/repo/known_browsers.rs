//! `known_browsers`: the browsers that finished a sign-in to an account,
//! by the SHA-256 of the token in their cookie.

use sqlx::{Any, AnyPool, Executor};

use super::Conn;

/// The id of the known browser `token_hash` names for the account.
pub async fn find<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
    token_hash: &[u8],
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM known_browsers WHERE account_id = $1 AND token_hash = $2")
        .bind(account_id)
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// Notes that the browser signed in to the account at `now`.
pub async fn remember(
    conn: &mut Conn,
    account_id: i64,
    token_hash: &[u8],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO known_browsers (account_id, token_hash, signed_in_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, token_hash) DO UPDATE SET signed_in_at = excluded.signed_in_at",
    )
    .bind(account_id)
    .bind(token_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the browser with the device cookie `token_hash` has signed in
/// to the account before.
pub async fn is_known(
    conn: &mut Conn,
    account_id: i64,
    token_hash: &[u8],
) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM known_browsers WHERE account_id = $1 AND token_hash = $2",
    )
    .bind(account_id)
    .bind(token_hash)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

/// Forgets up to `batch` browsers that have not signed in since `before`;
/// answers how many went.
pub async fn delete_old(pool: &AnyPool, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM known_browsers WHERE id IN
             (SELECT id FROM known_browsers WHERE signed_in_at <= $1 LIMIT $2)",
    )
    .bind(before)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
}

/// Forgets every browser known to the account but the one `keep` names:
/// after a password change or reset, a browser that signed in with the old
/// password has no budget of its own any more.
pub async fn forget_others(
    conn: &mut Conn,
    account_id: i64,
    keep: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    let query = match keep {
        Some(keep) => {
            sqlx::query("DELETE FROM known_browsers WHERE account_id = $1 AND token_hash <> $2")
                .bind(account_id)
                .bind(keep)
        }
        None => sqlx::query("DELETE FROM known_browsers WHERE account_id = $1").bind(account_id),
    };
    query.execute(conn).await?;
    Ok(())
}
