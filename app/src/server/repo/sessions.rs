//! `sessions`: one row per session, found by the SHA-256 of its token.
//! A row is live while unexpired and of its account's current epoch.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Executor};

use super::Conn;
use super::accounts::Account;

/// A live session's row, with its account.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    #[sqlx(flatten)]
    pub account: Account,
    pub stage: String,
    pub reauthenticated_at: Option<i64>,
    pub clock_drift: Option<String>,
    pub failed_sign_ins: Option<i64>,
    pub signed_in_at: i64,
    pub expires_at: i64,
    #[sqlx(flatten)]
    pub seen: Seen,
}

/// What the Sessions tab shows of a session besides its stage: the handle
/// it is named by, when and from where it was last used.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Seen {
    pub handle: String,
    pub last_used_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A live session of an account, as the Sessions tab lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct Listed {
    pub stage: String,
    pub signed_in_at: i64,
    #[sqlx(flatten)]
    pub seen: Seen,
}

/// The values a session row is written with.
pub struct Values<'a> {
    pub id_hash: Vec<u8>,
    pub account_id: i64,
    pub epoch: i64,
    pub stage: &'static str,
    pub reauthenticated_at: Option<i64>,
    pub clock_drift: Option<&'static str>,
    pub failed_sign_ins: Option<i64>,
    pub signed_in_at: i64,
    pub expires_at: i64,
    pub seen: &'a Seen,
}

/// The row as a request read it: a move is made only if it still is.
pub struct AsRead<'a> {
    pub id_hash: Vec<u8>,
    pub stage: &'a str,
    pub epoch: i64,
    pub now: i64,
}

/// The live session of a token hash, with its account: unexpired at
/// `now`, signed in after `oldest` (the absolute lifetime).
pub async fn load<'c>(
    db: impl Executor<'c, Database = Any>,
    id_hash: &[u8],
    now: i64,
    oldest: i64,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.login, a.session_epoch, s.stage, s.reauthenticated_at,
                s.clock_drift, s.failed_sign_ins, s.signed_in_at, s.expires_at,
                s.handle, s.last_used_at, s.ip, s.user_agent
         FROM sessions s
         JOIN accounts a ON a.id = s.account_id AND a.session_epoch = s.epoch
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.signed_in_at > $3",
    )
    .bind(id_hash)
    .bind(now)
    .bind(oldest)
    .fetch_optional(db)
    .await
}

/// Moves the idle expiry on to `expires_at` if it is earlier, noting the
/// use `seen` describes; answers whether it moved (another request may
/// have moved it or the token).
pub async fn extend(
    pool: &AnyPool,
    id_hash: &[u8],
    expires_at: i64,
    seen: &Seen,
) -> Result<bool, sqlx::Error> {
    let extended = sqlx::query(
        "UPDATE sessions SET expires_at = $1, last_used_at = $2, ip = $3, user_agent = $4
         WHERE id_hash = $5 AND expires_at < $1",
    )
    .bind(expires_at)
    .bind(seen.last_used_at)
    .bind(seen.ip.as_deref())
    .bind(seen.user_agent.as_deref())
    .bind(id_hash)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(extended == 1)
}

/// Moves the row of the token hashed `old_hash` to new values.
macro_rules! move_row {
    () => {
        "UPDATE sessions SET id_hash = $1, account_id = $2, epoch = $3, stage = $4,
             reauthenticated_at = $5, clock_drift = $6, failed_sign_ins = $7,
             signed_in_at = $8, expires_at = $9, handle = $10, last_used_at = $11,
             ip = $12, user_agent = $13
         WHERE id_hash = $14"
    };
}

/// `sql` with `values` bound as $1..$13.
fn with_values<'q>(sql: &'q str, values: &'q Values<'q>) -> Query<'q, Any, AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(&values.id_hash)
        .bind(values.account_id)
        .bind(values.epoch)
        .bind(values.stage)
        .bind(values.reauthenticated_at)
        .bind(values.clock_drift)
        .bind(values.failed_sign_ins)
        .bind(values.signed_in_at)
        .bind(values.expires_at)
        .bind(&values.seen.handle)
        .bind(values.seen.last_used_at)
        .bind(values.seen.ip.as_deref())
        .bind(values.seen.user_agent.as_deref())
}

pub async fn insert(conn: &mut Conn, values: &Values<'_>) -> Result<(), sqlx::Error> {
    with_values(
        "INSERT INTO sessions (id_hash, account_id, epoch, stage,
             reauthenticated_at, clock_drift, failed_sign_ins, signed_in_at, expires_at,
             handle, last_used_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        values,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves whatever row `old_hash` names to `values`; answers whether there
/// was one.
pub async fn replace(
    conn: &mut Conn,
    old_hash: &[u8],
    values: &Values<'_>,
) -> Result<bool, sqlx::Error> {
    let moved = with_values(move_row!(), values)
        .bind(old_hash)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(moved == 1)
}

/// Moves the row `was` names to `values` only if it is still as read
/// (same stage and epoch, unexpired); answers whether it was.
pub async fn replace_as_read(
    conn: &mut Conn,
    was: &AsRead<'_>,
    values: &Values<'_>,
) -> Result<bool, sqlx::Error> {
    let moved = with_values(
        concat!(
            move_row!(),
            " AND stage = $15 AND epoch = $16 AND expires_at > $17"
        ),
        values,
    )
    .bind(&was.id_hash)
    .bind(was.stage)
    .bind(was.epoch)
    .bind(was.now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(moved == 1)
}

/// What a session row may stop saying.
#[derive(Debug, Clone, Copy)]
pub enum Note {
    /// The password confirmation (Lock now).
    Reauthentication,
    /// The clock drift, once the dashboard showed it.
    ClockDrift,
    /// The failed sign-ins before this one, once the dashboard showed them.
    FailedSignIns,
}

pub async fn forget(pool: &AnyPool, id_hash: &[u8], note: Note) -> Result<(), sqlx::Error> {
    let sql = match note {
        Note::Reauthentication => {
            "UPDATE sessions SET reauthenticated_at = NULL WHERE id_hash = $1"
        }
        Note::ClockDrift => "UPDATE sessions SET clock_drift = NULL WHERE id_hash = $1",
        Note::FailedSignIns => "UPDATE sessions SET failed_sign_ins = NULL WHERE id_hash = $1",
    };
    sqlx::query(sql).bind(id_hash).execute(pool).await?;
    Ok(())
}

pub async fn delete(pool: &AnyPool, id_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes up to `batch` rows of dead sessions: expired at `now`, signed
/// in at or before `oldest`, or of an old epoch. Answers how many went.
pub async fn delete_dead(
    pool: &AnyPool,
    now: i64,
    oldest: i64,
    batch: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM sessions WHERE id_hash IN (
             SELECT id_hash FROM sessions WHERE expires_at <= $1 OR signed_in_at <= $2
                 OR epoch <> (SELECT session_epoch FROM accounts WHERE id = sessions.account_id)
             LIMIT $3)",
    )
    .bind(now)
    .bind(oldest)
    .bind(batch)
    .execute(pool)
    .await?
    .rows_affected())
}

/// The live sessions of `account` at `epoch`, signed in or pending:
/// unexpired at `now`, signed in after `oldest`; the latest used first.
pub async fn list<'c>(
    db: impl Executor<'c, Database = Any>,
    account: &Account,
    now: i64,
    oldest: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT stage, signed_in_at, handle, last_used_at, ip, user_agent FROM sessions
         WHERE account_id = $1 AND epoch = $2 AND expires_at > $3 AND signed_in_at > $4
         ORDER BY last_used_at DESC, signed_in_at DESC",
    )
    .bind(account.id)
    .bind(account.session_epoch)
    .bind(now)
    .bind(oldest)
    .fetch_all(db)
    .await
}

/// Deletes the session named `handle` if it is a live one of `account`'s
/// (of its epoch, unexpired at `now`); answers whether there was one.
pub async fn delete_by_handle(
    conn: &mut Conn,
    account: &Account,
    handle: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query(
        "DELETE FROM sessions
         WHERE account_id = $1 AND epoch = $2 AND handle = $3 AND expires_at > $4",
    )
    .bind(account.id)
    .bind(account.session_epoch)
    .bind(handle)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(deleted == 1)
}

/// Deletes every session of the account (the operator's sign-out, a
/// password reset): with its epoch moved on they are refused already, and
/// they no longer wait for the sweep.
pub async fn delete_all(conn: &mut Conn, account_id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?
        .rows_affected())
}
