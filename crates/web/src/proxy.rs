//! The client address behind a load balancer or reverse proxy.
//!
//! Every budget is drawn per client address (and its networks). Behind a
//! balancer the TCP peer is the balancer, so without this every person would
//! share one budget. The address a proxy passes on is taken **only** when
//! the TCP peer lies in a configured trusted network (`--trusted-proxy`),
//! and only from the one header the operator names (`--forwarded-header`):
//! a header a client sends itself passes through many proxies unchanged, so
//! reading a header the proxy does not write would let any client choose
//! its own budget.
//!
//! The header is read from the right: each proxy appends the address it
//! received the connection from, so the rightmost entry was written by the
//! nearest proxy. Trusted entries are skipped; the first untrusted one is
//! the client. Entries left of it may be anything a client sent and are
//! never read. An entry that is not an address (`unknown`, an obfuscated
//! name, garbage) ends the walk at the last trusted hop, so a request can
//! never make itself look like someone else.

use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;

/// Which header a trusted proxy writes the client address into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, …` (nginx's
    /// `$proxy_add_x_forwarded_for`, HAProxy's `option forwardfor`).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
    Forwarded,
}

impl ForwardedHeader {
    pub fn as_str(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }

    fn name(self) -> HeaderName {
        HeaderName::from_static(self.as_str())
    }
}

impl FromStr for ForwardedHeader {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(ForwardedHeader::XForwardedFor),
            "forwarded" => Ok(ForwardedHeader::Forwarded),
            other => Err(format!(
                "unknown header {other:?}: give x-forwarded-for or forwarded"
            )),
        }
    }
}

/// The networks whose connections may say who the client is, and the header
/// they say it in. Empty (the default): the TCP peer is the client.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    networks: Arc<[IpNet]>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>, header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies {
            networks: networks.into(),
            header,
        }
    }

    pub fn networks(&self) -> &[IpNet] {
        &self.networks
    }

    pub fn header(&self) -> ForwardedHeader {
        self.header
    }

    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    /// Whether connections from `ip` come from a trusted proxy.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.networks.iter().any(|n| n.contains(&ip))
    }

    /// The client address of a request that arrived from `peer` with
    /// `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        // Header lines in order, each line's entries in order: the whole
        // list, walked from its right end.
        let lines: Vec<&str> = headers
            .get_all(self.header.name())
            .iter()
            .map(|v| v.to_str().unwrap_or("\u{0}"))
            .collect();
        for line in lines.iter().rev() {
            for entry in line.rsplit(',') {
                let parsed = match self.header {
                    ForwardedHeader::XForwardedFor => parse_node(entry),
                    ForwardedHeader::Forwarded => forwarded_for(entry),
                };
                let Some(ip) = parsed else {
                    return client;
                };
                client = canonical(ip);
                if !self.trusts(client) {
                    return client;
                }
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 addresses as the IPv4 address they are, so that one
/// client has one budget whichever way its proxy wrote it.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// One node of a list: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`, optionally quoted.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"').trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        return inner.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let (host, port) = text.rsplit_once(':')?;
    if !is_port(port) {
        return None;
    }
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The `for=` node of one `Forwarded` element (`for=…;proto=…;by=…`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("for") {
            parse_node(value)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(nets: &[&str], header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies::new(nets.iter().map(|n| n.parse().unwrap()).collect(), header)
    }

    fn headers(name: &str, values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let p = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let h = headers("x-forwarded-for", &["198.51.100.7"]);
        assert_eq!(p.client(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.1.2.3"), &h), ip("10.1.2.3"));
    }

    #[test]
    fn a_trusted_peer_names_the_client_in_the_rightmost_untrusted_entry() {
        let p = proxies(
            &["10.0.0.0/8", "127.0.0.1/32"],
            ForwardedHeader::XForwardedFor,
        );
        // The client spoofed the first entry; the proxy appended its address.
        let h = headers("x-forwarded-for", &["1.2.3.4, 198.51.100.7"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("198.51.100.7"));
        // Two proxies: the inner one is trusted and skipped.
        let h = headers("x-forwarded-for", &["1.2.3.4, 198.51.100.7, 10.9.9.9"]);
        assert_eq!(p.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        // Several header lines are one list, in order.
        let h = headers("x-forwarded-for", &["1.2.3.4", "198.51.100.7:5555"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("198.51.100.7"));
        // IPv6 with brackets and port; IPv4-mapped folds to IPv4.
        let h = headers("x-forwarded-for", &["[2001:db8::1]:443"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("2001:db8::1"));
        let h = headers("x-forwarded-for", &["::ffff:198.51.100.7"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn garbage_or_a_missing_header_stops_at_the_last_trusted_hop() {
        let p = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        assert_eq!(p.client(ip("10.0.0.1"), &HeaderMap::new()), ip("10.0.0.1"));
        let h = headers("x-forwarded-for", &["198.51.100.7, unknown"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        let h = headers("x-forwarded-for", &["198.51.100.7, 10.2.2.2, nonsense:99"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        let h = headers("x-forwarded-for", &["198.51.100.7, 10.2.2.2, [::1]x"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        // Every entry trusted: the leftmost is as far as is known.
        let h = headers("x-forwarded-for", &["10.3.3.3, 10.2.2.2"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("10.3.3.3"));
    }

    #[test]
    fn only_the_configured_header_is_read() {
        let xff = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let fwd = proxies(&["10.0.0.0/8"], ForwardedHeader::Forwarded);
        let h = headers("forwarded", &["for=198.51.100.7"]);
        assert_eq!(xff.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        assert_eq!(fwd.client(ip("10.0.0.1"), &h), ip("198.51.100.7"));
        let h = headers("x-forwarded-for", &["198.51.100.7"]);
        assert_eq!(fwd.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_elements_are_parsed_as_rfc_7239_writes_them() {
        let p = proxies(&["10.0.0.0/8"], ForwardedHeader::Forwarded);
        let h = headers(
            "forwarded",
            &["for=1.2.3.4, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.1"],
        );
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("2001:db8:cafe::17"));
        let h = headers("forwarded", &["proto=http;For=\"198.51.100.7:80\""]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("198.51.100.7"));
        let h = headers("forwarded", &["for=_hidden, for=unknown"]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn header_values_that_are_not_text_are_ignored() {
        let p = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"198.51.100.7\xff").unwrap(),
        );
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }
}
