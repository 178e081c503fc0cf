//! Sessions: cookie flags, new ids, sign-out, and what needs an account.

mod common;

use common::{Backend, serve_in_process, spawn, spawn_with};

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
    assert_eq!(client.call("current_account", &[]).await.status, 401);
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
    assert_eq!(client.call("current_account", &[]).await.status, 200);

    let mut old = app.client();
    old.cookie = Some(before);
    assert_eq!(old.call("current_account", &[]).await.status, 401);
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
    assert_eq!(replay.call("current_account", &[]).await.status, 401);
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

on_both_backends!(
    session_cookie_is_http_only_and_same_site_lax,
    secure_cookies_when_configured,
    account_functions_refuse_anonymous_callers,
    dashboard_redirects_anonymous_visitors_to_login,
    a_forged_cookie_is_refused,
    sign_in_issues_a_new_session_id_and_the_old_one_dies,
    sign_out_kills_the_session_server_side,
    sessions_live_in_the_database,
);
