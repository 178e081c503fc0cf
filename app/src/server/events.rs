//! The account's security events: recorded inside the transaction of the
//! change they describe, so an event exists exactly when its change does.

use super::dates::date_time_of;
use super::db::Db;
use super::repo::{self, Conn, events::EventRow};
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
    /// The one reading of a request's origin, for server functions and the
    /// JSON API alike: the peer address and the (shortened) user agent.
    pub fn of_parts(parts: &http::request::Parts) -> Self {
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

    /// From the request parts Leptos provides to server functions.
    pub fn from_context() -> Self {
        leptos::prelude::use_context::<http::request::Parts>()
            .map(|parts| Self::of_parts(&parts))
            .unwrap_or_default()
    }
}

pub async fn record(
    conn: &mut Conn,
    account_id: i64,
    kind: SecurityEventKind,
    meta: &RequestMeta,
    now: i64,
) -> Result<(), AppError> {
    let event = EventRow {
        kind: kind.as_str().to_owned(),
        at: now,
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    Ok(repo::events::insert(conn, account_id, &event).await?)
}

/// Whether an event of `kind` was recorded after `since`.
pub async fn happened_since(
    conn: &mut Conn,
    account_id: i64,
    kind: SecurityEventKind,
    since: i64,
) -> Result<bool, AppError> {
    Ok(repo::events::any_since(conn, account_id, kind.as_str(), since).await?)
}

/// When the latest events of `kind` after `since` happened, newest first.
pub async fn times_since(
    db: &Db,
    account_id: i64,
    kind: SecurityEventKind,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(repo::events::times_since(&db.pool, account_id, kind.as_str(), since, limit).await?)
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
    record(&mut conn, account_id, kind, meta, now).await
}

/// The latest events, newest first.
pub async fn latest(db: &Db, account_id: i64, limit: i64) -> Result<Vec<SecurityEvent>, AppError> {
    let rows = repo::events::latest(&db.pool, account_id, limit).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let Some(kind) = SecurityEventKind::parse(&row.kind) else {
                tracing::warn!(kind = %row.kind, "unknown security event kind skipped");
                return None;
            };
            Some(SecurityEvent {
                kind,
                at: date_time_of(row.at),
                ip: row.ip,
                user_agent: row.user_agent,
            })
        })
        .collect())
}
