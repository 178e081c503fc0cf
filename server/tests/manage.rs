//! Managing recovery codes, disabling 2FA, and the security activity
//! (issue 4).

mod common;

use common::{Backend, PASSWORD, USER_AGENT, oathtool_code, spawn};

async fn viewing_needs_a_fresh_confirmation_and_marks_used_codes(backend: Backend) {
    let app = spawn(backend).await;
    let (mut client, enabled) = app.with_two_factor("ana").await;
    app.state.clock.advance(301);
    let stale = client.call("view_recovery_codes", &[]).await;
    assert_eq!(stale.status, 403, "{}", stale.body);
    assert_eq!(stale.json()["error"], "reauth_required");

    // Another session signs in with a recovery code.
    let mut phone_lost = app.password_step("ana").await;
    let used = phone_lost
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[2])],
        )
        .await;
    assert_eq!(used.status, 200);

    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let view = client.call("view_recovery_codes", &[]).await;
    assert_eq!(view.status, 200, "{}", view.body);
    let body = view.json();
    assert_eq!(body["set_number"], 1);
    assert_eq!(view.codes(), enabled.codes);
    let entries = body["codes"].as_array().unwrap();
    for (i, entry) in entries.iter().enumerate() {
        assert_eq!(entry["used_at"].is_null(), i != 2, "entry {i}");
    }
    assert!(entries[2]["used_at"].as_str().unwrap().ends_with("UTC"));

    // A confirmation on one session unlocks nothing on another.
    let mut other = app.password_step("ana").await;
    other
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[3])],
        )
        .await;
    assert_eq!(other.status_of("view_recovery_codes", &[]).await, 403);
}

async fn regenerating_replaces_the_whole_set(backend: Backend) {
    let app = spawn(backend).await;
    let (mut client, enabled) = app.with_two_factor("bob").await;
    let mut other = app.password_step("bob").await;
    other
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[0])],
        )
        .await;
    assert_eq!(other.status_of("current_account", &[]).await, 200);

    app.state.clock.advance(301);
    assert_eq!(
        client.status_of("regenerate_recovery_codes", &[]).await,
        403
    );
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let before = client.cookie.clone();
    let reply = client.call("regenerate_recovery_codes", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["set_number"], 2);
    let fresh = reply.codes();
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|code| !enabled.codes.contains(code)));
    assert_ne!(
        before, client.cookie,
        "this session continues under a new id"
    );
    assert_eq!(client.status_of("current_account", &[]).await, 200);
    assert_eq!(
        other.status_of("current_account", &[]).await,
        401,
        "other sessions end"
    );

    let mut old = app.password_step("bob").await;
    let refused = old
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[5])],
        )
        .await;
    assert_eq!(refused.json()["error"], "invalid_recovery_code");
    let accepted = old
        .call("verify_recovery_code", &[("recovery_code", &fresh[5])])
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
}

async fn concurrent_regenerations_leave_exactly_one_set(backend: Backend) {
    let app = spawn(backend).await;
    let (mut first, enabled) = app.with_two_factor("cyd").await;
    let mut second = app.password_step("cyd").await;
    second
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[0])],
        )
        .await;
    first
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    second
        .call("confirm_password", &[("password", PASSWORD)])
        .await;

    let (a, b) = tokio::join!(
        first.call("regenerate_recovery_codes", &[]),
        second.call("regenerate_recovery_codes", &[])
    );
    assert!(
        a.status == 200 || b.status == 200,
        "{} / {}",
        a.body,
        b.body
    );
    assert_eq!(app.number("SELECT COUNT(*) FROM recovery_codes").await, 10);
    assert_eq!(
        app.number("SELECT COUNT(DISTINCT set_number) FROM recovery_codes")
            .await,
        1
    );
    let current: i64 = app.number("SELECT recovery_set FROM two_factor").await;
    let stored: i64 = app
        .number("SELECT MAX(set_number) FROM recovery_codes")
        .await;
    assert_eq!(current, stored);
    // The surviving set is the one a successful response showed last.
    let winner = [&a, &b]
        .into_iter()
        .filter(|r| r.status == 200)
        .max_by_key(|r| r.json()["set_number"].as_i64().unwrap())
        .unwrap();
    assert_eq!(winner.json()["set_number"], current);
    let mut check = app.password_step("cyd").await;
    let reply = check
        .call(
            "verify_recovery_code",
            &[("recovery_code", &winner.codes()[9])],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn disabling_removes_every_trace_and_needs_the_password(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("dee", PASSWORD).await;
    app.enable_two_factor(&mut client).await;
    let mut other = app.password_step("dee").await;
    // A failure leaves throttle state behind, to be cleared too.
    other
        .call("verify_sign_in_code", &[("code", "000000")])
        .await;

    app.state.clock.advance(301);
    let refused = client.call("disable_two_factor", &[]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["error"], "reauth_required");

    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let reply = client.call("disable_two_factor", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let account = client.call("current_account", &[]).await.json();
    assert_eq!(account["two_factor_enabled"], false);
    assert!(account["recovery_codes_left"].is_null());
    for table in [
        "two_factor",
        "two_factor_methods",
        "two_factor_setup",
        "recovery_codes",
        "second_factor_failures",
    ] {
        assert_eq!(
            app.number(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        app.number("SELECT MAX(second_factor_failures) FROM accounts")
            .await,
        0
    );

    // Sign-in needs only the password again.
    let mut fresh = app.client();
    let signed = fresh
        .call("sign_in", &[("login", "dee"), ("password", PASSWORD)])
        .await;
    assert_eq!(signed.header("location"), Some("/"));
    assert_eq!(fresh.status_of("current_account", &[]).await, 200);
    // The session was re-issued, so the old confirmation is gone too.
    assert_eq!(
        client.call("disable_two_factor", &[]).await.json()["error"],
        "reauth_required"
    );
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(
        client.call("disable_two_factor", &[]).await.json()["error"],
        "two_factor_not_enabled"
    );
}

async fn disabling_during_a_set_up_elsewhere_leaves_no_half_state(backend: Backend) {
    let app = spawn(backend).await;
    let mut tab_a = app.signed_up("eko", PASSWORD).await;
    app.enable_two_factor(&mut tab_a).await;
    let mut tab_b = app.password_step("eko").await;
    app.state.clock.advance(30);
    assert_eq!(app.number("SELECT COUNT(*) FROM two_factor").await, 1);
    // Tab B signs in with a recovery code and starts adding a new phone.
    assert_eq!(
        tab_a
            .status_of("confirm_password", &[("password", PASSWORD)])
            .await,
        200
    );
    let view = tab_a.call("view_recovery_codes", &[]).await;
    let recovery = view.codes();
    tab_b
        .call("verify_recovery_code", &[("recovery_code", &recovery[1])])
        .await;
    tab_b
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let key = tab_b.call("begin_two_factor_setup", &[]).await.json()["manual_key"]
        .as_str()
        .unwrap()
        .to_owned();
    // Tab A disables meanwhile.
    tab_a
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(tab_a.status_of("disable_two_factor", &[]).await, 200);
    // Tab B's session ended with the disable; even replayed with a fresh
    // session, the pending secret is gone.
    let late = tab_b
        .call(
            "confirm_two_factor_setup",
            &[("code", &oathtool_code(&key, app.now()))],
        )
        .await;
    assert!([401, 409].contains(&late.status), "{}", late.body);
    assert_eq!(app.number("SELECT COUNT(*) FROM two_factor").await, 0);
    assert_eq!(app.number("SELECT COUNT(*) FROM two_factor_setup").await, 0);
    assert_eq!(app.number("SELECT COUNT(*) FROM recovery_codes").await, 0);
}

async fn after_losing_the_phone_a_recovery_code_can_move_2fa_to_a_new_one(backend: Backend) {
    let app = spawn(backend).await;
    let mut setup = app.signed_up("fio", PASSWORD).await;
    let old = app.enable_two_factor(&mut setup).await;
    app.state.clock.advance(30);

    // Signed in with a recovery code, the owner adds the new phone and
    // removes the lost one.
    let mut client = app.password_step("fio").await;
    let reply = client
        .call("verify_recovery_code", &[("recovery_code", &old.codes[0])])
        .await;
    assert_eq!(reply.status, 200);
    let new = app.add_app(&mut client).await;
    assert_ne!(old.key, new);
    let html = client.call("methods_html", &[]).await;
    let html: String = serde_json::from_str(&html.body).unwrap();
    let lost = html.split("data-remove=\"").nth(1).unwrap();
    let lost = &lost[..lost.find('"').unwrap()];
    let removed = client
        .call("remove_two_factor_method", &[("id", lost)])
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(
        client.call("current_account", &[]).await.json()["recovery_codes_left"],
        9,
        "the same set, less the code just used"
    );

    app.state.clock.advance(30);
    let mut check = app.password_step("fio").await;
    let stale = check
        .call(
            "verify_sign_in_code",
            &[("code", &oathtool_code(&old.key, app.now()))],
        )
        .await;
    assert_eq!(stale.status, 401, "the old phone's codes stop working");
    let fresh = check
        .call(
            "verify_sign_in_code",
            &[("code", &oathtool_code(&new, app.now()))],
        )
        .await;
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    let kept = app
        .password_step("fio")
        .await
        .call("verify_recovery_code", &[("recovery_code", &old.codes[4])])
        .await;
    assert_eq!(
        kept.status, 200,
        "the saved codes still work: {}",
        kept.body
    );
}

/// A signed-in user cannot flood the activity with notes until the
/// sign-ins drop out of it: repeated notes within five minutes are one.
async fn repeated_download_notes_are_one_line_of_the_activity(backend: Backend) {
    let app = spawn(backend).await;
    let (mut client, _) = app.with_two_factor("noa").await;
    for _ in 0..30 {
        assert_eq!(
            client
                .status_of("note_recovery_codes_downloaded", &[])
                .await,
            200
        );
    }
    let notes = "SELECT COUNT(*) FROM security_events WHERE kind = 'recovery_codes_downloaded'";
    assert_eq!(app.number(notes).await, 1);
    app.state.clock.advance(301);
    client.call("note_recovery_codes_downloaded", &[]).await;
    assert_eq!(app.number(notes).await, 2);
    let activity = client.call("security_activity", &[]).await.json();
    let kinds: Vec<_> = activity
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        kinds.contains(&"two_factor_enabled".to_owned()),
        "{kinds:?}"
    );
}

async fn the_security_activity_lists_every_event_newest_first(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("gia", PASSWORD).await;
    client
        .call("confirm_password", &[("password", "wrong password")])
        .await;
    let enabled = app.enable_two_factor(&mut client).await;
    // Enabling re-issued the session: sensitive actions need a new confirmation.
    assert_eq!(client.status_of("view_recovery_codes", &[]).await, 403);
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(client.status_of("view_recovery_codes", &[]).await, 200);
    client.call("note_recovery_codes_downloaded", &[]).await;
    let fresh = client.call("regenerate_recovery_codes", &[]).await.codes();
    app.state.clock.advance(30);

    let mut other = app.password_step("gia").await;
    for _ in 0..5 {
        other
            .call("verify_sign_in_code", &[("code", "000000")])
            .await;
    }
    other
        .call("verify_sign_in_code", &[("code", "000000")])
        .await; // throttled
    app.state.clock.advance(300);
    other
        .call(
            "verify_sign_in_code",
            &[("code", &oathtool_code(&enabled.key, app.now()))],
        )
        .await;
    let mut third = app.password_step("gia").await;
    third
        .call("verify_recovery_code", &[("recovery_code", &fresh[0])])
        .await;
    third
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    third.call("disable_two_factor", &[]).await;
    app.client()
        .call("sign_in", &[("login", "gia"), ("password", PASSWORD)])
        .await;

    let reply = third.call("security_activity", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let events = reply.json();
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for expected in [
        "signed_in_with_password",
        "two_factor_disabled",
        "signed_in_with_recovery_code",
        "signed_in_with_code",
        "second_factor_throttled",
        "second_factor_failed",
        "recovery_codes_regenerated",
        "recovery_codes_downloaded",
        "recovery_codes_viewed",
        "two_factor_enabled",
        "password_confirmation_failed",
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected} missing from {kinds:?}"
        );
    }
    assert_eq!(
        kinds[0], "signed_in_with_password",
        "newest first: {kinds:?}"
    );
    assert_eq!(kinds[1], "two_factor_disabled");
    let first = &events[0];
    assert_eq!(first["ip"], "127.0.0.1");
    assert_eq!(first["user_agent"], USER_AGENT);
    assert!(first["at"].as_str().unwrap().ends_with("UTC"));
    assert!(!reply.body.contains(&enabled.key.replace(' ', "")));

    assert_eq!(
        app.client().call("security_activity", &[]).await.status,
        401
    );
}

/// The Settings panel's list comes from the server as HTML: every text
/// escaped (the user agent is whatever the client sent), in the language
/// of the request, and only for the signed-in account.
async fn the_activity_panel_is_server_html_escaped_and_in_the_request_language(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.signed_up("hana", PASSWORD).await;
    let hostile = "<img src=x onerror=alert(1)>";
    let wrong = reqwest::Client::builder()
        .user_agent(hostile)
        .build()
        .unwrap()
        .post(app.url("/api/confirm_password"))
        .header("accept", "application/json")
        .form(&[("password", "wrong password")]);
    assert_eq!(
        client.send(wrong).await.json()["error"],
        "incorrect_password"
    );

    let html = |reply: common::Reply| {
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json().as_str().unwrap().to_owned()
    };
    let english = html(client.call("security_activity_html", &[]).await);
    assert!(english.starts_with("<ol "), "{english}");
    assert!(
        english.contains(r#"aria-labelledby="activity-title""#),
        "{english}"
    );
    assert!(
        english.contains("Wrong password in a confirmation"),
        "{english}"
    );
    assert!(
        english.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{english}"
    );
    assert!(!english.contains("<img"), "{english}");

    let indonesian = html(
        client
            .send(
                reqwest::Client::new()
                    .post(app.url("/api/security_activity_html"))
                    .header("accept", "application/json")
                    .header("accept-language", "id-ID,id;q=0.9"),
            )
            .await,
    );
    assert!(
        indonesian.contains("Kata sandi salah saat konfirmasi"),
        "{indonesian}"
    );

    let fresh = app.signed_up("ines", PASSWORD).await;
    let mut fresh = fresh;
    let nothing = html(fresh.call("security_activity_html", &[]).await);
    assert_eq!(nothing, r#"<p class="hint">Nothing yet.</p>"#);
    assert_eq!(
        app.client()
            .call("security_activity_html", &[])
            .await
            .status,
        401
    );
}

on_both_backends!(
    viewing_needs_a_fresh_confirmation_and_marks_used_codes,
    regenerating_replaces_the_whole_set,
    concurrent_regenerations_leave_exactly_one_set,
    disabling_removes_every_trace_and_needs_the_password,
    disabling_during_a_set_up_elsewhere_leaves_no_half_state,
    after_losing_the_phone_a_recovery_code_can_move_2fa_to_a_new_one,
    the_security_activity_lists_every_event_newest_first,
    repeated_download_notes_are_one_line_of_the_activity,
    the_activity_panel_is_server_html_escaped_and_in_the_request_language,
);

mod review_findings {
    use super::*;
    use app::server::accounts;
    use app::server::caller::Caller;
    use app::server::events::RequestMeta;
    use app::server::session::Session;
    use app::server::two_factor::{recovery_codes, setup};

    /// A change made for a session that another change already ended must
    /// fail, not revive that session with the newer epoch.
    async fn a_change_for_an_ended_session_fails_whole(backend: Backend) {
        let app = spawn(backend).await;
        let mut client = app.signed_up("hob", PASSWORD).await;
        app.enable_two_factor(&mut client).await;
        let stale = accounts::find_by_id(&app.state, 1).await.unwrap().unwrap();
        // Someone else's change ends every session (the epoch moves on).
        client
            .call("confirm_password", &[("password", PASSWORD)])
            .await;
        assert_eq!(
            client.status_of("regenerate_recovery_codes", &[]).await,
            200
        );
        let set_before = app.number("SELECT recovery_set FROM two_factor").await;

        // Any session: the stale change fails before it would move one.
        let caller = Caller {
            state: app.state.clone(),
            session: Session::new(&app.state, None, None, Default::default()),
            account: stale,
            meta: RequestMeta::default(),
        };
        let late = recovery_codes::regenerate(&caller).await;
        assert_eq!(late.err(), Some(app::error::AppError::Unauthorized));
        let late = setup::disable(&caller).await;
        assert_eq!(late.err(), Some(app::error::AppError::Unauthorized));
        assert_eq!(
            app.number("SELECT recovery_set FROM two_factor").await,
            set_before
        );
        assert_eq!(app.number("SELECT COUNT(*) FROM recovery_codes").await, 10);
    }

    async fn password_confirmations_are_throttled(backend: Backend) {
        let app = spawn(backend).await;
        let mut client = app.signed_up("ivo", PASSWORD).await;
        for _ in 0..5 {
            let reply = client
                .call("confirm_password", &[("password", "a wrong guess")])
                .await;
            assert_eq!(reply.status, 401);
        }
        let reply = client
            .call("confirm_password", &[("password", PASSWORD)])
            .await;
        assert_eq!(reply.status, 429, "{}", reply.body);
        assert!(reply.header("retry-after").is_some());
        assert_eq!(client.status_of("begin_two_factor_setup", &[]).await, 403);
        app.state
            .clock
            .advance(app::server::password_attempts::WINDOW_SECONDS);
        assert_eq!(
            client
                .status_of("confirm_password", &[("password", PASSWORD)])
                .await,
            200
        );
    }

    async fn a_flood_of_throttled_attempts_leaves_one_activity_line(backend: Backend) {
        let app = spawn(backend).await;
        let mut owner = app.signed_up("jay", PASSWORD).await;
        app.enable_two_factor(&mut owner).await;
        let mut client = app.password_step("jay").await;
        for _ in 0..15 {
            client
                .call("verify_sign_in_code", &[("code", "000000")])
                .await;
        }
        let throttled = app
            .number("SELECT COUNT(*) FROM security_events WHERE kind = 'second_factor_throttled'")
            .await;
        assert_eq!(throttled, 1);
    }

    on_both_backends!(
        a_change_for_an_ended_session_fails_whole,
        password_confirmations_are_throttled,
        a_flood_of_throttled_attempts_leaves_one_activity_line,
    );
}
