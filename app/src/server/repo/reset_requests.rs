//! `reset_requests`: the "Forgot your password?" requests, to bound how
//! many one source makes and how many reset mails one account gets.

use sqlx::AnyPool;

use super::Conn;

/// Records a request from `source`; answers its id.
pub async fn insert(conn: &mut Conn, source: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO reset_requests (source, at) VALUES ($1, $2) RETURNING id")
        .bind(source)
        .bind(now)
        .fetch_one(conn)
        .await
}

/// The times of the latest `limit` requests from `source` after `since`,
/// newest first.
pub async fn latest_from(
    conn: &mut Conn,
    source: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM reset_requests WHERE source = $1 AND at > $2
         ORDER BY at DESC, id DESC LIMIT $3",
    )
    .bind(source)
    .bind(since)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The times of the latest `limit` reset mails to the account after
/// `since`, newest first.
pub async fn latest_mailed(
    conn: &mut Conn,
    account_id: i64,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM reset_requests WHERE account_id = $1 AND at > $2
         ORDER BY at DESC, id DESC LIMIT $3",
    )
    .bind(account_id)
    .bind(since)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The request was looked up; `mailed` is the account a link went to.
pub async fn looked_up(
    conn: &mut Conn,
    id: i64,
    mailed: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reset_requests SET looked_up_at = $1, account_id = $2 WHERE id = $3")
        .bind(now)
        .bind(mailed)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes up to `batch` requests made before `before`.
pub async fn delete_old(pool: &AnyPool, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM reset_requests WHERE id IN
             (SELECT id FROM reset_requests WHERE at <= $1 LIMIT $2)",
    )
    .bind(before)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
}
