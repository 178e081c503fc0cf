//! `webauthn_ceremonies`: WebAuthn ceremonies begun and not yet
//! finished, by the SHA-256 of their handle.

use super::Conn;

pub struct NewCeremony<'a> {
    pub handle_hash: &'a [u8],
    pub purpose: &'static str,
    pub account_id: Option<i64>,
    pub bound_to: Option<&'a str>,
    pub source: Option<&'a str>,
    pub state: &'a str,
    pub expires_at: i64,
}

/// A ceremony as taken: it is no longer stored.
#[derive(sqlx::FromRow)]
pub struct CeremonyRow {
    pub purpose: String,
    pub account_id: Option<i64>,
    pub bound_to: Option<String>,
    pub state: String,
    pub expires_at: i64,
}

pub async fn insert(conn: &mut Conn, ceremony: &NewCeremony<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webauthn_ceremonies (handle_hash, purpose, account_id, bound_to, source, state, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ceremony.handle_hash)
    .bind(ceremony.purpose)
    .bind(ceremony.account_id)
    .bind(ceremony.bound_to)
    .bind(ceremony.source)
    .bind(ceremony.state)
    .bind(ceremony.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many ceremonies begun from `source` are still open at `now`.
pub async fn open_from(conn: &mut Conn, source: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM webauthn_ceremonies WHERE source = $1 AND expires_at > $2",
    )
    .bind(source)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// How many ceremonies of the account that no session began are still
/// open at `now`.
pub async fn open_for(conn: &mut Conn, account_id: i64, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM webauthn_ceremonies
         WHERE account_id = $1 AND bound_to IS NULL AND expires_at > $2",
    )
    .bind(account_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Deletes the ceremonies for `purpose` that the session `bound_to` began.
pub async fn delete_of_session(
    conn: &mut Conn,
    bound_to: &str,
    purpose: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM webauthn_ceremonies WHERE bound_to = $1 AND purpose = $2")
        .bind(bound_to)
        .bind(purpose)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the ceremony and answers what it was: the first to take it
/// gets it, every later attempt nothing.
pub async fn take(conn: &mut Conn, handle_hash: &[u8]) -> Result<Option<CeremonyRow>, sqlx::Error> {
    sqlx::query_as(
        "DELETE FROM webauthn_ceremonies WHERE handle_hash = $1
         RETURNING purpose, account_id, bound_to, state, expires_at",
    )
    .bind(handle_hash)
    .fetch_optional(conn)
    .await
}

/// Deletes up to `batch` ceremonies that expired before `now`.
pub async fn delete_expired(conn: &mut Conn, now: i64, batch: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM webauthn_ceremonies WHERE handle_hash IN
         (SELECT handle_hash FROM webauthn_ceremonies WHERE expires_at < $1 LIMIT $2)",
    )
    .bind(now)
    .bind(batch)
    .execute(conn)
    .await?
    .rows_affected())
}
