//! Which addresses the crawler may connect to. A page, a redirect or a sitemap can name any
//! URL; unguarded, the crawler would request the internal addresses of the network it runs in
//! (the cloud metadata service at 169.254.169.254, a router's admin page, a database) for
//! whoever wrote the page. Loopback, private (RFC 1918), link-local, unique-local and other
//! non-public addresses are refused after name resolution, for pages, redirects and
//! attachments alike — unless the host is one the user pointed the crawl at (the seed's: an
//! intranet portal is assessed from inside) or the user allowed private addresses outright.
//!
//! The check runs twice: before each request (so a refusal is recorded with its reason) and
//! inside the HTTP client's resolver (so a name that resolves differently the second time
//! cannot slip through).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

/// Whether `ip` is anything but a public unicast address.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return private_v4(v4);
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64, may reach private IPv4
        }
    }
}

fn private_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240 // reserved
}

/// Why a URL was not requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub host: String,
    pub addr: IpAddr,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} 指向内网或保留地址 {}，为安全起见未访问（确需访问内网门户请用 --allow-private）",
            self.host, self.addr
        )
    }
}

impl std::error::Error for Refusal {}

/// A host name that does not resolve (DNS), said in Chinese: the system's message is English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotResolved {
    pub host: String,
}

impl std::fmt::Display for NotResolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "域名 {} 无法解析（DNS 查询失败：域名有误或网络不通）",
            self.host
        )
    }
}

impl std::error::Error for NotResolved {}

/// The policy: which hosts may resolve to private addresses.
#[derive(Debug, Clone, Default)]
pub struct AddressGuard {
    /// Every address is allowed (`--allow-private`).
    pub allow_private: bool,
    /// Hosts (names or literal addresses, lower-case) that may be private: the seed's.
    pub trusted_hosts: Vec<String>,
    /// Addresses that may be requested whatever name leads to them: those the seed's host
    /// resolved to (`localhost` redirecting to `127.0.0.1` is the same machine).
    pub trusted_addrs: Vec<IpAddr>,
}

impl AddressGuard {
    /// Trusts `url`'s host and the addresses it resolves to now (a blocking lookup: once, at
    /// the start of a crawl).
    pub fn trust_seed(&mut self, url: &Url) {
        use std::net::ToSocketAddrs as _;
        let Some(host) = url.host_str() else {
            return;
        };
        self.trusted_hosts
            .push(host.trim_matches(['[', ']']).to_ascii_lowercase());
        let port = url.port_or_known_default().unwrap_or(80);
        if let Ok(addrs) = (host.trim_matches(['[', ']']), port).to_socket_addrs() {
            self.trusted_addrs.extend(addrs.map(|a| a.ip()));
        }
    }

    fn trusts(&self, host: &str) -> bool {
        self.allow_private
            || self
                .trusted_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(host.trim_matches(['[', ']'])))
    }

    /// Resolves `url`'s host and refuses it if any address is not public (unless trusted).
    /// A name that does not resolve is not refused here: the request will fail and say so.
    pub async fn check(&self, url: &Url) -> Result<(), Refusal> {
        let Some(host) = url.host() else {
            return Ok(());
        };
        let name = match &host {
            Host::Domain(d) => d.to_string(),
            Host::Ipv4(a) => a.to_string(),
            Host::Ipv6(a) => a.to_string(),
        };
        if self.trusts(&name) {
            return Ok(());
        }
        let addrs: Vec<IpAddr> = match host {
            Host::Ipv4(a) => vec![IpAddr::V4(a)],
            Host::Ipv6(a) => vec![IpAddr::V6(a)],
            Host::Domain(d) => {
                let port = url.port_or_known_default().unwrap_or(80);
                match tokio::net::lookup_host((d, port)).await {
                    Ok(it) => it.map(|s| s.ip()).collect(),
                    Err(_) => return Ok(()),
                }
            }
        };
        match addrs
            .into_iter()
            .find(|a| is_private(*a) && !self.trusted_addrs.contains(a))
        {
            Some(addr) => Err(Refusal { host: name, addr }),
            None => Ok(()),
        }
    }
}

/// The HTTP client's resolver: the system's, with private addresses of untrusted hosts
/// removed (a name with only such addresses fails to resolve, with the refusal as cause).
pub struct GuardedResolver {
    pub guard: Arc<AddressGuard>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.guard.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let looked = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(|it| it.collect::<Vec<SocketAddr>>());
            let found = match looked {
                Ok(found) => found,
                Err(_) => {
                    return Err(
                        Box::new(NotResolved { host }) as Box<dyn std::error::Error + Send + Sync>
                    );
                }
            };
            if guard.trusts(&host) {
                return Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs);
            }
            let allowed = |ip: IpAddr| !is_private(ip) || guard.trusted_addrs.contains(&ip);
            let refused = found.iter().find(|a| !allowed(a.ip())).map(|a| a.ip());
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| allowed(a.ip())).collect();
            if public.is_empty()
                && let Some(addr) = refused
            {
                return Err(
                    Box::new(Refusal { host, addr }) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for a in [
            "127.0.0.1",
            "127.0.0.2",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private(a.parse().unwrap()), "{a}");
        }
        for a in ["1.2.3.4", "220.181.38.148", "2400:3200::1"] {
            assert!(!is_private(a.parse().unwrap()), "{a}");
        }
    }

    #[tokio::test]
    async fn the_seed_host_is_trusted_and_others_refused() {
        let g = AddressGuard {
            allow_private: false,
            trusted_hosts: vec!["127.0.0.1".into()],
            trusted_addrs: vec![],
        };
        let ok = Url::parse("http://127.0.0.1:8080/a").unwrap();
        assert_eq!(g.check(&ok).await, Ok(()));
        let meta = Url::parse("http://169.254.169.254/latest/meta-data/").unwrap();
        let r = g.check(&meta).await.unwrap_err();
        assert_eq!(r.addr.to_string(), "169.254.169.254");
        assert!(r.to_string().contains("--allow-private"));
        let v6 = Url::parse("http://[::1]:8080/").unwrap();
        assert!(g.check(&v6).await.is_err());
        let all = AddressGuard {
            allow_private: true,
            ..Default::default()
        };
        let by_addr = AddressGuard {
            trusted_addrs: vec!["127.0.0.1".parse().unwrap()],
            ..Default::default()
        };
        let localhost = Url::parse("http://localhost:8080/").unwrap();
        assert_eq!(by_addr.check(&localhost).await, Ok(()));
        assert!(by_addr.check(&meta).await.is_err());
        assert_eq!(all.check(&meta).await, Ok(()));
    }
}
