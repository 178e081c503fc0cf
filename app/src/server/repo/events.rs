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
    /// How many times it happened in a row (the latest's time and origin).
    pub repeats: i64,
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

/// Adds `event` to the run of its kind, if the account's latest event of
/// that kind came after every event not of a kind in `repeated`: the run
/// counts one more, at the new time and origin. Answers whether it did.
pub async fn add_to_run(
    conn: &mut Conn,
    account_id: i64,
    event: &EventRow,
    repeated: &[&str; 6],
) -> Result<bool, sqlx::Error> {
    let latest: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, kind FROM security_events
         WHERE account_id = $1 AND (kind = $2 OR kind NOT IN ($3, $4, $5, $6, $7, $8))
         ORDER BY id DESC LIMIT 1",
    )
    .bind(account_id)
    .bind(&event.kind)
    .bind(repeated[0])
    .bind(repeated[1])
    .bind(repeated[2])
    .bind(repeated[3])
    .bind(repeated[4])
    .bind(repeated[5])
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, _)) = latest.filter(|(_, kind)| *kind == event.kind) else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE security_events SET repeats = repeats + 1, at = $1, ip = $2, user_agent = $3
         WHERE id = $4",
    )
    .bind(event.at)
    .bind(event.ip.as_deref())
    .bind(event.user_agent.as_deref())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Deletes up to `batch` events from before `before`, and of each
/// account's events all but the latest `keep`; answers how many went.
pub async fn prune(
    pool: &sqlx::AnyPool,
    before: i64,
    keep: i64,
    batch: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM security_events WHERE id IN (
             SELECT id FROM security_events e WHERE e.at <= $1
                 OR e.id <= (SELECT id FROM security_events newer
                             WHERE newer.account_id = e.account_id
                             ORDER BY newer.id DESC LIMIT 1 OFFSET $2)
             LIMIT $3)",
    )
    .bind(before)
    .bind(keep)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
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

/// The latest events, newest first.
pub async fn latest<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, at, ip, user_agent, repeats FROM security_events
         WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Every event of the account, newest first (at most the sweep's keep).
pub async fn all<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, at, ip, user_agent, repeats FROM security_events
         WHERE account_id = $1 ORDER BY id DESC",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}
