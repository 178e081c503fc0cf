//! Several second factors per account (issue 22): a second authenticator
//! app beside the first, each with its own replay guard and no new
//! recovery codes; renaming and removing methods, with their refusals; the
//! last one removed turns 2FA off.

mod common;

use common::{Backend, Client, PASSWORD, TestApp, oathtool_code, spawn};

/// The ids the methods table's `attribute` buttons carry, in its order.
async fn method_ids(client: &mut Client, attribute: &str) -> Vec<i64> {
    let html = client.call("methods_html", &[]).await;
    assert_eq!(html.status, 200, "{}", html.body);
    let html: String = serde_json::from_str(&html.body).unwrap();
    html.split(&format!("{attribute}=\""))
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect()
}

async fn events_of(app: &TestApp, kind: &str) -> i64 {
    app.number(&format!(
        "SELECT COUNT(*) FROM security_events WHERE kind = '{kind}'"
    ))
    .await
}

async fn a_second_app_signs_in_beside_the_first_with_its_own_replay_guard(backend: Backend) {
    let app = spawn(backend).await;
    let (mut owner, first) = app.with_two_factor("ana").await;
    app.state.clock.advance(30);
    let second = app.add_app(&mut owner).await;
    // No new recovery codes: the same set, all ten left.
    assert_eq!(app.number("SELECT recovery_set FROM two_factor").await, 1);
    let account = owner.call("current_account", &[]).await.json();
    assert_eq!(account["recovery_codes_left"], 10, "{account}");
    assert_eq!(events_of(&app, "two_factor_method_added").await, 1);
    assert_eq!(events_of(&app, "two_factor_enabled").await, 1);
    // The owner's session carried on (adding ends no sessions).
    assert_eq!(owner.status_of("current_account", &[]).await, 200);

    // The step that confirmed the second app is spent for it...
    let mut replay = app.password_step("ana").await;
    let spent = oathtool_code(&second, app.now());
    assert_eq!(
        replay
            .status_of("verify_sign_in_code", &[("code", &spent)])
            .await,
        401
    );
    // ...not for the first app, whose code of the same step signs in.
    let code = oathtool_code(&first.key, app.now());
    assert_eq!(
        replay
            .status_of("verify_sign_in_code", &[("code", &code)])
            .await,
        200
    );
    app.state.clock.advance(30);
    let mut next = app.password_step("ana").await;
    let code = oathtool_code(&second, app.now());
    let signed = next.call("verify_sign_in_code", &[("code", &code)]).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    // Each code once: the second app's code again is refused.
    let mut again = app.password_step("ana").await;
    assert_eq!(
        again
            .status_of("verify_sign_in_code", &[("code", &code)])
            .await,
        401
    );
    let used = app
        .number("SELECT COUNT(*) FROM two_factor_methods WHERE last_used_at IS NOT NULL")
        .await;
    assert_eq!(used, 2, "each app records its own last use");
}

async fn renaming_checks_the_name_and_the_owner(backend: Backend) {
    let app = spawn(backend).await;
    let (mut ana, _) = app.with_two_factor("ana").await;
    let (mut bo, _) = app.with_two_factor("bob").await;
    let ana_id = method_ids(&mut ana, "data-rename").await[0];
    let bo_id = method_ids(&mut bo, "data-rename").await[0].to_string();

    for bad in ["", "   ", "tab\there", &"k".repeat(65)] {
        let reply = ana
            .call(
                "rename_two_factor_method",
                &[("id", &ana_id.to_string()), ("name", bad)],
            )
            .await;
        assert_eq!(reply.status, 400, "{bad:?}: {}", reply.body);
        assert_eq!(reply.json()["reason"], "method_name", "{}", reply.body);
    }
    let theirs = ana
        .call(
            "rename_two_factor_method",
            &[("id", &bo_id), ("name", "mine now")],
        )
        .await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    assert_eq!(theirs.json()["error"], "method_not_found");
    assert_eq!(events_of(&app, "two_factor_method_renamed").await, 0);

    let name = "Work phone <b>";
    let renamed = ana
        .call(
            "rename_two_factor_method",
            &[("id", &ana_id.to_string()), ("name", &format!("  {name} "))],
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let html = ana.call("methods_html", &[]).await.body;
    assert!(html.contains("Work phone &lt;b&gt;"), "escaped: {html}");
    assert!(!html.contains("<b>"), "{html}");
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM two_factor_methods ORDER BY id")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(names, [name, ""], "trimmed, and bo's untouched");
    assert_eq!(events_of(&app, "two_factor_method_renamed").await, 1);
}

async fn removing_one_of_two_needs_the_password_and_keeps_2fa_on(backend: Backend) {
    let app = spawn(backend).await;
    let (mut ana, first) = app.with_two_factor("ana").await;
    let (mut bo, _) = app.with_two_factor("bob").await;
    app.state.clock.advance(30);
    let second = app.add_app(&mut ana).await;
    let ids = method_ids(&mut ana, "data-remove").await;
    assert_eq!(ids.len(), 2);
    let bo_id = method_ids(&mut bo, "data-remove").await[0].to_string();

    app.state.clock.advance(301);
    let stale = ana
        .call("remove_two_factor_method", &[("id", &ids[0].to_string())])
        .await;
    assert_eq!(stale.status, 403, "{}", stale.body);
    assert_eq!(stale.json()["error"], "reauth_required");
    ana.call("confirm_password", &[("password", PASSWORD)])
        .await;
    let theirs = ana
        .call("remove_two_factor_method", &[("id", &bo_id)])
        .await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM two_factor_methods").await,
        3
    );

    let removed = ana
        .call("remove_two_factor_method", &[("id", &ids[0].to_string())])
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let gone = ana
        .call("remove_two_factor_method", &[("id", &ids[0].to_string())])
        .await;
    assert_eq!(gone.json()["error"], "method_not_found", "{}", gone.body);
    let account = ana.call("current_account", &[]).await.json();
    assert_eq!(account["two_factor_enabled"], true, "{account}");
    assert_eq!(account["recovery_codes_left"], 10, "{account}");
    assert_eq!(events_of(&app, "two_factor_method_removed").await, 1);
    // The last one left is marked so, for the confirmation before it goes.
    let html = ana.call("methods_html", &[]).await.body;
    assert!(html.contains(r#"data-last=\"true\""#), "{html}");

    // The removed app's codes stop working; the other's still sign in.
    app.state.clock.advance(30);
    let mut check = app.password_step("ana").await;
    let old = oathtool_code(&first.key, app.now());
    assert_eq!(
        check
            .status_of("verify_sign_in_code", &[("code", &old)])
            .await,
        401
    );
    let kept = oathtool_code(&second, app.now());
    assert_eq!(
        check
            .status_of("verify_sign_in_code", &[("code", &kept)])
            .await,
        200
    );
}

async fn removing_the_last_method_turns_2fa_off(backend: Backend) {
    let app = spawn(backend).await;
    let (mut owner, _) = app.with_two_factor("ana").await;
    let mut elsewhere = app.password_step("ana").await;
    let id = method_ids(&mut owner, "data-remove").await[0].to_string();
    owner
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let removed = owner.call("remove_two_factor_method", &[("id", &id)]).await;
    assert_eq!(removed.status, 200, "{}", removed.body);

    let account = owner.call("current_account", &[]).await.json();
    assert_eq!(account["two_factor_enabled"], false, "{account}");
    for table in ["two_factor", "two_factor_methods", "recovery_codes"] {
        let count = app.number(&format!("SELECT COUNT(*) FROM {table}")).await;
        assert_eq!(count, 0, "{table}");
    }
    assert_eq!(events_of(&app, "two_factor_disabled").await, 1);
    // As Disable does: other sessions end, the password alone signs in.
    let ended = elsewhere
        .call(
            "verify_recovery_code",
            &[("recovery_code", "abcd-efgh-jkmn-pqrs")],
        )
        .await;
    assert_eq!(ended.json()["error"], "unauthorized", "{}", ended.body);
    let mut fresh = app.client();
    let signed = fresh
        .call("sign_in", &[("login", "ana"), ("password", PASSWORD)])
        .await;
    assert_eq!(signed.header("location"), Some("/"));
}

async fn an_account_holds_at_most_twenty_methods(backend: Backend) {
    let app = spawn(backend).await;
    let (mut owner, _) = app.with_two_factor("ana").await;
    for _ in 1..20 {
        app.state.clock.advance(30);
        app.add_app(&mut owner).await;
    }
    app.state.clock.advance(30);
    owner
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let challenge = owner.call("begin_two_factor_setup", &[]).await.json();
    let code = oathtool_code(challenge["manual_key"].as_str().unwrap(), app.now());
    let refused = owner
        .call("confirm_two_factor_setup", &[("code", &code)])
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.json()["error"], "too_many_methods");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM two_factor_methods").await,
        20
    );
    assert_eq!(events_of(&app, "two_factor_method_added").await, 19);
}

/// Renames are one line however many there are: a stolen session cannot
/// push the sign-ins out of the activity list with them.
async fn a_run_of_renames_is_one_line_of_activity(backend: Backend) {
    let app = spawn(backend).await;
    let (mut owner, _) = app.with_two_factor("cyd").await;
    let id = method_ids(&mut owner, "data-rename").await[0].to_string();
    let before = owner.call("security_activity", &[]).await.json();
    let before = before.as_array().unwrap().clone();
    for n in 0..60 {
        let name = format!("Phone {n}");
        let form = [("id", id.as_str()), ("name", name.as_str())];
        let renamed = owner.call("rename_two_factor_method", &form).await;
        assert_eq!(renamed.status, 200, "{}", renamed.body);
    }
    let after = owner.call("security_activity", &[]).await.json();
    let after = after.as_array().unwrap();
    assert_eq!(after[0]["kind"], "two_factor_method_renamed", "{after:?}");
    assert_eq!(after[0]["repeats"], 60);
    assert_eq!(after[1..], before[..], "every earlier line is still shown");
}

on_both_backends!(
    a_run_of_renames_is_one_line_of_activity,
    a_second_app_signs_in_beside_the_first_with_its_own_replay_guard,
    renaming_checks_the_name_and_the_owner,
    removing_one_of_two_needs_the_password_and_keeps_2fa_on,
    removing_the_last_method_turns_2fa_off,
    an_account_holds_at_most_twenty_methods,
);
