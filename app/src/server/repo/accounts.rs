//! `accounts`: who can sign in. The password hash has its own type, which
//! is neither `Serialize` nor printed with its contents.

use sqlx::{Any, Executor};

use super::Conn;

/// An account as the server works with it (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub session_epoch: i64,
}

/// A stored argon2 hash in PHC form.
pub struct PasswordHash(pub String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

#[derive(sqlx::FromRow)]
struct WithHash {
    #[sqlx(flatten)]
    account: Account,
    password_hash: String,
}

/// Inserts an account, or answers `None` when `login_key` is taken: the
/// uniqueness check and the insert are one statement, so two sign-ups
/// racing for one login cannot both win.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    login: &str,
    login_key: &str,
    password_hash: &PasswordHash,
    now: i64,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO accounts (login, login_key, password_hash, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (login_key) DO NOTHING
         RETURNING id, login, session_epoch",
    )
    .bind(login)
    .bind(login_key)
    .bind(&password_hash.0)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn find_by_id<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as("SELECT id, login, session_epoch FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The account and its password hash, by login key.
pub async fn find_with_hash<'c>(
    db: impl Executor<'c, Database = Any>,
    login_key: &str,
) -> Result<Option<(Account, PasswordHash)>, sqlx::Error> {
    let row: Option<WithHash> = sqlx::query_as(
        "SELECT id, login, session_epoch, password_hash FROM accounts WHERE login_key = $1",
    )
    .bind(login_key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| (row.account, PasswordHash(row.password_hash))))
}

pub async fn set_password_hash<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    password_hash: &PasswordHash,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(&password_hash.0)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Moves the account's session epoch on from `expected`, answering the
/// new one, or `None` if it was no longer `expected` (compare-and-set).
pub async fn bump_session_epoch(
    conn: &mut Conn,
    id: i64,
    expected: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE accounts SET session_epoch = session_epoch + 1
         WHERE id = $1 AND session_epoch = $2 RETURNING session_epoch",
    )
    .bind(id)
    .bind(expected)
    .fetch_optional(conn)
    .await
}
