//! The front door: password attempts per account, per source address and
//! per known browser, the hard cap, the owner's view of it, and the
//! hasher shared fairly. Each from the attacker's side and the owner's,
//! over real connections from different 127.x.y.z addresses.

mod common;

use app::server::password_attempts::HARD_CAP;
use common::{Backend, Client, PASSWORD, Reply, TestApp, spawn, spawn_with};

on_both_backends!(
    an_account_is_throttled_from_every_address,
    the_owners_browser_is_not_locked_out_by_a_stranger,
    a_known_browser_has_a_budget_of_its_own,
    one_address_is_throttled_across_logins,
    a_spent_source_is_refused_without_the_database_for_a_second,
    the_hard_cap_needs_a_known_browser_or_an_unlock,
    the_owner_is_told_of_failed_attempts_once,
    a_run_of_failures_is_one_line_of_activity,
    parallel_wrong_confirmations_get_only_the_budget,
    a_flood_from_one_address_does_not_starve_another,
    weak_passwords_are_refused_at_sign_up,
    trusted_proxies_name_the_client,
);

const WRONG: &str = "not the password at all";

/// A refusal: its status and its kind (the API adds a worded message,
/// `common::assert_json_error`).
fn assert_json_error(reply: &Reply, status: u16, kind: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.json()["error"], kind, "{}", reply.body);
}

async fn sign_in(client: &mut Client, login: &str, password: &str) -> Reply {
    client
        .call("sign_in", &[("login", login), ("password", password)])
        .await
}

/// `n` wrong passwords for `login` from fresh browsers at `ip`, each
/// answered 401.
async fn fail_from(app: &TestApp, ip: &str, login: &str, n: usize) {
    for _ in 0..n {
        let reply = sign_in(&mut app.client_from(ip), login, WRONG).await;
        assert_json_error(&reply, 401, "invalid_credentials");
    }
}

async fn failures_on_record(app: &TestApp) -> i64 {
    app.number("SELECT COUNT(*) FROM password_failures").await
}

fn assert_throttled(reply: &Reply) {
    assert_json_error(reply, 429, "rate_limited");
    let retry_after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    assert_eq!(reply.json()["retry_after"], retry_after);
}

async fn an_account_is_throttled_from_every_address(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("ana", PASSWORD).await;
    fail_from(&app, "127.0.1.1", "ana", 10).await;
    assert_eq!(failures_on_record(&app).await, 10);
    let consecutive = "SELECT password_failures FROM accounts WHERE login_key = 'ana'";
    assert_eq!(app.number(consecutive).await, 10);

    // The eleventh, from anywhere, the right password too: refused before
    // any hash (no attempt is written), in the API as in the browser.
    for ip in ["127.0.1.1", "127.0.1.2"] {
        assert_throttled(&sign_in(&mut app.client_from(ip), "ana", WRONG).await);
        assert_throttled(&sign_in(&mut app.client_from(ip), "ana", PASSWORD).await);
    }
    let body = serde_json::json!({"login": "ana", "password": PASSWORD});
    let api = common::post_json(&app, "/api/SignIn", body).await;
    assert_throttled(&api);
    common::assert_json_error(&api, 429, "rate_limited");
    assert_eq!(failures_on_record(&app).await, 10);

    // Without JavaScript: the sign-in page says so.
    let mut browser = app.client_from("127.0.1.3");
    let form = [("login", "ana"), ("password", PASSWORD)];
    let reply = browser.post_form("sign_in", &form, "/login").await;
    let location = reply.header("location").unwrap();
    let path = location
        .split_once(&app.addr.to_string())
        .map_or(location, |(_, path)| path);
    let page = browser.get(path).await;
    assert!(page.body.contains("Too many attempts"), "{}", page.body);

    // When the window passes, the password works again.
    app.state.clock.advance(15 * 60 + 1);
    assert_eq!(
        sign_in(&mut app.client_from("127.0.1.2"), "ana", PASSWORD)
            .await
            .status,
        200
    );
}

async fn the_owners_browser_is_not_locked_out_by_a_stranger(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.client_from("127.0.2.1");
    let reply = owner
        .call("sign_up", &[("login", "bea"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200);
    let device = owner
        .browser_cookie
        .clone()
        .expect("sign-up gives a device cookie");
    owner.call("sign_out", &[]).await;

    fail_from(&app, "127.0.2.9", "bea", 10).await;
    assert_throttled(&sign_in(&mut app.client_from("127.0.2.9"), "bea", PASSWORD).await);

    // The owner's browser signs in; the device cookie stays the same.
    assert_eq!(sign_in(&mut owner, "bea", PASSWORD).await.status, 200);
    assert_eq!(owner.browser_cookie.as_ref(), Some(&device));
    // A device cookie of another account's browser is no key to this one.
    let mut other = app.client_from("127.0.2.8");
    other
        .call("sign_up", &[("login", "cleo"), ("password", PASSWORD)])
        .await;
    other.call("sign_out", &[]).await;
    assert_throttled(&sign_in(&mut other, "bea", PASSWORD).await);
}

async fn a_known_browser_has_a_budget_of_its_own(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("dara", PASSWORD).await;
    owner.call("sign_out", &[]).await;
    for _ in 0..5 {
        assert_json_error(
            &sign_in(&mut owner, "dara", WRONG).await,
            401,
            "invalid_credentials",
        );
    }
    // The browser's own budget is spent; the account's is not touched.
    assert_throttled(&sign_in(&mut owner, "dara", PASSWORD).await);
    assert_eq!(
        app.number("SELECT password_failures FROM accounts WHERE login_key = 'dara'")
            .await,
        0
    );
    assert_eq!(
        sign_in(&mut app.client_from("127.0.3.1"), "dara", PASSWORD)
            .await
            .status,
        200
    );
}

async fn one_address_is_throttled_across_logins(backend: Backend) {
    let app = spawn(backend).await;
    for i in 0..30 {
        fail_from(&app, "127.0.4.1", &format!("nobody{i}"), 1).await;
    }
    assert_throttled(&sign_in(&mut app.client_from("127.0.4.1"), "nobody99", WRONG).await);
    // A spent budget is refused on a read: while another request holds
    // the write turn (SQLite's one writer), the refusal still comes.
    let turn = app.state.db.write_turn().await;
    let mut flooder = app.client_from("127.0.4.1");
    let refused = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        sign_in(&mut flooder, "nobody100", WRONG),
    )
    .await
    .expect("a refusal that does not wait for the writer");
    assert_throttled(&refused);
    drop(turn);
    // Another address is not affected.
    fail_from(&app, "127.0.4.2", "nobody99", 1).await;
}

/// A source this process saw with its budget spent is refused for the
/// hint's second without asking the database (here closed, so every query
/// fails), after a pause: then the database is asked again.
async fn a_spent_source_is_refused_without_the_database_for_a_second(backend: Backend) {
    let app = spawn(backend).await;
    app.state.clock.stop();
    for i in 0..30 {
        fail_from(&app, "127.0.4.5", &format!("nobody{i}"), 1).await;
    }
    // The refusal that finds the budget spent, and notes it.
    assert_throttled(&sign_in(&mut app.client_from("127.0.4.5"), "nobody30", WRONG).await);
    app.state.db.pool.close().await;
    let started = std::time::Instant::now();
    assert_throttled(&sign_in(&mut app.client_from("127.0.4.5"), "nobody31", WRONG).await);
    assert!(
        started.elapsed() >= app::server::source_hints::PAUSE,
        "answered after the pause that slows a flood"
    );
    let elsewhere = sign_in(&mut app.client_from("127.0.4.6"), "nobody31", WRONG).await;
    assert_eq!(elsewhere.status, 503, "{}", elsewhere.body);
    app.state.clock.advance(1);
    let asked = sign_in(&mut app.client_from("127.0.4.5"), "nobody32", WRONG).await;
    assert_eq!(asked.status, 503, "the hint ran out: {}", asked.body);
}

async fn the_hard_cap_needs_a_known_browser_or_an_unlock(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("eli", PASSWORD).await;
    owner.call("sign_out", &[]).await;
    let account_id = app
        .number("SELECT id FROM accounts WHERE login_key = 'eli'")
        .await;
    // A slow, distributed guess has come one short of the cap (each
    // failure counts one, as an_account_is_throttled_from_every_address
    // shows); the next reaches it.
    let one_short = |app: &TestApp| {
        let sql = format!(
            "UPDATE accounts SET password_failures = {} WHERE id = {account_id}",
            HARD_CAP - 1
        );
        let pool = app.state.db.pool.clone();
        async move { sqlx::query(&sql).execute(&pool).await.unwrap() }
    };
    one_short(&app).await;
    fail_from(&app, "127.0.5.1", "eli", 1).await;
    let stranger = sign_in(&mut app.client_from("127.0.5.2"), "eli", PASSWORD).await;
    assert_json_error(&stranger, 423, "sign_in_locked");
    let body = serde_json::json!({"login": "eli", "password": PASSWORD});
    let api = common::post_json(&app, "/api/SignIn", body).await;
    common::assert_json_error(&api, 423, "sign_in_locked");
    assert!(api.json()["message"].as_str().unwrap().contains("operator"));

    // The owner's browser still signs in, and its success lifts the cap.
    assert_eq!(sign_in(&mut owner, "eli", PASSWORD).await.status, 200);
    assert_eq!(
        sign_in(&mut app.client_from("127.0.5.3"), "eli", PASSWORD)
            .await
            .status,
        200
    );

    // The operator's unlock, for an owner who lost every known browser.
    one_short(&app).await;
    fail_from(&app, "127.0.5.4", "eli", 1).await;
    let stranger = sign_in(&mut app.client_from("127.0.5.5"), "eli", PASSWORD).await;
    assert_json_error(&stranger, 423, "sign_in_locked");
    let unlocked = common::admin(&app, &["unlock", "eli"]).await;
    assert!(unlocked.success, "{unlocked:?}");
    assert_eq!(
        unlocked.stdout,
        "unlocked eli: password and second-factor throttles cleared\n"
    );
    assert_eq!(
        sign_in(&mut app.client_from("127.0.5.5"), "eli", PASSWORD)
            .await
            .status,
        200
    );
}

async fn the_owner_is_told_of_failed_attempts_once(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("fay", PASSWORD).await;
    owner.call("sign_out", &[]).await;
    fail_from(&app, "127.0.7.1", "fay", 3).await;
    assert_eq!(sign_in(&mut owner, "fay", PASSWORD).await.status, 200);
    let account = owner.call("current_account", &[]).await.json();
    assert_eq!(account["failed_sign_ins"], 3);
    let again = owner.call("current_account", &[]).await.json();
    assert!(again["failed_sign_ins"].is_null(), "{again}");

    // The page says it, in both languages.
    owner.call("sign_out", &[]).await;
    fail_from(&app, "127.0.7.1", "fay", 1).await;
    sign_in(&mut owner, "fay", PASSWORD).await;
    let page = owner.get("/").await;
    assert!(
        page.body
            .contains("1 failed sign-in attempt since your last sign-in"),
        "{}",
        page.body
    );
    owner.call("sign_out", &[]).await;
    fail_from(&app, "127.0.7.1", "fay", 2).await;
    sign_in(&mut owner, "fay", PASSWORD).await;
    let request = reqwest::Client::new()
        .get(app.url("/"))
        .header("accept-language", "id")
        .header("cookie", owner.cookie.clone().unwrap());
    let page = owner.send(request).await;
    assert!(
        page.body
            .contains("2 upaya masuk gagal sejak terakhir kali Anda masuk"),
        "{}",
        page.body
    );
}

async fn a_run_of_failures_is_one_line_of_activity(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("gus", PASSWORD).await;
    owner.call("sign_out", &[]).await;
    assert_eq!(sign_in(&mut owner, "gus", PASSWORD).await.status, 200);
    // Three windows of guessing, each ending in refusals.
    for window in 0..3 {
        fail_from(&app, &format!("127.0.8.{}", window + 1), "gus", 10).await;
        sign_in(&mut app.client_from("127.0.8.250"), "gus", WRONG).await;
        app.state.clock.advance(15 * 60 + 1);
    }
    let events = owner.call("security_activity", &[]).await.json();
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "password_throttled",
            "password_failed",
            "signed_in_with_password"
        ],
        "{events}"
    );
    assert_eq!(events[1]["repeats"], 30);
    assert_eq!(events[1]["ip"], "127.0.8.3");
}

async fn parallel_wrong_confirmations_get_only_the_budget(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.signed_up("hal", PASSWORD).await;
    let cookie = [owner.cookie.clone(), owner.browser_cookie.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ");
    let http = reqwest::Client::new();
    let attempts = (0..20).map(|_| {
        http.post(app.url("/api/confirm_password"))
            .header("accept", "application/json")
            .header("cookie", cookie.clone())
            .form(&[("password", WRONG)])
            .send()
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|reply| reply.unwrap().status().as_u16())
        .collect();
    let wrong = statuses.iter().filter(|&&s| s == 401).count();
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    // This browser signed in to the account: its budget is five.
    assert_eq!((wrong, refused), (5, 15), "{statuses:?}");
}

async fn a_flood_from_one_address_does_not_starve_another(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("ivy", PASSWORD).await;
    let base = format!("http://{}", app.addr);
    let flood: Vec<_> = (0..200)
        .map(|i| {
            let base = base.clone();
            tokio::spawn(async move {
                let mut attacker = Client::from_address(&base, "127.0.9.1");
                let login = format!("ghost{i}");
                sign_in(&mut attacker, &login, WRONG).await.status
            })
        })
        .collect();
    // Meanwhile, from another network, the owner signs in.
    let mut owner = app.client_from("127.0.9.2");
    assert_eq!(sign_in(&mut owner, "ivy", PASSWORD).await.status, 200);
    let mut statuses = Vec::new();
    for attempt in flood {
        statuses.push(attempt.await.unwrap());
    }
    // The flood got a few hashes at a time and was turned away at once
    // for the rest, or by the address's budget; never a server error.
    assert!(
        statuses.iter().all(|s| [401, 429].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.iter().filter(|&&s| s == 429).count() >= 150,
        "{statuses:?}"
    );
}

async fn weak_passwords_are_refused_at_sign_up(backend: Backend) {
    let app = spawn(backend).await;
    for weak in ["password123", "qwerty123456", "julesjules1"] {
        let reply = app
            .client()
            .call("sign_up", &[("login", "jules"), ("password", weak)])
            .await;
        assert_json_error(&reply, 400, "validation");
        assert_eq!(reply.json()["reason"], "password_weak", "{weak}");
    }
    assert_eq!(app.number("SELECT COUNT(*) FROM accounts").await, 0);
    app.signed_up("jules", "lantern quietly orbit marmalade")
        .await;
}

async fn trusted_proxies_name_the_client(backend: Backend) {
    let sign_in_through = |app: &TestApp, client_ip: &str, login: &str, password: &str| {
        reqwest::Client::new()
            .post(app.url("/api/sign_in"))
            .header("accept", "application/json")
            .header("x-forwarded-for", format!("6.6.6.6, {client_ip}"))
            .form(&[
                ("login", login.to_owned()),
                ("password", password.to_owned()),
            ])
    };

    // Without trusted proxies the header is the client's own words.
    let app = spawn(backend).await;
    app.signed_up("kai", PASSWORD).await;
    let mut client = app.client();
    let forged = sign_in_through(&app, "203.0.113.5", "kai", PASSWORD);
    assert_eq!(client.send(forged).await.status, 200);
    let events = client.call("security_activity", &[]).await.json();
    assert_eq!(events[0]["ip"], "127.0.0.1", "{events}");

    // Behind a trusted proxy, the address it forwarded for counts: in the
    // throttles, and in the activity.
    let app = spawn_with(backend, |config| {
        config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    app.signed_up("lea", PASSWORD).await;
    for i in 0..30 {
        let attempt = sign_in_through(&app, "198.51.100.7", &format!("ghost{i}"), WRONG);
        assert_eq!(app.client().send(attempt).await.status, 401);
    }
    let refused = sign_in_through(&app, "198.51.100.7", "lea", PASSWORD);
    assert_throttled(&app.client().send(refused).await);
    let mut fresh = app.client();
    let reply = fresh
        .send(sign_in_through(&app, "198.51.100.8", "lea", PASSWORD))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let events = fresh.call("security_activity", &[]).await.json();
    assert_eq!(events[0]["kind"], "signed_in_with_password");
    assert_eq!(events[0]["ip"], "198.51.100.8", "{events}");
}
