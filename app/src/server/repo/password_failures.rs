//! Failed password attempts: a row per attempt in `password_failures`
//! (the sliding windows per account, source and known browser) and, on the
//! account row, the consecutive failures from unknown browsers (the hard
//! cap) and the failed sign-ins the owner has not been told of.

use sqlx::AnyPool;

use super::Conn;

/// Who made an attempt: the account its login names (if any), where from,
/// and which of the account's known browsers (if it is one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub account_id: Option<i64>,
    pub source: String,
    pub browser_id: Option<i64>,
}

/// The consecutive failures on record, read by an UPDATE of the account
/// row: inside a transaction it holds the row (PostgreSQL) or the database
/// (SQLite) until commit, so one account's attempts are counted one at a
/// time.
pub async fn lock_consecutive(conn: &mut Conn, account_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE accounts SET password_failures = password_failures
         WHERE id = $1 RETURNING password_failures",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await
}

/// The account's consecutive failures from unknown browsers, read without
/// a lock (the budgets' first look, outside any transaction).
pub async fn consecutive(conn: &mut Conn, account_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT password_failures FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(conn)
        .await
}

/// Which window a count is over.
#[derive(Debug, Clone, Copy)]
pub enum Counted<'a> {
    /// The account's attempts from browsers it does not know.
    Account(i64),
    /// A source's attempts from browsers not known to their account.
    Source(&'a str),
    Browser(i64),
}

/// When the latest attempts in `counted` after `since` were made, newest
/// first.
pub async fn recent(
    conn: &mut Conn,
    counted: Counted<'_>,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let query = match counted {
        Counted::Account(id) => sqlx::query_scalar(
            "SELECT failed_at FROM password_failures
             WHERE account_id = $1 AND browser_id IS NULL AND failed_at > $2
             ORDER BY failed_at DESC LIMIT $3",
        )
        .bind(id),
        Counted::Source(source) => sqlx::query_scalar(
            "SELECT failed_at FROM password_failures
             WHERE source = $1 AND browser_id IS NULL AND failed_at > $2
             ORDER BY failed_at DESC LIMIT $3",
        )
        .bind(source),
        Counted::Browser(id) => sqlx::query_scalar(
            "SELECT failed_at FROM password_failures
             WHERE browser_id = $1 AND failed_at > $2
             ORDER BY failed_at DESC LIMIT $3",
        )
        .bind(id),
    };
    query.bind(since).bind(limit).fetch_all(conn).await
}

/// Writes an attempt as failed at `now` (until it is found right), and
/// counts it towards the hard cap when it is from an unknown browser.
/// Answers the row's id.
pub async fn insert(conn: &mut Conn, attempt: &Attempt, now: i64) -> Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar(
        "INSERT INTO password_failures (account_id, source, browser_id, failed_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(attempt.account_id)
    .bind(&attempt.source)
    .bind(attempt.browser_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if let (Some(account_id), None) = (attempt.account_id, attempt.browser_id) {
        sqlx::query("UPDATE accounts SET password_failures = password_failures + 1 WHERE id = $1")
            .bind(account_id)
            .execute(conn)
            .await?;
    }
    Ok(id)
}

/// The attempt `id` was right: it is no failure, and the consecutive count
/// of its account starts again.
pub async fn succeeded(conn: &mut Conn, id: i64, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_failures WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE accounts SET password_failures = 0 WHERE id = $1 AND password_failures > 0",
    )
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// One more failed sign-in for the owner to be told of.
pub async fn note_failed_sign_in(conn: &mut Conn, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The failed sign-ins since the last sign-in, counted from zero again.
/// The first statement holds the account row, so a failure recorded at the
/// same time is either counted here or kept for the next sign-in.
pub async fn take_failed_sign_ins(conn: &mut Conn, account_id: i64) -> Result<i64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "UPDATE accounts SET failed_sign_ins = failed_sign_ins
         WHERE id = $1 RETURNING failed_sign_ins",
    )
    .bind(account_id)
    .fetch_one(&mut *conn)
    .await?;
    if count > 0 {
        sqlx::query("UPDATE accounts SET failed_sign_ins = 0 WHERE id = $1")
            .bind(account_id)
            .execute(conn)
            .await?;
    }
    Ok(count)
}

/// Deletes up to `batch` rows that left every window (at or before
/// `before`); answers how many went.
pub async fn delete_old(pool: &AnyPool, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM password_failures WHERE id IN
             (SELECT id FROM password_failures WHERE failed_at <= $1 LIMIT $2)",
    )
    .bind(before)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
}

/// Clears the account's password failures, the hard cap's count with
/// them (the operator's unlock, a password reset).
pub async fn clear_account(conn: &mut Conn, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_failures WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE accounts SET password_failures = 0 WHERE id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}
