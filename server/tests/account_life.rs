//! The account's whole life, for its owner: Change Password, the
//! Sessions tab (every session, signing one or all others out), Delete
//! Account, the activity as a file, and sign-up closed by the operator.

mod common;

use common::{
    Backend, Client, PASSWORD, Reply, TestApp, assert_json_error, bearer_get, new_access_token,
    spawn, spawn_with,
};

const NEW_PASSWORD: &str = "copper violin under moss";

/// A server function's refusal: the status and the error's kind (the
/// dashboard words it; only the JSON API adds a `message`).
fn assert_refused(reply: &Reply, status: u16, kind: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.json()["error"], kind, "{}", reply.body);
}

async fn change(client: &mut Client, current: &str, new: &str, again: &str) -> Reply {
    client
        .call(
            "change_password",
            &[
                ("current_password", current),
                ("new_password", new),
                ("new_password_again", again),
            ],
        )
        .await
}

async fn sign_in(client: &mut Client, login: &str, password: &str) -> Reply {
    client
        .call("sign_in", &[("login", login), ("password", password)])
        .await
}

async fn activity(client: &mut Client) -> String {
    let reply = client.call("security_activity", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

async fn change_password_ends_the_other_sessions_and_keeps_this_one(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("ana", PASSWORD).await;
    let mut other = app.client_from("127.0.21.2");
    assert_eq!(sign_in(&mut other, "ana", PASSWORD).await.status, 200);

    // Each refusal changes nothing.
    let weak = change(&mut owner, PASSWORD, "ana-password1", "ana-password1").await;
    assert_refused(&weak, 400, "validation");
    assert_eq!(weak.json()["field"], "new_password");
    assert_eq!(weak.json()["reason"], "password_weak");
    let close_to_old = "correct horse battery!";
    let weak = change(&mut owner, PASSWORD, close_to_old, close_to_old).await;
    assert_eq!(weak.json()["reason"], "password_weak", "{}", weak.body);
    let typo = change(
        &mut owner,
        PASSWORD,
        NEW_PASSWORD,
        "copper violin under mos",
    )
    .await;
    assert_refused(&typo, 400, "validation");
    assert_eq!(typo.json()["field"], "new_password_again");
    assert_eq!(typo.json()["reason"], "password_mismatch");
    let same = change(&mut owner, PASSWORD, PASSWORD, PASSWORD).await;
    assert_eq!(same.json()["reason"], "password_unchanged", "{}", same.body);
    let wrong = change(&mut owner, "not my password", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_refused(&wrong, 401, "incorrect_password");
    assert_eq!(
        other.call("current_account", &[]).await.status,
        200,
        "a refused change ends no session"
    );

    let changed = change(&mut owner, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(owner.call("current_account", &[]).await.status, 200);
    assert_eq!(other.call("current_account", &[]).await.status, 401);
    assert!(activity(&mut owner).await.contains("password_changed"));

    let mut fresh = app.client_from("127.0.21.3");
    assert_refused(
        &sign_in(&mut fresh, "ana", PASSWORD).await,
        401,
        "invalid_credentials",
    );
    assert_eq!(sign_in(&mut fresh, "ana", NEW_PASSWORD).await.status, 200);
}

async fn a_wrong_current_password_counts_in_the_password_budget(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("bea", PASSWORD).await;
    // The owner's browser is known to the account: five failures in its
    // window, then it waits.
    for _ in 0..5 {
        let wrong = change(&mut owner, "not my password", NEW_PASSWORD, NEW_PASSWORD).await;
        assert_refused(&wrong, 401, "incorrect_password");
    }
    let throttled = change(&mut owner, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_refused(&throttled, 429, "rate_limited");
    assert!(throttled.header("retry-after").is_some());
    assert!(
        activity(&mut owner)
            .await
            .contains("password_confirmation_failed")
    );
    let mut fresh = app.client_from("127.0.21.4");
    assert_eq!(sign_in(&mut fresh, "bea", PASSWORD).await.status, 200);
}

/// The owner with 2FA, a second browser signed in with a recovery code, a
/// pending sign-in (password only) and an API session.
struct Four {
    owner: Client,
    browser: Client,
    pending: Client,
    api: String,
}

async fn four_sessions(app: &TestApp, login: &str) -> Four {
    let (owner, enabled) = app.with_two_factor(login).await;
    let mut browser = app.client_from("127.0.21.5").password_step(login).await;
    let reply = browser
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[0])],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let pending = app.client_from("127.0.21.6").password_step(login).await;
    let pending_token = common::api_sign_in(app, login).await;
    let body = serde_json::json!({"session": pending_token, "recovery_code": enabled.codes[1]});
    let verified = common::post_json(app, "/api/Verify2FACode", body).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    Four {
        owner,
        browser,
        pending,
        api: verified.json()["session"].as_str().unwrap().to_owned(),
    }
}

fn handle_where(list: &serde_json::Value, test: impl Fn(&serde_json::Value) -> bool) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .find(|session| test(session))
        .unwrap_or_else(|| panic!("no such session in {list}"))["handle"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn the_sessions_tab_lists_every_session_and_signs_them_out(backend: Backend) {
    let app = spawn(backend).await;
    let Four {
        mut owner,
        mut browser,
        mut pending,
        api,
    } = four_sessions(&app, "cai").await;

    let list = owner.call("list_sessions", &[]).await.json();
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 4, "{list}");
    assert_eq!(
        sessions.iter().filter(|s| s["current"] == true).count(),
        1,
        "{list}"
    );
    assert_eq!(
        sessions.iter().filter(|s| s["pending"] == true).count(),
        1,
        "{list}"
    );
    let addresses: Vec<_> = sessions.iter().map(|s| s["address"].clone()).collect();
    for address in ["127.0.0.1", "127.0.21.5", "127.0.21.6"] {
        assert!(addresses.contains(&address.into()), "{list}");
    }
    // Handles name sessions; they are neither tokens nor their hashes.
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    for session in sessions {
        let handle = session["handle"].as_str().unwrap();
        assert_eq!(handle.len(), 32, "{list}");
        assert!(!api.contains(handle));
        assert!(hashes.iter().all(|hash| !hex(hash).contains(handle)));
    }
    assert_eq!(pending.status_of("awaiting_second_factor", &[]).await, 200);
    let html = owner.call("sessions_html", &[]).await.json();
    let html = html.as_str().unwrap();
    assert!(html.contains("This browser"), "{html}");
    assert!(html.contains("waiting for the second factor"), "{html}");

    let browser_handle = handle_where(&list, |s| s["address"] == "127.0.21.5");
    let own_handle = handle_where(&list, |s| s["current"] == true);
    let form = [("handle", browser_handle.as_str())];
    let unconfirmed = owner.call("sign_out_session", &form).await;
    assert_refused(&unconfirmed, 403, "reauth_required");
    owner
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(owner.call("sign_out_session", &form).await.status, 200);
    assert_eq!(browser.call("current_account", &[]).await.status, 401);
    let again = owner.call("sign_out_session", &form).await;
    assert_refused(&again, 404, "session_not_found");
    let own = owner
        .call("sign_out_session", &[("handle", own_handle.as_str())])
        .await;
    assert_refused(&own, 400, "validation");
    assert_eq!(own.json()["reason"], "session_current");
    assert_eq!(owner.call("current_account", &[]).await.status, 200);

    // Another account's session is not this account's to end.
    let mut someone = app.signed_up("dov", PASSWORD).await;
    let theirs = handle_where(&someone.call("list_sessions", &[]).await.json(), |_| true);
    let refused = owner
        .call("sign_out_session", &[("handle", theirs.as_str())])
        .await;
    assert_refused(&refused, 404, "session_not_found");
    assert_eq!(someone.call("current_account", &[]).await.status, 200);

    let api_handle = handle_where(&list, |s| {
        s["current"] == false && s["pending"] == false && s["address"] == "127.0.0.1"
    });
    let all = owner.call("sign_out_other_sessions", &[]).await;
    assert_eq!(all.status, 200, "{}", all.body);
    // Its row waits for the sweep, but it is no live session to sign out.
    // (This session moved to a new token: the confirmation went with it.)
    owner
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let dead = owner
        .call("sign_out_session", &[("handle", api_handle.as_str())])
        .await;
    assert_refused(&dead, 404, "session_not_found");
    assert_eq!(bearer_get(&app, "/api/GetAccount", &api).await.status, 401);
    assert_eq!(
        pending.status_of("awaiting_second_factor", &[]).await,
        401,
        "the pending sign-in is over"
    );
    let left = owner.call("list_sessions", &[]).await.json();
    assert_eq!(left.as_array().unwrap().len(), 1, "{left}");
    assert_eq!(left[0]["current"], true);
    let events = activity(&mut owner).await;
    assert!(events.contains("session_signed_out"), "{events}");
    assert!(events.contains("other_sessions_signed_out"), "{events}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn a_session_notes_when_and_from_where_it_was_used(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("eve", PASSWORD).await;
    let list = owner.call("list_sessions", &[]).await.json();
    assert_eq!(list[0]["address"], "127.0.0.1");
    assert!(list[0]["browser"].is_null(), "{list}");
    let began = list[0]["began_at"].as_str().unwrap().to_owned();
    assert_eq!(list[0]["last_used_at"], began.as_str());

    // A browser that says what it is, through a proxy the server trusts.
    let proxied = spawn_with(backend, |config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let chromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 \
                    (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .user_agent(chromium)
        .build()
        .unwrap();
    let form = [("login", "eve"), ("password", PASSWORD)];
    let signed = http
        .post(proxied.url("/api/sign_up"))
        .header("accept", "application/json")
        .header("x-forwarded-for", "203.0.113.9")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 200);
    let list: serde_json::Value = http
        .post(proxied.url("/api/list_sessions"))
        .header("accept", "application/json")
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["browser"], "Chrome 131", "{list}");
    assert_eq!(list[0]["system"], "Linux", "{list}");
    assert_eq!(list[0]["address"], "203.0.113.9", "{list}");
}

async fn delete_account_takes_everything_and_frees_the_login(backend: Backend) {
    let app = spawn(backend).await;
    let (mut owner, _) = app.with_two_factor("fin").await;
    let token = new_access_token(&mut owner).await;
    let mut other = app.client_from("127.0.21.7").password_step("fin").await;
    let mut stranger = app.client_from("127.0.21.8");
    sign_in(&mut stranger, "fin", "a wrong guess").await;
    let id = app
        .number("SELECT id FROM accounts WHERE login_key = 'fin'")
        .await;
    let mut bystander = app.signed_up("gil", PASSWORD).await;
    let tables = [
        "sessions",
        "two_factor",
        "two_factor_methods",
        "recovery_codes",
        "access_tokens",
        "security_events",
        "password_failures",
        "known_browsers",
    ];
    let rows_of =
        |id: i64, table: &str| format!("SELECT COUNT(*) FROM {table} WHERE account_id = {id}");
    for table in tables {
        assert!(
            app.number(&rows_of(id, table)).await > 0,
            "{table} had rows to delete"
        );
    }

    let mistyped = owner
        .call(
            "delete_account",
            &[("login", "Fin"), ("password", PASSWORD)],
        )
        .await;
    assert_refused(&mistyped, 400, "validation");
    assert_eq!(mistyped.json()["reason"], "login_mismatch");
    let wrong = owner
        .call(
            "delete_account",
            &[("login", "fin"), ("password", "a wrong one")],
        )
        .await;
    assert_refused(&wrong, 401, "incorrect_password");
    assert_eq!(owner.call("current_account", &[]).await.status, 200);

    let deleted = owner
        .call(
            "delete_account",
            &[("login", "fin"), ("password", PASSWORD)],
        )
        .await;
    assert!(
        matches!(deleted.status, 200 | 302),
        "{}: {}",
        deleted.status,
        deleted.body
    );
    assert_eq!(
        deleted.header("location"),
        Some("/login?notice=account_deleted")
    );
    assert_eq!(owner.call("current_account", &[]).await.status, 401);
    assert_eq!(other.status_of("awaiting_second_factor", &[]).await, 401);
    assert_eq!(
        bearer_get(&app, "/api/GetAccount", &token).await.status,
        401
    );
    for table in tables.into_iter().chain([
        "second_factor_failures",
        "two_factor_setup",
        "password_resets",
    ]) {
        let left = app.number(&rows_of(id, table)).await;
        assert_eq!(left, 0, "{table} kept rows of the deleted account");
    }
    assert_eq!(
        bystander.call("current_account", &[]).await.status,
        200,
        "another account keeps its session"
    );
    let page = app.client().get("/login?notice=account_deleted").await;
    assert!(
        page.body.contains("Your account was deleted"),
        "{}",
        page.body
    );

    let mut again = app.signed_up("fin", PASSWORD).await;
    let fresh = again.call("current_account", &[]).await.json();
    assert_eq!(fresh["two_factor_enabled"], false, "{fresh}");
}

async fn the_whole_activity_downloads_as_a_csv_file(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("gus", PASSWORD).await;
    // More events than the list's 20: 25 sign-ins, and a stranger whose
    // user agent a spreadsheet would run.
    for _ in 0..25 {
        assert_eq!(sign_in(&mut owner, "gus", PASSWORD).await.status, 200);
    }
    let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let http = reqwest::Client::builder()
        .user_agent(formula)
        .build()
        .unwrap();
    http.post(app.url("/api/SignIn"))
        .json(&serde_json::json!({"login": "gus", "password": "a wrong guess"}))
        .send()
        .await
        .unwrap();

    let file = owner.get("/account/activity.csv").await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(file.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        file.header("content-disposition"),
        Some("attachment; filename=\"twofold-activity.csv\"")
    );
    assert_eq!(file.header("cache-control"), Some("no-store"));
    let mut rows = csv_rows(&file.body);
    let header = rows.remove(0);
    assert_eq!(header[0], "Time (UTC)");
    assert_eq!(rows.len(), 26, "{}", file.body);
    assert_eq!(rows[0][2], "password_failed");
    assert_eq!(rows[0][5], format!("'{formula}"), "made inert");
    assert!(
        rows[1..]
            .iter()
            .all(|row| row[2] == "signed_in_with_password")
    );
    assert!(rows[0][0].ends_with('Z') && rows[0][0].contains('T'));

    let anonymous = app.client().get("/account/activity.csv").await;
    assert_json_error(&anonymous, 401, "unauthorized");
}

/// The records of a CSV file, read by an independent parser.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

async fn sign_up_closed_refuses_with_a_clear_message(backend: Backend) {
    let app = spawn_with(backend, |config| {
        config.signup = server::config::SignUp::Closed;
    })
    .await;
    let page = app.client().get("/signup").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Accounts here are created by the operator"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("name=\"password\""), "no form");
    let login = app.client().get("/login").await;
    assert!(!login.body.contains("href=\"/signup\""), "{}", login.body);
    let refused = app
        .client()
        .call("sign_up", &[("login", "hal"), ("password", PASSWORD)])
        .await;
    assert_refused(&refused, 403, "sign_up_closed");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM accounts").await,
        0,
        "nothing created"
    );
}

on_both_backends!(
    change_password_ends_the_other_sessions_and_keeps_this_one,
    a_wrong_current_password_counts_in_the_password_budget,
    the_sessions_tab_lists_every_session_and_signs_them_out,
    a_session_notes_when_and_from_where_it_was_used,
    delete_account_takes_everything_and_frees_the_login,
    the_whole_activity_downloads_as_a_csv_file,
    sign_up_closed_refuses_with_a_clear_message,
);
