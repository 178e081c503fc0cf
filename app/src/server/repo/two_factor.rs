//! `two_factor` (2FA on, with its recovery set's number) and
//! `two_factor_setup` (an authenticator app's secret being set up). The
//! methods themselves are in [`super::methods`].

use sqlx::{Any, Executor};

use super::Conn;

/// The state of an account's second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: u32,
}

/// The columns [`StatusRow`] reads, for a query where the account's row is
/// `a`: a caller that already reads the account gets its status in the
/// same round trip.
macro_rules! status_columns {
    () => {
        "(SELECT COUNT(*) FROM two_factor WHERE account_id = a.id) AS enabled,
         (SELECT COUNT(*) FROM recovery_codes WHERE account_id = a.id AND used_at IS NULL) AS left_"
    };
}
pub(crate) use status_columns;

#[derive(sqlx::FromRow)]
pub struct StatusRow {
    enabled: i64,
    left_: i64,
}

impl From<StatusRow> for Status {
    fn from(row: StatusRow) -> Self {
        Self {
            enabled: row.enabled > 0,
            recovery_codes_left: u32::try_from(row.left_).unwrap_or(0),
        }
    }
}

pub async fn status<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
) -> Result<Status, sqlx::Error> {
    let row: StatusRow = sqlx::query_as(concat!(
        "SELECT ",
        status_columns!(),
        " FROM accounts a WHERE a.id = $1"
    ))
    .bind(account_id)
    .fetch_one(db)
    .await?;
    Ok(row.into())
}

/// A secret being set up, sealed.
#[derive(sqlx::FromRow)]
pub struct PendingSetup {
    pub sealed_secret: Vec<u8>,
    pub created_at: i64,
}

/// Stores `sealed_secret` as the account's pending secret, replacing any
/// earlier one.
pub async fn put_setup<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
    sealed_secret: &[u8],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO two_factor_setup (account_id, sealed_secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET sealed_secret = $2, created_at = $3",
    )
    .bind(account_id)
    .bind(sealed_secret)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn pending_setup(
    conn: &mut Conn,
    account_id: i64,
) -> Result<Option<PendingSetup>, sqlx::Error> {
    sqlx::query_as("SELECT sealed_secret, created_at FROM two_factor_setup WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

pub async fn delete_setup<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM two_factor_setup WHERE account_id = $1")
        .bind(account_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Turns 2FA on with recovery set number 1, unless it is on already:
/// answers whether this call turned it on.
pub async fn enable(conn: &mut Conn, account_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let enabled = sqlx::query(
        "INSERT INTO two_factor (account_id, recovery_set, enabled_at) VALUES ($1, 1, $2)
         ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(enabled == 1)
}

/// The current recovery set's number, if 2FA is on.
pub async fn recovery_set(conn: &mut Conn, account_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT recovery_set FROM two_factor WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

/// Moves the recovery set number on; `None` if 2FA is off.
pub async fn next_recovery_set(
    conn: &mut Conn,
    account_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE two_factor SET recovery_set = recovery_set + 1 WHERE account_id = $1 RETURNING recovery_set",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await
}

/// Turns 2FA off with every method; answers whether it was on.
pub async fn delete(conn: &mut Conn, account_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM two_factor_methods WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    let removed = sqlx::query("DELETE FROM two_factor WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(removed > 0)
}
