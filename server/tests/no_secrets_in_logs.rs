//! SECURITY.md case 15: the whole flow at TRACE, then the logs and the
//! responses are searched for the password, the TOTP key, the codes and
//! session ids. None may appear (except in the two responses whose purpose
//! is to show them once: the set-up challenge and the new codes).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::{Backend, PASSWORD, oathtool_code, spawn};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary, at TRACE, from every crate.
fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        captured
    })
}

async fn the_whole_flow_leaves_no_secret_in_logs_or_responses(backend: Backend) {
    let logs = logs();
    let app = spawn(backend).await;
    let mut replies = Vec::new();

    let mut client = app.signed_up("trace-me", PASSWORD).await;
    let mut sessions = vec![client.cookie.clone().unwrap()];
    replies.push(
        client
            .call("confirm_password", &[("password", PASSWORD)])
            .await,
    );
    let challenge = client.call("begin_two_factor_setup", &[]).await;
    let key = challenge.json()["manual_key"]
        .as_str()
        .unwrap()
        .replace(' ', "");
    let wrong = client
        .call("confirm_two_factor_setup", &[("code", "000000")])
        .await;
    replies.push(wrong);
    let confirmed = client
        .call(
            "confirm_two_factor_setup",
            &[("code", &oathtool_code(&key, app.now()))],
        )
        .await;
    let codes = confirmed.codes();
    sessions.push(client.cookie.clone().unwrap());
    replies.push(client.call("sign_out", &[]).await);

    app.state.clock.advance(30);
    let mut second = app.client();
    replies.push(
        second
            .call(
                "sign_in",
                &[("login", "trace-me"), ("password", "wrong password!")],
            )
            .await,
    );
    replies.push(
        second
            .call("sign_in", &[("login", "trace-me"), ("password", PASSWORD)])
            .await,
    );
    sessions.push(second.cookie.clone().unwrap());
    let code = oathtool_code(&key, app.now());
    replies.push(
        second
            .call("verify_sign_in_code", &[("code", "999999")])
            .await,
    );
    replies.push(second.call("verify_sign_in_code", &[("code", &code)]).await);
    sessions.push(second.cookie.clone().unwrap());
    replies.push(second.call("current_account", &[]).await);
    replies.push(second.call("sign_out", &[]).await);

    let mut third = app.password_step("trace-me").await;
    replies.push(
        third
            .call("verify_recovery_code", &[("recovery_code", &codes[2])])
            .await,
    );
    replies.push(
        third
            .call("verify_recovery_code", &[("recovery_code", &codes[2])])
            .await,
    );
    replies.push(third.get("/").await);

    // A password changed, and one set through an operator's reset link:
    // the link's token and both new passwords stay out of the logs.
    let changed = "copper violin under moss";
    replies.push(
        third
            .call(
                "change_password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", changed),
                    ("new_password_again", changed),
                ],
            )
            .await,
    );
    let token = app::server::operator::reset_link(&app.state, "trace-me")
        .await
        .unwrap();
    let token = token.as_str().to_owned();
    // The page carries the token in its form: it is the one answer whose
    // purpose is to hold it, so it is not searched.
    let mut browser = app.client();
    assert_eq!(browser.get(&format!("/reset/{token}")).await.status, 200);
    let reset = "lantern quietly orbit marmalade";
    replies.push(
        browser
            .call(
                "reset_password",
                &[
                    ("token", &token),
                    ("password", reset),
                    ("password_again", reset),
                ],
            )
            .await,
    );
    replies.push(browser.get(&format!("/reset/{token}")).await);

    let log_text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        log_text.contains("signed in with a second factor"),
        "the logs were captured"
    );

    let mut secrets: Vec<(String, String)> = vec![
        ("password".into(), PASSWORD.into()),
        ("TOTP key".into(), key.clone()),
        ("current code".into(), code.clone()),
        ("changed password".into(), changed.into()),
        ("reset password".into(), reset.into()),
        ("reset link's token".into(), token.clone()),
    ];
    for c in &codes {
        secrets.push(("recovery code".into(), c.clone()));
        secrets.push(("recovery code".into(), c.replace('-', "")));
    }
    for cookie in &sessions {
        let id = cookie.split_once('=').unwrap().1.to_owned();
        secrets.push(("session id".into(), id));
    }
    for (what, secret) in &secrets {
        assert!(
            !log_text.contains(secret.as_str()),
            "the logs contain the {what}"
        );
        for reply in &replies {
            assert!(
                !reply.body.contains(secret.as_str()),
                "a response contains the {what}: {}",
                reply.body
            );
        }
    }
}

on_both_backends!(the_whole_flow_leaves_no_secret_in_logs_or_responses);
