//! The listener under slow or hostile clients: a half-sent request head is
//! closed, a request that runs too long is answered 503, and connections
//! past the cap wait. Real sockets against the real listener.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use server::Config;
use server::connections::{Limits, request_timeout, serve};

/// Serves `router` with `limits` on a random port.
async fn listen(router: Router, limits: Limits) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, router, limits, std::future::pending()));
    addr
}

fn limits(header_seconds: u64, max_connections: usize) -> Limits {
    let mut config = Config::defaults();
    config.header_timeout = header_seconds;
    config.max_connections = max_connections;
    Limits::of(&config)
}

/// Reads until the server closes the connection; answers what it sent.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut answer))
        .await
        .ok()?
        .ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn a_half_sent_request_head_is_closed() {
    let router = Router::new().route("/", get(|| async { "hello" }));
    let addr = listen(router, limits(1, 16)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // Closed (with a 408 or nothing) soon after the header timeout; a
    // server without one would hold it until the test gave up.
    let answer = read_to_close(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.is_some(), "the connection stayed open");
    assert!(!answer.unwrap().contains("hello"));

    // A whole request on a fresh connection is answered.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(10))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_request_that_runs_too_long_is_answered_503() {
    let router = Router::new()
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        )
        .route("/fast", get(|| async { "quick" }))
        .layer(axum::middleware::from_fn_with_state(
            Duration::from_millis(300),
            request_timeout,
        ));
    let addr = listen(router, limits(10, 16)).await;
    let http = reqwest::Client::new();
    let slow = http
        .get(format!("http://{addr}/slow"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(slow.status(), 503);
    let fast = http
        .get(format!("http://{addr}/fast"))
        .send()
        .await
        .unwrap();
    assert_eq!(fast.text().await.unwrap(), "quick");
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_one_to_close() {
    let router = Router::new().route("/", get(|| async { "hello" }));
    let addr = listen(router, limits(30, 2)).await;
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    // The kernel completes the third handshake, but the server does not
    // take the connection while two are open.
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut third, Duration::from_millis(500)).await,
        None,
        "answered past the cap"
    );
    drop(first);
    let answer = read_to_close(&mut third, Duration::from_secs(10))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
