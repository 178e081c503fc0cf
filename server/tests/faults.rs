//! Faults survived (issue 6): PostgreSQL stops under a running Twofold and
//! starts again. While it is down every request is answered, quickly, with
//! a 503 that says to try again (JSON for API clients, a page for people);
//! afterwards the same process serves again without a restart, and the
//! sessions made before the outage still work.

mod common;

use std::time::{Duration, Instant};

use common::postgres_cluster::PostgresCluster;
use common::process::{Process, free_port};
use common::{Client, PASSWORD, Reply};
use serde_json::json;

/// How long a request may wait for a connection (`--db-timeout`).
const DB_TIMEOUT: Duration = Duration::from_secs(2);
/// What "no hang" means here: the timeout plus slack for a loaded machine.
const ANSWERED_WITHIN: Duration = Duration::from_secs(8);

/// One request of each kind a client makes, with the time it took.
async fn each_kind_of_request(
    base: &str,
    browser: &mut Client,
    token: &str,
) -> Vec<(&'static str, Reply, Duration)> {
    async fn timed(
        kind: &'static str,
        reply: impl Future<Output = Reply>,
    ) -> (&'static str, Reply, Duration) {
        let started = Instant::now();
        let reply = reply.await;
        (kind, reply, started.elapsed())
    }
    let http = reqwest::Client::new();
    vec![
        timed("server function", browser.call("current_account", &[])).await,
        timed("dashboard page", browser.get("/")).await,
        timed(
            "API GetAccount",
            browser.send(
                http.get(format!("{base}/api/GetAccount"))
                    .header("authorization", format!("Bearer {token}")),
            ),
        )
        .await,
        timed(
            "API SignIn",
            Client::new(base).send(
                http.post(format!("{base}/api/SignIn"))
                    .json(&json!({"login": "outage", "password": PASSWORD})),
            ),
        )
        .await,
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_down_gives_503_and_the_same_process_serves_again() {
    let cluster = PostgresCluster::start();
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = Process::command(port, data_dir.path(), Some(&cluster.url()));
    command.args(["--db-timeout", &DB_TIMEOUT.as_secs().to_string()]);
    let mut server = Process::launch(port, command).await;

    let mut browser = server.client();
    let reply = browser
        .call("sign_up", &[("login", "outage"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = Client::new(&server.base)
        .send(
            reqwest::Client::new()
                .post(format!("{}/api/SignIn", server.base))
                .json(&json!({"login": "outage", "password": PASSWORD})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let token = reply.json()["session"].as_str().unwrap().to_owned();
    for (kind, reply, _) in each_kind_of_request(&server.base, &mut browser, &token).await {
        assert_eq!(
            reply.status, 200,
            "{kind} before the outage: {}",
            reply.body
        );
    }

    cluster.stop();
    // Sequential requests, then a burst in parallel: all answered 503 in
    // time, never a hang, a 500 or a dropped connection.
    for (kind, reply, took) in each_kind_of_request(&server.base, &mut browser, &token).await {
        assert_eq!(reply.status, 503, "{kind} while down: {}", reply.body);
        assert!(took < ANSWERED_WITHIN, "{kind} took {took:?}");
        assert!(reply.header("retry-after").is_some(), "{kind}: Retry-After");
        if kind == "dashboard page" {
            assert!(
                reply.body.contains("temporarily unavailable"),
                "{}",
                reply.body
            );
        } else {
            assert_eq!(
                reply.json()["error"],
                "unavailable",
                "{kind}: {}",
                reply.body
            );
        }
    }
    let burst: Vec<_> = (0..24)
        .map(|_| {
            let base = server.base.clone();
            let mut client = Client::new(&base);
            client.cookie = browser.cookie.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let reply = client.call("current_account", &[]).await;
                (reply.status, started.elapsed())
            })
        })
        .collect();
    for task in burst {
        let (status, took) = task.await.unwrap();
        assert_eq!(status, 503);
        assert!(took < ANSWERED_WITHIN, "a parallel request took {took:?}");
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the process is alive"
    );

    cluster.start_again();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let replies = each_kind_of_request(&server.base, &mut browser, &token).await;
        if replies.iter().all(|(_, reply, _)| reply.status == 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not serving again after the database came back: {:?}",
            replies
                .iter()
                .map(|(kind, reply, _)| (kind, reply.status))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The same session and token as before the outage: nothing was lost.
    assert_eq!(
        browser.call("current_account", &[]).await.json()["login"],
        "outage"
    );
    server.kill();
}
