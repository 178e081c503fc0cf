//! Operator configuration: every flag also reads an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use ipnet::IpNet;

use crate::client_ip::parse_network;

#[derive(Parser, Clone)]
#[command(
    name = "server",
    version,
    about = "Twofold: a self-hostable account dashboard with two-factor authentication"
)]
pub struct Config {
    /// Without a command, the server runs.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address and port to listen on.
    #[arg(long, env = "TWOFOLD_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Directory for the SQLite database and generated keys; created on
    /// first run.
    #[arg(long, env = "TWOFOLD_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// PostgreSQL URL (postgres://user@host/db). When unset, Twofold uses
    /// SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,

    /// Master key for secrets at rest: base64 of 32 random bytes
    /// (`openssl rand -base64 32`). When unset, a key is generated into the
    /// data directory on first run. Give every process sharing one database
    /// the same key.
    #[arg(
        long,
        env = "TWOFOLD_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,

    /// A file holding the master key (as `--secret-key`), readable by its
    /// owner only: the key stays off the command line and out of the
    /// environment.
    #[arg(
        long,
        env = "TWOFOLD_SECRET_KEY_FILE",
        conflicts_with = "secret_key",
        global = true
    )]
    pub secret_key_file: Option<PathBuf>,

    /// Seconds a password confirmation unlocks sensitive actions.
    #[arg(long, env = "TWOFOLD_REAUTH_SECONDS", default_value_t = 300)]
    pub reauth_seconds: i64,

    /// Days a signed-in session lasts at most, however much it is used
    /// (besides the 12 hours it lasts unused).
    #[arg(long, env = "TWOFOLD_SESSION_MAX_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(i64).range(1..=400))]
    pub session_max_days: i64,

    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name
    /// the client, as CIDRs or addresses, comma-separated
    /// (`10.0.0.0/8,::1`). Unset: the peer address is the client.
    #[arg(long, env = "TWOFOLD_TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,

    /// Seconds a client has to send a whole request head, counted from the
    /// connection's opening or the previous response (so also the longest
    /// a kept-alive connection stays idle).
    #[arg(long, env = "TWOFOLD_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,

    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "TWOFOLD_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,

    /// Open connections at most; more wait until one closes.
    #[arg(long, env = "TWOFOLD_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Issuer name shown in authenticator apps.
    #[arg(long, env = "TWOFOLD_ISSUER", default_value = "Twofold")]
    pub issuer: String,

    /// Log filter, e.g. `info`, `debug`, `app=trace,server=debug,info`.
    #[arg(long, env = "TWOFOLD_LOG", default_value = "info")]
    pub log: String,

    /// Log line format.
    #[arg(long, env = "TWOFOLD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Mark cookies `Secure` (set this when serving behind TLS).
    #[arg(long, env = "TWOFOLD_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Directory holding the built site (`pkg/` with wasm, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// The front end's content hashes (`hash.txt` from `cargo leptos build`
    /// with hash-files). Default: `hash.txt` beside this binary, if there.
    #[arg(long, env = "TWOFOLD_HASH_FILE")]
    pub hash_file: Option<PathBuf>,

    /// The address people reach Twofold at, behind any proxy (the start of
    /// the operator's reset links).
    #[arg(long, env = "TWOFOLD_PUBLIC_URL", default_value = "http://localhost:3000",
          value_parser = parse_public_url, global = true)]
    pub public_url: String,

    /// Sign-up asks for an email address and refuses to go on without
    /// one (without this, the address is optional).
    #[arg(long, env = "TWOFOLD_REQUIRE_EMAIL", default_value_t = false)]
    pub require_email: bool,

    /// The SMTP server Twofold's mail goes through, as lettre reads it:
    /// `smtps://user:pass@mail.example.org` (TLS, port 465),
    /// `smtp://user:pass@mail.example.org:587?tls=required` (STARTTLS),
    /// `smtp://localhost:25` (a relay on this machine, no TLS). Unset:
    /// each message is written as a file into `--mail-dir`.
    #[arg(long, env = "TWOFOLD_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Seconds one exchange with the SMTP server may take; a server that
    /// stalls longer is tried again later.
    #[arg(long, env = "TWOFOLD_SMTP_TIMEOUT", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=60), global = true)]
    pub smtp_timeout: u64,

    /// Without `--smtp-url`: the directory each message is written into,
    /// as one `.eml` file (default: `mail` in the data directory).
    #[arg(
        long,
        env = "TWOFOLD_MAIL_DIR",
        conflicts_with = "smtp_url",
        global = true
    )]
    pub mail_dir: Option<PathBuf>,

    /// Who Twofold's mail is from.
    #[arg(
        long,
        env = "TWOFOLD_MAIL_FROM",
        default_value = "Twofold <twofold@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Whether people may create their own accounts. `closed`: accounts are
    /// created by the operator (`server admin create-account`).
    #[arg(long, env = "TWOFOLD_SIGNUP", value_enum, default_value_t = SignUp::Open)]
    pub signup: SignUp,

    /// Largest database connection pool per process.
    #[arg(long, env = "TWOFOLD_DB_POOL", default_value_t = 16)]
    pub db_pool: u32,

    /// Seconds a request waits for a database connection before it is
    /// answered 503 (the database is down or overloaded).
    #[arg(long, env = "TWOFOLD_DB_TIMEOUT", default_value_t = 5)]
    pub db_timeout: u64,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// The operator's commands, on the database the server uses (the same
    /// --data-dir, DATABASE_URL and secret key); safe while servers run.
    Admin {
        #[command(subcommand)]
        command: Admin,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum Admin {
    /// One line per account: login, created, 2FA, recovery codes left,
    /// last sign-in, and whether it is open, throttled or locked.
    Accounts,
    /// Clear the account's password and second-factor throttles, the
    /// 100-failure hard caps included.
    Unlock { login: String },
    /// Turn 2FA off for someone who lost phone and recovery codes: removes
    /// the secret and codes and ends the account's sessions.
    ResetTwoFactor { login: String },
    /// End every session of the account, on every process.
    SignOut {
        login: String,
        /// Revoke the account's personal access tokens too.
        #[arg(long)]
        tokens: bool,
    },
    /// Print a one-time link (valid one hour) where the account's owner
    /// sets a new password; the second factor, if on, is still asked.
    ResetLink { login: String },
    /// Create an account and print a reset link for its first password.
    CreateAccount { login: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignUp {
    Open,
    Closed,
}

/// An `http` or `https` URL without a trailing slash, path or query.
fn parse_public_url(text: &str) -> Result<String, String> {
    let url = text.trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("the public URL must begin with http:// or https://")?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(
            "the public URL is a scheme and a host (and port), like https://twofold.example.org"
                .into(),
        );
    }
    Ok(url.to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Hides the database URL (it may hold a password) and the secret key.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|_| "(set)"))
            .field("secret_key", &self.secret_key.as_ref().map(|_| "(set)"))
            .field("secret_key_file", &self.secret_key_file)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("issuer", &self.issuer)
            .field("log", &self.log)
            .field("secure_cookies", &self.secure_cookies)
            .field("site_root", &self.site_root)
            .field("public_url", &self.public_url)
            .field("signup", &self.signup)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "(set)"))
            .field("mail_dir", &self.mail_dir)
            .field("mail_from", &self.mail_from)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A configuration with every default, for tests and embedding.
    pub fn defaults() -> Self {
        Self::parse_from(["server"])
    }
}
