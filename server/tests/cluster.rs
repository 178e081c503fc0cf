//! Issue 6: several Twofold processes on one PostgreSQL behave as one.
//! Two real server binaries share a database and nothing else; every piece
//! of state a second factor depends on (sessions, replay guard, throttle,
//! recovery codes) must be seen by both.

mod common;

use std::process::Stdio;

use common::process::{Process, account_with_two_factor, free_port, unix_now};
use common::{Client, PASSWORD, oathtool_code};

/// An operator's key (base64 of 32 bytes), the same for every process.
const SHARED_KEY: &str = "c2hhcmVkIGtleSBmb3IgYWxsIHByb2Nlc3Nlcy4uLi4=";

/// Two processes on one fresh PostgreSQL database, each with its own data
/// directory (so nothing is shared through files) and the same secret key.
/// The first of the three is what must outlive them: bind it first, so it
/// is dropped after both processes.
async fn two_processes() -> (Kept, Process, Process) {
    let database = common::fresh_postgres_database().await;
    let url = &database.url;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut processes = Vec::new();
    for dir in &dirs {
        let port = free_port();
        let mut command = Process::command(port, dir.path(), Some(url));
        command.env("TWOFOLD_SECRET_KEY", SHARED_KEY);
        processes.push(Process::launch(port, command).await);
    }
    let b = processes.pop().unwrap();
    let a = processes.pop().unwrap();
    ((database, dirs), a, b)
}

type Kept = (common::TestDatabase, [tempfile::TempDir; 2]);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_with_another_secret_key_refuses_to_start() {
    let database = common::fresh_postgres_database().await;
    let url = &database.url;
    let first_dir = tempfile::tempdir().unwrap();
    let _first = Process::start(first_dir.path(), Some(url)).await;

    // Its own generated key: it could not open a single sealed secret.
    let other_dir = tempfile::tempdir().unwrap();
    let output = Process::command(free_port(), other_dir.path(), Some(url))
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let logs = String::from_utf8_lossy(&output.stdout);
    assert!(
        logs.contains("give every process on one database the same TWOFOLD_SECRET_KEY"),
        "{logs}"
    );
}

/// Sends `client`'s session cookie to another process.
fn moved_to(client: &Client, process: &Process) -> Client {
    let mut moved = process.client();
    moved.cookie = client.cookie.clone();
    moved
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_made_on_one_process_is_valid_and_ended_on_the_other() {
    let (_kept, a, b) = two_processes().await;
    let mut on_a = a.client();
    let reply = on_a
        .call("sign_up", &[("login", "shared"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let mut on_b = moved_to(&on_a, &b);
    let reply = on_b.call("current_account", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["login"], "shared");

    assert_eq!(on_b.status_of("sign_out", &[]).await, 200);
    let reply = on_a.call("current_account", &[]).await;
    assert_eq!(reply.status, 401, "signed out on B, still valid on A");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_accepted_on_one_process_is_refused_on_the_other() {
    let (_kept, a, b) = two_processes().await;
    let (_, enabled) = account_with_two_factor(&a.base, "replay").await;
    let mut on_a = a.client().password_step("replay").await;
    let mut on_b = b.client().password_step("replay").await;

    // The step after the one that confirmed set-up (inside the window).
    let code = oathtool_code(&enabled.key, unix_now() + 30);
    let reply = on_a.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = on_b.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(reply.status, 401, "the same code twice: {}", reply.body);
    assert_eq!(reply.json()["error"], "invalid_code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_on_both_processes_add_up_to_one_throttle() {
    let (_kept, a, b) = two_processes().await;
    let (_, enabled) = account_with_two_factor(&a.base, "throttle").await;
    let mut on_a = a.client().password_step("throttle").await;
    let mut on_b = b.client().password_step("throttle").await;

    let wrong = wrong_code(&enabled.key);
    for turn in 0..5 {
        let (client, name) = if turn % 2 == 0 {
            (&mut on_a, "A")
        } else {
            (&mut on_b, "B")
        };
        let reply = client
            .call("verify_sign_in_code", &[("code", &wrong)])
            .await;
        assert_eq!(reply.status, 401, "a wrong code on {name}: {}", reply.body);
    }
    // Five failures split 3/2: the window is full on both processes, even
    // for the right code.
    let right = oathtool_code(&enabled.key, unix_now() + 30);
    for client in [&mut on_b, &mut on_a] {
        let reply = client
            .call("verify_sign_in_code", &[("code", &right)])
            .await;
        assert_eq!(reply.status, 429, "{}", reply.body);
        assert!(reply.header("retry-after").is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovery_code_used_on_one_process_is_gone_on_the_other() {
    let (_kept, a, b) = two_processes().await;
    let (_, enabled) = account_with_two_factor(&b.base, "recovery").await;
    let code = &enabled.codes[0];
    let mut on_a = a.client().password_step("recovery").await;
    let mut on_b = b.client().password_step("recovery").await;

    let reply = on_a
        .call("verify_recovery_code", &[("recovery_code", code)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = on_b
        .call("verify_recovery_code", &[("recovery_code", code)])
        .await;
    assert_eq!(reply.status, 401, "a used code on the other process");
    assert_eq!(reply.json()["error"], "invalid_recovery_code");

    // The account that signed in on A sees the code as used when it asks B.
    let mut asks_b = moved_to(&on_a, &b);
    asks_b
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let reply = asks_b.call("view_recovery_codes", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let used: Vec<_> = reply.json()["codes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| !entry["used_at"].is_null())
        .map(|entry| entry["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(used, std::slice::from_ref(code));
}

/// A six-digit code that is not valid in any step of the window.
fn wrong_code(key: &str) -> String {
    let now = unix_now();
    let valid: Vec<String> = (-2..=3)
        .map(|step| oathtool_code(key, now + step * 30))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|candidate| !valid.contains(candidate))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_signed_out_from_the_list_on_one_process_is_refused_on_the_other() {
    let (_kept, a, b) = two_processes().await;
    let mut owner = a.client();
    let reply = owner
        .call("sign_up", &[("login", "listed"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut elsewhere = b.client();
    let reply = elsewhere
        .call("sign_in", &[("login", "listed"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let list = owner.call("list_sessions", &[]).await.json();
    let other = list
        .as_array()
        .unwrap()
        .iter()
        .find(|session| session["current"] == false)
        .unwrap_or_else(|| panic!("the session on B is listed on A: {list}"));
    let handle = other["handle"].as_str().unwrap().to_owned();
    owner
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let reply = owner
        .call("sign_out_session", &[("handle", handle.as_str())])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        elsewhere.status_of("current_account", &[]).await,
        401,
        "refused on B at once"
    );
}
