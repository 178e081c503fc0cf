//! Two-factor set-up and sign-in with the second factor (SECURITY.md
//! cases 1-7, 10-12).

mod common;

use common::{Backend, PASSWORD, Reply, TestApp, oathtool_code, spawn};

async fn setup_needs_a_recent_password_confirmation(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("ana", PASSWORD).await;

    let reply = client.call("begin_two_factor_setup", &[]).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert_eq!(reply.json()["error"], "reauth_required");

    let wrong = client
        .call("confirm_password", &[("password", "not my password")])
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"], "incorrect_password");
    assert_eq!(client.status_of("begin_two_factor_setup", &[]).await, 403);

    let before = client.cookie.clone();
    assert_eq!(
        client
            .status_of("confirm_password", &[("password", PASSWORD)])
            .await,
        200
    );
    assert_ne!(
        before, client.cookie,
        "re-authentication issues a new session id"
    );
    let challenge = client.call("begin_two_factor_setup", &[]).await;
    assert_eq!(challenge.status, 200, "{}", challenge.body);

    // The confirmation lasts five minutes.
    app.state.clock.advance(301);
    assert_eq!(client.status_of("begin_two_factor_setup", &[]).await, 403);
}

async fn the_wizard_shows_the_key_and_a_qr_code(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("bea.q", PASSWORD).await;
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let challenge = client.call("begin_two_factor_setup", &[]).await.json();
    assert_eq!(challenge["issuer"], "Twofold");
    assert_eq!(challenge["account"], "bea.q");
    let key = challenge["manual_key"].as_str().unwrap();
    let groups: Vec<&str> = key.split(' ').collect();
    assert_eq!(groups.len(), 8, "{key}");
    assert!(groups.iter().all(|g| {
        g.len() == 4
            && g.chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    }));
    let raw = data_encoding::BASE32_NOPAD
        .decode(key.replace(' ', "").as_bytes())
        .unwrap();
    assert_eq!(raw.len(), 20, "a 20-byte secret");
    let svg = challenge["qr_svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
    assert_eq!(challenge["expires_in_minutes"], 15);

    // Each set-up gets a fresh secret.
    let again = client.call("begin_two_factor_setup", &[]).await.json();
    assert_ne!(again["manual_key"], challenge["manual_key"]);
}

async fn a_verified_code_enables_two_factor_with_ten_recovery_codes(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("carla", PASSWORD).await;
    let key = client.begin_setup().await;

    let wrong_code = common::a_wrong_code(&oathtool_code(&key, app.now()));
    let wrong = client
        .call("confirm_two_factor_setup", &[("code", wrong_code)])
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"], "invalid_code");
    assert_eq!(
        client.call("current_account", &[]).await.json()["two_factor_enabled"],
        false
    );

    // Pasted with a space, as apps show it.
    let code = oathtool_code(&key, app.now());
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let reply = client
        .call("confirm_two_factor_setup", &[("code", &spaced)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let codes = body["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(body["set_number"], 1);
    assert_eq!(body["login"], "carla");
    assert_eq!(body["generated_on"].as_str().unwrap().len(), 10);

    let account = client.call("current_account", &[]).await.json();
    assert_eq!(account["two_factor_enabled"], true);
    assert_eq!(account["recovery_codes_left"], 10);
}

async fn cancelled_or_expired_setup_leaves_two_factor_off(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("dora", PASSWORD).await;
    let key = client.begin_setup().await;
    assert_eq!(client.status_of("cancel_two_factor_setup", &[]).await, 200);
    let reply = client
        .call(
            "confirm_two_factor_setup",
            &[("code", &oathtool_code(&key, app.now()))],
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["error"], "setup_expired");

    let key = client.begin_setup().await;
    app.state.clock.advance(15 * 60 + 1);
    let reply = client
        .call(
            "confirm_two_factor_setup",
            &[("code", &oathtool_code(&key, app.now()))],
        )
        .await;
    assert_eq!(reply.json()["error"], "setup_expired");
    assert_eq!(
        client.call("current_account", &[]).await.json()["two_factor_enabled"],
        false
    );
}

async fn a_pending_sign_in_grants_nothing_until_the_code(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("eli").await;

    let mut client = app.client();
    let reply = client
        .call("sign_in", &[("login", "eli"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("location"), Some("/login/verify"));
    let pending_cookie = client.cookie.clone().unwrap();

    // Nothing that needs an account answers a pending session.
    assert_eq!(client.status_of("current_account", &[]).await, 401);
    assert_eq!(
        client
            .status_of("confirm_password", &[("password", PASSWORD)])
            .await,
        401
    );
    assert_eq!(client.status_of("begin_two_factor_setup", &[]).await, 401);
    assert_eq!(client.get("/").await.status, 302);
    assert_eq!(
        client.call("awaiting_second_factor", &[]).await.json()["login"],
        "eli"
    );

    // The code that confirmed set-up cannot sign in (same time step).
    let setup_code = oathtool_code(&enabled.key, enabled.confirmed_at);
    let replay = client
        .call("verify_sign_in_code", &[("code", &setup_code)])
        .await;
    assert_eq!(replay.status, 401, "{}", replay.body);
    assert_eq!(replay.json()["error"], "invalid_code");

    app.state.clock.advance(30);
    let code = oathtool_code(&enabled.key, app.now());
    let reply = client.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/"));
    assert_ne!(
        client.cookie.as_ref(),
        Some(&pending_cookie),
        "a new session id after the second factor"
    );
    assert_eq!(
        client.call("current_account", &[]).await.json()["login"],
        "eli"
    );

    let mut old = app.client();
    old.cookie = Some(pending_cookie);
    assert_eq!(old.code_status(&code).await, 401);
}

async fn a_code_is_accepted_once_and_never_after_a_later_one(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("fay").await;
    app.state.clock.advance(60);
    let code = oathtool_code(&enabled.key, app.now());

    let mut first = app.password_step("fay").await;
    assert_eq!(first.code_status(&code).await, 200);

    let mut second = app.password_step("fay").await;
    let replay = second.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(replay.status, 401);
    // Reused and wrong codes read the same.
    let wrong = second
        .call("verify_sign_in_code", &[("code", "000000")])
        .await;
    assert_eq!(replay.body, wrong.body);
    // The previous step's code is inside the window but older than the last used one.
    let older = oathtool_code(&enabled.key, app.now() - 30);
    assert_eq!(second.code_status(&older).await, 401);
}

async fn five_failures_throttle_across_fresh_sign_ins(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("gus").await;
    app.state.clock.advance(30);

    for attempt in 0..5 {
        // A new sign-in every other attempt: it must not reset the count.
        let mut client = app.password_step("gus").await;
        let reply = client
            .call("verify_sign_in_code", &[("code", "000001")])
            .await;
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.body);
    }
    let mut client = app.password_step("gus").await;
    let right = oathtool_code(&enabled.key, app.now());
    let reply = client
        .call("verify_sign_in_code", &[("code", &right)])
        .await;
    assert_eq!(
        reply.status, 429,
        "even the right code waits: {}",
        reply.body
    );
    assert_eq!(reply.json()["error"], "rate_limited");
    let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
    assert_eq!(reply.json()["retry_after"], retry);

    app.state.clock.advance(retry as i64);
    let right = oathtool_code(&enabled.key, app.now());
    let reply = client
        .call("verify_sign_in_code", &[("code", &right)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let failures = app
        .number("SELECT COUNT(*) FROM second_factor_failures")
        .await;
    assert_eq!(failures, 0, "a success resets the count");
}

async fn malformed_codes_never_pass_and_count_as_failures(backend: Backend) {
    let app = spawn(backend).await;
    let mut owner = app.signed_up("hal", PASSWORD).await;
    app.enable_two_factor(&mut owner).await;
    let mut client = app.password_step("hal").await;
    let huge = "9".repeat(10_000);
    for bad in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
        let reply = client.call("verify_sign_in_code", &[("code", bad)]).await;
        assert_eq!(reply.status, 400, "{bad:?}: {}", reply.body);
        assert_eq!(reply.json()["error"], "validation");
    }
    let reply = client.call("verify_sign_in_code", &[("code", &huge)]).await;
    assert_eq!(
        reply.status, 429,
        "the five malformed codes counted: {}",
        reply.body
    );
    let missing = client.call("verify_sign_in_code", &[]).await;
    assert_eq!(missing.status, 400);
    assert_eq!(client.status_of("current_account", &[]).await, 401);
}

/// Twenty pending sign-ins of `login` send `form` to `function` at once;
/// exactly one may succeed. Answers every reply.
async fn twenty_at_once(
    app: &TestApp,
    login: &str,
    function: &str,
    form: &[(&str, &str)],
) -> Vec<Reply> {
    let mut clients = Vec::new();
    for _ in 0..20 {
        clients.push(app.password_step(login).await);
    }
    let replies =
        futures::future::join_all(clients.iter_mut().map(|client| client.call(function, form)))
            .await;
    let successes = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        successes,
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    replies
}

async fn twenty_parallel_uses_of_one_code_succeed_once(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("ivy").await;
    app.state.clock.advance(30);
    let code = oathtool_code(&enabled.key, app.now());
    let replies = twenty_at_once(&app, "ivy", "verify_sign_in_code", &[("code", &code)]).await;
    assert!(replies.iter().all(|r| [200, 401, 429].contains(&r.status)));
}

async fn twenty_parallel_uses_of_one_recovery_code_succeed_once(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("jon").await;
    let form = [("recovery_code", enabled.codes[3].as_str())];
    twenty_at_once(&app, "jon", "verify_recovery_code", &form).await;
}

async fn a_recovery_code_signs_in_once(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("kai").await;

    let mut client = app.password_step("kai").await;
    // Typed in capitals with spaces instead of dashes.
    let typed = enabled.codes[0].to_uppercase().replace('-', " ");
    let reply = client
        .call("verify_recovery_code", &[("recovery_code", &typed)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/"));
    assert_eq!(
        client.call("current_account", &[]).await.json()["recovery_codes_left"],
        9
    );

    let mut again = app.password_step("kai").await;
    let reply = again
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[0])],
        )
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "invalid_recovery_code");
    let malformed = again
        .call("verify_recovery_code", &[("recovery_code", "not-a-code")])
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(again.status_of("current_account", &[]).await, 401);
}

/// Puts `login` at the hard cap of consecutive failures, as a hundred
/// wrong codes would.
async fn at_the_hard_cap(app: &TestApp, login: &str) {
    sqlx::query("UPDATE accounts SET second_factor_failures = 100 WHERE login_key = $1")
        .bind(login)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

async fn the_hard_cap_locks_app_codes_until_a_recovery_code(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("lia").await;
    at_the_hard_cap(&app, "lia").await;
    app.state.clock.advance(30);
    let mut client = app.password_step("lia").await;
    let code = oathtool_code(&enabled.key, app.now());
    let reply = client.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(reply.status, 423, "{}", reply.body);
    assert_eq!(reply.json()["error"], "second_factor_locked");

    let reply = client
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[1])],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut later = app.password_step("lia").await;
    app.state.clock.advance(30);
    let code = oathtool_code(&enabled.key, app.now());
    assert_eq!(later.code_status(&code).await, 200);
}

/// An attacker at the hard cap cannot keep the owner's own recovery code
/// out by sending input that cannot be a code.
async fn at_the_hard_cap_malformed_recovery_codes_change_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("lux").await;
    at_the_hard_cap(&app, "lux").await;
    let mut attacker = app.password_step("lux").await;
    for _ in 0..10 {
        let form = [("recovery_code", "not a code!")];
        assert_eq!(attacker.status_of("verify_recovery_code", &form).await, 400);
    }
    assert_eq!(
        app.number("SELECT second_factor_failures FROM accounts")
            .await,
        100
    );
    let mut owner = app.password_step("lux").await;
    let form = [("recovery_code", enabled.codes[2].as_str())];
    assert_eq!(owner.status_of("verify_recovery_code", &form).await, 200);
}

/// With nothing pending there is no attempt to count, whatever was typed.
async fn confirming_a_set_up_with_nothing_pending_counts_no_failure(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("mia", PASSWORD).await;
    for code in ["123456", "abc", "1234567"] {
        let reply = client
            .call("confirm_two_factor_setup", &[("code", code)])
            .await;
        assert_eq!(reply.status, 409, "{}", reply.body);
        assert_eq!(reply.json()["error"], "setup_expired");
    }
    assert_eq!(
        app.number("SELECT second_factor_failures FROM accounts")
            .await,
        0
    );
    let rows = "SELECT COUNT(*) FROM second_factor_failures";
    assert_eq!(app.number(rows).await, 0);
}

async fn secrets_are_sealed_at_rest_and_tampering_fails_closed(backend: Backend) {
    let app = spawn(backend).await;
    let (_, enabled) = app.with_two_factor("max").await;
    let raw = data_encoding::BASE32_NOPAD
        .decode(enabled.key.replace(' ', "").as_bytes())
        .unwrap();

    let sealed: Vec<u8> = sqlx::query_scalar("SELECT sealed_secret FROM two_factor_methods")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!sealed.windows(raw.len()).any(|w| w == raw.as_slice()));
    assert!(!String::from_utf8_lossy(&sealed).contains(&enabled.key.replace(' ', "")));
    let stored: Vec<(Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT lookup_hash, sealed_code FROM recovery_codes")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 10);
    for code in &enabled.codes {
        let plain = code.replace('-', "");
        for (hash, sealed) in &stored {
            for bytes in [hash, sealed] {
                assert!(!String::from_utf8_lossy(bytes).contains(&plain));
            }
        }
    }

    let mut tampered = sealed.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    sqlx::query("UPDATE two_factor_methods SET sealed_secret = $1")
        .bind(tampered)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.state.clock.advance(30);
    let mut client = app.password_step("max").await;
    let code = oathtool_code(&enabled.key, app.now());
    let reply = client.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert_eq!(reply.json()["error"], "internal");
    assert_eq!(client.status_of("current_account", &[]).await, 401);
}

async fn enabling_ends_the_accounts_other_sessions(backend: Backend) {
    let app = spawn(backend).await;
    let mut this = app.signed_up("noa", PASSWORD).await;
    let mut other = app.password_step("noa").await;
    assert_eq!(other.status_of("current_account", &[]).await, 200);
    app.enable_two_factor(&mut this).await;
    assert_eq!(other.status_of("current_account", &[]).await, 401);
    assert_eq!(this.status_of("current_account", &[]).await, 200);
}

on_both_backends!(
    setup_needs_a_recent_password_confirmation,
    the_wizard_shows_the_key_and_a_qr_code,
    a_verified_code_enables_two_factor_with_ten_recovery_codes,
    cancelled_or_expired_setup_leaves_two_factor_off,
    a_pending_sign_in_grants_nothing_until_the_code,
    a_code_is_accepted_once_and_never_after_a_later_one,
    five_failures_throttle_across_fresh_sign_ins,
    malformed_codes_never_pass_and_count_as_failures,
    twenty_parallel_uses_of_one_code_succeed_once,
    twenty_parallel_uses_of_one_recovery_code_succeed_once,
    a_recovery_code_signs_in_once,
    the_hard_cap_locks_app_codes_until_a_recovery_code,
    at_the_hard_cap_malformed_recovery_codes_change_nothing,
    confirming_a_set_up_with_nothing_pending_counts_no_failure,
    secrets_are_sealed_at_rest_and_tampering_fails_closed,
    enabling_ends_the_accounts_other_sessions,
);
