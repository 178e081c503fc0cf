//! Test harness: a real Twofold server on a random port, on a fresh SQLite
//! file or a fresh PostgreSQL database, and a small HTTP client that keeps
//! the session cookie the way a browser does.

#![allow(dead_code)] // Each test binary uses its own part of the harness.

pub mod postgres_cluster;
pub mod process;
pub mod smtp;

use std::net::SocketAddr;

use reqwest::header::HeaderMap;
use server::{Config, Twofold};
use sqlx::Connection;

pub use app::server::AppState;

/// Runs each named `async fn name(backend: Backend)` once on SQLite and once
/// on PostgreSQL, as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests may create databases on. `scripts/test`
/// starts a private cluster and sets it; running PostgreSQL tests without
/// it is an error, not a silent skip.
pub const POSTGRES_ENV: &str = "TWOFOLD_TEST_POSTGRES";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub config: Config,
    _data_dir: tempfile::TempDir,
    _database: Option<TestDatabase>,
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, |_| {}).await
}

pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_prepared(backend, adjust, |_| async {}).await
}

/// [`spawn_with`], after `prepare` has had the database (its URL) to
/// itself, as an earlier version of Twofold would have left it.
pub async fn spawn_prepared<Fut: std::future::Future<Output = ()>>(
    backend: Backend,
    adjust: impl FnOnce(&mut Config),
    prepare: impl FnOnce(String) -> Fut,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary directory");
    let mut config = Config::defaults();
    config.addr = "127.0.0.1:0".parse().unwrap();
    // A directory that does not exist yet: the server must create it.
    config.data_dir = data_dir.path().join("data");
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(fresh_postgres_database().await),
    };
    config.database_url = database.as_ref().map(|d| d.url.clone());
    config.secure_cookies = false;
    adjust(&mut config);
    let url = match &config.database_url {
        Some(url) => url.clone(),
        None => app::server::db::sqlite_url_in(&config.data_dir).expect("a SQLite file"),
    };
    prepare(url).await;

    let Twofold { router, state } = server::build(&config).await.expect("server builds");
    let addr = serve_in_process_with(router, &config).await;
    TestApp {
        addr,
        state,
        config,
        _data_dir: data_dir,
        _database: database,
    }
}

/// Serves `router` on a random local port in the test's runtime. It never
/// stops on a signal: those belong to the test binary.
pub async fn serve_in_process(router: axum::Router) -> SocketAddr {
    serve_in_process_with(router, &Config::defaults()).await
}

/// [`serve_in_process`] with the connection limits of `config`.
pub async fn serve_in_process_with(router: axum::Router, config: &Config) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = server::connections::Limits::of(config);
    tokio::spawn(server::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    addr
}

/// A database of its own on the test PostgreSQL server. It is dropped,
/// with any connection still open to it, when the test is done: a full
/// suite creates hundreds, and a loop of test runs filled the disk.
pub struct TestDatabase {
    pub url: String,
    admin: String,
    name: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = std::mem::take(&mut self.admin);
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
        // A database left behind costs disk, not correctness; the private
        // cluster of scripts/test is deleted after the suite anyway.
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

pub async fn fresh_postgres_database() -> TestDatabase {
    let admin = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
        panic!("{POSTGRES_ENV} must name a PostgreSQL server (scripts/test starts one)")
    });
    let name = format!("twofold_test_{:016x}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let (server, _) = admin
        .rsplit_once('/')
        .expect("URL ends with a database name");
    TestDatabase {
        url: format!("{server}/{name}"),
        admin,
        name,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client with no cookie yet, like a fresh browser profile.
    pub fn client(&self) -> Client {
        Client::new(&format!("http://{}", self.addr))
    }

    /// A fresh browser on another network: its connections come from `ip`.
    pub fn client_from(&self, ip: &str) -> Client {
        Client::from_address(&format!("http://{}", self.addr), ip)
    }

    /// A client that has signed up as `login` and is signed in.
    pub async fn signed_up(&self, login: &str, password: &str) -> Client {
        let mut client = self.client();
        let reply = client
            .call("sign_up", &[("login", login), ("password", password)])
            .await;
        assert_eq!(reply.status, 200, "sign-up failed: {}", reply.body);
        client
    }
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    /// `name=value` of the session cookie, as a browser would send it.
    pub cookie: Option<String>,
    /// `name=value` of the device cookie a sign-in gave this browser.
    pub browser_cookie: Option<String>,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The recovery codes of a reply that shows a set, in order.
    pub fn codes(&self) -> Vec<String> {
        self.json()["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Every `Set-Cookie` header of the response.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

impl Client {
    /// A client of a server at `base` (`http://host:port`), with no cookie.
    pub fn new(base: &str) -> Self {
        Self::with_builder(base, reqwest::Client::builder())
    }

    /// A client whose connections come from `ip` (any 127.x.y.z is this
    /// machine), as another network's browser would.
    pub fn from_address(base: &str, ip: &str) -> Self {
        let ip: std::net::IpAddr = ip.parse().expect("an address");
        Self::with_builder(base, reqwest::Client::builder().local_address(ip))
    }

    fn with_builder(base: &str, builder: reqwest::ClientBuilder) -> Self {
        Self {
            http: builder
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(USER_AGENT)
                .build()
                .unwrap(),
            base: base.to_owned(),
            cookie: None,
            browser_cookie: None,
        }
    }

    /// Signs `login` in with the password only: for an account with 2FA
    /// the client is left pending.
    pub async fn password_step(mut self, login: &str) -> Self {
        let reply = self
            .call("sign_in", &[("login", login), ("password", PASSWORD)])
            .await;
        assert_eq!(reply.status, 200, "sign_in: {}", reply.body);
        self
    }

    /// Like [`Client::call`], but `None` when the server cannot be reached.
    pub async fn try_call(&mut self, function: &str, form: &[(&str, &str)]) -> Option<Reply> {
        let request = self
            .http
            .post(format!("{}/api/{function}", self.base))
            .header("accept", "application/json")
            .form(form);
        self.try_send(request).await.ok()
    }

    /// Calls a server function the way the hydrated app does (form-encoded
    /// body, JSON answer).
    /// Confirms the password and begins a set-up; answers the key to add to
    /// an authenticator app.
    pub async fn begin_setup(&mut self) -> String {
        self.call("confirm_password", &[("password", PASSWORD)])
            .await;
        let challenge = self.call("begin_two_factor_setup", &[]).await;
        challenge.json()["manual_key"].as_str().unwrap().to_owned()
    }

    /// The status the second sign-in step answers a code from the app with.
    pub async fn code_status(&mut self, code: &str) -> u16 {
        self.status_of("verify_sign_in_code", &[("code", code)])
            .await
    }

    /// The status `function` answers with.
    pub async fn status_of(&mut self, function: &str, form: &[(&str, &str)]) -> u16 {
        self.call(function, form).await.status
    }

    pub async fn call(&mut self, function: &str, form: &[(&str, &str)]) -> Reply {
        let request = self
            .http
            .post(format!("{}/api/{function}", self.base))
            .header("accept", "application/json")
            .form(form);
        self.send(request).await
    }

    /// Posts a form the way a browser without JavaScript does.
    pub async fn post_form(
        &mut self,
        function: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> Reply {
        let request = self
            .http
            .post(format!("{}/api/{function}", self.base))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", format!("{}{referer}", self.base))
            .form(form);
        self.send(request).await
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let request = self
            .http
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html");
        self.send(request).await
    }

    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> Reply {
        self.try_send(request).await.unwrap_or_else(|error| {
            panic!("the request failed or got no answer within REQUEST_TIMEOUT: {error:?}")
        })
    }

    async fn try_send(
        &mut self,
        mut request: reqwest::RequestBuilder,
    ) -> Result<Reply, reqwest::Error> {
        // A response that never ends fails its test instead of hanging the
        // suite (seen once: an SSR response that never completed, like
        // leptos-rs/leptos#4851).
        request = request.timeout(REQUEST_TIMEOUT);
        let cookies: Vec<&str> = [&self.cookie, &self.browser_cookie]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !cookies.is_empty() {
            request = request.header("cookie", cookies.join("; "));
        }
        let response = request.send().await?;
        let reply = Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await?,
        };
        for set_cookie in reply.set_cookies() {
            let pair = set_cookie.split(';').next().unwrap_or_default().trim();
            if pair.starts_with("twofold=") || pair.starts_with("__Host-twofold=") {
                let removed = set_cookie.to_ascii_lowercase().contains("max-age=0");
                self.cookie = (!removed).then(|| pair.to_owned());
            }
            if pair.starts_with("twofold_browser=") || pair.starts_with("__Host-twofold-browser=") {
                self.browser_cookie = Some(pair.to_owned());
            }
        }
        Ok(reply)
    }
}

pub const PASSWORD: &str = "correct horse battery";
/// Longer than any request of the suite takes, even under load.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// Sent by every test client, so the security activity can be checked.
pub const USER_AGENT: &str = "twofold-tests/1";

/// The TOTP code for `key` at `unix`, computed by oath-toolkit's
/// `oathtool`: an implementation independent of the server's.
pub fn oathtool_code(key_base32: &str, unix: i64) -> String {
    let key: String = key_base32.split_whitespace().collect();
    let output = std::process::Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("@{unix}"), &key])
        .output()
        .expect("oathtool runs (scripts/test installs oathtool)");
    assert!(
        output.status.success(),
        "oathtool: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// What enabling 2FA through the wizard's calls gave back.
pub struct Enabled {
    pub key: String,
    pub codes: Vec<String>,
    /// The server time the confirming code was computed for.
    pub confirmed_at: i64,
    /// What the set-up answer said of the phone's clock, if anything.
    pub clock_drift: Option<String>,
}

/// The wizard's calls: confirm the password, begin, confirm a code computed
/// by oathtool for the server time `now` gives. Answers the key, when the
/// code was computed, and the confirmation's answer.
async fn run_wizard(client: &mut Client, now: impl Fn() -> i64) -> (String, i64, Reply) {
    let reply = client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "confirm_password: {}", reply.body);
    let challenge = client.call("begin_two_factor_setup", &[]).await;
    assert_eq!(challenge.status, 200, "begin: {}", challenge.body);
    let key = challenge.json()["manual_key"].as_str().unwrap().to_owned();
    let confirmed_at = now();
    let reply = client
        .call(
            "confirm_two_factor_setup",
            &[("code", &oathtool_code(&key, confirmed_at))],
        )
        .await;
    assert_eq!(reply.status, 200, "confirm: {}", reply.body);
    (key, confirmed_at, reply)
}

/// The wizard as Set Up Two-Factor Authentication runs it: 2FA on.
pub async fn enable_two_factor_at(client: &mut Client, now: impl Fn() -> i64) -> Enabled {
    let (key, confirmed_at, reply) = run_wizard(client, now).await;
    let body = reply.json();
    let codes = reply.codes();
    Enabled {
        key,
        codes,
        confirmed_at,
        clock_drift: body["clock_drift"].as_str().map(str::to_owned),
    }
}

impl TestApp {
    /// The one integer `sql` selects from the app's database.
    pub async fn number(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    pub fn now(&self) -> i64 {
        self.state.clock.now()
    }

    /// The wizard's calls, with codes for this server's clock.
    pub async fn enable_two_factor(&self, client: &mut Client) -> Enabled {
        enable_two_factor_at(client, || self.now()).await
    }

    /// Add authenticator app, once 2FA is on: the wizard's calls for a
    /// further app, which answer no recovery codes. Answers the app's key.
    pub async fn add_app(&self, client: &mut Client) -> String {
        let (key, _, reply) = run_wizard(client, || self.now()).await;
        assert_eq!(reply.json(), serde_json::Value::Null, "no new codes");
        key
    }

    /// A new account `login` with 2FA on, and its signed-in client.
    pub async fn with_two_factor(&self, login: &str) -> (Client, Enabled) {
        let mut client = self.signed_up(login, PASSWORD).await;
        let enabled = self.enable_two_factor(&mut client).await;
        (client, enabled)
    }

    /// Signs `login` in with the password only: for an account with 2FA
    /// the client is left pending.
    pub async fn password_step(&self, login: &str) -> Client {
        self.client().password_step(login).await
    }
}

/// GETs `path` of the API with `token` as its bearer, without a cookie.
pub async fn bearer_get(app: &TestApp, path: &str, token: &str) -> Reply {
    app.client()
        .send(
            reqwest::Client::new()
                .get(app.url(path))
                .header("authorization", format!("Bearer {token}")),
        )
        .await
}

/// A read-only personal access token for 30 days, created by `client`
/// after confirming the password.
pub async fn new_access_token(client: &mut Client) -> String {
    client
        .call("confirm_password", &[("password", PASSWORD)])
        .await;
    let form = [
        ("name", "ci"),
        ("expires_in_days", "30"),
        ("scope", "read_only"),
    ];
    let created = client.call("create_access_token", &form).await;
    assert_eq!(created.status, 200, "{}", created.body);
    created.json()["token"].as_str().unwrap().to_owned()
}

/// POSTs `body` as JSON to `path` (the API), without a cookie.
pub async fn post(app: &TestApp, path: &str, body: &str) -> Reply {
    app.client()
        .send(
            reqwest::Client::new()
                .post(app.url(path))
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
}

pub async fn post_json(app: &TestApp, path: &str, body: serde_json::Value) -> Reply {
    post(app, path, &body.to_string()).await
}

/// The API's SignIn for `login` with `PASSWORD`: the session token it
/// answers (pending when the account has 2FA).
pub async fn api_sign_in(app: &TestApp, login: &str) -> String {
    let body = serde_json::json!({"login": login, "password": PASSWORD});
    let reply = post_json(app, "/api/SignIn", body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["session"].as_str().unwrap().to_owned()
}

/// A well-formed code other than `right`.
pub fn a_wrong_code(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// An API error as the API promises it: the status, the kind, and a
/// `message` worded for people (not empty, not a locale key such as
/// `validation.…`, no unfilled `%{…}`).
pub fn assert_json_error(reply: &Reply, status: u16, kind: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["error"], kind, "{}", reply.body);
    let message = body["message"].as_str().unwrap_or_default();
    assert!(is_worded(message), "not a worded message: {}", reply.body);
}

/// A sentence for people, not a locale key or a template.
pub fn is_worded(message: &str) -> bool {
    let key_like = message.split_once('.').is_some_and(|(head, _)| {
        !head.is_empty() && head.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    });
    message.contains(' ') && !key_like && !message.contains("%{")
}

/// What `server admin ...` printed, and whether it succeeded.
#[derive(Debug)]
pub struct AdminRun {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the real binary's `server admin <args>` on the database and data
/// directory of `app`, which keeps serving meanwhile.
pub async fn admin(app: &TestApp, args: &[&str]) -> AdminRun {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(&app.config.data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("TWOFOLD_SECRET_KEY")
        .env_remove("TWOFOLD_PUBLIC_URL");
    if let Some(url) = &app.config.database_url {
        command.env("DATABASE_URL", url);
    }
    let output = command.output().await.expect("the server binary runs");
    AdminRun {
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
