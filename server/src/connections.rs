//! The listener: HTTP/1.1 connections served by hyper with a timer, so a
//! slow or hostile client cannot hold a connection or a request without
//! bound, and a cap on open connections.
//!
//! - `--header-timeout`: a request head must arrive whole within this
//!   time of the connection opening, or of the previous response on a
//!   kept-alive connection (hyper times the idle wait and the head as one
//!   span), or the connection is closed.
//! - `--request-timeout`: a request's answer must begin within this time
//!   (else 503 and a log line with its path), and its body may pause no
//!   longer between two parts (else the connection is closed).
//! - `--max-connections`: past it, new connections wait in the kernel's
//!   backlog until one closes.
//!
//! Only HTTP/1.1 is spoken: browsers use HTTP/2 only over TLS, which a
//! reverse proxy in front terminates.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

use crate::config::Config;

/// How long clients may take, and how many may be connected.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: usize,
}

impl Limits {
    pub fn of(config: &Config) -> Self {
        Self {
            header_timeout: Duration::from_secs(config.header_timeout),
            request_timeout: Duration::from_secs(config.request_timeout),
            max_connections: config.max_connections.max(1),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets
/// the open connections finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = open.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or the peer left before the
                    // accept: wait a moment rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without TCP_NODELAY, a response written in two parts (headers,
        // then a file's body) waits for the client's delayed ACK: 40 ms
        // per /pkg file.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let router = router.clone();
        let service = tower::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            // The peer address feeds the throttles and the activity list.
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Answers 503 when the handler has not begun its answer within the
/// request timeout, and closes a response body that pauses as long.
pub async fn request_timeout(
    State(timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let path = crate::layers::loggable_path(request.uri().path()).into_owned();
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response.map(|body| {
            axum::body::Body::new(tower_http::timeout::TimeoutBody::new(timeout, body))
        }),
        Err(_) => {
            tracing::warn!(%path, "request timed out");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
