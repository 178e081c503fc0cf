//! The load generator: `connections` workers, each one keep-alive HTTP
//! connection sending its next request as soon as the last one answered,
//! for a fixed time or a fixed number of requests.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a run lasts.
#[derive(Debug, Clone, Copy)]
pub enum Length {
    For(Duration),
    /// Exactly this many requests, shared among the workers.
    Requests(usize),
}

/// One run's figures.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub requests: usize,
    pub errors: usize,
    pub elapsed: Duration,
    /// Sorted latencies of the successful requests.
    latencies: Vec<Duration>,
}

impl Stats {
    /// Merges each worker's (latencies, errors).
    pub fn from_outcomes(outcomes: Vec<(Vec<Duration>, usize)>, elapsed: Duration) -> Self {
        let mut stats = Stats {
            elapsed,
            ..Stats::default()
        };
        for (latencies, errors) in outcomes {
            stats.requests += latencies.len() + errors;
            stats.errors += errors;
            stats.latencies.extend(latencies);
        }
        stats.latencies.sort_unstable();
        stats
    }

    pub fn per_second(&self) -> f64 {
        (self.requests - self.errors) as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }
}

/// A client holding one connection, as a browser tab or a script would.
pub fn connection() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// Runs `request(client, n)` (n counts from 0 across all workers) on
/// `connections` workers. `request` answers whether the response was the
/// expected one; anything else, or a transport failure, is an error.
pub async fn run<F, Fut>(connections: usize, length: Length, request: F) -> Stats
where
    F: Fn(reqwest::Client, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let request = request.clone();
            let issued = issued.clone();
            tokio::spawn(async move {
                let client = connection();
                let mut latencies = Vec::new();
                let mut errors = 0;
                loop {
                    let n = issued.fetch_add(1, Ordering::Relaxed);
                    let more = match length {
                        Length::For(duration) => started.elapsed() < duration,
                        Length::Requests(total) => n < total,
                    };
                    if !more {
                        break;
                    }
                    let sent = Instant::now();
                    if request(client.clone(), n).await {
                        latencies.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for worker in workers {
        outcomes.push(worker.await.expect("worker"));
    }
    Stats::from_outcomes(outcomes, started.elapsed())
}

/// GETs `url` (with `header`, if any) on `connections` workers, expecting
/// 200 each time.
pub async fn get(
    connections: usize,
    length: Length,
    url: String,
    header: Option<(&'static str, String)>,
) -> Stats {
    run(connections, length, move |client, _| {
        let mut request = client.get(url.clone());
        if let Some((name, value)) = &header {
            request = request.header(*name, value.clone());
        }
        async move { expect_status(request, 200).await }
    })
    .await
}

/// Sends `request` and answers whether its status was `expected`.
pub async fn expect_status(request: reqwest::RequestBuilder, expected: u16) -> bool {
    expect_one_of(request, &[expected]).await
}

/// Sends `request` and answers whether its status was one of `expected`.
pub async fn expect_one_of(request: reqwest::RequestBuilder, expected: &[u16]) -> bool {
    match request.send().await {
        Ok(response) => {
            let ok = expected.contains(&response.status().as_u16());
            // Read the body so the connection is reused.
            ok && response.bytes().await.is_ok()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let stats = Stats {
            requests: 100,
            errors: 0,
            elapsed: Duration::from_secs(1),
            latencies: (1..=100).map(Duration::from_millis).collect(),
        };
        assert_eq!(stats.percentile(50.0), Duration::from_millis(50));
        assert_eq!(stats.percentile(99.0), Duration::from_millis(99));
        assert_eq!(stats.percentile(100.0), Duration::from_millis(100));
        assert_eq!(stats.per_second(), 100.0);
    }
}
