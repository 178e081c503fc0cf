//! Migrations carry an existing database forward. A database left at an
//! earlier schema, with data in it as that version wrote it, is opened by
//! this version, and everything is there and works:
//!
//! - from before sessions carried handles (up to the front door): an
//!   account, its live session and its activity;
//! - from before an account held a list of methods (up to the account's
//!   whole life): an account's authenticator app, its replay guard and its
//!   recovery set.

mod common;

use std::path::Path;

use argon2::PasswordHasher;
use common::{Backend, PASSWORD, oathtool_code, spawn_prepared};
use sha2::{Digest, Sha256};
use sqlx::migrate::Migrator;

/// The last migration before sessions carried handles and reset links.
const BEFORE_HANDLES: i64 = 20261202000008;
/// The last migration before an account's second factors became a list.
const BEFORE_METHODS: i64 = 20261202000009;

/// A session token as the old version issued it, and when it signed in.
struct OldSession {
    token: String,
    signed_in_at: i64,
}

/// A pool on the database at `url`, migrated up to `last` and no further.
async fn migrated_up_to(url: &str, backend: Backend, last: i64) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../app/migrations/{folder}"));
    let mut migrator = Migrator::new(dir).await.unwrap();
    let older: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|migration| migration.version <= last)
        .cloned()
        .collect();
    assert!(
        older.len() < migrator.migrations.len(),
        "a newer migration exists"
    );
    migrator.migrations = older.into();
    migrator.run(&pool).await.unwrap();
    pool
}

/// An account `Old.Timer` with `PASSWORD`, created at `at`; answers its id.
async fn insert_old_account(pool: &sqlx::AnyPool, at: i64) -> i64 {
    let salt = argon2::password_hash::SaltString::generate(&mut rand::rngs::OsRng);
    let hash = argon2::Argon2::default()
        .hash_password(PASSWORD.as_bytes(), &salt)
        .unwrap()
        .to_string();
    sqlx::query_scalar(
        "INSERT INTO accounts (login, login_key, password_hash, created_at)
         VALUES ('Old.Timer', 'old.timer', $1, $2) RETURNING id",
    )
    .bind(&hash)
    .bind(at)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn leave_an_old_database(url: String, backend: Backend, session: &OldSession) {
    let pool = migrated_up_to(&url, backend, BEFORE_HANDLES).await;
    let at = session.signed_in_at;
    insert_old_account(&pool, at - 86_400).await;
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

/// The operator's key, as `--secret-key` gives it: the old version sealed
/// the app's secret with it.
const SECRET_KEY: [u8; 32] = [7; 32];

/// What the old version stored of an authenticator app.
struct OldApp {
    secret: Vec<u8>,
    /// The replay guard: the last step a code was accepted for.
    last_used_step: i64,
}

async fn leave_an_old_app(url: String, backend: Backend, app: &OldApp, now: i64) {
    let pool = migrated_up_to(&url, backend, BEFORE_METHODS).await;
    let account_id = insert_old_account(&pool, now - 86_400).await;
    let vault = app::server::crypto::Vault::from_master_key(&SECRET_KEY);
    let sealed = vault.seal(
        app::server::crypto::Purpose::TotpSecret,
        account_id,
        &app.secret,
    );
    sqlx::query(
        "INSERT INTO two_factor (account_id, sealed_secret, last_used_step, recovery_set, enabled_at)
         VALUES ($1, $2, $3, 4, $4)",
    )
    .bind(account_id)
    .bind(sealed)
    .bind(app.last_used_step)
    .bind(now - 3_600)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

async fn an_old_databases_authenticator_app_moves_over_unchanged(backend: Backend) {
    let mut secret = vec![0u8; 20];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    let key = data_encoding::BASE32_NOPAD.encode(&secret);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let step = now / 30;
    let old = OldApp {
        secret,
        last_used_step: step,
    };
    let app = spawn_prepared(
        backend,
        |config| config.secret_key = Some(data_encoding::BASE64.encode(&SECRET_KEY)),
        |url| leave_an_old_app(url, backend, &old, now),
    )
    .await;
    assert_eq!(
        app.number("SELECT COUNT(*) FROM two_factor_methods WHERE kind = 'app'")
            .await,
        1
    );
    assert_eq!(app.number("SELECT recovery_set FROM two_factor").await, 4);

    // The replay guard came along: the step last used is still spent,
    // though its code is within the window the server accepts...
    app.state.clock.stop();
    assert!(
        app.now() / 30 - step <= 1,
        "the spent step is within the window"
    );
    let mut replay = app.password_step("old.timer").await;
    let spent = oathtool_code(&key, step * 30);
    let refused = replay
        .call("verify_sign_in_code", &[("code", &spent)])
        .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    // ...and a later step's code from the same app signs in.
    app.state.clock.advance(30);
    let mut client = app.password_step("old.timer").await;
    let fresh = oathtool_code(&key, app.now());
    let signed = client
        .call("verify_sign_in_code", &[("code", &fresh)])
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let account = client.call("current_account", &[]).await.json();
    assert_eq!(account["two_factor_enabled"], true, "{account}");
}

on_both_backends!(
    an_old_database_keeps_its_accounts_and_sessions,
    an_old_databases_authenticator_app_moves_over_unchanged,
);
