//! The bounds each scenario is held against, measured on the same machine
//! in the same run: the fastest any HTTP answer can be, the rate of the
//! password hash every sign-in pays, and the rate of the write
//! transaction every code check needs.

use std::time::{Duration, Instant};

use argon2::password_hash::PasswordHash;
use argon2::{Argon2, PasswordHasher};

use crate::load::{self, Length, Stats};

/// Serves `200 ok` for every request: the ceiling for any handler. Runs in
/// its own process (`bench constant PORT`), like Twofold does, with the
/// same multi-threaded runtime.
pub async fn serve_constant(port: u16) {
    let router = axum::Router::new().fallback(|| async { "ok" });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind the constant server");
    axum::serve(listener, router)
        .await
        .expect("constant server");
}

/// Loads the constant server at `connections`.
pub async fn constant_handler(base: &str, connections: usize, length: Length) -> Stats {
    load::get(connections, length, format!("{base}/"), None).await
}

/// Hashes per second with the parameters of `phc` (a hash Twofold stored),
/// one hashing thread per core, as the server's pool does.
pub fn argon2_per_second(phc: &str, seconds: u64) -> f64 {
    let hash = PasswordHash::new(phc).expect("a PHC string");
    let params = argon2::Params::try_from(&hash).expect("argon2 parameters");
    let algorithm = argon2::Algorithm::try_from(hash.algorithm).expect("an argon2 variant");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let hashes: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..cores)
            .map(|_| {
                let params = params.clone();
                scope.spawn(move || {
                    let argon2 = Argon2::new(algorithm, argon2::Version::V0x13, params);
                    let salt = argon2::password_hash::SaltString::generate(
                        &mut argon2::password_hash::rand_core::OsRng,
                    );
                    let mut count = 0;
                    while Instant::now() < deadline {
                        argon2
                            .hash_password(b"correct horse battery", &salt)
                            .expect("hash");
                        count += 1;
                    }
                    count
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    hashes as f64 / started.elapsed().as_secs_f64()
}

/// Write transactions per second on `pool` (Twofold's own database): each
/// one begins, updates one row of its worker's and commits, the smallest
/// durable change a code check can make.
pub async fn bare_writes(pool: &sqlx::AnyPool, workers: usize, length: Duration) -> Stats {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS bench_writes (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)",
    )
    .execute(pool)
    .await
    .expect("create bench_writes");
    for id in 0..workers as i64 {
        sqlx::query("INSERT INTO bench_writes (id, n) VALUES ($1, 0) ON CONFLICT (id) DO NOTHING")
            .bind(id)
            .execute(pool)
            .await
            .expect("seed bench_writes");
    }
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers as i64)
        .map(|id| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                while started.elapsed() < length {
                    let sent = Instant::now();
                    let result = async {
                        let mut tx = pool.begin().await?;
                        sqlx::query("UPDATE bench_writes SET n = n + 1 WHERE id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        tx.commit().await
                    }
                    .await;
                    match result {
                        Ok(()) => latencies.push(sent.elapsed()),
                        Err(_) => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("writer"));
    }
    Stats::from_outcomes(outcomes, started.elapsed())
}
