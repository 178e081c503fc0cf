//! `mail_outbox`: the mail to send, written in the transaction of the
//! change it tells of; claimed by one sender at a time under a lease.

use sqlx::AnyPool;

use super::Conn;
use crate::server::db::Backend;

/// A mail to be written.
#[derive(Debug)]
pub struct NewMail<'a> {
    pub account_id: i64,
    pub recipient: &'a str,
    pub language: &'a str,
    pub kind: &'a str,
    pub details: &'a str,
    pub sealed_link: Option<&'a [u8]>,
    pub message_id: &'a str,
}

pub async fn insert(conn: &mut Conn, mail: &NewMail<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mail_outbox
             (account_id, recipient, language, kind, details, sealed_link, message_id,
              created_at, due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(mail.account_id)
    .bind(mail.recipient)
    .bind(mail.language)
    .bind(mail.kind)
    .bind(mail.details)
    .bind(mail.sealed_link)
    .bind(mail.message_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A claimed mail, as the sender writes it from.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub account_id: Option<i64>,
    pub recipient: String,
    pub language: String,
    pub kind: String,
    pub details: String,
    pub sealed_link: Option<Vec<u8>>,
    pub message_id: String,
    pub created_at: i64,
    pub attempts: i64,
}

/// Claims up to `batch` due mails until `lease_until`, in one statement:
/// on PostgreSQL rows another sender holds are skipped (`SKIP LOCKED`),
/// on SQLite the statement is the one writer. A mail whose lease ran out
/// (its sender died) is due again.
pub async fn claim(
    pool: &AnyPool,
    backend: Backend,
    now: i64,
    lease_until: i64,
    batch: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE mail_outbox SET claimed_until = $1, attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM mail_outbox
             WHERE sent_at IS NULL AND failed_at IS NULL AND due_at <= $2
               AND (claimed_until IS NULL OR claimed_until <= $2)
             ORDER BY id LIMIT $3 {lock})
           AND sent_at IS NULL AND failed_at IS NULL
           AND (claimed_until IS NULL OR claimed_until <= $2)
         RETURNING id, account_id, recipient, language, kind, details, sealed_link,
                   message_id, created_at, attempts"
    );
    sqlx::query_as(&sql)
        .bind(lease_until)
        .bind(now)
        .bind(batch)
        .fetch_all(pool)
        .await
}

/// The mail went out: it is done, and its link is forgotten.
pub async fn mark_sent(pool: &AnyPool, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET sent_at = $1, sealed_link = NULL, claimed_until = NULL,
             last_error = NULL
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The mail server did not take it: try again at `due_at`.
pub async fn retry_at(
    pool: &AnyPool,
    id: i64,
    due_at: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET due_at = $1, claimed_until = NULL, last_error = $2
         WHERE id = $3",
    )
    .bind(due_at)
    .bind(error)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The mail will not go out: it stays as a record of why; its link is
/// forgotten.
pub async fn mark_failed(
    conn: &mut Conn,
    id: i64,
    now: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET failed_at = $1, sealed_link = NULL, claimed_until = NULL,
             last_error = $2
         WHERE id = $3",
    )
    .bind(now)
    .bind(error)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes up to `batch` mails sent or given up on before `before`.
pub async fn delete_done(pool: &AnyPool, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM mail_outbox WHERE id IN (
             SELECT id FROM mail_outbox
             WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at <= $1
             LIMIT $2)",
    )
    .bind(before)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
}
