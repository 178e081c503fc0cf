//! A Twofold release server under test: its process, its memory, and the
//! accounts a benchmark needs, made through the same calls the dashboard
//! makes.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery";

pub struct Server {
    child: Child,
    pub base: String,
    /// Where people reach it: the WebAuthn origin.
    pub public_url: String,
}

impl Server {
    /// Starts `binary` on `port` with the site in `site_root`, on SQLite in
    /// `data_dir` or on `database_url`, and waits until it serves.
    pub async fn start(
        binary: &Path,
        site_root: &Path,
        data_dir: &Path,
        database_url: Option<&str>,
        port: u16,
    ) -> Self {
        let public_url = format!("http://localhost:{port}");
        let mut command = Command::new(binary);
        command
            .args(["--public-url", &public_url])
            .args(["--addr", &format!("127.0.0.1:{port}"), "--log", "error"])
            // The load generator plays a reverse proxy in front of many
            // clients: each request names its client (`forwarded_for`).
            .args(["--trusted-proxies", "127.0.0.1"])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--site-root")
            .arg(site_root)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        let server = Self {
            child: command.spawn().expect("start the server binary"),
            base: format!("http://127.0.0.1:{port}"),
            public_url,
        };
        wait_until_up(&format!("{}/login", server.base)).await;
        server
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in bytes.
    pub fn rss(&self) -> u64 {
        status_kb(self.pid(), "VmRSS:") * 1024
    }

    /// Samples the resident memory every 10 ms until [`RssSampler::peak`]
    /// (the kernel's own high-water mark cannot be read per run reliably).
    pub fn sample_rss(&self) -> RssSampler {
        let pid = self.pid();
        let stop = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn({
            let stop = stop.clone();
            async move {
                let mut peak = 0;
                while !stop.load(Ordering::Relaxed) {
                    peak = peak.max(status_kb(pid, "VmRSS:") * 1024);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                peak.max(status_kb(pid, "VmRSS:") * 1024)
            }
        });
        RssSampler { stop, task }
    }
}

pub struct RssSampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<u64>,
}

impl RssSampler {
    /// The largest resident size seen, in bytes.
    pub async fn peak(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn wait_until_up(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::get(url).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not come up");
}

fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(field))
                .and_then(|rest| rest.trim().trim_end_matches(" kB").parse().ok())
        })
        .unwrap_or(0)
}

/// A browser-like session on the server: a cookie jar and the server
/// functions the dashboard calls.
pub struct Browser {
    http: reqwest::Client,
    base: String,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: base.to_owned(),
        }
    }

    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> Value {
        let response = self
            .http
            .post(format!("{}/api/{function}", self.base))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{function}: {e}"));
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{function}: {status} {body}");
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    /// A new browser session signed up as `login`.
    pub async fn signed_up(base: &str, login: &str) -> Self {
        let browser = Self::new(base);
        browser
            .call("sign_up", &[("login", login), ("password", PASSWORD)])
            .await;
        browser
    }

    /// The password pop-up, answered: what changing 2FA and tokens needs.
    pub async fn confirm_password(&self) {
        self.call("confirm_password", &[("password", PASSWORD)])
            .await;
    }
}

/// Signs `login` up; with `two_factor`, enables 2FA and answers its key.
pub async fn account(base: &str, login: &str, two_factor: bool) -> Option<Vec<u8>> {
    let browser = Browser::signed_up(base, login).await;
    if !two_factor {
        return None;
    }
    browser.confirm_password().await;
    let challenge = browser.call("begin_two_factor_setup", &[]).await;
    let key: String = challenge["manual_key"]
        .as_str()
        .expect("manual_key")
        .split_whitespace()
        .collect();
    let secret = data_encoding::BASE32_NOPAD
        .decode(key.trim_end_matches('=').as_bytes())
        .expect("base32 key");
    let code = totp_at(&secret, unix_now());
    browser
        .call("confirm_two_factor_setup", &[("code", &code)])
        .await;
    Some(secret)
}

/// A personal access token for `login`.
pub async fn access_token(base: &str, login: &str) -> String {
    let browser = Browser::new(base);
    browser
        .call("sign_in", &[("login", login), ("password", PASSWORD)])
        .await;
    browser.confirm_password().await;
    let created = browser
        .call(
            "create_access_token",
            &[
                ("name", "bench"),
                ("expires_in_days", "7"),
                ("scope", "read_only"),
            ],
        )
        .await;
    created["token"].as_str().expect("token").to_owned()
}

/// The API's first step: a session token (pending when 2FA is on).
pub async fn api_sign_in(client: &reqwest::Client, base: &str, login: &str) -> Option<String> {
    let response = client
        .post(format!("{base}/api/SignIn"))
        .json(&json!({"login": login, "password": PASSWORD}))
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body: Value = response.json().await.ok()?;
    body["session"].as_str().map(str::to_owned)
}

/// The TOTP code of `secret` (SHA-1, 6 digits, 30 s) at `unix`, by
/// totp-rs: the client's own implementation, not the server's.
pub fn totp_at(secret: &[u8], unix: i64) -> String {
    totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        secret.to_vec(),
        None,
        String::new(),
    )
    .generate(unix as u64)
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The `X-Forwarded-For` of the `n`th client of a run: one address each, as
/// many people signing in through one proxy.
pub fn forwarded_for(n: usize) -> (&'static str, String) {
    let [_, b, c, d] = (n as u32).to_be_bytes();
    ("x-forwarded-for", format!("10.{b}.{c}.{d}"))
}
