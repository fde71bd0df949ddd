//! Which addresses a fetch may reach: the public-address rule, loopback, and
//! the DNS resolver installed in the client that applies the rule to every
//! answer (resolve once, check, hand exactly the checked addresses to the
//! connector).

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::LookupFn;

pub(super) fn is_localhost_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost.")
}

pub(super) fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_loopback(),
            None => v6.is_loopback(),
        },
    }
}

/// The address checks, public for tests: is `ip` a globally routable unicast
/// address, acceptable under the default policy?
///
/// Refused IPv4: `0.0.0.0/8`, `10/8`, `100.64/10` (CGNAT), `127/8`,
/// `169.254/16`, `172.16/12`, `192.0.0/24`, `192.0.2/24`, `192.88.99/24`,
/// `192.168/16`, `198.18/15`, `198.51.100/24`, `203.0.113/24`, `224/4`
/// (multicast) and everything above (`240/4`, broadcast).
///
/// IPv6: only global unicast `2000::/3` is accepted, minus `2001::/23` (IETF
/// protocol assignments, Teredo included), `2001:db8::/32` and `3fff::/20`
/// (documentation); this excludes `::`, `::1`, `fc00::/7`, `fe80::/10`,
/// `ff00::/8` and the deprecated IPv4-compatible and site-local ranges.
/// Addresses that embed an IPv4 address (`::ffff:0:0/96` mapped,
/// `64:ff9b::/96` NAT64, `2002::/16` 6to4) are judged by that IPv4 address.
///
/// Loopback is refused here; [`HttpFetcher`](super::HttpFetcher) allows it
/// only for loopback URLs, and only with
/// [`FetchPolicy::allow_loopback`](super::FetchPolicy::allow_loopback).
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let non_public = a == 0
        || a == 10
        || (a == 100 && (b & 0xc0) == 64)
        || a == 127
        || (a == 169 && b == 254)
        || (a == 172 && (b & 0xf0) == 16)
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 0 && c == 2)
        || (a == 192 && b == 88 && c == 99)
        || (a == 192 && b == 168)
        || (a == 198 && (b & 0xfe) == 18)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 224;
    !non_public
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    // NAT64 well-known prefix 64:ff9b::/96.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0) {
        return is_public_v4(embedded(s[6], s[7]));
    }
    // 6to4 2002::/16 (the IPv4 address is in bits 16..48).
    if s[0] == 0x2002 {
        return is_public_v4(embedded(s[1], s[2]));
    }
    // Global unicast 2000::/3 only.
    if s[0] & 0xe000 != 0x2000 {
        return false;
    }
    // 2001::/23 (IETF protocol assignments) and 2001:db8::/32 (documentation).
    let in_2001 = s[0] == 0x2001 && (s[1] < 0x0200 || s[1] == 0x0db8);
    // 3fff::/20 (documentation).
    let non_public = in_2001 || (s[0] == 0x3fff && s[1] < 0x1000);
    !non_public
}

/// The error a [`GuardedResolver`] returns for a refused address; found again
/// in reqwest's error chain and turned into [`FetchError::PrivateAddress`].
#[derive(Debug)]
pub(super) struct AddressRefused {
    pub(super) host: String,
    pub(super) address: IpAddr,
}

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to the non-public address {}",
            self.host, self.address
        )
    }
}

impl StdError for AddressRefused {}

/// The DNS resolver installed in the client: resolves once, refuses the name
/// when any address is non-public, and returns exactly the checked addresses
/// to the connector.
pub(super) struct GuardedResolver {
    pub(super) allow_private: bool,
    /// Whether `localhost` may be answered (loopback or private allowed).
    pub(super) allow_localhost: bool,
    pub(super) lookup: Arc<LookupFn>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let allow_private = self.allow_private;
        let allow_localhost = self.allow_localhost;
        let lookup = Arc::clone(&self.lookup);
        Box::pin(async move {
            if is_localhost_name(&host) {
                if !allow_localhost {
                    return Err(Box::new(AddressRefused {
                        host,
                        address: IpAddr::V4(Ipv4Addr::LOCALHOST),
                    }) as Box<dyn StdError + Send + Sync>);
                }
                // Never asked of DNS; `check_target` has already decided that
                // loopback is acceptable for this chain.
                let addrs: Addrs = Box::new(
                    [
                        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                        SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
                    ]
                    .into_iter(),
                );
                return Ok(addrs);
            }
            let name = host.clone();
            let ips = tokio::task::spawn_blocking(move || lookup(&name))
                .await
                .map_err(|e| Box::new(e) as Box<dyn StdError + Send + Sync>)??;
            let ips = screen_addresses(&host, ips, allow_private)?;
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// Refuses the whole answer when any address is non-public (unless
/// `allow_private`); an empty answer is an error.
pub(super) fn screen_addresses(
    host: &str,
    ips: Vec<IpAddr>,
    allow_private: bool,
) -> Result<Vec<IpAddr>, Box<dyn StdError + Send + Sync>> {
    if ips.is_empty() {
        return Err(format!("{host}: no addresses").into());
    }
    if !allow_private && let Some(&address) = ips.iter().find(|ip| !is_public_address(**ip)) {
        return Err(Box::new(AddressRefused {
            host: host.to_owned(),
            address,
        }));
    }
    Ok(ips)
}

pub(super) fn system_lookup(host: &str) -> std::io::Result<Vec<IpAddr>> {
    Ok((host, 0u16).to_socket_addrs()?.map(|a| a.ip()).collect())
}
