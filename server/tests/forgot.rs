//! "Forgot your password?" by email (issue 23) and an address given at
//! sign-up, through a real SMTP server: the same answer whoever is named,
//! a link only to a verified address, bounded per source and per account;
//! the reset ends every session and still asks for the second factor.

mod common;

use common::smtp::{Received, SmtpSink};
use common::{Backend, Client, PASSWORD, Reply, TestApp, spawn_with};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn spawn_with_mail(backend: Backend) -> (TestApp, SmtpSink) {
    spawn_configured(backend, |_| {}).await
}

async fn spawn_configured(
    backend: Backend,
    adjust: impl FnOnce(&mut server::Config),
) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_with(backend, |config| {
        config.smtp_url = Some(url);
        adjust(config);
    })
    .await;
    (app, sink)
}

async fn send(app: &TestApp) -> usize {
    app::server::mail::sender::send_due(&app.state).await
}

/// Waits until every request was looked up (that happens after the
/// answer), then sends what they wrote.
async fn looked_up_and_sent(app: &TestApp) -> usize {
    let waiting = "SELECT COUNT(*) FROM reset_requests WHERE looked_up_at IS NULL";
    for _ in 0..100 {
        if app.number(waiting).await == 0 {
            return send(app).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("reset requests were not looked up");
}

/// The form "Forgot your password?" posts, as a browser without
/// JavaScript does.
async fn forgot(client: &mut Client, who: &str) -> Reply {
    client
        .post_form("request_password_reset", &[("who", who)], "/forgot")
        .await
}

/// The link a mail carries to `path` (`/reset/`, `/verify-email/`).
fn link_in(app: &TestApp, mail: &Received, path: &str) -> String {
    let prefix = format!("{}{path}", app.config.public_url);
    let link = mail
        .link(&prefix)
        .unwrap_or_else(|| panic!("no {path} link in {:?}", mail.text));
    link.trim_start_matches(&app.config.public_url).to_owned()
}

/// A new account with `address` verified.
async fn with_address(app: &TestApp, sink: &SmtpSink, login: &str, address: &str) -> Client {
    let mut client = app.client();
    let form = [("login", login), ("password", PASSWORD), ("email", address)];
    let signed_up = client.call("sign_up", &form).await;
    assert_eq!(signed_up.status, 200, "{}", signed_up.body);
    assert_eq!(send(app).await, 1);
    let mail = sink.received().pop().unwrap();
    assert_eq!(mail.to, [address]);
    let path = link_in(app, &mail, "/verify-email/");
    let token = path.rsplit('/').next().unwrap();
    let confirmed = client.call("confirm_email", &[("token", token)]).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    client
}

async fn a_forgotten_password_is_reset_from_the_mail(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let enabled = app.enable_two_factor(&mut ana).await;
    send(&app).await;
    let before = sink.received().len();

    let asked = forgot(&mut app.client(), "ANA").await;
    assert_eq!(asked.status, 302, "{}", asked.body);
    assert_eq!(asked.header("location"), Some("/forgot?sent=1"));
    assert_eq!(looked_up_and_sent(&app).await, 1);
    let mail = sink.received().pop().unwrap();
    assert_eq!(mail.to, ["ana@example.org"]);
    assert_eq!(mail.subject, "Twofold: reset your password");
    let path = link_in(&app, &mail, "/reset/");
    let page = app.client().get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ana"), "{}", page.body);

    let token = path.rsplit('/').next().unwrap();
    let form = [
        ("token", token),
        ("password", NEW_PASSWORD),
        ("password_again", NEW_PASSWORD),
    ];
    let done = app.client().post_form("reset_password", &form, &path).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.header("location"), Some("/login?notice=password_set"));
    // Every session ended; the next sign-in still asks for the code.
    assert_eq!(ana.status_of("current_account", &[]).await, 401);
    let mut fresh = app.client();
    let signed = fresh
        .post_form(
            "sign_in",
            &[("login", "ana"), ("password", NEW_PASSWORD)],
            "/login",
        )
        .await;
    assert_eq!(signed.header("location"), Some("/login/verify"));
    let code = common::oathtool_code(&enabled.key, app.now() + 30);
    assert_eq!(fresh.code_status(&code).await, 200);
    // The owner is told the password was set; the link works once.
    send(&app).await;
    let subjects: Vec<_> = sink.received()[before..]
        .iter()
        .map(|mail| mail.subject.clone())
        .collect();
    assert!(
        subjects.contains(&"Twofold: Password set with a reset link".to_owned()),
        "{subjects:?}"
    );
    let again = app.client().post_form("reset_password", &form, &path).await;
    assert_ne!(again.status, 200);
    let events = "SELECT COUNT(*) FROM security_events WHERE kind = 'password_reset_mailed'";
    assert_eq!(app.number(events).await, 1);
}

async fn the_answer_is_the_same_whoever_is_named(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let _ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let _bob = app.signed_up("bob", PASSWORD).await;
    let mut answers = Vec::new();
    for who in ["ana@example.org", "nobody", "bob", "nobody@example.org"] {
        let answer = forgot(&mut app.client_from("127.0.0.2"), who).await;
        answers.push((
            answer.status,
            answer.header("location").map(str::to_owned),
            answer.body,
        ));
    }
    assert!(
        answers.windows(2).all(|pair| pair[0] == pair[1]),
        "{answers:?}"
    );
    // Only the account with a verified address is mailed.
    assert_eq!(looked_up_and_sent(&app).await, 1);
    let mail = sink.received().pop().unwrap();
    assert_eq!(mail.to, ["ana@example.org"]);
    // The page after it says the same for everyone, in words.
    let page = app.client().get("/forgot?sent=1").await;
    assert!(
        page.body
            .contains("If an account with a confirmed email address matches")
    );
    // Nothing typed is refused as a form error, the same for everyone.
    let empty = app
        .client()
        .call("request_password_reset", &[("who", "  ")])
        .await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    assert_eq!(empty.json()["reason"], "login_or_email");
}

async fn requests_are_bounded_per_source_and_per_account(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let _ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let before = sink.received().len();
    let window = app::server::password_reset::REQUESTS_PER_SOURCE;
    let mut stranger = app.client_from("127.0.0.3");
    for _ in 0..window.failures {
        assert_eq!(forgot(&mut stranger, "nobody").await.status, 302);
    }
    let refused = stranger
        .call("request_password_reset", &[("who", "nobody")])
        .await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.header("retry-after").is_some());

    // From many places, one account still gets a few links an hour.
    let mails = app::server::password_reset::MAILS_PER_ACCOUNT.failures;
    for n in 0..mails + 3 {
        let answer = forgot(&mut app.client_from(&format!("127.0.1.{n}")), "ana").await;
        assert_eq!(answer.status, 302);
    }
    assert_eq!(looked_up_and_sent(&app).await, mails as usize);
    assert_eq!(sink.received().len() - before, mails as usize);
    // Only the latest link works: each new one replaced the one before.
    let links: Vec<String> = sink.received()[before..]
        .iter()
        .map(|mail| link_in(&app, mail, "/reset/"))
        .collect();
    let first = app.client().get(&links[0]).await;
    assert!(first.body.contains("not valid"), "{}", first.body);
    let last = app.client().get(links.last().unwrap()).await;
    assert!(last.body.contains("New password"), "{}", last.body);
    // An hour later, another.
    app.state.clock.advance(60 * 60);
    forgot(&mut app.client_from("127.0.2.1"), "ana").await;
    assert_eq!(looked_up_and_sent(&app).await, 1);
}

async fn an_address_at_sign_up_is_checked_and_confirmed(backend: Backend) {
    let (app, sink) = spawn_configured(backend, |config| config.require_email = true).await;
    let mut client = app.client();
    let without = client
        .call("sign_up", &[("login", "cyd"), ("password", PASSWORD)])
        .await;
    assert_eq!(without.status, 400, "{}", without.body);
    assert_eq!(without.json()["reason"], "email_required");
    let malformed = [("login", "cyd"), ("password", PASSWORD), ("email", "cyd@")];
    let malformed = client.call("sign_up", &malformed).await;
    assert_eq!(malformed.json()["reason"], "email_address");
    let _ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let taken = [
        ("login", "cyd"),
        ("password", PASSWORD),
        ("email", "ANA@example.org"),
    ];
    let taken = client.call("sign_up", &taken).await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert_eq!(taken.json()["error"], "email_taken");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM accounts").await,
        1,
        "no account made"
    );
    // The sign-up page asks for it as required.
    let page = app.client().get("/signup").await;
    assert!(page.body.contains("type=\"email\""), "{}", page.body);
    assert!(!page.body.contains("(optional)"), "{}", page.body);
}

on_both_backends!(
    a_forgotten_password_is_reset_from_the_mail,
    the_answer_is_the_same_whoever_is_named,
    requests_are_bounded_per_source_and_per_account,
    an_address_at_sign_up_is_checked_and_confirmed,
);
