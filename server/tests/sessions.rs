//! Sessions: cookie flags, new ids, sign-out, and what needs an account.

mod common;

use app::server::db;
use app::server::session::{self, Session};
use common::{Backend, TestApp, api_sign_in, oathtool_code, serve_in_process, spawn, spawn_with};
use sha2::{Digest, Sha256};

const PASSWORD: &str = "correct horse battery";

fn session_set_cookie(reply: &common::Reply) -> String {
    reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("twofold=") || c.starts_with("__Host-twofold="))
        .expect("a session cookie is set")
}

async fn session_cookie_is_http_only_and_same_site_lax(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.client();
    let reply = client
        .call("sign_up", &[("login", "gil"), ("password", PASSWORD)])
        .await;
    let cookie = session_set_cookie(&reply);
    assert!(cookie.starts_with("twofold="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    assert!(cookie.contains("Max-Age=43200"), "12 hours: {cookie}");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}

async fn a_pending_sign_in_cookie_lives_ten_minutes(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("uma", PASSWORD).await;
    app.enable_two_factor(&mut owner).await;
    let reply = app
        .client()
        .call("sign_in", &[("login", "uma"), ("password", PASSWORD)])
        .await;
    let cookie = session_set_cookie(&reply);
    assert!(cookie.contains("Max-Age=600"), "{cookie}");
}

async fn secure_cookies_when_configured(backend: Backend) {
    let app = spawn_with(backend, |config| config.secure_cookies = true).await;
    let reply = app
        .client()
        .call("sign_up", &[("login", "hana"), ("password", PASSWORD)])
        .await;
    let cookie = session_set_cookie(&reply);
    assert!(cookie.starts_with("__Host-twofold="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

async fn account_functions_refuse_anonymous_callers(backend: Backend) {
    let app = spawn(backend).await;
    let reply = app.client().call("current_account", &[]).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "unauthorized");
}

async fn dashboard_redirects_anonymous_visitors_to_login(backend: Backend) {
    let app = spawn(backend).await;
    let reply = app.client().get("/").await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/login"));
}

async fn a_forged_cookie_is_refused(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.client();
    client.cookie = Some("twofold=AAAAAAAAAAAAAAAAAAAAAA".into());
    assert_eq!(client.status_of("current_account", &[]).await, 401);
}

/// Another site on this host may set a cookie that is not ASCII; browsers
/// send its bytes as they are. It must not sign the user out.
async fn a_cookie_that_is_not_ascii_does_not_hide_the_session(backend: Backend) {
    let app = spawn(backend).await;
    let client = app.signed_up("noor", PASSWORD).await;
    let ours = client.cookie.clone().unwrap();
    // UTF-8, then Latin-1, before and after ours.
    let others: [&[u8]; 2] = [b"theme=caf\xc3\xa9", b"theme=caf\xe9"];
    for other in others {
        for header in [
            [other, b"; ", ours.as_bytes()].concat(),
            [ours.as_bytes(), b"; ", other].concat(),
        ] {
            let reply = reqwest::Client::new()
                .post(app.url("/api/current_account"))
                .header("accept", "application/json")
                .header(
                    "cookie",
                    reqwest::header::HeaderValue::from_bytes(&header).unwrap(),
                )
                .timeout(common::REQUEST_TIMEOUT)
                .send()
                .await
                .unwrap();
            assert_eq!(
                reply.status(),
                200,
                "beside {}",
                String::from_utf8_lossy(other)
            );
            let account: serde_json::Value =
                serde_json::from_str(&reply.text().await.unwrap()).unwrap();
            assert_eq!(account["login"], "noor");
        }
    }
}

async fn sign_in_issues_a_new_session_id_and_the_old_one_dies(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("ines", PASSWORD).await;
    let before = client.cookie.clone().unwrap();

    let reply = client
        .call("sign_in", &[("login", "ines"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = client.cookie.clone().unwrap();
    assert_ne!(before, after, "sign-in must cycle the session id");
    assert_eq!(client.status_of("current_account", &[]).await, 200);

    let mut old = app.client();
    old.cookie = Some(before);
    assert_eq!(old.status_of("current_account", &[]).await, 401);
}

async fn sign_out_kills_the_session_server_side(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("joao", PASSWORD).await;
    let cookie = client.cookie.clone().unwrap();

    let reply = client.call("sign_out", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/login"));
    assert!(client.cookie.is_none(), "the cookie is cleared");

    // Replaying the old cookie (as a thief holding it would) gets nothing.
    let mut replay = app.client();
    replay.cookie = Some(cookie);
    assert_eq!(replay.status_of("current_account", &[]).await, 401);
    assert_eq!(replay.get("/").await.status, 302);
}

async fn sessions_live_in_the_database(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("kiko", PASSWORD).await;
    // A second server on the same database (and data directory) accepts
    // the session.
    let twofold = server::build(&app.config).await.unwrap();
    let other = serve_in_process(twofold.router).await;

    let reply = client
        .send(
            reqwest::Client::new()
                .post(format!("http://{other}/api/current_account"))
                .header("accept", "application/json"),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["login"], "kiko");
}

/// The token of a `name=token` cookie pair.
fn token_in(cookie: &str) -> &str {
    cookie.split_once('=').map_or("", |(_, token)| token)
}

async fn stored_hashes(app: &TestApp) -> Vec<Vec<u8>> {
    sqlx::query_scalar("SELECT id_hash FROM sessions ORDER BY id_hash")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

async fn only_a_hash_of_the_token_is_stored(backend: Backend) {
    let app = spawn(backend).await;
    let client = app.signed_up("lale", PASSWORD).await;
    let token = token_in(client.cookie.as_deref().unwrap());
    assert_eq!(token.len(), 43, "256 random bits, base64url: {token}");
    assert_eq!(
        stored_hashes(&app).await,
        vec![Sha256::digest(token.as_bytes()).to_vec()]
    );
}

async fn a_session_ends_after_twelve_idle_hours_and_use_keeps_it_alive(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("mira", PASSWORD).await;
    for _ in 0..3 {
        app.state.clock.advance(11 * 3600);
        let reply = client.call("current_account", &[]).await;
        assert_eq!(reply.status, 200, "used within 12 hours: {}", reply.body);
    }
    app.state.clock.advance(12 * 3600 + 1);
    let reply = client.call("current_account", &[]).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
}

async fn api_sessions_stay_alive_while_used_and_end_when_idle(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("nils", PASSWORD).await;
    let token = api_sign_in(&app, "nils").await;
    let get_account = async || {
        app.client()
            .send(
                reqwest::Client::new()
                    .get(app.url("/api/GetAccount"))
                    .bearer_auth(&token),
            )
            .await
    };
    for _ in 0..3 {
        app.state.clock.advance(11 * 3600);
        assert_eq!(get_account().await.status, 200);
    }
    app.state.clock.advance(12 * 3600 + 1);
    assert_eq!(get_account().await.status, 401);
}

async fn expired_session_rows_are_deleted(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("olga", PASSWORD).await;
    app.state.clock.advance(12 * 3600 + 1);
    let mut live = app.signed_up("pavel", PASSWORD).await;
    // And a session that a change of its account's epoch ended.
    app.signed_up("vera", PASSWORD).await;
    sqlx::query("UPDATE accounts SET session_epoch = session_epoch + 1 WHERE login_key = 'vera'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let max = app.state.settings.session_max_seconds;
    let deleted = session::delete_dead(&app.state.db, app.now(), max, 500)
        .await
        .unwrap();
    assert_eq!(deleted, 2);
    let token = token_in(live.cookie.as_deref().unwrap()).to_owned();
    assert_eq!(
        stored_hashes(&app).await,
        vec![Sha256::digest(token.as_bytes()).to_vec()]
    );
    assert_eq!(live.status_of("current_account", &[]).await, 200);
}

/// Makes every write of a session row fail (a fault inside the database),
/// or stop failing.
async fn refuse_session_writes(app: &TestApp, refuse: bool) {
    let statements: &[&str] = match (app.state.db.backend, refuse) {
        (db::Backend::Sqlite, true) => &[
            "CREATE TRIGGER refuse_insert BEFORE INSERT ON sessions
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
            "CREATE TRIGGER refuse_update BEFORE UPDATE ON sessions
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
        (db::Backend::Sqlite, false) => {
            &["DROP TRIGGER refuse_insert", "DROP TRIGGER refuse_update"]
        }
        (db::Backend::Postgres, true) => &[
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql
             AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
            "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON sessions
             FOR EACH ROW EXECUTE FUNCTION refuse()",
        ],
        (db::Backend::Postgres, false) => {
            &["DROP TRIGGER refuse ON sessions", "DROP FUNCTION refuse"]
        }
    };
    for statement in statements {
        sqlx::query(statement)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
}

async fn a_recovery_code_is_not_spent_when_its_sign_in_cannot_be_written(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("quin").await;
    let mut pending = app.password_step("quin").await;
    let form = [("recovery_code", enabled.codes[0].as_str())];

    refuse_session_writes(&app, true).await;
    let reply = pending.call("verify_recovery_code", &form).await;
    assert_eq!(reply.status, 500, "{}", reply.body);

    refuse_session_writes(&app, false).await;
    let reply = pending.call("verify_recovery_code", &form).await;
    assert_eq!(
        reply.status, 200,
        "the code is unused and the sign-in still pending: {}",
        reply.body
    );
    let account = pending.call("current_account", &[]).await.json();
    assert_eq!(account["recovery_codes_left"], 9);
}

async fn a_change_is_not_made_when_the_session_cannot_be_carried_on(backend: Backend) {
    let app = spawn(backend).await;
    let (mut client, enabled) = app.with_two_factor("rosa").await;
    let reply = client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    refuse_session_writes(&app, true).await;
    let reply = client.call("regenerate_recovery_codes", &[]).await;
    assert_eq!(reply.status, 500, "{}", reply.body);

    refuse_session_writes(&app, false).await;
    // Nothing changed: this session lives on, and the old set is the set.
    let reply = client.call("view_recovery_codes", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.codes(), enabled.codes);
}

/// Two factors sent at once on one pending sign-in: one signs in, the
/// other is refused and spends nothing.
async fn one_pending_sign_in_is_finished_once(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("sami").await;
    app.state.clock.advance(30);
    let code = oathtool_code(&enabled.key, app.now());
    let mut unused = 10;
    for round in 0..4 {
        let mut by_code = app.password_step("sami").await;
        let mut by_recovery = app.client();
        by_recovery.cookie = by_code.cookie.clone();
        let code_form = [("code", code.as_str())];
        let recovery_form = [("recovery_code", enabled.codes[round].as_str())];
        let (code_reply, recovery_reply) = futures::join!(
            by_code.call("verify_sign_in_code", &code_form),
            by_recovery.call("verify_recovery_code", &recovery_form),
        );
        match (code_reply.status, recovery_reply.status) {
            (200, 401) => {}
            (401, 200) => unused -= 1,
            statuses => panic!("round {round}: {statuses:?}"),
        }
        let left = "SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NULL";
        assert_eq!(app.number(left).await, unused, "round {round}");
    }
}

/// A request that read its session before another ended it (signing out)
/// cannot bring it back by moving it to a new token.
async fn a_session_ended_meanwhile_is_not_revived(backend: Backend) {
    let app = spawn(backend).await;
    let client = app.signed_up("tove", PASSWORD).await;
    let token = token_in(client.cookie.as_deref().unwrap()).to_owned();
    let handle = || Session::new(&app.state, Some(&token), None, Default::default());
    let (slow, quick) = (handle(), handle());
    slow.current_account().await.unwrap();
    quick.sign_out().await.unwrap();

    let late = slow.mark_reauthenticated(app.now()).await;
    assert_eq!(late.err(), Some(app::error::AppError::Unauthorized));
    assert_eq!(stored_hashes(&app).await, Vec::<Vec<u8>>::new());
}

async fn a_session_ends_at_its_absolute_lifetime_however_used(backend: Backend) {
    let app = spawn_with(backend, |config| config.session_max_days = 2).await;
    let mut client = app.signed_up("quinn", PASSWORD).await;
    // Used every eleven hours, it never idles out; two days after it
    // signed in, it ends all the same.
    for _ in 0..4 {
        app.state.clock.advance(11 * 3600);
        assert_eq!(client.status_of("current_account", &[]).await, 200);
    }
    app.state.clock.advance(5 * 3600);
    assert_eq!(client.status_of("current_account", &[]).await, 401);
    // A change that carries the session on (Lock now, a password
    // confirmation) keeps when it signed in.
    let mut client = app.signed_up("rosa", PASSWORD).await;
    for _ in 0..3 {
        app.state.clock.advance(11 * 3600);
        assert_eq!(client.status_of("current_account", &[]).await, 200);
    }
    app.state.clock.advance(7 * 3600);
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    client.call("lock_sensitive_actions", &[]).await;
    app.state.clock.advance(9 * 3600);
    assert_eq!(client.status_of("current_account", &[]).await, 401);
}

async fn the_sweep_deletes_in_batches(backend: Backend) {
    let app = spawn(backend).await;
    let mut live = app.signed_up("sam", PASSWORD).await;
    let (token, at) = match app.state.db.backend {
        db::Backend::Sqlite => ("CAST(i AS BLOB)", "0"),
        db::Backend::Postgres => ("convert_to(i::text, 'UTF8')", "0"),
    };
    // 1,234 dead sessions and 2,345 security events, some 401 days old.
    let now = app.now();
    let old = now - 401 * 24 * 3600;
    for sql in [
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)
             INSERT INTO sessions (id_hash, handle, account_id, epoch, stage, signed_in_at,
                 expires_at)
             SELECT {token}, 'dead-' || i, (SELECT id FROM accounts), 0, 'signed_in', {at}, {at}
             FROM n"
        ),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2345)
             INSERT INTO security_events (account_id, kind, at)
             SELECT (SELECT id FROM accounts), 'recovery_codes_viewed',
                    CASE WHEN i <= 100 THEN {old} ELSE {now} END FROM n"
        ),
    ] {
        sqlx::query(&sql).execute(&app.state.db.pool).await.unwrap();
    }
    app::server::sweep::run(&app.state).await;
    assert_eq!(app.number("SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(live.status_of("current_account", &[]).await, 200);
    // The old ones went, and of the rest the latest 2,000 stay.
    let events = "SELECT COUNT(*) FROM security_events";
    assert_eq!(
        app.number(events).await,
        app::server::sweep::EVENTS_PER_ACCOUNT
    );
    let oldest = "SELECT MIN(at) FROM security_events";
    assert_eq!(app.number(oldest).await, now);
}

on_both_backends!(
    a_session_ends_at_its_absolute_lifetime_however_used,
    the_sweep_deletes_in_batches,
    session_cookie_is_http_only_and_same_site_lax,
    a_pending_sign_in_cookie_lives_ten_minutes,
    secure_cookies_when_configured,
    account_functions_refuse_anonymous_callers,
    dashboard_redirects_anonymous_visitors_to_login,
    a_forged_cookie_is_refused,
    a_cookie_that_is_not_ascii_does_not_hide_the_session,
    sign_in_issues_a_new_session_id_and_the_old_one_dies,
    sign_out_kills_the_session_server_side,
    sessions_live_in_the_database,
    only_a_hash_of_the_token_is_stored,
    a_session_ends_after_twelve_idle_hours_and_use_keeps_it_alive,
    api_sessions_stay_alive_while_used_and_end_when_idle,
    expired_session_rows_are_deleted,
    a_recovery_code_is_not_spent_when_its_sign_in_cannot_be_written,
    a_change_is_not_made_when_the_session_cannot_be_carried_on,
    one_pending_sign_in_is_finished_once,
    a_session_ended_meanwhile_is_not_revived,
);
