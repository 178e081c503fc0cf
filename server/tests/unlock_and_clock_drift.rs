//! What the server decides about the unlock and the clock: how long a
//! password confirmation keeps sensitive actions unlocked and Lock now;
//! the phone's clock drift, said once after a code from a neighbouring
//! time step; and the server's time in a refused code's message.

mod common;

use common::{Backend, PASSWORD, a_wrong_code, api_sign_in, oathtool_code, post_json, spawn};
use serde_json::json;

async fn the_unlock_is_reported_counts_down_and_lock_now_ends_it(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("ana", PASSWORD).await;
    // Seconds are compared exactly: a second ticking by mid-test must not count.
    app.state.clock.stop();
    let account = client.call("current_account", &[]).await;
    assert!(account.json()["unlocked_for"].is_null(), "{}", account.body);

    let confirmed = client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.json(), 300, "the unlock lasts five minutes");
    app.state.clock.advance(28);
    let account = client.call("current_account", &[]).await;
    assert_eq!(account.json()["unlocked_for"], 272);

    // Lock now: what was unlocked needs the password again.
    let locked = client.call("lock_sensitive_actions", &[]).await;
    assert_eq!(locked.status, 200, "{}", locked.body);
    let account = client.call("current_account", &[]).await;
    assert!(account.json()["unlocked_for"].is_null());
    let refused = client.call("begin_two_factor_setup", &[]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["error"], "reauth_required");

    // Without Lock now the unlock runs out by itself.
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    app.state.clock.advance(300);
    let account = client.call("current_account", &[]).await;
    assert!(account.json()["unlocked_for"].is_null());

    // Lock now needs a signed-in session.
    let anonymous = app.client().call("lock_sensitive_actions", &[]).await;
    assert_eq!(anonymous.status, 401);
}

async fn a_code_from_a_neighbouring_step_says_which_way_the_clock_is_off(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("ana", PASSWORD).await;
    // Set-up with the code the phone showed a step ago: behind.
    let enabled = common::enable_two_factor_at(&mut client, || app.now() - 30).await;
    let setup_reply = client.call("view_recovery_codes", &[]).await;
    assert!(
        setup_reply.json().get("clock_drift").is_none(),
        "only the set-up answer says it"
    );
    assert_eq!(enabled.clock_drift.as_deref(), Some("behind"));

    // Sign-in with the next step's code: ahead, said once.
    let mut phone = app.password_step("ana").await;
    let code = oathtool_code(&enabled.key, app.now() + 30);
    let verified = phone.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let account = phone.call("current_account", &[]).await;
    assert_eq!(account.json()["clock_drift"], "ahead");
    let again = phone.call("current_account", &[]).await;
    assert!(again.json()["clock_drift"].is_null());
    // With no note to take, reading the account does not write the session
    // back (no save, no new cookie).
    assert_eq!(again.set_cookies(), Vec::<String>::new());

    // A code from the server's own step says nothing.
    app.state.clock.advance(60);
    let mut on_time = app.password_step("ana").await;
    let code = oathtool_code(&enabled.key, app.now());
    on_time
        .call("verify_sign_in_code", &[("code", &code)])
        .await;
    let account = on_time.call("current_account", &[]).await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert!(account.json()["clock_drift"].is_null());
}

async fn a_refused_code_shows_the_server_time(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("ana").await;
    let mut pending = app.password_step("ana").await;
    let right = oathtool_code(&enabled.key, app.now() + 30);
    let wrong = a_wrong_code(&right);
    let reply = pending
        .call("verify_sign_in_code", &[("code", wrong)])
        .await;
    assert_eq!(reply.status, 401);
    let body = reply.json();
    assert_eq!(body["error"], "invalid_code");
    assert_close_to_server_time(body["server_time"].as_str().unwrap(), app.now());

    // The API says it in words too.
    let session = api_sign_in(&app, "ana").await;
    let refused = post_json(
        &app,
        "/api/Verify2FACode",
        json!({"session": session, "code": wrong}),
    )
    .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    let body = refused.json();
    let server_time = body["server_time"].as_str().unwrap();
    assert_close_to_server_time(server_time, app.now());
    assert_eq!(
        body["message"],
        format!("Invalid authentication code. Server time: {server_time}").as_str()
    );
}

/// `HH:MM:SS UTC` within two seconds of the unix time `now` (the test
/// clock keeps running while the request is answered).
fn assert_close_to_server_time(shown: &str, now: i64) {
    let clock = shown
        .strip_suffix(" UTC")
        .unwrap_or_else(|| panic!("{shown:?} is not HH:MM:SS UTC"));
    let parts: Vec<i64> = clock.split(':').map(|p| p.parse().unwrap()).collect();
    assert_eq!(parts.len(), 3, "{shown:?}");
    let seconds = parts[0] * 3600 + parts[1] * 60 + parts[2];
    let gap = (now.rem_euclid(86_400) - seconds).abs();
    assert!(gap.min(86_400 - gap) <= 2, "{shown:?} against {now}");
}

on_both_backends!(
    the_unlock_is_reported_counts_down_and_lock_now_ends_it,
    a_code_from_a_neighbouring_step_says_which_way_the_clock_is_off,
    a_refused_code_shows_the_server_time,
);
