//! The JSON API: SignIn, Verify2FACode, GetAccount, SignOut (issue 5, first
//! part). The same rules as the browser's sign-in, through the same code.

mod common;

use common::{
    Backend, PASSWORD, Reply, TestApp, api_sign_in, assert_json_error, oathtool_code, post,
    post_json, spawn,
};
use serde_json::json;

async fn with_bearer(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> Reply {
    app.client()
        .send(
            reqwest::Client::new()
                .request(method, app.url(path))
                .header("authorization", format!("Bearer {token}")),
        )
        .await
}

async fn sign_in_without_two_factor_gives_a_session(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("ana", PASSWORD).await;
    let reply = post_json(
        &app,
        "/api/SignIn",
        json!({"login": "ana", "password": PASSWORD}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["two_factor_required"], false);
    let token = reply.json()["session"].as_str().unwrap().to_owned();

    let account = with_bearer(&app, reqwest::Method::GET, "/api/GetAccount", &token).await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert_eq!(
        account.json(),
        json!({"login": "ana", "two_factor_enabled": false, "recovery_codes_left": 0, "methods": [], "email": null})
    );
    let out = with_bearer(&app, reqwest::Method::POST, "/api/SignOut", &token).await;
    assert_eq!(out.status, 204);
    let after = with_bearer(&app, reqwest::Method::GET, "/api/GetAccount", &token).await;
    assert_json_error(&after, 401, "unauthorized");
}

async fn sign_in_then_verify_2fa_code(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("bea").await;
    app.state.clock.advance(30);

    let reply = post_json(
        &app,
        "/api/SignIn",
        json!({"login": "bea", "password": PASSWORD}),
    )
    .await;
    assert_eq!(reply.json()["two_factor_required"], true);
    let pending = reply.json()["session"].as_str().unwrap().to_owned();
    // A pending session is refused by everything but Verify2FACode.
    let early = with_bearer(&app, reqwest::Method::GET, "/api/GetAccount", &pending).await;
    assert_json_error(&early, 401, "unauthorized");

    let code = oathtool_code(&enabled.key, app.now());
    let verified = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": pending, "code": code}),
    )
    .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let token = verified.json()["session"].as_str().unwrap().to_owned();
    assert_ne!(token, pending, "a new session id after the second factor");
    let account = with_bearer(&app, reqwest::Method::GET, "/api/GetAccount", &token).await;
    let (account, methods) = split_methods(account.json());
    assert_eq!(
        account,
        json!({"login": "bea", "two_factor_enabled": true, "recovery_codes_left": 10, "email": null})
    );
    // The app that signed in, used just now.
    assert_eq!(methods.len(), 1, "{methods:?}");
    assert_eq!(methods[0]["kind"], "app");
    assert_eq!(methods[0]["name"], "");
    let used = app::server::dates::rfc3339_of(app.now());
    assert_eq!(methods[0]["last_used_at"], used.as_str());
    // The pending session is dead, and the code was used once.
    let again = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": pending, "code": code}),
    )
    .await;
    assert_json_error(&again, 401, "unauthorized");
    let fresh = post_json(
        &app,
        "/api/SignIn",
        json!({"login": "bea", "password": PASSWORD}),
    )
    .await;
    let replay = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": fresh.json()["session"], "code": code}),
    )
    .await;
    assert_json_error(&replay, 401, "invalid_code");
}

async fn wrong_password_and_unknown_login_are_alike(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("cid", PASSWORD).await;
    let wrong = post_json(
        &app,
        "/api/SignIn",
        json!({"login": "cid", "password": "wrong password"}),
    )
    .await;
    let unknown = post_json(
        &app,
        "/api/SignIn",
        json!({"login": "nobody", "password": "wrong password"}),
    )
    .await;
    assert_json_error(&wrong, 401, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.status, unknown.status);
}

async fn throttling_holds_across_fresh_api_sign_ins(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("dov").await;
    app.state.clock.advance(30);
    for _ in 0..5 {
        let signed = post_json(
            &app,
            "/api/SignIn",
            json!({"login": "dov", "password": PASSWORD}),
        )
        .await;
        let reply = post_json(
            &app,
            "/api/Verify2FACode",
            json!({"session": signed.json()["session"], "code": "000001"}),
        )
        .await;
        assert_json_error(&reply, 401, "invalid_code");
    }
    let signed = post_json(
        &app,
        "/api/SignIn",
        json!({"login": "dov", "password": PASSWORD}),
    )
    .await;
    let right = oathtool_code(&enabled.key, app.now());
    let reply = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": signed.json()["session"], "code": right}),
    )
    .await;
    assert_json_error(&reply, 429, "rate_limited");
    let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=300).contains(&retry));
}

async fn a_recovery_code_works_once_through_the_api(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("eda").await;
    for expected in [200, 401] {
        let signed = post_json(
            &app,
            "/api/SignIn",
            json!({"login": "eda", "password": PASSWORD}),
        )
        .await;
        let reply = post_json(
            &app,
            "/api/Verify2FACode",
            json!({"session": signed.json()["session"], "recovery_code": enabled.codes[7]}),
        )
        .await;
        assert_eq!(reply.status, expected, "{}", reply.body);
    }
}

async fn bad_input_gets_a_precise_json_error(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("fox", PASSWORD).await;
    for body in [
        "not json",
        "{}",
        r#"{"login": "fox"}"#,
        r#"{"login": 5, "password": "x"}"#,
        r#"{"login": ["fox"], "password": "correct horse battery"}"#,
        r#"{"login": "fox", "password": "correct horse battery", "admin": true}"#,
    ] {
        let reply = post(&app, "/api/SignIn", body).await;
        assert_json_error(&reply, 400, "bad_request");
    }
    let no_type = app
        .client()
        .send(
            reqwest::Client::new()
                .post(app.url("/api/SignIn"))
                .body("{}"),
        )
        .await;
    assert_json_error(&no_type, 400, "bad_request");

    let token = api_sign_in(&app, "fox").await;
    let both = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": token, "code": "123456", "recovery_code": "abcd"}),
    )
    .await;
    assert_json_error(&both, 400, "validation");
    assert_eq!(
        both.json()["reason"],
        "code_or_recovery_code",
        "{}",
        both.body
    );
    let number = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": token, "code": 123456}),
    )
    .await;
    assert_json_error(&number, 400, "bad_request");
    let forged = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": "forged", "code": "123456"}),
    )
    .await;
    assert_json_error(&forged, 401, "unauthorized");
    for token in ["", "not-a-session", "AAAAAAAAAAAAAAAAAAAAAA"] {
        let reply = with_bearer(&app, reqwest::Method::GET, "/api/GetAccount", token).await;
        assert_json_error(&reply, 401, "unauthorized");
    }
    let anonymous = app
        .client()
        .send(reqwest::Client::new().get(app.url("/api/GetAccount")))
        .await;
    assert_json_error(&anonymous, 401, "unauthorized");

    // What the framework answers itself is JSON too.
    let huge = format!(
        r#"{{"login": "fox", "password": "{}"}}"#,
        "x".repeat(200 * 1024)
    );
    assert_json_error(
        &post(&app, "/api/SignIn", &huge).await,
        413,
        "payload_too_large",
    );
    let wrong_method = app
        .client()
        .send(reqwest::Client::new().get(app.url("/api/SignIn")))
        .await;
    assert_json_error(&wrong_method, 405, "method_not_allowed");
}

async fn a_pending_session_is_refused_by_everything_but_verify(backend: Backend) {
    let app = spawn(backend).await;
    let mut browser = app.signed_up("gil", PASSWORD).await;
    app.enable_two_factor(&mut browser).await;
    let pending = api_sign_in(&app, "gil").await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/GetAccount"),
        (reqwest::Method::POST, "/api/SignOut"),
    ] {
        assert_json_error(
            &with_bearer(&app, method, path, &pending).await,
            401,
            "unauthorized",
        );
    }
    // Nor does the browser side take it as a cookie.
    let mut cookie = app.client();
    cookie.cookie = Some(format!("twofold={pending}"));
    assert_eq!(cookie.status_of("current_account", &[]).await, 401);
}

/// The `sh` block of a README section marked `<!-- NAME ... -->`.
fn readme_example(name: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = readme
        .split(&format!("<!-- {name}"))
        .nth(1)
        .and_then(|rest| rest.split(&format!("<!-- /{name} -->")).next())
        .unwrap_or_else(|| panic!("the README has the {name} section"));
    section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("a sh block in the {name} section"))
        .to_owned()
}

/// Runs a README example with `env`, in bash with `-euo pipefail`.
async fn run_example(script: String, env: Vec<(&'static str, String)>) -> String {
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .args(["-euo", "pipefail", "-c", &script])
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// GetAccount's reply without its `methods`, and those methods.
fn split_methods(mut account: serde_json::Value) -> (serde_json::Value, Vec<serde_json::Value>) {
    let methods = account["methods"].take();
    account.as_object_mut().unwrap().remove("methods");
    (account, methods.as_array().cloned().unwrap_or_default())
}

/// The README's curl example, run as written against a live server, so it
/// cannot rot.
async fn the_readme_curl_example_works(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("readme.user").await;
    app.state.clock.advance(30);
    let code = oathtool_code(&enabled.key, app.now());
    let env = vec![
        ("TWOFOLD", format!("http://{}", app.addr)),
        ("LOGIN", "readme.user".to_owned()),
        ("PASSWORD", PASSWORD.to_owned()),
        ("CODE", code),
    ];
    let stdout = run_example(readme_example("api-example"), env).await;
    let (account, methods) = split_methods(serde_json::from_str(stdout.trim()).unwrap());
    assert_eq!(
        account,
        json!({"login": "readme.user", "two_factor_enabled": true, "recovery_codes_left": 10, "email": null})
    );
    assert_eq!(methods.len(), 1, "{methods:?}");
    assert_eq!(methods[0]["kind"], "app");
    let with_code: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM security_events WHERE kind = 'signed_in_with_code'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(with_code, 1, "the script signed in with the code once");
}

async fn the_readme_token_example_works(backend: Backend) {
    let app = spawn(backend).await;
    let mut browser = app.signed_up("token.user", PASSWORD).await;
    browser
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let form = [
        ("name", "readme"),
        ("expires_in_days", "7"),
        ("scope", "read_only"),
    ];
    let created = browser.call("create_access_token", &form).await;
    let token = created.json()["token"].as_str().unwrap().to_owned();
    let env = vec![
        ("TWOFOLD", format!("http://{}", app.addr)),
        ("TOKEN", token),
    ];
    let stdout = run_example(readme_example("token-example"), env).await;
    assert_eq!(
        stdout.trim(),
        r#"{"login":"token.user","two_factor_enabled":false,"recovery_codes_left":0,"methods":[],"email":null}"#
    );
}

async fn the_openapi_document_describes_every_endpoint(backend: Backend) {
    let app = spawn(backend).await;
    let reply = app.client().get("/api/openapi.json").await;
    assert_eq!(reply.status, 200);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/api/SignIn", "post"),
        ("/api/Verify2FACode", "post"),
        ("/api/GetAccount", "get"),
        ("/api/SignOut", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    let verify = &doc["components"]["schemas"]["VerifyRequest"]["properties"];
    assert!(verify["code"].is_object() && verify["recovery_code"].is_object());
}

on_both_backends!(
    the_readme_token_example_works,
    a_pending_session_is_refused_by_everything_but_verify,
    the_openapi_document_describes_every_endpoint,
    the_readme_curl_example_works,
    sign_in_without_two_factor_gives_a_session,
    sign_in_then_verify_2fa_code,
    wrong_password_and_unknown_login_are_alike,
    throttling_holds_across_fresh_api_sign_ins,
    a_recovery_code_works_once_through_the_api,
    bad_input_gets_a_precise_json_error,
);
