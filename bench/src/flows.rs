//! The scenarios of several requests each: a whole sign-in through the API
//! as the seed describes it, and the second step answered by a security
//! key (its WebAuthn ceremony begun and finished).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex as AsyncMutex;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::{
    CreationChallengeResponse, RequestChallengeResponse, Url,
};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use crate::load::{self, Length, Stats};
use crate::twofold::{self, Browser, PASSWORD};

pub const FULL_SIGN_IN: &str = "Full sign-in (SignIn, Verify2FACode, GetAccount, SignOut)";
pub const SECURITY_KEY: &str = "Security key sign-in (ceremony start and finish)";

/// The steps of a full sign-in, in order.
pub const STEPS: [&str; 4] = ["SignIn", "Verify2FACode", "GetAccount", "SignOut"];

/// A run of full sign-ins: the whole, and each step's latencies within it.
pub struct FullSignIns {
    pub whole: Stats,
    pub steps: Vec<(&'static str, Stats)>,
}

/// Each of `accounts` (2FA on) signs in once through the API, reads its
/// account and signs out, on `connections` workers.
pub async fn full_sign_ins(
    base: &str,
    accounts: Vec<(String, Vec<u8>)>,
    connections: usize,
) -> FullSignIns {
    let accounts = Arc::new(accounts);
    let count = accounts.len();
    let timings = Arc::new(Mutex::new(vec![Vec::new(); STEPS.len()]));
    let base = base.to_owned();
    let whole = load::run(connections, Length::Requests(count), {
        let timings = timings.clone();
        move |client, n| {
            let (login, secret) = accounts[n].clone();
            let (base, timings) = (base.clone(), timings.clone());
            async move {
                match sign_in_once(&client, &base, &login, &secret, n).await {
                    Some(steps) => {
                        let mut timings = timings.lock().unwrap();
                        for (column, took) in timings.iter_mut().zip(steps) {
                            column.push(took);
                        }
                        true
                    }
                    None => false,
                }
            }
        }
    })
    .await;
    let columns = std::mem::take(&mut *timings.lock().unwrap());
    let steps = STEPS
        .into_iter()
        .zip(columns)
        .map(|(name, latencies)| {
            (
                name,
                Stats::from_outcomes(vec![(latencies, 0)], whole.elapsed),
            )
        })
        .collect();
    FullSignIns { whole, steps }
}

/// The four requests of one sign-in; `None` at the first unexpected answer.
async fn sign_in_once(
    client: &reqwest::Client,
    base: &str,
    login: &str,
    secret: &[u8],
    n: usize,
) -> Option<[Duration; 4]> {
    let (name, client_ip) = twofold::forwarded_for(n);
    let started = Instant::now();
    let reply = post_json(
        client
            .post(format!("{base}/api/SignIn"))
            .header(name, client_ip),
        &json!({"login": login, "password": PASSWORD}),
    )
    .await?;
    let pending = reply["session"].as_str()?.to_owned();
    let signed_in = started.elapsed();

    let started = Instant::now();
    // The next step's code: inside the window, and later than the step
    // that confirmed set-up (the replay guard).
    let code = twofold::totp_at(secret, twofold::unix_now() + 30);
    let reply = post_json(
        client.post(format!("{base}/api/Verify2FACode")),
        &json!({"session": pending, "code": code}),
    )
    .await?;
    let session = reply["session"].as_str()?.to_owned();
    let verified = started.elapsed();

    let started = Instant::now();
    let account = client
        .get(format!("{base}/api/GetAccount"))
        .bearer_auth(&session)
        .send()
        .await
        .ok()?;
    let read: Value = account.json().await.ok()?;
    (read["login"] == login).then_some(())?;
    let got = started.elapsed();

    let started = Instant::now();
    let out = client
        .post(format!("{base}/api/SignOut"))
        .bearer_auth(&session)
        .send()
        .await
        .ok()?;
    (out.status() == 204).then_some(())?;
    Some([signed_in, verified, got, started.elapsed()])
}

/// POSTs `body` as JSON; the reply's JSON if the answer was 200.
async fn post_json(request: reqwest::RequestBuilder, body: &Value) -> Option<Value> {
    let response = request.json(body).send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    response.json().await.ok()
}

/// An account whose one method is a security key, and the key. The key
/// is held for a whole ceremony, as a real one is: two answers signed at
/// once could reach the server in the other order, and a counter that
/// goes back is refused as a clone's.
pub struct KeyAccount {
    pub login: String,
    key: AsyncMutex<SoftPasskey>,
}

/// Signs `login` up and adds a security key as its first method (which
/// turns 2FA on), as Settings' Add security key does.
pub async fn key_account(base: &str, origin: &Url, login: &str) -> KeyAccount {
    let browser = Browser::signed_up(base, login).await;
    browser.confirm_password().await;
    let begun = browser
        .call("begin_adding_security_key", &[("kind", "security_key")])
        .await;
    let (ceremony, options) = ceremony_of(&begun).expect("a registration ceremony");
    let options: CreationChallengeResponse =
        serde_json::from_str(&options).expect("creation options");
    let mut key = SoftPasskey::new(true);
    let created = key
        .do_registration(origin.clone(), options)
        .expect("the key's registration");
    let response = serde_json::to_string(&created).expect("JSON");
    let form = [
        ("kind", "security_key"),
        ("ceremony", ceremony.as_str()),
        ("name", "Bench key"),
        ("response", response.as_str()),
    ];
    browser.call("finish_adding_security_key", &form).await;
    KeyAccount {
        login: login.to_owned(),
        key: AsyncMutex::new(key),
    }
}

/// A ceremony's handle and the browser's options, from its start.
fn ceremony_of(start: &Value) -> Option<(String, String)> {
    Some((
        start["ceremony"].as_str()?.to_owned(),
        start["options"].as_str()?.to_owned(),
    ))
}

/// Finishes each of `pending` (an API session after the password, and the
/// account it is for) with its account's key: the ceremony begun, answered
/// by the key, finished, as the pending page's Use your security key does.
pub async fn security_key_sign_ins(
    base: &str,
    origin: &Url,
    accounts: Arc<Vec<KeyAccount>>,
    pending: Vec<(String, usize)>,
    connections: usize,
) -> Stats {
    let pending = Arc::new(pending);
    let (base, origin) = (base.to_owned(), origin.clone());
    load::run(
        connections,
        Length::Requests(pending.len()),
        move |client, n| {
            let (session, account) = pending[n].clone();
            let (base, origin, accounts) = (base.clone(), origin.clone(), accounts.clone());
            async move {
                let cookie = format!("twofold={session}");
                let mut key = accounts[account].key.lock().await;
                let Some(start) =
                    rpc(&client, &base, &cookie, "begin_security_key_sign_in", &[]).await
                else {
                    return false;
                };
                let Some((ceremony, options)) = ceremony_of(&start) else {
                    return false;
                };
                let Ok(options) = serde_json::from_str::<RequestChallengeResponse>(&options) else {
                    return false;
                };
                let Ok(assertion) = key.do_authentication(origin, options) else {
                    return false;
                };
                let response = serde_json::to_string(&assertion).unwrap_or_default();
                let form = [
                    ("ceremony", ceremony.as_str()),
                    ("response", response.as_str()),
                ];
                rpc(
                    &client,
                    &base,
                    &cookie,
                    "finish_security_key_sign_in",
                    &form,
                )
                .await
                .is_some()
            }
        },
    )
    .await
}

/// A server function called as the dashboard calls it, with `cookie`; its
/// JSON answer if it succeeded.
async fn rpc(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    function: &str,
    form: &[(&str, &str)],
) -> Option<Value> {
    let response = client
        .post(format!("{base}/api/{function}"))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body = response.text().await.ok()?;
    Some(serde_json::from_str(&body).unwrap_or(Value::Null))
}
