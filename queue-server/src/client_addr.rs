//! Where a request comes from: the peer's address, or — when the peer is a trusted reverse proxy
//! (`[server] trusted_proxies`) — the client address and scheme the proxy forwarded.
//!
//! `X-Forwarded-For` is read from the right: each trusted proxy appends the address it saw, so the
//! first address from the right that is not a trusted proxy is the client. A header sent by anyone
//! else is ignored (a visitor cannot pose as another address to dodge a rate limit).

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use config::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The client's address and whether it reached us over https.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr {
    pub ip: IpAddr,
    /// The request came over https (a trusted proxy said so with `X-Forwarded-Proto: https`).
    pub https: bool,
}

fn trusted(nets: &[IpNet], ip: IpAddr) -> bool {
    nets.iter().any(|n| n.contains(ip))
}

/// Resolve the client from the peer address and the forwarding headers.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> ClientAddr {
    if !trusted(proxies, peer) {
        return ClientAddr { ip: peer, https: false };
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let ip = forwarded.iter().rev().copied().find(|a| !trusted(proxies, *a)).or(forwarded.first().copied());
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    ClientAddr { ip: ip.unwrap_or(peer), https }
}

/// The peer address of the connection (loopback when the server was not told, as in unit tests).
pub fn peer(parts: &Parts) -> IpAddr {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip())
}

/// The connection's own peer address, whatever a proxy says (who may read `/metrics`).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(peer(parts)))
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(resolve(peer(parts), &parts.headers, &state.cfg.server.trusted_proxies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    // Issue 12: forwarding headers count only from trusted proxies; the client is the first address
    // from the right that is not one of them.
    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxies = [IpNet::parse("10.0.0.1").unwrap(), IpNet::parse("10.1.0.0/16").unwrap()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let xff = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.2.3"), ("x-forwarded-proto", "https")]);
        assert_eq!(resolve(ip("10.0.0.1"), &xff, &proxies), ClientAddr { ip: ip("203.0.113.9"), https: true });
        // The same headers from a visitor's phone are ignored.
        assert_eq!(resolve(ip("192.168.5.5"), &xff, &proxies), ClientAddr { ip: ip("192.168.5.5"), https: false });
        // A trusted proxy with no header: the proxy itself.
        assert_eq!(
            resolve(ip("10.0.0.1"), &HeaderMap::new(), &proxies),
            ClientAddr { ip: ip("10.0.0.1"), https: false }
        );
        // Two headers are one list.
        let two = headers(&[("x-forwarded-for", "198.51.100.1"), ("x-forwarded-for", "10.1.9.9")]);
        assert_eq!(resolve(ip("10.0.0.1"), &two, &proxies).ip, ip("198.51.100.1"));
    }
}
