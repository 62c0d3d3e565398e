//! Who is on the other end of the socket: the client address used for rate limits.
//!
//! `X-Forwarded-For` is only believed when the connection comes from a proxy the operator listed in
//! `--trusted-proxies`; anybody else could write any address there and rotate it to escape every limit.
//! Behind trusted proxies the header is read right to left and the first hop that is not itself a
//! trusted proxy is the client: each proxy appends the address it saw, so everything to the left of the
//! last untrusted hop was written by the client and proves nothing.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::{AppError, AppState};

/// Parse `--trusted-proxies`: CIDRs or single addresses separated by commas or spaces.
pub(crate) fn parse_trusted(list: &str) -> Result<Vec<IpNet>, String> {
    list.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("not an address or CIDR range: {s}"))
        })
        .collect()
}

/// The client's address given the socket peer, the request headers and the trusted proxy ranges.
pub(crate) fn client_addr(
    headers: &HeaderMap,
    peer: Option<IpAddr>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut hops: Vec<IpAddr> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(v) = value.to_str() else {
            return Some(peer);
        };
        for hop in v.split(',') {
            match parse_hop(hop) {
                Some(ip) => hops.push(ip),
                // A hop we cannot read: stop trusting the chain here, as if it were the client.
                None => hops.clear(),
            }
        }
    }
    // Right to left: the first hop that is not one of our proxies. When every hop is ours the request
    // came from inside; the left-most one is the best we know.
    let mut client = peer;
    for ip in hops.into_iter().rev() {
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Extractor: the client address as text ("unknown" when the server was started without connection
/// info, as in some tests), for rate-limit keys. Never stored as such; stores hash it.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let addr = client_addr(&parts.headers, peer, &state.settings.trusted_proxies);
        Ok(ClientAddr(
            addr.map(|a| a.to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    fn h(xff: &[&str]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for v in xff {
            m.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        m
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let got = client_addr(&h(&["1.2.3.4"]), Some(ip("9.9.9.9")), &[]);
        assert_eq!(got, Some(ip("9.9.9.9")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let t = parse_trusted("10.0.0.0/8, 127.0.0.1").expect("parse");
        // The client wrote "6.6.6.6" itself; the balancer appended the real address.
        let got = client_addr(&h(&["6.6.6.6, 203.0.113.7"]), Some(ip("127.0.0.1")), &t);
        assert_eq!(got, Some(ip("203.0.113.7")));
        // Two proxies of ours in a row are skipped.
        let got = client_addr(
            &h(&["6.6.6.6, 203.0.113.7, 10.1.1.1"]),
            Some(ip("10.2.2.2")),
            &t,
        );
        assert_eq!(got, Some(ip("203.0.113.7")));
        // Several header lines are one list.
        let got = client_addr(&h(&["6.6.6.6", "203.0.113.8"]), Some(ip("127.0.0.1")), &t);
        assert_eq!(got, Some(ip("203.0.113.8")));
        // No header: the proxy itself.
        assert_eq!(
            client_addr(&h(&[]), Some(ip("127.0.0.1")), &t),
            Some(ip("127.0.0.1"))
        );
        // Garbage to the right of the real hop (appended after the balancer?) cannot be: the balancer
        // is last. Garbage in the middle resets to what follows it.
        let got = client_addr(
            &h(&["1.1.1.1, junk, 203.0.113.9"]),
            Some(ip("127.0.0.1")),
            &t,
        );
        assert_eq!(got, Some(ip("203.0.113.9")));
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("").expect("empty").is_empty());
    }

    proptest! {
        /// Whatever a client writes into the header, from an untrusted peer the answer is the peer, and
        /// behind one trusted proxy it is what that proxy appended.
        #[test]
        fn the_sender_cannot_choose_its_address(
            written in proptest::collection::vec("[0-9a-f.:, ]{0,20}", 0..4),
            last in any::<[u8; 4]>(),
        ) {
            let written: Vec<&str> = written.iter().map(String::as_str).collect();
            let mut headers = h(&[]);
            for w in &written {
                if let Ok(v) = HeaderValue::from_str(w) { headers.append("x-forwarded-for", v); }
            }
            let peer = ip("198.51.100.1");
            prop_assert_eq!(client_addr(&headers, Some(peer), &[]), Some(peer));
            let real = IpAddr::from(last);
            prop_assume!(real != ip("127.0.0.1"));
            headers.append("x-forwarded-for", HeaderValue::from_str(&real.to_string()).expect("v"));
            let t = parse_trusted("127.0.0.1/32").expect("t");
            prop_assert_eq!(client_addr(&headers, Some(ip("127.0.0.1")), &t), Some(real));
        }
    }
}
