//! Migrations carry an existing database forward: a database at the
//! schema before sessions carried handles (migrations up to the front door), with an
//! account, its live session and its activity in it, is opened by this
//! version, and the account, the session and the events are all there.

mod common;

use std::path::Path;

use argon2::PasswordHasher;
use common::{Backend, PASSWORD, spawn_prepared};
use sha2::{Digest, Sha256};
use sqlx::migrate::Migrator;

/// The last migration before sessions carried handles and reset links.
const BEFORE: i64 = 20261202000008;

/// A session token as the old version issued it, and when it signed in.
struct OldSession {
    token: String,
    signed_in_at: i64,
}

async fn leave_an_old_database(url: String, backend: Backend, session: &OldSession) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../app/migrations/{folder}"));
    let mut migrator = Migrator::new(dir).await.unwrap();
    let older: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|migration| migration.version <= BEFORE)
        .cloned()
        .collect();
    assert!(
        older.len() < migrator.migrations.len(),
        "a newer migration exists"
    );
    migrator.migrations = older.into();
    migrator.run(&pool).await.unwrap();

    let salt = argon2::password_hash::SaltString::generate(&mut rand::rngs::OsRng);
    let hash = argon2::Argon2::default()
        .hash_password(PASSWORD.as_bytes(), &salt)
        .unwrap()
        .to_string();
    let at = session.signed_in_at;
    sqlx::query(
        "INSERT INTO accounts (login, login_key, password_hash, created_at)
         VALUES ('Old.Timer', 'old.timer', $1, $2)",
    )
    .bind(&hash)
    .bind(at - 86_400)
    .execute(&pool)
    .await
    .unwrap();
    let id_hash = Sha256::digest(session.token.as_bytes()).to_vec();
    sqlx::query(
        "INSERT INTO sessions (id_hash, account_id, epoch, stage, signed_in_at, expires_at)
         VALUES ($1, (SELECT id FROM accounts), 0, 'signed_in', $2, $3)",
    )
    .bind(id_hash)
    .bind(at)
    .bind(at + 3600)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO security_events (account_id, kind, at, ip)
         VALUES ((SELECT id FROM accounts), 'signed_in_with_password', $1, '192.0.2.1')",
    )
    .bind(at)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

async fn an_old_database_keeps_its_accounts_and_sessions(backend: Backend) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut random = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
    let session = OldSession {
        token: data_encoding::BASE64URL_NOPAD.encode(&random),
        signed_in_at: now - 60,
    };
    let app = spawn_prepared(
        backend,
        |_| {},
        |url| leave_an_old_database(url, backend, &session),
    )
    .await;

    // The session from before still opens the dashboard...
    let mut old = app.client();
    old.cookie = Some(format!("twofold={}", session.token));
    let account = old.call("current_account", &[]).await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert_eq!(account.json()["login"], "Old.Timer");
    // ...and is listed, with a handle of its own.
    let list = old.call("list_sessions", &[]).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["current"], true, "{list}");
    assert_eq!(list[0]["handle"].as_str().unwrap().len(), 32, "{list}");
    let activity = old.call("security_activity", &[]).await.json();
    assert_eq!(activity[0]["ip"], "192.0.2.1", "{activity}");

    // The password from before signs in.
    let mut fresh = app.client();
    let signed = fresh
        .call("sign_in", &[("login", "old.timer"), ("password", PASSWORD)])
        .await;
    assert_eq!(signed.header("location"), Some("/"), "{}", signed.body);
    let list = fresh.call("list_sessions", &[]).await.json();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_ne!(list[0]["handle"], list[1]["handle"]);
}

on_both_backends!(an_old_database_keeps_its_accounts_and_sessions);
