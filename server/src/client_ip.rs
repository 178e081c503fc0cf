//! The client's address. Without `--trusted-proxies` it is the peer's.
//! Behind trusted proxies it is read from `Forwarded` (RFC 7239) or, if
//! that is absent, `X-Forwarded-For`: walking the forwarded addresses from
//! the nearest hop back, the first one that is not a trusted proxy is the
//! client. An address a client wrote itself sits further back than the
//! one its proxy appended, so it is never reached.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use app::server::events::ClientIp;

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|network| network.contains(&ip))
    }

    /// The client of a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for(headers).into_iter().rev() {
            match hop {
                Some(ip) => client = ip,
                // A hop the proxy could not name: the nearest known one.
                None => break,
            }
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// `--trusted-proxies`: a CIDR (`10.0.0.0/8`) or a single address.
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an address nor a CIDR such as 10.0.0.0/8"))
}

/// The forwarded-for addresses, from the client's end to the nearest
/// proxy; `None` for a hop that is not an address (`unknown`, an
/// obfuscated name, garbage).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name| {
        headers
            .get_all(name)
            .into_iter()
            .filter_map(|value| value.to_str().ok())
            .collect::<Vec<_>>()
    };
    let forwarded = values(axum::http::header::FORWARDED);
    if !forwarded.is_empty() {
        return forwarded
            .into_iter()
            .flat_map(rfc7239::parse)
            .map(|node| match node.ok()?.forwarded_for?.name {
                rfc7239::NodeName::Ip(ip) => Some(ip),
                _ => None,
            })
            .collect();
    }
    values(axum::http::HeaderName::from_static("x-forwarded-for"))
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(|hop| hop.trim().parse().ok())
        .collect()
}

/// Puts the client's address on the request for `RequestMeta`.
pub async fn layer(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = trusted.client(peer, request.headers());
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|n| parse_network(n).unwrap()).collect())
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(
            TrustedProxies::default().client(ip("192.0.2.1"), &spoofed),
            ip("192.0.2.1")
        );
        // A peer that is not one of the proxies is not believed either.
        assert_eq!(
            proxies(&["10.0.0.0/8"]).client(ip("192.0.2.1"), &spoofed),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn behind_proxies_the_first_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "192.168.1.1"]);
        // The client wrote 6.6.6.6 itself; the outer proxy appended the
        // address it saw, then the inner one.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.4, 10.1.2.3")]);
        assert_eq!(
            trusted.client(ip("192.168.1.1"), &chain),
            ip("198.51.100.4")
        );
        let split = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.4"),
        ]);
        assert_eq!(trusted.client(ip("10.9.9.9"), &split), ip("198.51.100.4"));
    }

    #[test]
    fn forwarded_is_read_first_with_ports_and_ipv6() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let both = headers(&[
            (
                "forwarded",
                r#"for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.5"#,
            ),
            ("x-forwarded-for", "6.6.6.6"),
        ]);
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &both),
            ip("2001:db8:cafe::17")
        );
    }

    #[test]
    fn a_hop_that_is_no_address_stops_the_walk() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &unknown), ip("10.0.0.1"));
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &garbage), ip("10.0.0.1"));
    }

    #[test]
    fn networks_parse_as_cidrs_or_addresses() {
        assert!(parse_network("10.0.0.0/8").is_ok());
        assert!(parse_network(" ::1 ").is_ok());
        assert!(parse_network("10.0.0.0/33").is_err());
        assert!(parse_network("proxy.local").is_err());
    }
}
