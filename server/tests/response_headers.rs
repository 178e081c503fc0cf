//! The headers every response carries (no sniffing, no framing, no
//! referrer beyond this origin, HSTS behind TLS), and answers about a
//! session that no cache may keep.

mod common;

use common::{Backend, PASSWORD, Reply, post_json, spawn, spawn_with};
use serde_json::json;

fn assert_hardened(reply: &Reply, what: &str) {
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        reply.header("referrer-policy"),
        Some("same-origin"),
        "{what}"
    );
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = spawn(backend).await;
    let mut anonymous = app.client();
    let login_page = anonymous.get("/login").await;
    assert_eq!(login_page.status, 200);
    assert_hardened(&login_page, "the sign-in page");
    assert_hardened(&anonymous.get("/no-such-page").await, "a 404 page");
    assert_hardened(&anonymous.get("/pkg/none.wasm").await, "a static file");
    assert_hardened(
        &anonymous.call("current_account", &[]).await,
        "a refused server function",
    );
    let api = post_json(&app, "/api/SignIn", json!({"login": "x", "password": "y"})).await;
    assert_eq!(api.status, 401);
    assert_hardened(&api, "the API");
    // Without TLS, no HSTS: a browser would pin a plain-HTTP host.
    assert_eq!(login_page.header("strict-transport-security"), None);
}

async fn behind_tls_browsers_are_told_to_stay_on_https(backend: Backend) {
    let app = spawn_with(backend, |config| config.secure_cookies = true).await;
    let reply = app.client().get("/login").await;
    assert_eq!(
        reply.header("strict-transport-security"),
        Some("max-age=31536000")
    );
}

async fn answers_about_a_session_are_never_stored(backend: Backend) {
    let app = spawn(backend).await;
    let anonymous = app.client().get("/login").await;
    assert_ne!(anonymous.header("cache-control"), Some("no-store"));

    let mut signed_in = app.signed_up("ines", PASSWORD).await;
    let dashboard = signed_in.get("/").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert_eq!(dashboard.header("cache-control"), Some("no-store"));
    let account = signed_in.call("current_account", &[]).await;
    assert_eq!(account.header("cache-control"), Some("no-store"));

    let (_, _) = app.with_two_factor("jade").await;
    let mut pending = app.password_step("jade").await;
    let second_step = pending.get("/login/verify").await;
    assert_eq!(second_step.status, 200, "{}", second_step.body);
    assert_eq!(second_step.header("cache-control"), Some("no-store"));
}

/// The nonce a page's policy allows, checked against the page's scripts.
fn nonce_of(reply: &Reply) -> String {
    let policy = reply.header("content-security-policy").expect("a CSP");
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "'wasm-unsafe-eval'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce")
        .to_owned();
    // Every inline script of the page carries it.
    let scripts = reply.body.matches("<script").count();
    let nonced = reply.body.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(
        scripts > 0 && nonced >= scripts,
        "{scripts} scripts, {nonced} nonces"
    );
    nonce
}

async fn every_page_has_a_policy_with_a_fresh_nonce(backend: Backend) {
    let app = spawn(backend).await;
    let mut anonymous = app.client();
    let first = nonce_of(&anonymous.get("/login").await);
    let second = nonce_of(&anonymous.get("/login").await);
    assert_ne!(first, second);
    nonce_of(&anonymous.get("/signup").await);
    nonce_of(&anonymous.get("/no-such-page").await);
    let mut signed_in = app.signed_up("kim", PASSWORD).await;
    nonce_of(&signed_in.get("/").await);
}

async fn an_error_in_the_url_shows_only_our_own_words(backend: Backend) {
    let app = spawn(backend).await;
    let forged = [
        json!({"error": "bad_request", "message": "Call +1 555 0100 to unlock"}),
        json!({"error": "invalid_code", "server_time": "Call +1 555 0100 to unlock"}),
        json!({"error": "Call +1 555 0100 to unlock"}),
    ];
    for error in forged {
        let encoded = data_encoding::BASE64URL.encode(error.to_string().as_bytes());
        let page = app
            .client()
            .get(&format!("/login?__path=/api/sign_in&__err={encoded}"))
            .await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("555"), "{}", page.body);
        assert!(
            page.body.contains("The form could not be read"),
            "{}",
            page.body
        );
    }
    // A known kind is worded as ever.
    let known = data_encoding::BASE64URL.encode(br#"{"error":"rate_limited","retry_after":42}"#);
    let page = app
        .client()
        .get(&format!("/login?__path=/api/sign_in&__err={known}"))
        .await;
    assert!(
        page.body.contains("Try again in 42 seconds"),
        "{}",
        page.body
    );
}

on_both_backends!(
    every_page_has_a_policy_with_a_fresh_nonce,
    an_error_in_the_url_shows_only_our_own_words,
    every_response_carries_the_security_headers,
    behind_tls_browsers_are_told_to_stay_on_https,
    answers_about_a_session_are_never_stored,
);
