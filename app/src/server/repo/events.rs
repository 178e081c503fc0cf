//! `security_events`: what happened to an account, with where from.

use sqlx::{Any, Executor};

use super::Conn;

/// An event as stored; its kind by name.
#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    pub kind: String,
    pub at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub async fn insert(conn: &mut Conn, account_id: i64, event: &EventRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO security_events (account_id, kind, at, ip, user_agent) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account_id)
    .bind(&event.kind)
    .bind(event.at)
    .bind(event.ip.as_deref())
    .bind(event.user_agent.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether an event of `kind` was recorded after `since`.
pub async fn any_since(
    conn: &mut Conn,
    account_id: i64,
    kind: &str,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM security_events WHERE account_id = $1 AND kind = $2 AND at > $3",
    )
    .bind(account_id)
    .bind(kind)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

/// When the latest events of `kind` after `since` happened, newest first.
pub async fn times_since<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
    kind: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM security_events WHERE account_id = $1 AND kind = $2 AND at > $3
         ORDER BY at DESC LIMIT $4",
    )
    .bind(account_id)
    .bind(kind)
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The latest events, newest first.
pub async fn latest<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, at, ip, user_agent FROM security_events
         WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(limit)
    .fetch_all(db)
    .await
}
