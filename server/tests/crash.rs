//! Crash safety (SECURITY.md case 18, issue 4): the real server binary is
//! killed with SIGKILL while accounts regenerate their recovery codes, then
//! restarted on the same database. Every account must hold the old set or
//! a new one, whole: 2FA on implies a secret and exactly ten codes of the
//! current set number.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Backend, Client, PASSWORD};

struct Server {
    child: Child,
    base: String,
}

fn start(port: u16, data_dir: &std::path::Path, database_url: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(["--addr", &format!("127.0.0.1:{port}"), "--log", "warn"])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    Server {
        child: command.spawn().expect("the server binary starts"),
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_until_up(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::get(format!("{base}/login"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server at {base} did not come up");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Signs up and enables 2FA against a server process (its clock is the
/// system's).
async fn account_with_two_factor(base: &str, login: &str) -> Client {
    let mut client = Client::new(base);
    let reply = client
        .call("sign_up", &[("login", login), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    common::enable_two_factor_at(&mut client, unix_now).await;
    client
}

async fn killed_mid_regeneration_leaves_each_account_whole(backend: Backend) {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(common::fresh_postgres_database().await),
    };
    let port = free_port();
    let mut server = start(port, data_dir.path(), database_url.as_deref());
    wait_until_up(&server.base).await;

    let mut clients = Vec::new();
    for i in 0..4 {
        clients.push(account_with_two_factor(&server.base, &format!("crash-{i}")).await);
    }
    // Each account regenerates in a loop (confirm, regenerate) until the
    // process dies under it.
    let load: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            tokio::spawn(async move {
                let mut done = 0u32;
                loop {
                    let confirm = client
                        .try_call("confirm_password", &[("password", PASSWORD)])
                        .await;
                    let regenerate = client.try_call("regenerate_recovery_codes", &[]).await;
                    match (confirm, regenerate) {
                        (Some(_), Some(reply)) if reply.status == 200 => done += 1,
                        (Some(_), Some(_)) => {}
                        _ => return done,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    let mut regenerations = 0;
    for task in load {
        regenerations += task.await.unwrap();
    }
    assert!(regenerations > 0, "the load ran before the kill");

    let mut server = start(port, data_dir.path(), database_url.as_deref());
    wait_until_up(&server.base).await;
    let url = match &database_url {
        Some(url) => url.clone(),
        None => app::server::db::sqlite_url_in(data_dir.path()).unwrap(),
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let accounts: Vec<(i64, Option<i64>, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.id,
                t.recovery_set,
                (SELECT COUNT(*) FROM recovery_codes r WHERE r.account_id = a.id),
                (SELECT COUNT(DISTINCT r.set_number) FROM recovery_codes r WHERE r.account_id = a.id),
                (SELECT COUNT(*) FROM recovery_codes r WHERE r.account_id = a.id
                    AND r.set_number = t.recovery_set)
         FROM accounts a LEFT JOIN two_factor t ON t.account_id = a.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(accounts.len(), 4, "no account lost");
    for (id, set, codes, sets, current) in accounts {
        assert!(set.is_some(), "account {id}: 2FA still on");
        assert_eq!(codes, 10, "account {id}: a whole set");
        assert_eq!(sets, 1, "account {id}: codes of one set only");
        assert_eq!(current, 10, "account {id}: the set the account points to");
    }
    // And the restarted process serves a sign-in with a surviving code.
    let mut client = Client::new(&server.base);
    client
        .call("sign_in", &[("login", "crash-0"), ("password", PASSWORD)])
        .await;
    assert_eq!(client.call("awaiting_second_factor", &[]).await.status, 200);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

on_both_backends!(killed_mid_regeneration_leaves_each_account_whole);
