//! `vault_key_check`: the one-way check value of the secret key that
//! sealed this database's secrets.

use sqlx::AnyPool;

/// Records `check_value` if the database has none yet, and answers the
/// recorded one.
pub async fn record_or_read(pool: &AnyPool, check_value: &[u8]) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO vault_key_check (id, check_value) VALUES (1, $1)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(check_value.to_vec())
    .execute(pool)
    .await?;
    sqlx::query_scalar("SELECT check_value FROM vault_key_check WHERE id = 1")
        .fetch_one(pool)
        .await
}
