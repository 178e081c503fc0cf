//! Email (issue 23) through a real SMTP server (aiosmtpd): an address
//! counts once its link is opened by its account; notices go to the
//! verified address in the account's language; the outbox survives a mail
//! server that is down, refuses, or is raced by two senders.

mod common;

use common::smtp::{Received, SmtpSink};
use common::{Backend, Client, PASSWORD, TestApp, new_access_token, spawn_with};

async fn spawn_with_mail(backend: Backend) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_with(backend, |config| config.smtp_url = Some(url)).await;
    (app, sink)
}

/// Runs the sender once, as each process's background task does: answers
/// how many mails went out.
async fn send(app: &TestApp) -> usize {
    app::server::mail::sender::send_due(&app.state).await
}

/// Add / Change: the password pop-up, then the address.
async fn ask_for(client: &mut Client, address: &str) -> common::Reply {
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    client
        .call("request_email_change", &[("email", address)])
        .await
}

/// A server function's refusal: its status and its kind.
fn refused(reply: &common::Reply, status: u16, kind: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.json()["error"], kind, "{}", reply.body);
}

fn link_of(app: &TestApp, mail: &Received) -> String {
    let prefix = format!("{}/verify-email/", app.config.public_url);
    mail.link(&prefix)
        .unwrap_or_else(|| panic!("no confirmation link in {:?}", mail.text))
}

fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

/// A new account `login` whose verified address is `address`.
async fn with_address(app: &TestApp, sink: &SmtpSink, login: &str, address: &str) -> Client {
    let mut client = app.signed_up(login, PASSWORD).await;
    assert_eq!(ask_for(&mut client, address).await.status, 200);
    assert_eq!(send(app).await, 1);
    let mail = sink.received().pop().unwrap();
    let link = link_of(app, &mail);
    let confirmed = client
        .call("confirm_email", &[("token", token_of(&link))])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    client
}

async fn an_address_counts_once_its_link_is_opened(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = app.signed_up("ana", PASSWORD).await;
    // The password pop-up comes first.
    let unconfirmed = ana
        .call("request_email_change", &[("email", "ana@example.org")])
        .await;
    refused(&unconfirmed, 403, "reauth_required");
    assert_eq!(ask_for(&mut ana, "ana@example.org").await.status, 200);
    assert_eq!(send(&app).await, 1);
    let received = sink.received();
    let mail = &received[0];
    assert_eq!(mail.to, ["ana@example.org"]);
    assert_eq!(mail.subject, "Twofold: confirm your email address");
    let link = link_of(&app, mail);
    assert!(
        mail.html.contains(&format!("href=\"{link}\"")),
        "{}",
        mail.html
    );
    // Sent: the link is no longer in the outbox, sealed or not.
    let kept = "SELECT COUNT(*) FROM mail_outbox WHERE sealed_link IS NOT NULL";
    assert_eq!(app.number(kept).await, 0);

    // Until the link is opened the address is not in use: a notice mails
    // nobody.
    new_access_token(&mut ana).await;
    assert_eq!(send(&app).await, 0);

    let confirmed = ana
        .call("confirm_email", &[("token", token_of(&link))])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.json(), "ana@example.org");
    let again = ana
        .call("confirm_email", &[("token", token_of(&link))])
        .await;
    refused(&again, 410, "email_link_used");
    let changed = "SELECT COUNT(*) FROM security_events WHERE kind = 'email_changed'";
    assert_eq!(app.number(changed).await, 1);

    // Now a notice goes there, saying when, from where and what to do.
    new_access_token(&mut ana).await;
    assert_eq!(send(&app).await, 1);
    let notice = sink.received().pop().unwrap();
    assert_eq!(notice.to, ["ana@example.org"]);
    assert_eq!(notice.subject, "Twofold: Personal access token created");
    assert!(notice.text.contains("Hello ana,"), "{}", notice.text);
    assert!(
        notice.text.contains("Address: 127.0.0.1"),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("If this was not you"),
        "{}",
        notice.text
    );
    // Each mail once.
    assert_eq!(send(&app).await, 0);
    assert_eq!(sink.received().len(), 2);
}

async fn a_change_tells_the_address_in_use(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    assert_eq!(ask_for(&mut ana, "first@new.example").await.status, 200);
    assert_eq!(ask_for(&mut ana, "ana@new.example").await.status, 200);
    assert_eq!(send(&app).await, 4);
    let received = sink.received();
    let to = |address: &str| {
        received
            .iter()
            .filter(|mail| mail.to == [address])
            .cloned()
            .collect::<Vec<_>>()
    };
    // The address in use is told of each request, with the new address
    // partly hidden.
    let told = to("ana@example.org");
    assert_eq!(told.len(), 3, "the first confirmation and two warnings");
    let warning = &told[2];
    assert_eq!(
        warning.subject,
        "Twofold: your email address is being changed"
    );
    assert!(
        warning.text.contains("a***@new.example"),
        "{}",
        warning.text
    );
    assert!(
        !warning.text.contains("ana@new.example"),
        "{}",
        warning.text
    );
    assert!(
        !warning.text.contains("/verify-email/"),
        "no link to the old address"
    );
    // The newer request replaced the older: its link names nothing now.
    let first = link_of(&app, &to("first@new.example")[0]);
    let replaced = ana
        .call("confirm_email", &[("token", token_of(&first))])
        .await;
    refused(&replaced, 404, "email_link_invalid");

    let latest = link_of(&app, &to("ana@new.example")[0]);
    let confirmed = ana
        .call("confirm_email", &[("token", token_of(&latest))])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(send(&app).await, 1);
    let changed = sink.received().pop().unwrap();
    assert_eq!(changed.to, ["ana@example.org"], "the old address is told");
    assert_eq!(changed.subject, "Twofold: your email address was changed");

    // From now on only the new address hears of the account.
    new_access_token(&mut ana).await;
    assert_eq!(send(&app).await, 1);
    assert_eq!(sink.received().pop().unwrap().to, ["ana@new.example"]);
}

async fn bad_addresses_and_links_are_refused_and_change_nothing(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let mut bo = app.signed_up("bob", PASSWORD).await;
    let waiting = "SELECT COUNT(*) FROM email_verifications WHERE used_at IS NULL";
    let too_long = format!("{}@example.org", "a".repeat(250));
    for bad in [
        "",
        "ana",
        "ana@",
        "ana@example.org\r\nBcc: x@example.org",
        &too_long,
    ] {
        let answer = ask_for(&mut bo, bad).await;
        refused(&answer, 400, "validation");
        assert_eq!(answer.json()["reason"], "email_address", "{bad:?}");
    }
    let unchanged = ask_for(&mut ana, "ANA@example.org").await;
    assert_eq!(unchanged.json()["reason"], "email_unchanged");
    let taken = ask_for(&mut bo, "Ana@Example.org").await;
    refused(&taken, 409, "email_taken");
    assert_eq!(app.number(waiting).await, 0, "nothing stored");
    assert_eq!(send(&app).await, 0, "nothing sent");

    // A link opened by another account, or too late.
    assert_eq!(ask_for(&mut ana, "ana@new.example").await.status, 200);
    assert_eq!(send(&app).await, 2);
    let mail = sink
        .received()
        .into_iter()
        .find(|mail| mail.to == ["ana@new.example"])
        .unwrap();
    let token = token_of(&link_of(&app, &mail)).to_owned();
    let other = bo.call("confirm_email", &[("token", &token)]).await;
    refused(&other, 403, "email_link_other_account");
    let signed_out = app
        .client()
        .call("confirm_email", &[("token", &token)])
        .await;
    refused(&signed_out, 401, "unauthorized");
    for mangled in ["", "abc", &token[1..]] {
        let answer = ana.call("confirm_email", &[("token", mangled)]).await;
        refused(&answer, 404, "email_link_invalid");
    }
    app.state
        .clock
        .advance(app::server::email_address::LINK_SECONDS);
    // A day on, the session has ended too: signed in again, still too late.
    let mut ana = app.password_step("ana").await;
    let late = ana.call("confirm_email", &[("token", &token)]).await;
    refused(&late, 410, "email_link_expired");
    let address = "SELECT COUNT(*) FROM accounts WHERE email = 'ana@example.org'";
    assert_eq!(app.number(address).await, 1, "the address in use stays");
}

async fn mail_is_written_in_the_accounts_language(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut sari = app.signed_up("sari", PASSWORD).await;
    sari.call("confirm_password", &[("password", PASSWORD)])
        .await;
    let asked = sari
        .send(
            reqwest::Client::new()
                .post(app.url("/api/request_email_change"))
                .header("accept", "application/json")
                .header("cookie", "twofold_lang=id")
                .form(&[("email", "sari@example.org")]),
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(send(&app).await, 1);
    let mail = sink.received().pop().unwrap();
    assert_eq!(mail.subject, "Twofold: konfirmasi alamat email Anda");
    let link = link_of(&app, &mail);
    let confirmed = sari
        .call("confirm_email", &[("token", token_of(&link))])
        .await;
    assert_eq!(confirmed.status, 200);
    // A later notice, asked for in English, is still in her language.
    new_access_token(&mut sari).await;
    assert_eq!(send(&app).await, 1);
    let notice = sink.received().pop().unwrap();
    assert!(notice.text.contains("Halo sari,"), "{}", notice.text);
    assert!(notice.html.contains("Halo sari,"), "{}", notice.html);
}

async fn a_mail_server_down_and_back_gets_each_mail_once(backend: Backend) {
    let (app, mut sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    sink.stop();
    new_access_token(&mut ana).await;
    assert_eq!(send(&app).await, 0, "the server is down");
    let error = "SELECT COUNT(*) FROM mail_outbox WHERE last_error IS NOT NULL AND sent_at IS NULL";
    assert_eq!(app.number(error).await, 1, "kept, with why");
    // Not due again until its pause is over.
    sink.start_again();
    assert_eq!(send(&app).await, 0);
    app.state
        .clock
        .advance(app::server::mail::sender::backoff(1));
    assert_eq!(send(&app).await, 1);
    assert_eq!(send(&app).await, 0);
    let tokens = sink
        .received()
        .iter()
        .filter(|mail| mail.subject.contains("access token"))
        .count();
    assert_eq!(tokens, 1);
}

async fn a_refused_mail_is_given_up_and_recorded(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = app.signed_up("ana", PASSWORD).await;
    assert_eq!(ask_for(&mut ana, "ana@refused.example").await.status, 200);
    assert_eq!(send(&app).await, 0);
    let failed = "SELECT COUNT(*) FROM mail_outbox WHERE failed_at IS NOT NULL";
    assert_eq!(app.number(failed).await, 1, "a 550 is not tried again");
    let recorded = "SELECT COUNT(*) FROM security_events WHERE kind = 'mail_not_delivered'";
    assert_eq!(app.number(recorded).await, 1);
    assert!(sink.received().is_empty());

    // A server that stays down for a day is given up on too.
    let (app, mut sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    sink.stop();
    new_access_token(&mut ana).await;
    for _ in 0..40 {
        send(&app).await;
        app.state.clock.advance(60 * 60);
    }
    assert_eq!(app.number(failed).await, 1);
    assert_eq!(app.number(recorded).await, 1);
}

/// The notices of changes to the factors, in the order they happened:
/// each subject is the activity's own words for the event.
async fn each_change_to_a_factor_is_told(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let enabled = app.enable_two_factor(&mut ana).await;
    for function in [
        "view_recovery_codes",
        "regenerate_recovery_codes",
        "disable_two_factor",
    ] {
        // Each change ends the password confirmation that allowed it.
        ana.call("confirm_password", &[("password", PASSWORD)])
            .await;
        assert_eq!(ana.status_of(function, &[]).await, 200, "{function}");
    }
    send(&app).await;
    let subjects: Vec<String> = sink
        .received()
        .into_iter()
        .skip(1)
        .map(|mail| mail.subject)
        .collect();
    assert_eq!(
        subjects,
        [
            "Twofold: Two-factor authentication enabled",
            "Twofold: Recovery codes viewed",
            "Twofold: New recovery codes generated",
            "Twofold: Two-factor authentication disabled",
        ]
    );
    // No code or recovery code is ever in a mail.
    for mail in sink.received() {
        for code in &enabled.codes {
            assert!(!mail.raw.contains(code.as_str()), "{}", mail.subject);
        }
        assert!(!mail.raw.contains(&enabled.key), "{}", mail.subject);
    }
}

/// A sign-in from a browser that never signed in to the account is told
/// of; one that has is not.
async fn a_new_browser_is_told_once(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let cookie = ana.browser_cookie.clone();
    let mut fresh = app.password_step("ana").await;
    assert_eq!(send(&app).await, 1);
    let mail = sink.received().pop().unwrap();
    assert_eq!(mail.subject, "Twofold: a sign-in from a new browser");
    assert!(mail.text.contains("Browser: "), "{}", mail.text);
    // The same browser again, and the sign-up's browser: nothing new.
    fresh.call("sign_out", &[]).await;
    let _again = fresh.password_step("ana").await;
    let mut known = app.client();
    known.browser_cookie = cookie;
    let _known = known.password_step("ana").await;
    assert_eq!(send(&app).await, 0);
}

/// Two processes on one database (each its own pool and sender) racing
/// for the same mails: each goes out once.
async fn two_senders_send_each_mail_once(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let other = server::build(&app.config)
        .await
        .expect("a second process")
        .state;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    for _ in 0..6 {
        new_access_token(&mut ana).await;
    }
    let sender = app::server::mail::sender::send_due;
    let (one, two) = tokio::join!(sender(&app.state), sender(&other));
    assert_eq!(one + two, 6);
    let ids: std::collections::HashSet<String> = sink
        .received()
        .into_iter()
        .map(|mail| mail.message_id)
        .collect();
    assert_eq!(ids.len(), 7, "the confirmation and six notices, each once");
}

/// The informational notices can be turned off; the notices of factor
/// changes still go out.
async fn informational_notices_can_be_turned_off_factor_ones_cannot(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let off = ana
        .call("set_mail_informational", &[("wanted", "false")])
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    new_access_token(&mut ana).await;
    let _elsewhere = app.password_step("ana").await;
    assert_eq!(send(&app).await, 0, "a token and a new browser: not told");
    app.enable_two_factor(&mut ana).await;
    assert_eq!(send(&app).await, 1);
    let told = sink.received().pop().unwrap();
    assert_eq!(told.subject, "Twofold: Two-factor authentication enabled");
    assert!(
        !told.text.contains("turn off notices like this"),
        "{}",
        told.text
    );

    let on = ana
        .call("set_mail_informational", &[("wanted", "true")])
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    new_access_token(&mut ana).await;
    assert_eq!(send(&app).await, 1);
    let told = sink.received().pop().unwrap();
    assert!(
        told.text.contains("turn off notices like this"),
        "{}",
        told.text
    );
}

/// A second app added, a sign-in with a recovery code from another
/// browser, codes guessed until paused (told once for the run), and the
/// operator's sign-out: each is told, in the activity's words.
async fn sign_ins_pauses_and_the_operator_are_told(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    let enabled = app.enable_two_factor(&mut ana).await;
    app.state.clock.advance(30);
    app.add_app(&mut ana).await;
    let mut other = app.password_step("ana").await;
    let recovered = other
        .call(
            "verify_recovery_code",
            &[("recovery_code", &enabled.codes[0])],
        )
        .await;
    assert_eq!(recovered.status, 200, "{}", recovered.body);
    let mut guesser = app.password_step("ana").await;
    let right = common::oathtool_code(&enabled.key, app.now());
    for _ in 0..8 {
        guesser
            .call(
                "verify_sign_in_code",
                &[("code", common::a_wrong_code(&right))],
            )
            .await;
    }
    let operator = common::admin(&app, &["sign-out", "ana"]).await;
    assert!(operator.success, "{}", operator.stderr);
    send(&app).await;
    let subjects: Vec<String> = sink.received().into_iter().map(|m| m.subject).collect();
    let count = |subject: &str| subjects.iter().filter(|s| s.as_str() == subject).count();
    assert_eq!(count("Twofold: Two-factor method added"), 1, "{subjects:?}");
    assert_eq!(
        count("Twofold: Signed in with a recovery code"),
        1,
        "{subjects:?}"
    );
    assert_eq!(
        count("Twofold: a sign-in from a new browser"),
        1,
        "{subjects:?}"
    );
    assert_eq!(
        count("Twofold: Too many wrong codes: attempts paused"),
        1,
        "one notice for the run: {subjects:?}"
    );
    assert_eq!(
        count("Twofold: All sessions ended by the operator"),
        1,
        "{subjects:?}"
    );
    let by_operator = sink
        .received()
        .into_iter()
        .find(|mail| mail.subject.contains("by the operator"))
        .unwrap();
    assert!(by_operator.text.contains("Your Twofold operator did this"));
}

/// A change that is refused writes no mail.
async fn a_refused_change_mails_nobody(backend: Backend) {
    let (app, sink) = spawn_with_mail(backend).await;
    let mut ana = with_address(&app, &sink, "ana", "ana@example.org").await;
    // Disable without 2FA on, regenerate without the password confirmed.
    ana.call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_ne!(ana.status_of("disable_two_factor", &[]).await, 200);
    assert_ne!(ana.status_of("regenerate_recovery_codes", &[]).await, 200);
    let wrong = [("password", "not the password")];
    assert_eq!(ana.status_of("confirm_password", &wrong).await, 401);
    assert_eq!(send(&app).await, 0);
    let waiting = "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL";
    assert_eq!(app.number(waiting).await, 0);
}

/// A mail server that answers nothing, or hangs up after its greeting:
/// the mail waits, is tried again once the server behaves, and goes out
/// once.
async fn a_server_that_stalls_or_hangs_up_gets_the_mail_later(backend: Backend) {
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    for hangs_up in [false, true] {
        let misbehaving = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = misbehaving.local_addr().unwrap().port();
        let url = format!("smtp://127.0.0.1:{port}");
        let app = spawn_with(backend, |config| {
            config.smtp_url = Some(url);
            config.smtp_timeout = 1;
        })
        .await;
        let server = tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let (mut socket, _) = misbehaving.accept().await.unwrap();
                if hangs_up {
                    // The greeting, then gone in the middle of the session.
                    let _ = socket.write_all(b"220 mail.example ESMTP\r\n").await;
                    drop(socket);
                } else {
                    held.push(socket);
                }
            }
        });
        let mut ana = app.signed_up("ana", PASSWORD).await;
        assert_eq!(ask_for(&mut ana, "ana@example.org").await.status, 200);
        assert_eq!(send(&app).await, 0, "hangs up: {hangs_up}");
        let waiting = "SELECT COUNT(*) FROM mail_outbox
                       WHERE sent_at IS NULL AND failed_at IS NULL AND last_error IS NOT NULL";
        assert_eq!(app.number(waiting).await, 1, "kept for later");
        server.abort();
        let _ = server.await;
        // The server behaves again, at the same address.
        let sink = SmtpSink::start_on(port);
        app.state
            .clock
            .advance(app::server::mail::sender::backoff(1));
        assert_eq!(send(&app).await, 1);
        assert_eq!(send(&app).await, 0);
        assert_eq!(sink.received().len(), 1);
    }
}

on_both_backends!(
    a_server_that_stalls_or_hangs_up_gets_the_mail_later,
    informational_notices_can_be_turned_off_factor_ones_cannot,
    sign_ins_pauses_and_the_operator_are_told,
    a_refused_change_mails_nobody,
    a_killed_process_mails_after_restart_once,
    each_change_to_a_factor_is_told,
    a_new_browser_is_told_once,
    two_senders_send_each_mail_once,
    an_address_counts_once_its_link_is_opened,
    a_change_tells_the_address_in_use,
    bad_addresses_and_links_are_refused_and_change_nothing,
    mail_is_written_in_the_accounts_language,
    a_mail_server_down_and_back_gets_each_mail_once,
    a_refused_mail_is_given_up_and_recorded,
);

/// The real binary killed right after a change committed, while the mail
/// server was down: the process started again sends the change's mail,
/// once.
async fn a_killed_process_mails_after_restart_once(backend: Backend) {
    use common::process::{Process, free_port};

    let data_dir = tempfile::tempdir().unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(common::fresh_postgres_database().await),
    };
    let database_url = database.as_ref().map(|d| d.url.as_str());
    let mut sink = SmtpSink::start();
    sink.stop();
    let port = free_port();
    let smtp_url = sink.url();
    let launch = |port| {
        let mut command = Process::command(port, data_dir.path(), database_url);
        command.args(["--smtp-url", &smtp_url]);
        Process::launch(port, command)
    };
    let mut server = launch(port).await;
    let form = [
        ("login", "ana"),
        ("password", PASSWORD),
        ("email", "ana@example.org"),
    ];
    let signed_up = server.client().call("sign_up", &form).await;
    assert_eq!(signed_up.status, 200, "{}", signed_up.body);
    server.kill();

    let url = database_url.map_or_else(
        || app::server::db::sqlite_url_in(data_dir.path()).unwrap(),
        str::to_owned,
    );
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let unsent = "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL";
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count(unsent).await, 1, "the mail outlived its process");
    // As if its pause were over (the binary runs on the system's clock).
    sqlx::query("UPDATE mail_outbox SET due_at = 0, claimed_until = NULL")
        .execute(&pool)
        .await
        .unwrap();

    sink.start_again();
    let _server = launch(port).await;
    let received = sink.wait_for(1).await;
    assert_eq!(received[0].to, ["ana@example.org"]);
    assert_eq!(received[0].subject, "Twofold: confirm your email address");
    // Twice the sender's interval later: still once.
    tokio::time::sleep(2 * app::server::mail::sender::POLL).await;
    assert_eq!(sink.received().len(), 1);
    assert_eq!(count(unsent).await, 0);
}

/// Two real server processes on one PostgreSQL database, each with its
/// own sender, and changes made on both: each mail goes out once, the
/// sealed links opened by whichever process sends them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_send_each_mail_once() {
    use common::process::{Process, free_port};

    let database = common::fresh_postgres_database().await;
    let sink = SmtpSink::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut processes = Vec::new();
    for dir in &dirs {
        let port = free_port();
        let mut command = Process::command(port, dir.path(), Some(&database.url));
        command
            .env(
                "TWOFOLD_SECRET_KEY",
                "c2hhcmVkIGtleSBmb3IgYWxsIHByb2Nlc3Nlcy4uLi4=",
            )
            .args(["--smtp-url", &sink.url()]);
        processes.push(Process::launch(port, command).await);
    }
    let mut on_a = processes[0].client();
    let form = [
        ("login", "ana"),
        ("password", PASSWORD),
        ("email", "ana@example.org"),
    ];
    assert_eq!(on_a.call("sign_up", &form).await.status, 200);
    let confirm = sink.wait_for(1).await.remove(0);
    let link = confirm.link("http://localhost:3000/verify-email/").unwrap();
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(
        on_a.status_of("confirm_email", &[("token", token)]).await,
        200
    );
    // One browser session, its requests served by either process (a
    // change moves the session to a new token: each client takes the
    // latest before it asks).
    let mut on_b = Client::new(&processes[1].base);
    for _ in 0..3 {
        new_access_token(&mut on_a).await;
        on_b.cookie = on_a.cookie.clone();
        new_access_token(&mut on_b).await;
        on_a.cookie = on_b.cookie.clone();
    }
    sink.wait_for(7).await;
    // Several of each sender's rounds later: still once each.
    tokio::time::sleep(3 * app::server::mail::sender::POLL).await;
    let received = sink.received();
    let ids: std::collections::HashSet<&str> = received
        .iter()
        .map(|mail| mail.message_id.as_str())
        .collect();
    assert_eq!(received.len(), 7, "the confirmation and six notices");
    assert_eq!(ids.len(), 7, "no mail twice");
}
