//! The account's security events: recorded inside the transaction of the
//! change they describe, so an event exists exactly when its change does.

use sqlx::{AnyConnection, Row};

use super::db::Db;
use crate::error::AppError;
use crate::types::{SecurityEvent, SecurityEventKind};

const USER_AGENT_MAX: usize = 256;

/// Where a request came from, as far as the server can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    /// From the request parts Leptos provides to server functions.
    pub fn from_context() -> Self {
        let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
            return Self::default();
        };
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string());
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(USER_AGENT_MAX).collect());
        Self { ip, user_agent }
    }
}

pub async fn record(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: SecurityEventKind,
    meta: &RequestMeta,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO security_events (account_id, kind, at, ip, user_agent) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account_id)
    .bind(kind.as_str())
    .bind(now)
    .bind(meta.ip.as_deref())
    .bind(meta.user_agent.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether an event of `kind` was recorded after `since`.
pub async fn happened_since(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: SecurityEventKind,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM security_events WHERE account_id = $1 AND kind = $2 AND at > $3",
    )
    .bind(account_id)
    .bind(kind.as_str())
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

/// When the latest events of `kind` after `since` happened, newest first.
pub async fn times_since(
    db: &Db,
    account_id: i64,
    kind: SecurityEventKind,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM security_events WHERE account_id = $1 AND kind = $2 AND at > $3
         ORDER BY at DESC LIMIT $4",
    )
    .bind(account_id)
    .bind(kind.as_str())
    .bind(since)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Records an event that is a change of its own (no other write with it).
pub async fn record_alone(
    db: &Db,
    account_id: i64,
    kind: SecurityEventKind,
    meta: &RequestMeta,
    now: i64,
) -> Result<(), AppError> {
    let _turn = db.write_turn().await;
    let mut conn = db.pool.acquire().await?;
    record(&mut conn, account_id, kind, meta, now).await?;
    Ok(())
}

/// The latest events, newest first.
pub async fn latest(db: &Db, account_id: i64, limit: i64) -> Result<Vec<SecurityEvent>, AppError> {
    let rows = sqlx::query(
        "SELECT kind, at, ip, user_agent FROM security_events
         WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get("kind")?;
        let Some(kind) = SecurityEventKind::parse(&name) else {
            tracing::warn!(kind = %name, "unknown security event kind skipped");
            continue;
        };
        events.push(SecurityEvent {
            kind,
            at: date_time_of(row.try_get("at")?),
            ip: row.try_get("ip")?,
            user_agent: row.try_get("user_agent")?,
        });
    }
    Ok(events)
}

/// `YYYY-MM-DD HH:MM UTC` of a unix time.
pub fn date_time_of(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}
