//! `scripts/bench`: drives a built Twofold (release binary and site) on
//! SQLite and on PostgreSQL at 1, 16 and 200 connections, measures the
//! ceilings of this machine in the same run, and writes a Markdown table of
//! figures and ratios to stdout and to a file.
//!
//! Usage:
//!   bench run --server target/release/server --site target/site \
//!             [--postgres postgres://user@host:port/db] [--out FILE] [--seconds N]
//!             [--only SCENARIO] [--verifies N]
//!   bench constant PORT     (the constant-response server, started by `run`)

mod ceilings;
mod flows;
mod load;
mod report;
mod twofold;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use load::{Length, Stats};
use serde_json::json;
use twofold::Server;

const LEVELS: [usize; 3] = [1, 16, 200];
/// 2FA accounts per level unless `--verifies` says otherwise: each
/// verifies once (one code per account and time step, the replay guard), so
/// each level needs its own, and each costs three password hashes to make.
const VERIFIES_PER_LEVEL: usize = 1000;

struct Options {
    server: PathBuf,
    site: PathBuf,
    postgres: Option<String>,
    out: PathBuf,
    seconds: u64,
    /// Run only the scenarios whose name contains one of these
    /// (comma-separated; the ceilings always run).
    only: Option<Vec<String>>,
    /// Verify2FACode requests per level.
    verifies: usize,
}

const USAGE: &str = "usage: bench run [--server PATH] [--site PATH] [--postgres URL] [--out FILE] [--seconds N] [--only SCENARIO] [--verifies N]";
const FLAGS: [&str; 7] = [
    "--server",
    "--site",
    "--postgres",
    "--out",
    "--seconds",
    "--only",
    "--verifies",
];

#[derive(Debug, PartialEq)]
enum Flags {
    Valid,
    Help,
    /// An unknown flag, or a known one without its value.
    Bad(String),
}

/// A typo must not start a ten-minute run that ignores it.
fn check_flags(args: &[String]) -> Flags {
    for pair in args.chunks(2) {
        match pair {
            [flag, _] if FLAGS.contains(&flag.as_str()) => {}
            [flag, ..] if flag == "--help" || flag == "-h" => return Flags::Help,
            [flag, ..] => return Flags::Bad(flag.clone()),
            [] => unreachable!("chunks are never empty"),
        }
    }
    Flags::Valid
}

fn options(args: &[String]) -> Options {
    match check_flags(args) {
        Flags::Valid => {}
        Flags::Help => {
            println!("{USAGE}");
            std::process::exit(0);
        }
        Flags::Bad(flag) => {
            eprintln!("bench: unknown flag or missing value: {flag}\n{USAGE}");
            std::process::exit(2);
        }
    }
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    Options {
        server: value("--server")
            .unwrap_or("target/release/server".into())
            .into(),
        site: value("--site").unwrap_or("target/site".into()).into(),
        postgres: value("--postgres"),
        out: value("--out").unwrap_or("target/bench.md".into()).into(),
        seconds: value("--seconds").map_or(5, |s| s.parse().expect("--seconds N")),
        only: value("--only").map(|only| only.split(',').map(str::to_owned).collect()),
        verifies: value("--verifies")
            .map_or(VERIFIES_PER_LEVEL, |n| n.parse().expect("--verifies N")),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("constant") => {
            let port = args
                .get(2)
                .and_then(|p| p.parse().ok())
                .expect("bench constant PORT");
            ceilings::serve_constant(port).await;
        }
        Some("run") => run(options(&args[2..])).await,
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

/// Everything one backend measured.
pub struct BackendRun {
    pub name: &'static str,
    pub idle_rss: u64,
    pub rows: Vec<Row>,
    /// /login alone at one connection, and while 200 sign-ins run, if
    /// those ran.
    pub login_idle_p99: Option<Duration>,
    pub login_under_sign_ins_p99: Option<Duration>,
    pub bare_writes: Stats,
    /// argon2id hashes per second on all cores, measured right before the
    /// 16-connection SignIn run, if it ran.
    pub argon2: Option<f64>,
    /// Each step's latencies inside the full sign-ins, if they ran.
    pub full_sign_in_steps: Vec<(&'static str, Stats)>,
}

async fn run(options: Options) {
    let length = Length::For(Duration::from_secs(options.seconds));
    eprintln!("measuring the constant-handler ceiling");
    let constant = constant_ceiling(length).await;

    let mut runs = Vec::new();
    let mut backends: Vec<(&'static str, Option<String>)> = vec![("SQLite", None)];
    if let Some(admin) = &options.postgres {
        backends.push(("PostgreSQL", Some(fresh_database(admin).await)));
    }
    for (name, database_url) in backends {
        eprintln!("{name}: starting Twofold");
        let data_dir =
            std::env::temp_dir().join(format!("twofold-bench-{}", rand::random::<u32>()));
        let server = Server::start(
            &options.server,
            &options.site,
            &data_dir,
            database_url.as_deref(),
            free_port(),
        )
        .await;
        let postgres_url = database_url.clone();
        let database_url = database_url
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("twofold.db").display()));
        let run = measure(name, &server, &options, &database_url, length).await;
        runs.push(run);
        drop(server);
        if let (Some(admin), Some(url)) = (&options.postgres, &postgres_url) {
            drop_database(admin, url).await;
        }
        let _ = std::fs::remove_dir_all(&data_dir);
    }

    let table = report::markdown(&report::Figures {
        constant,
        runs,
        seconds: options.seconds,
        front_end: front_end_size(&options.site),
    });
    print!("{table}");
    std::fs::write(&options.out, &table).expect("write the report");
    eprintln!("written to {}", options.out.display());
}

async fn constant_ceiling(length: Length) -> Vec<(usize, Stats)> {
    let port = free_port();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["constant", &port.to_string()])
        .spawn()
        .expect("start the constant server");
    let base = format!("http://127.0.0.1:{port}");
    twofold::wait_until_up(&base).await;
    let mut rows = Vec::new();
    for connections in LEVELS {
        rows.push((
            connections,
            ceilings::constant_handler(&base, connections, length).await,
        ));
    }
    let _ = child.kill();
    let _ = child.wait();
    rows
}

async fn measure(
    name: &'static str,
    server: &Server,
    options: &Options,
    database_url: &str,
    length: Length,
) -> BackendRun {
    let base = server.base.clone();
    for _ in 0..20 {
        let _ = reqwest::get(format!("{base}/login")).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = server.rss();

    let wanted = |scenario: &str| {
        options
            .only
            .as_deref()
            .is_none_or(|only| only.iter().any(|part| scenario.contains(part.as_str())))
    };
    eprintln!("{name}: creating accounts");
    twofold::account(&base, "bench-plain", false).await;
    // The people of the SignIn runs: each account signs in from one
    // request at a time or a few, as people do (ten at once on one account
    // would meet its password budget, which counts an attempt as a failure
    // until its hash is judged).
    for chunk in (0..SIGN_IN_ACCOUNTS).collect::<Vec<_>>().chunks(4) {
        let made = chunk.iter().map(|i| {
            let base = base.clone();
            async move { twofold::account(&base, &format!("bench-person-{i}"), false).await }
        });
        futures::future::join_all(made).await;
    }
    let token = twofold::access_token(&base, "bench-plain").await;
    // A session token, sent as the browser's cookie for the dashboard.
    let session = twofold::api_sign_in(&load::connection(), &base, "bench-plain")
        .await
        .expect("a session");
    // Three password hashes each: made only when Verify2FACode runs.
    let verifies = if wanted("Verify2FACode") {
        options.verifies
    } else {
        0
    };
    let secrets = two_factor_accounts(&base, "bench-2fa", LEVELS.len() * verifies).await;
    let mut full_sign_in_accounts = if wanted(flows::FULL_SIGN_IN) {
        two_factor_accounts(&base, "bench-full", FULL_SIGN_INS).await
    } else {
        Vec::new()
    };
    let origin = reqwest::Url::parse(&server.public_url).expect("the public URL");
    let mut key_accounts = Vec::new();
    if wanted(flows::SECURITY_KEY) {
        // Four at a time: the hasher admits four from one address.
        for chunk in (0..KEY_ACCOUNTS).collect::<Vec<_>>().chunks(4) {
            let made = chunk.iter().map(|i| {
                let login = format!("bench-key-{i}");
                let (base, origin) = (base.clone(), origin.clone());
                async move { flows::key_account(&base, &origin, &login).await }
            });
            key_accounts.extend(futures::future::join_all(made).await);
        }
    }
    let key_accounts = Arc::new(key_accounts);

    sqlx::any::install_default_drivers();
    // Without the ping before each acquire, as the server's pools run: the
    // ceiling must not be lowered by a round trip the server skips.
    let pool = sqlx::any::AnyPoolOptions::new()
        .test_before_acquire(false)
        .connect(database_url)
        .await
        .expect("the database");
    let (phc,): (String,) =
        sqlx::query_as("SELECT password_hash FROM accounts WHERE login = 'bench-plain'")
            .fetch_one(&pool)
            .await
            .expect("a stored hash");
    let mut argon2 = None;
    eprintln!("{name}: measuring the bare-write ceiling");
    let bare_writes = ceilings::bare_writes(&pool, 16, Duration::from_secs(options.seconds)).await;
    pool.close().await;

    let asset = static_asset(&options.site);
    let mut rows = Vec::new();
    let mut login_idle_p99 = None;
    let mut login_under_sign_ins_p99 = None;
    let mut full_sign_in_steps = Vec::new();
    for (level, connections) in LEVELS.into_iter().enumerate() {
        eprintln!("{name}: {connections} connection(s)");
        let scenario = "GET /login";
        if wanted(scenario) {
            let url = format!("{base}/login");
            let row = get_row(server, scenario, connections, length, url, None).await;
            if connections == 1 {
                login_idle_p99 = Some(row.2.percentile(99.0));
            }
            rows.push(row);
        }

        let scenario = "SignIn (password only)";
        if wanted(scenario) && connections == 16 {
            // Right before the run it is held against: this shared
            // machine's speed drifts by tens of percent within minutes.
            eprintln!("{name}: measuring the argon2id ceiling");
            let seconds = options.seconds;
            let phc = phc.clone();
            argon2 =
                tokio::task::spawn_blocking(move || ceilings::argon2_per_second(&phc, seconds))
                    .await
                    .ok();
        }
        if wanted(scenario) {
            let rss = server.sample_rss();
            let url = format!("{base}/api/SignIn");
            let sign_ins = load::run(connections, length, move |client, n| {
                let url = url.clone();
                async move {
                    let login = format!("bench-person-{}", n % SIGN_IN_ACCOUNTS);
                    let body = json!({"login": login, "password": twofold::PASSWORD});
                    let (name, client_ip) = twofold::forwarded_for(n);
                    let request = client.post(url).header(name, client_ip).json(&body);
                    // Past the hasher's bounded queue, 503 at once is the
                    // answer (issue 20), not a failure.
                    load::expect_one_of(request, &[200, 503]).await
                }
            });
            let stats = if connections == 200 {
                // Does hashing starve the runtime? /login at one connection
                // while the 200 sign-ins run.
                let probe = load::get(1, length, format!("{base}/login"), None);
                let (stats, probe) = tokio::join!(sign_ins, probe);
                login_under_sign_ins_p99 = Some(probe.percentile(99.0));
                stats
            } else {
                sign_ins.await
            };
            rows.push((scenario, connections, stats, rss.peak().await));
        }

        let scenario = "SignIn beside a flood from one address";
        if wanted(scenario) && connections == 200 {
            let rss = server.sample_rss();
            // The owner starts once the flood has spent its budget (the
            // first 30 guesses from an address are hashed like anyone's):
            // what is measured is the flood as it goes on for minutes.
            let Length::For(seconds) = length else {
                unreachable!("timed runs")
            };
            let flood = flood_from_one_address(&base, Length::For(seconds + FLOOD_HEAD_START));
            let (flood, owner) = tokio::join!(flood, async {
                tokio::time::sleep(FLOOD_HEAD_START).await;
                let url = format!("{base}/api/SignIn");
                load::run(1, length, move |client, _| {
                    let body = json!({"login": "bench-plain", "password": twofold::PASSWORD});
                    let request = client
                        .post(url.clone())
                        .header("x-forwarded-for", "198.51.100.1")
                        .json(&body);
                    async move { load::expect_status(request, 200).await }
                })
                .await
            });
            eprintln!(
                "{name}: the flood sent {:.0} req/s, {} unexpected answers",
                flood.per_second(),
                flood.errors
            );
            rows.push((scenario, 1, owner, rss.peak().await));
        }

        let scenario = "Verify2FACode";
        if wanted(scenario) {
            // Each request finishes its own pending sign-in.
            let accounts = &secrets[level * options.verifies..(level + 1) * options.verifies];
            let logins = accounts.iter().map(|(login, _)| login.clone()).collect();
            let sessions = pending_sessions(&base, logins).await;
            let secrets = accounts.iter().map(|(_, secret)| secret.clone());
            let pending: Vec<_> = sessions.into_iter().zip(secrets).collect();
            eprintln!("{name}: {scenario} at {connections}");
            let rss = server.sample_rss();
            let url = format!("{base}/api/Verify2FACode");
            let pending = Arc::new(pending);
            let stats = load::run(
                connections,
                Length::Requests(options.verifies),
                move |client, n| {
                    let url = url.clone();
                    let pending = pending.clone();
                    async move {
                        let (session, secret) = &pending[n];
                        // The next step's code: inside the window, and later than
                        // the step that confirmed set-up (the replay guard).
                        let code = twofold::totp_at(secret, twofold::unix_now() + 30);
                        let body = json!({"session": session, "code": code});
                        load::expect_status(client.post(url).json(&body), 200).await
                    }
                },
            )
            .await;
            rows.push((scenario, connections, stats, rss.peak().await));
        }

        if wanted(flows::FULL_SIGN_IN) && connections == 16 {
            eprintln!("{name}: {}", flows::FULL_SIGN_IN);
            let rss = server.sample_rss();
            let accounts = std::mem::take(&mut full_sign_in_accounts);
            let run = flows::full_sign_ins(&base, accounts, connections).await;
            rows.push((
                flows::FULL_SIGN_IN,
                connections,
                run.whole,
                rss.peak().await,
            ));
            full_sign_in_steps = run.steps;
        }

        if wanted(flows::SECURITY_KEY) && connections == 16 {
            // Each sign-in finishes its own pending session (a password
            // hash each, made before the run).
            let logins = (0..KEY_SIGN_INS)
                .map(|i| key_accounts[i % KEY_ACCOUNTS].login.clone())
                .collect();
            let sessions = pending_sessions(&base, logins).await;
            let pending = sessions
                .into_iter()
                .zip((0..KEY_ACCOUNTS).cycle())
                .collect();
            eprintln!("{name}: {}", flows::SECURITY_KEY);
            let rss = server.sample_rss();
            let stats = flows::security_key_sign_ins(
                &base,
                &origin,
                key_accounts.clone(),
                pending,
                connections,
            )
            .await;
            rows.push((flows::SECURITY_KEY, connections, stats, rss.peak().await));
        }

        // The server-rendered dashboard (an async route with a resource
        // under Suspense): every response must end; one that never did
        // (leptos-rs/leptos#4647, #4851) counts as an error after the
        // client's 60 s timeout.
        let scenario = "GET / (dashboard, signed in)";
        if wanted(scenario) {
            let url = format!("{base}/");
            let header = Some(("cookie", format!("twofold={session}")));
            rows.push(get_row(server, scenario, connections, length, url, header).await);
        }

        let scenario = "GetAccount (access token)";
        if wanted(scenario) {
            let url = format!("{base}/api/GetAccount");
            let header = Some(("authorization", format!("Bearer {token}")));
            rows.push(get_row(server, scenario, connections, length, url, header).await);
        }

        let scenario = "GET /pkg (JS, brotli)";
        if wanted(scenario) {
            let url = format!("{base}/pkg/{asset}");
            let header = Some(("accept-encoding", "br, gzip".to_owned()));
            rows.push(get_row(server, scenario, connections, length, url, header).await);
        }
    }
    BackendRun {
        name,
        idle_rss,
        rows,
        login_idle_p99,
        login_under_sign_ins_p99,
        bare_writes,
        argon2,
        full_sign_in_steps,
    }
}

/// How long the flood runs before the owner starts signing in.
const FLOOD_HEAD_START: Duration = Duration::from_secs(1);

/// Accounts the SignIn runs sign in to, round robin.
const SIGN_IN_ACCOUNTS: usize = 64;
/// Full sign-ins at 16 connections, each by its own 2FA account (a code is
/// good once per account and step).
const FULL_SIGN_INS: usize = 200;
/// Accounts with a security key, and the sign-ins they make at 16
/// connections (a key may sign in again at once: no per-step guard).
const KEY_ACCOUNTS: usize = 16;
const KEY_SIGN_INS: usize = 400;

/// 200 connections from one address signing in to logins that do not
/// exist: a few get their hash (401), the rest are turned away (429).
async fn flood_from_one_address(base: &str, length: Length) -> Stats {
    let url = format!("{base}/api/SignIn");
    load::run(200, length, move |client, n| {
        let body = json!({"login": format!("nobody-{n}"), "password": "a guess that fails"});
        let request = client
            .post(url.clone())
            .header("x-forwarded-for", "203.0.113.66")
            .json(&body);
        async move { load::expect_one_of(request, &[401, 429]).await }
    })
    .await
}

/// (scenario, connections, stats, peak RSS during the run)
pub type Row = (&'static str, usize, Stats, u64);

/// A row of GETs of `url`, with the server's peak RSS while they ran.
async fn get_row(
    server: &Server,
    scenario: &'static str,
    connections: usize,
    length: Length,
    url: String,
    header: Option<(&'static str, String)>,
) -> Row {
    let rss = server.sample_rss();
    let stats = load::get(connections, length, url, header).await;
    (scenario, connections, stats, rss.peak().await)
}

/// `count` accounts with 2FA on, `{prefix}-{i}`, made four at a time (the hasher admits
/// four from one address); answers their TOTP secrets (in login order).
async fn two_factor_accounts(base: &str, prefix: &str, count: usize) -> Vec<(String, Vec<u8>)> {
    let mut made = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(4) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|i| {
                let base = base.to_owned();
                let login = format!("{prefix}-{i}");
                tokio::spawn(async move {
                    let secret = twofold::account(&base, &login, true).await.unwrap();
                    (login, secret)
                })
            })
            .collect();
        for task in tasks {
            made.push(task.await.expect("account"));
        }
    }
    made
}

/// A pending API session (after SignIn) for each of `logins` (accounts
/// with 2FA on), four at a time.
async fn pending_sessions(base: &str, logins: Vec<String>) -> Vec<String> {
    let mut pending = Vec::with_capacity(logins.len());
    for chunk in logins.chunks(4) {
        let tasks: Vec<_> = chunk
            .iter()
            .cloned()
            .map(|login| {
                let base = base.to_owned();
                tokio::spawn(async move {
                    let client = load::connection();
                    twofold::api_sign_in(&client, &base, &login)
                        .await
                        .expect("SignIn of a 2FA account")
                })
            })
            .collect();
        for task in tasks {
            pending.push(task.await.expect("sign-in"));
        }
    }
    pending
}

/// The dashboard's wasm + JS as served (gzip) and whether it is within
/// its budget, as `scripts/sizes` (the one definition of both) says.
fn front_end_size(site: &std::path::Path) -> Option<(String, bool)> {
    let output = std::process::Command::new("python3")
        .arg("scripts/sizes")
        .arg(site)
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // "wasm + js   raw   gzip   brotli   budget N: verdict"
    let line = stdout.lines().find(|line| line.starts_with("wasm + js "))?;
    let words: Vec<_> = line.split_whitespace().skip(3).collect();
    let (gzip, budget) = (words.get(1)?, words.get(3..)?.join(" "));
    Some((
        format!("{gzip} B gzip ({budget})"),
        budget.ends_with("within budget"),
    ))
}

/// The hashed name of the front end's JS file in `site/pkg`.
fn static_asset(site: &std::path::Path) -> String {
    std::fs::read_dir(site.join("pkg"))
        .expect("a built site (cargo leptos build --release)")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with("twofold") && name.ends_with(".js"))
        .expect("the front end's JS file")
}

/// Runs `sql` (a CREATE or DROP DATABASE) on the server of `admin`.
async fn administer(admin: &str, sql: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("PostgreSQL");
    sqlx::query(sql)
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Drops the database `url` made by [`fresh_database`].
async fn drop_database(admin: &str, url: &str) {
    let name = url.rsplit('/').next().expect("URL ends with a database");
    administer(admin, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
}

async fn fresh_database(admin: &str) -> String {
    let name = format!("twofold_bench_{}", rand::random::<u32>());
    administer(admin, &format!("CREATE DATABASE {name}")).await;
    let (server, _) = admin.rsplit_once('/').expect("URL ends with a database");
    format!("{server}/{name}")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str]) -> Flags {
        check_flags(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_are_checked_before_a_run() {
        assert_eq!(check(&[]), Flags::Valid);
        assert_eq!(
            check(&["--only", "GetAccount", "--seconds", "3"]),
            Flags::Valid
        );
        assert_eq!(check(&["--help"]), Flags::Help);
        assert_eq!(check(&["--only", "x", "-h"]), Flags::Help);
        assert_eq!(check(&["--sconds", "3"]), Flags::Bad("--sconds".into()));
        assert_eq!(
            check(&["--seconds", "3", "--only"]),
            Flags::Bad("--only".into())
        );
    }
}
