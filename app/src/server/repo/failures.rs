//! Failed second-factor attempts: a row per failure in
//! `second_factor_failures` (for the sliding window) and the consecutive
//! count on the account row (for the hard cap).

use super::Conn;

/// The consecutive failures on record, read by an UPDATE of the account
/// row: inside a transaction it holds the row (PostgreSQL) or the database
/// (SQLite) until commit, so one account's attempts are judged one at a
/// time.
pub async fn lock_consecutive(conn: &mut Conn, account_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE accounts SET second_factor_failures = second_factor_failures
         WHERE id = $1 RETURNING second_factor_failures",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await
}

/// When the latest failures after `since` happened, newest first.
pub async fn recent(
    conn: &mut Conn,
    account_id: i64,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT failed_at FROM second_factor_failures
         WHERE account_id = $1 AND failed_at > $2
         ORDER BY failed_at DESC LIMIT $3",
    )
    .bind(account_id)
    .bind(since)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Records a failure at `now`, dropping the rows that left the window
/// (at or before `window_start`).
pub async fn record(
    conn: &mut Conn,
    account_id: i64,
    now: i64,
    window_start: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM second_factor_failures WHERE account_id = $1 AND failed_at <= $2")
        .bind(account_id)
        .bind(window_start)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO second_factor_failures (account_id, failed_at) VALUES ($1, $2)")
        .bind(account_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE accounts SET second_factor_failures = second_factor_failures + 1 WHERE id = $1",
    )
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets every failure of the account: the window's rows and the count.
pub async fn clear(conn: &mut Conn, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM second_factor_failures WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE accounts SET second_factor_failures = 0 WHERE id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}
