//! Account rows. The password hash lives in its own type, which is neither
//! `Serialize` nor `Debug`-printed with its contents.

use sqlx::Row;

use super::db::Db;

/// An account as the server works with it (no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The case-insensitive key a login is found and kept unique by.
pub fn login_key(login: &str) -> String {
    login.to_ascii_lowercase()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// An account from a row holding its `id`, `login` and `session_epoch`.
pub(crate) fn account_from(row: &sqlx::any::AnyRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        session_epoch: row.try_get("session_epoch")?,
    })
}

/// Creates an account, or returns `None` when the login is taken. The
/// uniqueness check and the insert are one statement, so two sign-ups
/// racing for one login cannot both win.
pub async fn create(
    db: &Db,
    login: &str,
    password_hash: &PasswordHash,
) -> Result<Option<Account>, sqlx::Error> {
    let _turn = db.write_turn().await;
    let row = sqlx::query(
        "INSERT INTO accounts (login, login_key, password_hash, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (login_key) DO NOTHING
         RETURNING id, login, session_epoch",
    )
    .bind(login)
    .bind(login_key(login))
    .bind(&password_hash.0)
    .bind(unix_now())
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(account_from).transpose()
}

pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query("SELECT id, login, session_epoch FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(account_from).transpose()
}

/// The account and its password hash, for checking a sign-in.
pub async fn find_with_hash(
    db: &Db,
    login: &str,
) -> Result<Option<(Account, PasswordHash)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, login, session_epoch, password_hash FROM accounts WHERE login_key = $1",
    )
    .bind(login_key(login))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok((
            account_from(&row)?,
            PasswordHash(row.try_get("password_hash")?),
        ))
    })
    .transpose()
}

pub async fn set_password_hash(
    db: &Db,
    id: i64,
    password_hash: &PasswordHash,
) -> Result<(), sqlx::Error> {
    let _turn = db.write_turn().await;
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(&password_hash.0)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
