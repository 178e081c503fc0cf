//! Twofold as a separate operating-system process: the real `server`
//! binary on a random port, for tests that kill it, restart it, or run
//! several of them on one database.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Client, PASSWORD};

pub struct Process {
    pub child: Child,
    pub base: String,
    port: u16,
}

impl Process {
    /// Starts the binary on a free port and waits until it serves `/login`.
    pub async fn start(data_dir: &std::path::Path, database_url: Option<&str>) -> Self {
        Self::start_on(free_port(), data_dir, database_url).await
    }

    pub async fn start_on(
        port: u16,
        data_dir: &std::path::Path,
        database_url: Option<&str>,
    ) -> Self {
        Self::launch(port, Self::command(port, data_dir, database_url)).await
    }

    /// The command line of a server on `port`, for tests that add to it.
    pub fn command(port: u16, data_dir: &std::path::Path, database_url: Option<&str>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .args(["--addr", &format!("127.0.0.1:{port}"), "--log", "warn"])
            .arg("--data-dir")
            .arg(data_dir)
            .env_remove("DATABASE_URL")
            .env_remove("TWOFOLD_SECRET_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        command
    }

    /// Spawns `command` (made by [`Process::command`] for `port`) and waits
    /// until it serves.
    pub async fn launch(port: u16, mut command: Command) -> Self {
        let process = Self {
            child: command.spawn().expect("the server binary starts"),
            base: format!("http://127.0.0.1:{port}"),
            port,
        };
        wait_until_up(&process.base).await;
        process
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_until_up(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::get(format!("{base}/login"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server at {base} did not come up");
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The clock of a server process: the system's.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Signs up on `base` and enables 2FA with the wizard's calls.
pub async fn account_with_two_factor(base: &str, login: &str) -> (Client, super::Enabled) {
    let mut client = Client::new(base);
    let reply = client
        .call("sign_up", &[("login", login), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let enabled = super::enable_two_factor_at(&mut client, unix_now).await;
    (client, enabled)
}
