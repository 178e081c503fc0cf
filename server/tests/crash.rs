//! Crash safety (SECURITY.md case 18, issues 4 and 6): the real server
//! binary is killed with SIGKILL while accounts set up 2FA, regenerate
//! their recovery codes and disable 2FA, then restarted on the same
//! database. Every account must be whole: 2FA on implies a secret and
//! exactly ten codes of the current set; 2FA off implies no codes at all.
//! And SIGTERM ends the binary cleanly.

mod common;

use std::time::Duration;

use common::process::{Process, unix_now};
use common::{Backend, Client, PASSWORD, oathtool_code};

const ACCOUNTS: usize = 6;

/// login, recovery set, secret length, codes, sets, codes of the current
/// set, distinct positions.
type AccountRow = (String, Option<i64>, Option<i64>, i64, i64, i64, i64);

/// One cycle of changes: enable, regenerate twice, disable. `None` once
/// the server is gone; `Some(steps)` counts the changes that committed.
async fn cycle(client: &mut Client) -> Option<u32> {
    let mut committed = 0;
    client
        .try_call("confirm_password", &[("password", PASSWORD)])
        .await?;
    let challenge = client.try_call("begin_two_factor_setup", &[]).await?;
    let key = challenge.json()["manual_key"].as_str()?.to_owned();
    let code = oathtool_code(&key, unix_now());
    let steps: [(&str, Vec<(&str, &str)>); 4] = [
        ("confirm_two_factor_setup", vec![("code", &code)]),
        ("regenerate_recovery_codes", vec![]),
        ("regenerate_recovery_codes", vec![]),
        ("disable_two_factor", vec![]),
    ];
    for (function, form) in steps {
        // Each change ends the password confirmation that allowed it.
        client
            .try_call("confirm_password", &[("password", PASSWORD)])
            .await?;
        let reply = client.try_call(function, &form).await?;
        assert_eq!(reply.status, 200, "{function}: {}", reply.body);
        committed += 1;
    }
    Some(committed)
}

async fn killed_under_load_leaves_each_account_whole(backend: Backend) {
    let data_dir = tempfile::tempdir().unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(common::fresh_postgres_database().await),
    };
    let database_url = database.as_ref().map(|d| d.url.as_str());
    let mut server = Process::start(data_dir.path(), database_url).await;

    let mut clients = Vec::new();
    for i in 0..ACCOUNTS {
        let mut client = server.client();
        let reply = client
            .call(
                "sign_up",
                &[("login", &format!("crash-{i}")), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        clients.push(client);
    }
    let load: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            tokio::spawn(async move {
                let mut changes = 0;
                while let Some(committed) = cycle(&mut client).await {
                    changes += committed;
                }
                changes
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    server.kill();
    let mut changes = 0;
    for task in load {
        changes += task.await.unwrap();
    }
    assert!(
        changes >= ACCOUNTS as u32,
        "the load ran before the kill ({changes})"
    );

    let server = Process::start_on(server.port(), data_dir.path(), database_url).await;
    let url = database_url.map_or_else(
        || app::server::db::sqlite_url_in(data_dir.path()).unwrap(),
        str::to_owned,
    );
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let accounts: Vec<AccountRow> = sqlx::query_as(
        "SELECT a.login,
                t.recovery_set,
                (SELECT SUM(LENGTH(m.sealed_secret)) FROM two_factor_methods m
                    WHERE m.account_id = a.id),
                (SELECT COUNT(*) FROM recovery_codes r WHERE r.account_id = a.id),
                (SELECT COUNT(DISTINCT r.set_number) FROM recovery_codes r WHERE r.account_id = a.id),
                (SELECT COUNT(*) FROM recovery_codes r WHERE r.account_id = a.id
                    AND r.set_number = t.recovery_set),
                (SELECT COUNT(DISTINCT r.position) FROM recovery_codes r WHERE r.account_id = a.id)
         FROM accounts a LEFT JOIN two_factor t ON t.account_id = a.id
         ORDER BY a.login",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(accounts.len(), ACCOUNTS, "no account lost");
    let mut enabled = None;
    let mut disabled = None;
    for (login, set, secret, codes, sets, current, positions) in accounts {
        match set {
            Some(_) => {
                assert!(secret > Some(0), "{login}: 2FA on with a secret");
                assert_eq!(codes, 10, "{login}: a whole set");
                assert_eq!(sets, 1, "{login}: codes of one set only");
                assert_eq!(current, 10, "{login}: the set the account points to");
                assert_eq!(positions, 10, "{login}: each code once");
                enabled = Some(login);
            }
            None => {
                assert_eq!(codes, 0, "{login}: 2FA off leaves no codes");
                assert_eq!(secret, None, "{login}: 2FA off leaves no method");
                disabled = Some(login);
            }
        }
    }
    // The restarted process serves both kinds of account.
    if let Some(login) = enabled {
        let mut client = server.client();
        client
            .call("sign_in", &[("login", &login), ("password", PASSWORD)])
            .await;
        assert_eq!(client.status_of("awaiting_second_factor", &[]).await, 200);
        assert_eq!(client.status_of("current_account", &[]).await, 401);
    }
    if let Some(login) = disabled {
        let mut client = server.client();
        client
            .call("sign_in", &[("login", &login), ("password", PASSWORD)])
            .await;
        assert_eq!(client.status_of("current_account", &[]).await, 200);
    }
}

on_both_backends!(killed_under_load_leaves_each_account_whole);

/// The other way a process ends: an operator's SIGTERM (or a container
/// stop) lets it finish and exit with success, promptly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_cleanly() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut server = Process::start(data_dir.path(), None).await;
    assert_eq!(server.client().get("/login").await.status, 200);

    let sent = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
}
