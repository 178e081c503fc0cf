//! The operator's command line: the real `server admin ...`
//! binary on the database of a server that keeps serving, each effect
//! checked through HTTP.

mod common;

use common::{
    AdminRun, Backend, Client, PASSWORD, Reply, admin, bearer_get, new_access_token, spawn,
};

const NEW_PASSWORD: &str = "copper violin under moss";

fn assert_done(run: &AdminRun, line_starts: &str) {
    assert!(run.success, "{run:?}");
    assert!(run.stdout.starts_with(line_starts), "{run:?}");
    assert_eq!(run.stdout.lines().count(), 1, "one line: {run:?}");
}

fn assert_failed(run: &AdminRun, says: &str) {
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains(says), "{run:?}");
}

async fn sign_in(client: &mut Client, login: &str, password: &str) -> Reply {
    client
        .call("sign_in", &[("login", login), ("password", password)])
        .await
}

async fn events(client: &mut Client) -> String {
    client.call("security_activity", &[]).await.body
}

/// The token of the link a command printed: its last word, after the
/// public URL's `/reset/`.
fn reset_path(run: &AdminRun) -> String {
    let link = run.stdout.split_whitespace().last().unwrap();
    let path = link
        .strip_prefix("http://localhost:3000")
        .unwrap_or_else(|| panic!("a link at the public URL: {run:?}"));
    assert!(path.starts_with("/reset/"), "{run:?}");
    path.to_owned()
}

async fn reset(client: &mut Client, path: &str, password: &str, again: &str) -> Reply {
    let token = path.trim_start_matches("/reset/");
    client
        .call(
            "reset_password",
            &[
                ("token", token),
                ("password", password),
                ("password_again", again),
            ],
        )
        .await
}

async fn accounts_lists_one_line_per_account(backend: Backend) {
    let app = spawn(backend).await;
    app.with_two_factor("ana").await;
    let mut bobs_browser = app.signed_up("bob", PASSWORD).await;
    let mut stranger = app.client_from("127.0.22.1");
    for _ in 0..10 {
        sign_in(&mut stranger, "bob", "a wrong guess").await;
    }
    let listed = admin(&app, &["accounts"]).await;
    assert!(listed.success, "{listed:?}");
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{listed:?}");
    let columns = |line: &str| {
        line.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        columns(lines[0]),
        [
            "LOGIN", "CREATED", "2FA", "CODES", "LEFT", "LAST", "SIGN-IN", "ACCESS"
        ]
    );
    let ana = columns(lines[1]);
    assert_eq!(ana[0], "ana");
    assert_eq!(&ana[4..7], ["on", "10", "never"], "{listed:?}");
    assert_eq!(ana.last().unwrap(), "open");
    let bob = columns(lines[2]);
    assert_eq!(&bob[4..6], ["off", "-"], "{listed:?}");
    assert_eq!(bob.last().unwrap(), "throttled", "{listed:?}");

    // A sign-in shows (from the browser the account knows, which the
    // stranger's guessing does not hold up), and a hard cap is "locked".
    assert_eq!(
        sign_in(&mut bobs_browser, "bob", PASSWORD).await.status,
        200
    );
    sqlx::query("UPDATE accounts SET password_failures = 100 WHERE login_key = 'bob'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let listed = admin(&app, &["accounts"]).await;
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert!(lines[1].contains("never"), "{listed:?}");
    assert!(!lines[2].contains("never"), "{listed:?}");
    assert!(lines[2].ends_with("locked"), "{listed:?}");
}

async fn unlock_lets_a_throttled_account_in(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("cid").await;
    let mut pending = app.password_step("cid").await;
    let wrong = common::a_wrong_code(&common::oathtool_code(&enabled.key, app.now()));
    for _ in 0..5 {
        assert_eq!(pending.code_status(wrong).await, 401);
    }
    let right = common::oathtool_code(&enabled.key, app.now() + 30);
    assert_eq!(pending.code_status(&right).await, 429, "throttled");
    let mut stranger = app.client_from("127.0.22.2");
    for _ in 0..10 {
        sign_in(&mut stranger, "cid", "a wrong guess").await;
    }
    assert_eq!(
        sign_in(&mut app.client_from("127.0.22.3"), "cid", PASSWORD)
            .await
            .status,
        429
    );

    let unlocked = admin(&app, &["unlock", "cid"]).await;
    assert_done(&unlocked, "unlocked cid");
    assert_eq!(pending.code_status(&right).await, 200, "codes open again");
    assert_eq!(
        sign_in(&mut app.client_from("127.0.22.3"), "cid", PASSWORD)
            .await
            .status,
        200,
        "passwords too"
    );
    assert!(events(&mut pending).await.contains("operator_unlocked"));
}

async fn reset_two_factor_lets_the_user_in_with_the_password_alone(backend: Backend) {
    let app = spawn(backend).await;
    let (mut phone_lost, _) = app.with_two_factor("dee").await;
    let reset = admin(&app, &["reset-two-factor", "dee"]).await;
    assert_done(&reset, "reset two-factor authentication of dee");
    assert_eq!(phone_lost.call("current_account", &[]).await.status, 401);

    let mut client = app.client();
    let signed = sign_in(&mut client, "dee", PASSWORD).await;
    assert_eq!(signed.header("location"), Some("/"), "no second step");
    let account = client.call("current_account", &[]).await.json();
    assert_eq!(account["two_factor_enabled"], false, "{account}");
    let html = client.call("security_activity_html", &[]).await.body;
    assert!(
        html.contains("Two-factor authentication was reset by the operator"),
        "{html}"
    );
    assert!(
        html.contains("the operator, from the command line"),
        "{html}"
    );

    let again = admin(&app, &["reset-two-factor", "dee"]).await;
    assert_failed(&again, "has no two-factor authentication");
}

async fn sign_out_ends_live_sessions_and_with_tokens_the_tokens(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("eli", PASSWORD).await;
    let mut other = app.client_from("127.0.22.4");
    sign_in(&mut other, "eli", PASSWORD).await;
    let token = new_access_token(&mut owner).await;
    let get_account = || async { bearer_get(&app, "/api/GetAccount", &token).await.status };

    let out = admin(&app, &["sign-out", "eli"]).await;
    assert_done(&out, "signed out eli: 2 sessions ended");
    assert_eq!(owner.call("current_account", &[]).await.status, 401);
    assert_eq!(other.call("current_account", &[]).await.status, 401);
    assert_eq!(get_account().await, 200, "tokens stay without --tokens");

    let out = admin(&app, &["sign-out", "eli", "--tokens"]).await;
    assert_done(
        &out,
        "signed out eli: 0 sessions ended, 1 access token revoked",
    );
    assert_eq!(get_account().await, 401);
    sign_in(&mut owner, "eli", PASSWORD).await;
    let events = events(&mut owner).await;
    assert!(events.contains("operator_signed_out"), "{events}");
    assert!(events.contains("operator_revoked_tokens"), "{events}");
}

async fn a_reset_link_works_once(backend: Backend) {
    let app = spawn(backend).await;
    let (mut owner, enabled) = app.with_two_factor("fay").await;
    let out = admin(&app, &["reset-link", "fay"]).await;
    assert_done(&out, "reset link for fay (valid for 60 minutes, once): ");
    let path = reset_path(&out);
    let token = path.trim_start_matches("/reset/");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        stored,
        <sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()).to_vec(),
        "only its hash is stored"
    );

    let mut browser = app.client();
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Set a new password"), "{}", page.body);
    assert!(page.body.contains("<strong>fay</strong>"), "{}", page.body);
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert_eq!(page.header("cache-control"), Some("no-store"));

    let weak = reset(&mut browser, &path, "fay-password1", "fay-password1").await;
    assert_eq!(weak.json()["reason"], "password_weak", "{}", weak.body);
    let typo = reset(&mut browser, &path, NEW_PASSWORD, "copper violin").await;
    assert_eq!(typo.json()["field"], "password_again", "{}", typo.body);

    // Without JavaScript: the form posts, and the answer goes to sign-in.
    let form = [
        ("token", token),
        ("password", NEW_PASSWORD),
        ("password_again", NEW_PASSWORD),
    ];
    let done = browser.post_form("reset_password", &form, &path).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.header("location"), Some("/login?notice=password_set"));
    assert_eq!(owner.call("current_account", &[]).await.status, 401);
    let mut fresh = app.client();
    let signed = sign_in(&mut fresh, "fay", NEW_PASSWORD).await;
    assert_eq!(
        signed.header("location"),
        Some("/login/verify"),
        "the second factor is still asked"
    );
    let code = common::oathtool_code(&enabled.key, app.now() + 30);
    assert_eq!(fresh.code_status(&code).await, 200);
    assert!(events(&mut fresh).await.contains("password_reset"));

    let reused = reset(
        &mut app.client(),
        &path,
        "another fine long phrase",
        "another fine long phrase",
    )
    .await;
    assert_eq!(reused.status, 410, "{}", reused.body);
    assert_eq!(reused.json()["error"], "reset_link_used");
    let page = app.client().get(&path).await;
    assert!(page.body.contains("already been used"), "{}", page.body);

    // An expired link, and one that never was.
    let out = admin(&app, &["reset-link", "fay"]).await;
    let path = reset_path(&out);
    sqlx::query("UPDATE password_resets SET expires_at = 0")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let expired = reset(&mut app.client(), &path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        expired.json()["error"],
        "reset_link_expired",
        "{}",
        expired.body
    );
    let bogus = app.client().get("/reset/not-a-token").await;
    assert!(
        bogus.body.contains("This reset link is not valid"),
        "{}",
        bogus.body
    );
    assert_eq!(bogus.status, 404);
}

async fn create_account_prints_the_link_for_its_first_password(backend: Backend) {
    let app = spawn(backend).await;
    let out = admin(&app, &["create-account", "gia"]).await;
    assert_done(&out, "created gia; its first password is set at");
    let path = reset_path(&out);
    assert_eq!(
        sign_in(&mut app.client(), "gia", PASSWORD).await.status,
        401,
        "no password works before the first is set"
    );
    let mut browser = app.client();
    let set = reset(&mut browser, &path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert!(matches!(set.status, 200 | 302), "{}", set.body);
    let mut client = app.client();
    assert_eq!(
        sign_in(&mut client, "gia", NEW_PASSWORD)
            .await
            .header("location"),
        Some("/")
    );
    assert!(
        events(&mut client)
            .await
            .contains("operator_created_account")
    );

    let taken = admin(&app, &["create-account", "GIA"]).await;
    assert_failed(&taken, "already taken");
    let bad = admin(&app, &["create-account", "no spaces"]).await;
    assert_failed(&bad, "Login may contain only");
    assert_eq!(app.number("SELECT COUNT(*) FROM accounts").await, 1);
}

async fn mistakes_change_nothing_and_exit_one(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("hal", PASSWORD).await;
    for args in [
        &["unlock", "nobody"][..],
        &["reset-two-factor", "nobody"],
        &["sign-out", "nobody"],
        &["reset-link", "nobody"],
    ] {
        let run = admin(&app, args).await;
        assert_failed(&run, "no account has the login \"nobody\"");
    }
    let missing = admin(&app, &["unlock"]).await;
    assert_failed(&missing, "LOGIN");
    let unknown = admin(&app, &["promote", "hal"]).await;
    assert_failed(&unknown, "promote");
    assert_eq!(owner.call("current_account", &[]).await.status, 200);
    let kept = app
        .number("SELECT COUNT(*) FROM security_events WHERE kind LIKE 'operator%'")
        .await;
    assert_eq!(kept, 0, "no event for a change that did not happen");
}

async fn a_reset_link_sent_ten_times_at_once_sets_one_password(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("ivo", PASSWORD).await;
    let path = reset_path(&admin(&app, &["reset-link", "ivo"]).await);
    let passwords: Vec<String> = (0..10)
        .map(|i| format!("copper violin under moss {i}"))
        .collect();
    let attempts = passwords.iter().enumerate().map(|(i, password)| {
        let mut client = app.client_from(&format!("127.0.23.{}", i + 1));
        let path = path.clone();
        async move { reset(&mut client, &path, password, password).await.status }
    });
    let statuses = futures::future::join_all(attempts).await;
    let set = statuses.iter().filter(|status| **status == 200).count();
    assert_eq!(set, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|status| matches!(status, 200 | 410)),
        "{statuses:?}"
    );
    // One after the other (at once, one address would be told to wait):
    // nine wrong passwords stay inside the account's budget of ten.
    let mut signed_in = Vec::new();
    for password in &passwords {
        signed_in.push(sign_in(&mut app.client(), "ivo", password).await.status);
    }
    assert_eq!(
        signed_in.iter().filter(|status| **status == 200).count(),
        1,
        "{signed_in:?}"
    );
}

on_both_backends!(
    a_reset_link_sent_ten_times_at_once_sets_one_password,
    accounts_lists_one_line_per_account,
    unlock_lets_a_throttled_account_in,
    reset_two_factor_lets_the_user_in_with_the_password_alone,
    sign_out_ends_live_sessions_and_with_tokens_the_tokens,
    a_reset_link_works_once,
    create_account_prints_the_link_for_its_first_password,
    mistakes_change_nothing_and_exit_one,
);

#[tokio::test]
async fn help_lists_the_commands() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["admin", "--help"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for command in [
        "accounts",
        "unlock",
        "reset-two-factor",
        "sign-out",
        "reset-link",
        "create-account",
    ] {
        assert!(help.contains(command), "{help}");
    }
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--db-timeout", "1", "admin", "accounts", "--data-dir"])
        .arg(dir.path())
        .env(
            "DATABASE_URL",
            "postgres://twofold:secret-pw@127.0.0.1:1/twofold",
        )
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(
        !stderr.contains("secret-pw"),
        "no password in the message: {stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn a_data_dir_without_a_database_is_an_error_and_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mistyped = dir.path().join("dta");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["admin", "accounts", "--data-dir"])
        .arg(&mistyped)
        .env_remove("DATABASE_URL")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no Twofold database at"), "{stderr}");
    assert!(!mistyped.exists(), "nothing created");
}
