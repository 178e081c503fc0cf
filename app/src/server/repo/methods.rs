//! `two_factor_methods`: an account's second factors, each an
//! authenticator app (its sealed secret and its own replay guard) or a
//! WebAuthn credential.

use sqlx::{Any, Executor};

use super::Conn;

/// A method as listed: never its secret.
#[derive(sqlx::FromRow)]
pub struct MethodRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// An authenticator app's secret, sealed, and the last time step a code
/// from it was accepted for.
#[derive(sqlx::FromRow)]
pub struct AppSecret {
    pub id: i64,
    pub sealed_secret: Vec<u8>,
    pub last_used_step: i64,
}

/// The account's methods, oldest first.
pub async fn list<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
) -> Result<Vec<MethodRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, name, created_at, last_used_at FROM two_factor_methods
         WHERE account_id = $1 ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

pub async fn count(conn: &mut Conn, account_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM two_factor_methods WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(conn)
        .await
}

/// The account's authenticator apps, oldest first.
pub async fn apps(conn: &mut Conn, account_id: i64) -> Result<Vec<AppSecret>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, sealed_secret, last_used_step FROM two_factor_methods
         WHERE account_id = $1 AND kind = 'app' ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// Adds an authenticator app whose first code matched `confirmed_step`:
/// that step counts as used.
pub async fn add_app(
    conn: &mut Conn,
    account_id: i64,
    sealed_secret: &[u8],
    confirmed_step: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO two_factor_methods (account_id, kind, sealed_secret, last_used_step, created_at)
         VALUES ($1, 'app', $2, $3, $4) RETURNING id",
    )
    .bind(account_id)
    .bind(sealed_secret)
    .bind(confirmed_step)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The replay guard of one app: records `step` as used if it is later
/// than the last used one (compare-and-set), answering whether it was.
pub async fn claim_step(
    conn: &mut Conn,
    method_id: i64,
    step: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE two_factor_methods SET last_used_step = $1, last_used_at = $3
         WHERE id = $2 AND last_used_step < $1",
    )
    .bind(step)
    .bind(method_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Renames one of the account's methods; answers whether it was there.
pub async fn rename(
    conn: &mut Conn,
    account_id: i64,
    method_id: i64,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let renamed =
        sqlx::query("UPDATE two_factor_methods SET name = $3 WHERE id = $2 AND account_id = $1")
            .bind(account_id)
            .bind(method_id)
            .bind(name)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(renamed == 1)
}

/// Removes one of the account's methods; answers whether it was there.
pub async fn remove(conn: &mut Conn, account_id: i64, method_id: i64) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query("DELETE FROM two_factor_methods WHERE id = $2 AND account_id = $1")
        .bind(account_id)
        .bind(method_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(removed == 1)
}

/// A security key's or passkey's credential, as webauthn-rs serialised it.
#[derive(sqlx::FromRow)]
pub struct CredentialRow {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    pub credential: String,
}

/// A new security key or passkey.
pub struct NewCredential<'a> {
    pub kind: &'static str,
    pub name: &'a str,
    pub credential_id: &'a [u8],
    pub credential: &'a str,
}

pub async fn add_credential(
    conn: &mut Conn,
    account_id: i64,
    new: &NewCredential<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO two_factor_methods (account_id, kind, name, credential_id, credential, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(new.kind)
    .bind(new.name)
    .bind(new.credential_id)
    .bind(new.credential)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The account's security keys and passkeys, oldest first.
pub async fn credentials<'c>(
    db: impl Executor<'c, Database = Any>,
    account_id: i64,
) -> Result<Vec<CredentialRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, account_id, kind, credential FROM two_factor_methods
         WHERE account_id = $1 AND credential IS NOT NULL ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// The method holding the credential `credential_id`, of any account.
pub async fn by_credential_id<'c>(
    db: impl Executor<'c, Database = Any>,
    credential_id: &[u8],
) -> Result<Option<CredentialRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, account_id, kind, credential FROM two_factor_methods WHERE credential_id = $1",
    )
    .bind(credential_id)
    .fetch_optional(db)
    .await
}

/// Records a use of a credential, with its counter moved on: only if it
/// is still as `read` (compare-and-set), so two sign-ins with one
/// assertion cannot both land. Answers whether it was.
pub async fn record_use(
    conn: &mut Conn,
    method_id: i64,
    read: &str,
    updated: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let recorded = sqlx::query(
        "UPDATE two_factor_methods SET credential = $3, last_used_at = $4
         WHERE id = $1 AND credential = $2",
    )
    .bind(method_id)
    .bind(read)
    .bind(updated)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(recorded == 1)
}
