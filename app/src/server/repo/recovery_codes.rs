//! `recovery_codes`: the current set, each code sealed for display and
//! keyed-hashed for lookup.

use super::Conn;

/// A code to store: its lookup hash and its sealed text.
pub struct NewCode {
    pub lookup_hash: Vec<u8>,
    pub sealed_code: Vec<u8>,
}

/// A stored code, for showing the set.
#[derive(sqlx::FromRow)]
pub struct StoredCode {
    pub sealed_code: Vec<u8>,
    pub used_at: Option<i64>,
    pub created_at: i64,
}

/// An unused code, for checking one offered at sign-in.
#[derive(sqlx::FromRow)]
pub struct UnusedCode {
    pub id: i64,
    pub lookup_hash: Vec<u8>,
}

/// Replaces the account's codes with `codes`, numbered `set_number`.
pub async fn replace_set(
    conn: &mut Conn,
    account_id: i64,
    set_number: i64,
    codes: &[NewCode],
    now: i64,
) -> Result<(), sqlx::Error> {
    delete_all(conn, account_id).await?;
    for (position, code) in codes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO recovery_codes
                 (account_id, set_number, position, lookup_hash, sealed_code, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(account_id)
        .bind(set_number)
        .bind(position as i64)
        .bind(&code.lookup_hash)
        .bind(&code.sealed_code)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The whole set in its order, used codes included.
pub async fn all(conn: &mut Conn, account_id: i64) -> Result<Vec<StoredCode>, sqlx::Error> {
    sqlx::query_as(
        "SELECT sealed_code, used_at, created_at FROM recovery_codes
         WHERE account_id = $1 ORDER BY position",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

pub async fn unused(conn: &mut Conn, account_id: i64) -> Result<Vec<UnusedCode>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, lookup_hash FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// Marks the code `id` used at `now`, if it still was unused; answers
/// whether it was.
pub async fn spend(conn: &mut Conn, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let used =
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(used == 1)
}

pub async fn delete_all(conn: &mut Conn, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}
