//! Sign-up, sign-in and what each refuses.

mod common;

use common::{Backend, spawn};

const PASSWORD: &str = "correct horse battery";

async fn sign_up_signs_in_and_shows_the_account(backend: Backend) {
    let app = spawn(backend).await;
    let mut client = app.client();
    let reply = client
        .call("sign_up", &[("login", "Ana.Lima"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // The hydrated app is told to go to the dashboard.
    assert_eq!(reply.header("location"), Some("/"));
    assert!(client.cookie.is_some(), "sign-up starts a session");

    let account = client.call("current_account", &[]).await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert_eq!(
        account.json(),
        serde_json::json!({
            "login": "Ana.Lima",
            "two_factor_enabled": false,
            "recovery_codes_left": null,
            "unlocked_for": null,
            "clock_drift": null,
            "failed_sign_ins": null,
            "active_tokens": [],
            "webauthn": true,
            "email": null,
            "email_waiting": null,
            "mail_informational": true,
        })
    );
}

async fn duplicate_login_is_refused_whatever_its_case(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("ana", PASSWORD).await;
    for login in ["ana", "ANA", " Ana "] {
        let reply = app
            .client()
            .call(
                "sign_up",
                &[("login", login), ("password", "another password")],
            )
            .await;
        assert_eq!(reply.status, 409, "{login:?}: {}", reply.body);
        assert_eq!(reply.json()["error"], "login_taken");
    }
}

async fn sign_in_with_the_right_password(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("bruno", PASSWORD).await;
    let mut client = app.client();
    let reply = client
        .call("sign_in", &[("login", "BRUNO"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/"));
    let account = client.call("current_account", &[]).await;
    assert_eq!(account.json()["login"], "bruno");
}

async fn wrong_password_and_unknown_login_are_indistinguishable(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("carla", PASSWORD).await;
    let wrong = app
        .client()
        .call(
            "sign_in",
            &[("login", "carla"), ("password", "not the password")],
        )
        .await;
    let unknown = app
        .client()
        .call(
            "sign_in",
            &[("login", "nobody-here"), ("password", "not the password")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.json()["error"], "invalid_credentials");
    assert!(wrong.set_cookies().is_empty() && unknown.set_cookies().is_empty());
}

async fn no_javascript_forms_redirect(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("dina", PASSWORD).await;
    let mut client = app.client();

    let failed = client
        .post_form(
            "sign_in",
            &[("login", "dina"), ("password", "wrong password")],
            "/login",
        )
        .await;
    assert_eq!(failed.status, 302);
    let back = failed.header("location").unwrap();
    assert!(
        back.contains("/login?") && back.contains("__err="),
        "{back}"
    );
    // The page the browser lands on shows the error.
    let page = client
        .get(back.trim_start_matches(&format!("http://{}", app.addr)))
        .await;
    assert!(
        page.body.contains("Invalid login or password"),
        "{}",
        page.body
    );

    let ok = client
        .post_form(
            "sign_in",
            &[("login", "dina"), ("password", PASSWORD)],
            "/login",
        )
        .await;
    assert_eq!(ok.status, 302);
    assert_eq!(ok.header("location"), Some("/"));
    let dashboard = client.get("/").await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("dina"));
}

async fn an_older_password_hash_is_upgraded_at_sign_in(backend: Backend) {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let app = spawn(backend).await;
    app.signed_up("eva", PASSWORD).await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(4096, 1, 1, None).unwrap(),
    )
    .hash_password(
        PASSWORD.as_bytes(),
        &SaltString::generate(&mut rand::rngs::OsRng),
    )
    .unwrap()
    .to_string();
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE login_key = 'eva'")
        .bind(&weak)
        .execute(&app.state.db.pool)
        .await
        .unwrap();

    let reply = app
        .client()
        .call("sign_in", &[("login", "eva"), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stored: String =
        sqlx::query_scalar("SELECT password_hash FROM accounts WHERE login_key = 'eva'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
}

async fn passwords_are_stored_only_as_argon2id_hashes(backend: Backend) {
    let app = spawn(backend).await;
    app.signed_up("fabio", PASSWORD).await;
    let stored: String =
        sqlx::query_scalar("SELECT password_hash FROM accounts WHERE login_key = 'fabio'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!stored.contains(PASSWORD));
}

on_both_backends!(
    sign_up_signs_in_and_shows_the_account,
    duplicate_login_is_refused_whatever_its_case,
    sign_in_with_the_right_password,
    wrong_password_and_unknown_login_are_indistinguishable,
    no_javascript_forms_redirect,
    an_older_password_hash_is_upgraded_at_sign_in,
    passwords_are_stored_only_as_argon2id_hashes,
);
