//! Where a request came from, as far as the server can tell: the client's
//! address (the peer, or what a trusted proxy forwarded) and its user
//! agent. The security events, the throttles and the mail record it.

use std::net::IpAddr;

const USER_AGENT_MAX: usize = 256;

/// The client's address, as the server's layer read it: the peer, or
/// behind a trusted proxy the address the proxy forwarded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Where a request came from, as far as the server can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    /// The one reading of a request's origin, for server functions and the
    /// JSON API alike: the client's address and the (shortened) user agent.
    pub fn of_parts(parts: &http::request::Parts) -> Self {
        Self::of(&parts.headers, &parts.extensions)
    }

    /// [`Self::of_parts`], from a request's headers and extensions.
    pub fn of(headers: &http::HeaderMap, extensions: &http::Extensions) -> Self {
        let ip = extensions
            .get::<ClientIp>()
            .map(|client| client.0)
            .or_else(|| {
                extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .map(|info| info.0.ip())
            });
        let user_agent = headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(USER_AGENT_MAX).collect());
        Self { ip, user_agent }
    }

    /// The source a password throttle counts by: an IPv4 address, or the
    /// /64 of an IPv6 one (what one network is usually given).
    pub fn source(&self) -> String {
        match self.ip.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let network = std::net::Ipv6Addr::from(u128::from(v6) & !(u64::MAX as u128));
                format!("{network}/64")
            }
            None => "unknown".to_owned(),
        }
    }

    /// From the request parts Leptos provides to server functions.
    pub fn from_context() -> Self {
        leptos::prelude::use_context::<http::request::Parts>()
            .map(|parts| Self::of_parts(&parts))
            .unwrap_or_default()
    }
}
