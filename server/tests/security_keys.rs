//! Security keys (issue 22) through HTTP, answered by a software
//! authenticator (webauthn-authenticator-rs's `SoftPasskey`): Add security
//! key after the password, as the first method (2FA on, recovery codes) or
//! beside an app; Use your security key at the second step; and the
//! refusals: an expired or reused ceremony, another origin, another
//! account's credential, a malformed answer, a counter that goes back, a
//! bad name. Passkeys need a discoverable credential, which `SoftPasskey`
//! cannot make: the browser suite's virtual authenticator covers them
//! (end2end/tests/security_keys.spec.ts).

mod common;

use common::{Backend, Client, PASSWORD, TestApp, spawn};
use webauthn_authenticator_rs::prelude::{
    CreationChallengeResponse, RequestChallengeResponse, Url, WebauthnAuthenticator,
};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

fn origin(app: &TestApp) -> Url {
    Url::parse(&app.config.public_url).unwrap()
}

/// A ceremony's first half: its handle and the browser's options.
fn ceremony_of(reply: &common::Reply) -> (String, String) {
    assert_eq!(reply.status, 200, "{}", reply.body);
    let start = reply.json();
    let handle = start["ceremony"].as_str().unwrap().to_owned();
    (handle, start["options"].as_str().unwrap().to_owned())
}

/// Add security key with `key`, named `name`: the answer to finishing.
async fn add_key(
    app: &TestApp,
    client: &mut Client,
    key: &mut SoftPasskey,
    name: &str,
) -> common::Reply {
    let confirmed = client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let begun = client
        .call("begin_adding_security_key", &[("kind", "security_key")])
        .await;
    let (ceremony, options) = ceremony_of(&begun);
    let options: CreationChallengeResponse = serde_json::from_str(&options).unwrap();
    let created = key.do_registration(origin(app), options).unwrap();
    let response = serde_json::to_string(&created).unwrap();
    finish_adding(client, &ceremony, name, &response).await
}

/// Finishes Add security key: the browser's `response` to `ceremony`, named.
async fn finish_adding(
    client: &mut Client,
    ceremony: &str,
    name: &str,
    response: &str,
) -> common::Reply {
    let form = [
        ("kind", "security_key"),
        ("ceremony", ceremony),
        ("name", name),
        ("response", response),
    ];
    client.call("finish_adding_security_key", &form).await
}

/// The second step's ceremony for a pending `client`: its handle and options.
async fn ask_for_key(client: &mut Client) -> (String, RequestChallengeResponse) {
    let begun = client.call("begin_security_key_sign_in", &[]).await;
    let (ceremony, options) = ceremony_of(&begun);
    (ceremony, serde_json::from_str(&options).unwrap())
}

async fn answer(client: &mut Client, ceremony: &str, response: &str) -> common::Reply {
    client
        .call(
            "finish_security_key_sign_in",
            &[("ceremony", ceremony), ("response", response)],
        )
        .await
}

/// Signs `login` in with its password, then `key`.
async fn sign_in_with_key(
    app: &TestApp,
    login: &str,
    key: &mut SoftPasskey,
) -> (Client, common::Reply) {
    let mut client = app.password_step(login).await;
    let (ceremony, options) = ask_for_key(&mut client).await;
    let assertion = key.do_authentication(origin(app), options).unwrap();
    let reply = answer(
        &mut client,
        &ceremony,
        &serde_json::to_string(&assertion).unwrap(),
    )
    .await;
    (client, reply)
}

/// The account's one stored credential.
async fn stored_credential(app: &TestApp) -> serde_json::Value {
    let stored: String = sqlx::query_scalar("SELECT credential FROM two_factor_methods")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    serde_json::from_str(&stored).unwrap()
}

/// Sets the stored credential's counter, as a clone that signed in
/// elsewhere would leave it; answers the credential stored.
async fn move_stored_counter(app: &TestApp, counter: u32) -> serde_json::Value {
    let mut credential = stored_credential(app).await;
    credential["counter"] = counter.into();
    sqlx::query("UPDATE two_factor_methods SET credential = $1")
        .bind(credential.to_string())
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    credential
}

/// A second step refused for a counter that went back: not signed in,
/// recorded, and counted as a failed attempt.
async fn assert_refused_as_a_clone(app: &TestApp, client: &mut Client, refused: &common::Reply) {
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(refused.json()["error"], "security_key_counter_went_back");
    assert_eq!(client.status_of("current_account", &[]).await, 401);
    assert_eq!(events_of(app, "security_key_counter_went_back").await, 1);
    assert_eq!(failures(app).await, 1);
}

async fn events_of(app: &TestApp, kind: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM security_events WHERE kind = '{kind}'");
    app.number(&sql).await
}

async fn failures(app: &TestApp) -> i64 {
    app.number("SELECT COUNT(*) FROM second_factor_failures")
        .await
}

async fn a_first_security_key_turns_2fa_on_and_signs_in(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("ana", PASSWORD).await;
    let mut other = app.client();
    other
        .call("sign_in", &[("login", "ana"), ("password", PASSWORD)])
        .await;
    assert_eq!(other.status_of("current_account", &[]).await, 200);
    let mut key = SoftPasskey::new(true);
    let added = add_key(&app, &mut owner, &mut key, "Blue key").await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(added.codes().len(), 10, "the first method comes with codes");
    let account = owner.call("current_account", &[]).await.json();
    assert_eq!(account["two_factor_enabled"], true, "{account}");
    assert_eq!(events_of(&app, "two_factor_enabled").await, 1);
    assert_eq!(
        other.status_of("current_account", &[]).await,
        401,
        "turning 2FA on ends the other sessions"
    );
    let kind: String = sqlx::query_scalar("SELECT kind FROM two_factor_methods")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(kind, "security_key");

    let (mut client, signed) = sign_in_with_key(&app, "ana", &mut key).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(client.status_of("current_account", &[]).await, 200);
    assert_eq!(events_of(&app, "signed_in_with_security_key").await, 1);
    let html = client.call("methods_html", &[]).await.body;
    assert!(
        html.contains("Blue key") && html.contains("Security key"),
        "{html}"
    );
    // The pending page offers it.
    let mut pending = app.password_step("ana").await;
    let page = pending.call("awaiting_second_factor", &[]).await.json();
    assert_eq!(page["security_key"], true, "{page}");
}

async fn a_key_beside_an_app_adds_no_codes_and_either_signs_in(backend: Backend) {
    let app = spawn(backend).await;
    let (mut owner, enabled) = app.with_two_factor("bob").await;
    let mut key = SoftPasskey::new(true);
    let added = add_key(&app, &mut owner, &mut key, "Backup key").await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(added.json(), serde_json::Value::Null, "no new codes");
    assert_eq!(events_of(&app, "two_factor_method_added").await, 1);
    assert_eq!(owner.status_of("current_account", &[]).await, 200);

    let (_, signed) = sign_in_with_key(&app, "bob", &mut key).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    app.state.clock.advance(30);
    let mut by_code = app.password_step("bob").await;
    let code = common::oathtool_code(&enabled.key, app.now());
    assert_eq!(
        by_code
            .status_of("verify_sign_in_code", &[("code", &code)])
            .await,
        200
    );
}

async fn names_are_checked_before_the_ceremony_is_spent(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("cyd", PASSWORD).await;
    owner
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let begun = owner
        .call("begin_adding_security_key", &[("kind", "security_key")])
        .await;
    let (ceremony, options) = ceremony_of(&begun);
    let options: CreationChallengeResponse = serde_json::from_str(&options).unwrap();
    let mut key = SoftPasskey::new(true);
    let created = key.do_registration(origin(&app), options).unwrap();
    let response = serde_json::to_string(&created).unwrap();
    for bad in ["", "\u{7}", &"k".repeat(65)] {
        let reply = finish_adding(&mut owner, &ceremony, bad, &response).await;
        assert_eq!(reply.status, 400, "{bad:?}: {}", reply.body);
        assert_eq!(reply.json()["reason"], "method_name");
    }
    assert_eq!(
        app.number("SELECT COUNT(*) FROM two_factor_methods").await,
        0
    );
    let named = finish_adding(&mut owner, &ceremony, "Key", &response).await;
    assert_eq!(named.status, 200, "{}", named.body);
    // The ceremony was spent by its answer: the same again is refused.
    let again = finish_adding(&mut owner, &ceremony, "Key", &response).await;
    assert_eq!(again.status, 410, "{}", again.body);
    assert_eq!(again.json()["error"], "ceremony_expired");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM two_factor_methods").await,
        1
    );

    // Adding needs the password confirmed.
    app.state.clock.advance(301);
    let stale = owner
        .call("begin_adding_security_key", &[("kind", "security_key")])
        .await;
    assert_eq!(stale.json()["error"], "reauth_required", "{}", stale.body);
    let unknown = owner
        .call("begin_adding_security_key", &[("kind", "app")])
        .await;
    assert!([400, 403].contains(&unknown.status), "{}", unknown.body);
}

async fn late_reused_and_foreign_answers_are_refused(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("dee", PASSWORD).await;
    let mut key = SoftPasskey::new(true);
    assert_eq!(add_key(&app, &mut owner, &mut key, "Key").await.status, 200);

    // Answered after its challenge expired: start again, no attempt counted.
    let mut client = app.password_step("dee").await;
    let (ceremony, options) = ask_for_key(&mut client).await;
    let assertion =
        serde_json::to_string(&key.do_authentication(origin(&app), options).unwrap()).unwrap();
    app.state.clock.advance(6 * 60 + 1);
    let late = answer(&mut client, &ceremony, &assertion).await;
    assert_eq!(late.status, 410, "{}", late.body);
    assert_eq!(late.json()["error"], "ceremony_expired");
    assert_eq!(failures(&app).await, 0);

    // Twice: the first answer spends the ceremony.
    let mut client = app.password_step("dee").await;
    let (ceremony, options) = ask_for_key(&mut client).await;
    let assertion =
        serde_json::to_string(&key.do_authentication(origin(&app), options).unwrap()).unwrap();
    assert_eq!(answer(&mut client, &ceremony, &assertion).await.status, 200);
    let mut replayer = app.password_step("dee").await;
    let replayed = answer(&mut replayer, &ceremony, &assertion).await;
    assert_eq!(
        replayed.json()["error"],
        "ceremony_expired",
        "{}",
        replayed.body
    );

    // Another session's ceremony is not this one's.
    let mut first = app.password_step("dee").await;
    let mut second = app.password_step("dee").await;
    let (ceremony, options) = ask_for_key(&mut first).await;
    let assertion =
        serde_json::to_string(&key.do_authentication(origin(&app), options).unwrap()).unwrap();
    let stolen = answer(&mut second, &ceremony, &assertion).await;
    assert_eq!(
        stolen.json()["error"],
        "ceremony_expired",
        "{}",
        stolen.body
    );

    // From another origin (a phishing site's): refused, and counted.
    let mut client = app.password_step("dee").await;
    let (ceremony, options) = ask_for_key(&mut client).await;
    let phishing = Url::parse("http://localhost:4444").unwrap();
    let assertion =
        serde_json::to_string(&key.do_authentication(phishing, options).unwrap()).unwrap();
    let refused = answer(&mut client, &ceremony, &assertion).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(refused.json()["error"], "security_key_refused");
    assert_eq!(failures(&app).await, 1);

    // Malformed and truncated answers: refused, and counted.
    for bad in ["{}", "not json", &assertion[..assertion.len() / 2]] {
        let mut client = app.password_step("dee").await;
        let (ceremony, _) = ask_for_key(&mut client).await;
        let refused = answer(&mut client, &ceremony, bad).await;
        assert_eq!(
            refused.json()["error"],
            "security_key_refused",
            "{bad:?}: {}",
            refused.body
        );
    }
    assert_eq!(failures(&app).await, 4);
    assert_eq!(client.status_of("current_account", &[]).await, 401);
}

async fn another_accounts_key_is_refused(backend: Backend) {
    let app = spawn(backend).await;
    let mut ana = app.signed_up("ana", PASSWORD).await;
    let mut anas_key = SoftPasskey::new(true);
    assert_eq!(
        add_key(&app, &mut ana, &mut anas_key, "Ana's").await.status,
        200
    );
    let mut bo = app.signed_up("bob", PASSWORD).await;
    let mut bos_key = SoftPasskey::new(true);
    assert_eq!(
        add_key(&app, &mut bo, &mut bos_key, "Bo's").await.status,
        200
    );

    // Bo's sign-in asks for Bo's key; Ana's key signs the same challenge
    // as if it were allowed.
    let mut client = app.password_step("bob").await;
    let (ceremony, mut options) = ask_for_key(&mut client).await;
    let mut for_ana = app.password_step("ana").await;
    let (_, anas_options) = ask_for_key(&mut for_ana).await;
    options.public_key.allow_credentials = anas_options.public_key.allow_credentials;
    let assertion = anas_key.do_authentication(origin(&app), options).unwrap();
    let refused = answer(
        &mut client,
        &ceremony,
        &serde_json::to_string(&assertion).unwrap(),
    )
    .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(refused.json()["error"], "security_key_refused");
    assert_eq!(client.status_of("current_account", &[]).await, 401);
}

async fn a_key_whose_counter_goes_back_is_refused_and_recorded(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("eve", PASSWORD).await;
    let mut key = SoftPasskey::new(true);
    assert_eq!(add_key(&app, &mut owner, &mut key, "Key").await.status, 200);
    let (_, signed) = sign_in_with_key(&app, "eve", &mut key).await;
    assert_eq!(signed.status, 200, "{}", signed.body);

    // The stored counter is ahead of the key's: what a clone that signed
    // in elsewhere would leave.
    assert!(stored_credential(&app).await["counter"].as_u64().unwrap() > 0);
    move_stored_counter(&app, 1_000).await;
    let (mut client, refused) = sign_in_with_key(&app, "eve", &mut key).await;
    assert_refused_as_a_clone(&app, &mut client, &refused).await;
}

/// A ceremony begun before a clone of the key signed in elsewhere: its
/// answer's counter is past the one the ceremony began with, not past the
/// stored one.
async fn a_counter_behind_one_stored_after_the_ceremony_began_is_refused(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("fay", PASSWORD).await;
    let mut key = SoftPasskey::new(true);
    assert_eq!(add_key(&app, &mut owner, &mut key, "Key").await.status, 200);
    let mut client = app.password_step("fay").await;
    let (ceremony, options) = ask_for_key(&mut client).await;

    let credential = move_stored_counter(&app, 1_000).await;

    let assertion = key.do_authentication(origin(&app), options).unwrap();
    let refused = answer(
        &mut client,
        &ceremony,
        &serde_json::to_string(&assertion).unwrap(),
    )
    .await;
    assert_refused_as_a_clone(&app, &mut client, &refused).await;
    assert_eq!(
        stored_credential(&app).await,
        credential,
        "the stored counter is kept"
    );
}

/// Someone who knows the password asks for the key again and again: each
/// ask replaces their session's last, so the owner's own sign-in and
/// Add security key are never held back.
async fn asking_again_replaces_the_last_ceremony(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("gil", PASSWORD).await;
    let mut key = SoftPasskey::new(true);
    assert_eq!(add_key(&app, &mut owner, &mut key, "Key").await.status, 200);

    let mut stranger = app.password_step("gil").await;
    let (first, _) = ask_for_key(&mut stranger).await;
    for _ in 0..30 {
        ask_for_key(&mut stranger).await;
    }
    assert_eq!(
        app.number("SELECT COUNT(*) FROM webauthn_ceremonies").await,
        1,
        "one open ceremony for the session"
    );
    let (_, options) = ask_for_key(&mut stranger).await;
    let assertion =
        serde_json::to_string(&key.do_authentication(origin(&app), options).unwrap()).unwrap();
    let replaced = answer(&mut stranger, &first, &assertion).await;
    assert_eq!(
        replaced.json()["error"],
        "ceremony_expired",
        "{}",
        replaced.body
    );

    let (_, signed) = sign_in_with_key(&app, "gil", &mut key).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let mut second = SoftPasskey::new(true);
    assert_eq!(
        add_key(&app, &mut owner, &mut second, "Spare").await.status,
        200
    );
}

on_both_backends!(
    asking_again_replaces_the_last_ceremony,
    a_counter_behind_one_stored_after_the_ceremony_began_is_refused,
    a_first_security_key_turns_2fa_on_and_signs_in,
    a_key_beside_an_app_adds_no_codes_and_either_signs_in,
    names_are_checked_before_the_ceremony_is_spent,
    late_reused_and_foreign_answers_are_refused,
    another_accounts_key_is_refused,
    a_key_whose_counter_goes_back_is_refused_and_recorded,
);
