//! Personal access tokens (issue 5, second part): created after a password
//! confirmation, shown once, stored as a hash, working on the API without a
//! second factor, never on the dashboard's functions, expiring, revocable.

mod common;

use common::{
    Backend, PASSWORD, Reply, TestApp, api_sign_in, bearer_get, new_access_token, oathtool_code,
    post_json, spawn,
};

async fn get_account(app: &TestApp, token: &str) -> Reply {
    bearer_get(app, "/api/GetAccount", token).await
}

async fn create(client: &mut common::Client, name: &str, days: &str, scope: &str) -> Reply {
    client
        .call(
            "create_access_token",
            &[("name", name), ("expires_in_days", days), ("scope", scope)],
        )
        .await
}

async fn a_token_opens_the_api_without_the_second_factor(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("pat.user", PASSWORD).await;
    app.enable_two_factor(&mut client).await;

    let refused = create(&mut client, "ci", "30", "read_only").await;
    assert_eq!(
        refused.status, 403,
        "creating needs a fresh password confirmation"
    );
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let created = create(&mut client, "ci", "30", "read_only").await;
    assert_eq!(created.status, 200, "{}", created.body);
    let token = created.json()["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("twofold_pat_"));
    assert!(
        token.len() >= "twofold_pat_".len() + 32,
        "at least 128 random bits: {token}"
    );

    let account = get_account(&app, &token).await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert_eq!(account.json()["login"], "pat.user");
    assert_eq!(account.json()["two_factor_enabled"], true);

    // Shown once: the list never carries it; the database holds a hash.
    let list = client.call("list_access_tokens", &[]).await;
    assert!(!list.body.contains(&token));
    assert_eq!(list.json()[0]["name"], "ci");
    assert_eq!(list.json()[0]["id"], created.json()["id"]);
    assert_eq!(list.json()[0]["active"], true);
    assert!(
        list.json()[0]["last_used_at"].is_string(),
        "last use is recorded"
    );
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM access_tokens")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 32, "a SHA-256");
    assert!(!String::from_utf8_lossy(&stored).contains(&token));
}

async fn a_token_cannot_manage_two_factor_or_tokens(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("pat.scope", PASSWORD).await;
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let token = create(&mut client, "rw", "never", "read_write")
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    for function in [
        "begin_two_factor_setup",
        "view_recovery_codes",
        "disable_two_factor",
        "create_access_token",
        "list_access_tokens",
        "access_tokens_html",
        "security_activity_html",
        "confirm_password",
    ] {
        let reply = app
            .client()
            .send(
                reqwest::Client::new()
                    .post(app.url(&format!("/api/{function}")))
                    .header("authorization", format!("Bearer {token}"))
                    .header("accept", "application/json")
                    .form(&[
                        ("password", PASSWORD),
                        ("name", "x"),
                        ("expires_in_days", "7"),
                        ("scope", "read_only"),
                    ]),
            )
            .await;
        assert_eq!(reply.status, 401, "{function}: {}", reply.body);
    }
    let sign_out = app
        .client()
        .send(
            reqwest::Client::new()
                .post(app.url("/api/SignOut"))
                .header("authorization", format!("Bearer {token}")),
        )
        .await;
    assert_eq!(sign_out.status, 403);
    assert_eq!(sign_out.json()["error"], "token_not_allowed");
}

async fn expired_and_revoked_tokens_are_refused_at_once(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("pat.end", PASSWORD).await;
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let week = create(&mut client, "week", "7", "read_only").await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = create(&mut client, "forever", "never", "read_only").await;
    let forever = created.json()["token"].as_str().unwrap().to_owned();
    let id = created.json()["id"].as_i64().unwrap();

    assert_eq!(get_account(&app, &week).await.status, 200);
    app.state.clock.advance(7 * 86_400 + 1);
    let expired = get_account(&app, &week).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.json()["error"], "unauthorized");
    assert_eq!(get_account(&app, &forever).await.status, 200);

    // The week also ended the dashboard's session (12 hours idle).
    assert_eq!(client.status_of("list_access_tokens", &[]).await, 401);
    let mut client = app.password_step("pat.end").await;
    let revoked = client
        .call("revoke_access_token", &[("id", &id.to_string())])
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(get_account(&app, &forever).await.status, 401);
    let list = client.call("list_access_tokens", &[]).await.json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t["active"] == false)
    );

    // Another account cannot revoke (or even see) these.
    let mut other = app.signed_up("pat.other", PASSWORD).await;
    let reply = other
        .call("revoke_access_token", &[("id", &id.to_string())])
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(other.call("list_access_tokens", &[]).await.body, "[]");

    let activity = client.call("security_activity", &[]).await.body;
    assert!(activity.contains("access_token_created") && activity.contains("access_token_revoked"));
}

async fn bad_token_requests_get_clear_errors(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("pat.bad", PASSWORD).await;
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    for (name, days, scope, field) in [
        ("", "7", "read_only", "name"),
        (&"n".repeat(65), "7", "read_only", "name"),
        ("ok", "8", "read_only", "expires_in_days"),
        ("ok", "7", "admin", "scope"),
    ] {
        let reply = create(&mut client, name, days, scope).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert_eq!(reply.json()["field"], field);
    }
    for token in [
        "twofold_pat_",
        "twofold_pat_forged",
        &format!("twofold_pat_{}", "a".repeat(500)),
    ] {
        assert_eq!(get_account(&app, token).await.status, 401);
    }
}

/// The Access tokens tab's list is server HTML (names escaped: they are the
/// user's input), each Revoke button carrying its token's id; the account
/// lists its active tokens, the doors shown next to 2FA.
async fn the_tokens_panel_and_the_doors_follow_each_token(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("pat.panel", PASSWORD).await;
    let html = |reply: Reply| {
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json().as_str().unwrap().to_owned()
    };
    let doors = |reply: Reply| reply.json()["active_tokens"].clone();
    assert_eq!(
        html(client.call("access_tokens_html", &[]).await),
        r#"<p class="hint">No tokens yet.</p>"#
    );
    assert_eq!(
        doors(client.call("current_account", &[]).await),
        serde_json::json!([])
    );

    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let name = "<b>deploy</b>";
    let id = create(&mut client, name, "30", "read_write").await.json()["id"]
        .as_i64()
        .unwrap();
    create(&mut client, "backup", "7", "read_only").await;
    assert_eq!(
        doors(client.call("current_account", &[]).await),
        serde_json::json!(["backup", name])
    );

    let panel = html(client.call("access_tokens_html", &[]).await);
    assert!(panel.starts_with(r#"<table class="tokens">"#), "{panel}");
    assert!(panel.contains("&lt;b&gt;deploy&lt;/b&gt;"), "{panel}");
    assert!(!panel.contains("<b>"), "{panel}");
    assert!(panel.contains(&format!(r#"data-revoke="{id}""#)), "{panel}");
    assert!(panel.contains("Read and write"), "{panel}");
    assert_eq!(panel.matches("data-revoke=").count(), 2, "{panel}");

    client
        .call("revoke_access_token", &[("id", &id.to_string())])
        .await;
    let panel = html(client.call("access_tokens_html", &[]).await);
    assert_eq!(panel.matches("data-revoke=").count(), 1, "{panel}");
    assert!(panel.contains("Inactive"), "{panel}");
    assert_eq!(
        doors(client.call("current_account", &[]).await),
        serde_json::json!(["backup"])
    );
    assert_eq!(
        app.client().call("access_tokens_html", &[]).await.status,
        401
    );
}

/// A token's GetAccount is read in one query (the account joined with its
/// methods): it must answer what a signed-in session's does, with no
/// method, and with two apps in the order they were added, one of them used.
async fn a_token_reads_the_account_as_a_session_does(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("same.reply", PASSWORD).await;
    let token = new_access_token(&mut client).await;
    let by_session = async |app: &TestApp| {
        let session = api_sign_in(app, "same.reply").await;
        get_account(app, &session).await.json()
    };
    let plain = get_account(&app, &token).await;
    assert_eq!(plain.status, 200, "{}", plain.body);
    assert_eq!(plain.json()["methods"], serde_json::json!([]));
    assert_eq!(plain.json(), by_session(&app).await);

    let enabled = app.enable_two_factor(&mut client).await;
    let token = new_access_token(&mut client).await;
    app.add_app(&mut client).await;
    app.state.clock.advance(30);
    let pending = api_sign_in(&app, "same.reply").await;
    let code = oathtool_code(&enabled.key, app.now());
    let body = serde_json::json!({"session": pending, "code": code});
    let verified = post_json(&app, "/api/Verify2FACode", body).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let session = verified.json()["session"].as_str().unwrap().to_owned();

    let by_token = get_account(&app, &token).await.json();
    let methods = by_token["methods"].as_array().unwrap();
    assert_eq!(methods.len(), 2, "{by_token}");
    assert!(
        methods[0]["last_used_at"].is_string(),
        "the first app was used: {by_token}"
    );
    assert!(methods[1]["last_used_at"].is_null(), "{by_token}");
    assert_eq!(by_token["recovery_codes_left"], 10);
    assert_eq!(by_token, get_account(&app, &session).await.json());
}

on_both_backends!(
    a_token_reads_the_account_as_a_session_does,
    a_token_opens_the_api_without_the_second_factor,
    a_token_cannot_manage_two_factor_or_tokens,
    expired_and_revoked_tokens_are_refused_at_once,
    bad_token_requests_get_clear_errors,
    the_tokens_panel_and_the_doors_follow_each_token,
);
