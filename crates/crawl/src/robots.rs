//! robots.txt per origin, fetched once and cached. Parsing is texting_robots (tested on 54M
//! Common Crawl files); the status policy is RFC 9309's: 2xx = the rules, 4xx = no rules
//! (allow all), 5xx / unreachable / a challenge = assume disallow all, and say so: every URL of
//! that origin is then [`Outcome::RobotsUnverified`](crate::Outcome::RobotsUnverified), never
//! missing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use texting_robots::Robot;
use tokio::sync::OnceCell;
use url::Url;

/// Google's documented limit; the rest of a larger file is ignored.
const MAX_ROBOTS_BYTES: usize = 500 * 1024;

/// What robots.txt says for one origin.
pub enum RobotsRules {
    /// No robots.txt (4xx) or an empty one.
    AllowAll,
    /// Parsed rules for our User-Agent.
    Rules(Box<Robot>),
    /// robots.txt could not be fetched (5xx, timeout, refused, challenge).
    Unverified,
}

/// The cached robots.txt of one origin.
pub struct RobotsEntry {
    pub rules: RobotsRules,
    /// HTTP status of robots.txt, if there was a response.
    pub status: Option<u16>,
    /// Crawl-delay for our agent, seconds.
    pub crawl_delay: Option<f64>,
    /// Sitemap URLs listed.
    pub sitemaps: Vec<String>,
    /// The fetch of robots.txt itself, kept as evidence of the rules followed.
    pub fetch: Option<crate::fetch::Fetch>,
}

/// The answer for one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allowed,
    Disallowed,
    /// robots.txt unavailable: treated as disallowed, marked unverified.
    Unverified,
}

impl RobotsEntry {
    /// Builds the entry from the robots.txt response (`None` = no response at all).
    pub fn from_response(agent: &str, status: Option<u16>, body: &[u8]) -> RobotsEntry {
        let rules = match status {
            Some(200..=299) => {
                let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
                match Robot::new(agent, body) {
                    Ok(r) => RobotsRules::Rules(Box::new(r)),
                    // An unparsable robots.txt states no rule we can follow.
                    Err(_) => RobotsRules::AllowAll,
                }
            }
            Some(400..=499) => RobotsRules::AllowAll,
            _ => RobotsRules::Unverified,
        };
        let (crawl_delay, sitemaps) = match &rules {
            RobotsRules::Rules(r) => (r.delay.map(f64::from), r.sitemaps.clone()),
            _ => (None, Vec::new()),
        };
        RobotsEntry {
            rules,
            status,
            crawl_delay,
            sitemaps,
            fetch: None,
        }
    }

    /// Whether `url` (of this origin) may be fetched.
    pub fn access(&self, url: &Url) -> Access {
        match &self.rules {
            RobotsRules::AllowAll => Access::Allowed,
            RobotsRules::Unverified => Access::Unverified,
            RobotsRules::Rules(r) => {
                if r.allowed(url.as_str()) {
                    Access::Allowed
                } else {
                    Access::Disallowed
                }
            }
        }
    }
}

/// The origin key of a URL (`scheme://host:port`).
pub fn origin_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// robots.txt entries by origin; each is fetched once even when many tasks ask at once.
#[derive(Default)]
pub struct RobotsCache {
    map: Mutex<HashMap<String, Arc<OnceCell<Arc<RobotsEntry>>>>>,
}

impl RobotsCache {
    /// The cell for `url`'s origin (initialised by the fetcher).
    pub(crate) fn cell(&self, url: &Url) -> Arc<OnceCell<Arc<RobotsEntry>>> {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.entry(origin_key(url)).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_policy_and_rules() {
        let txt = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 1.5\nSitemap: http://x.cn/sitemap.xml\n\nUser-agent: kaohe\nDisallow: /nokaohe/\nCrawl-delay: 2\n";
        let e = RobotsEntry::from_response("kaohe", Some(200), txt);
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            e.access(&u("http://x.cn/nokaohe/a.html")),
            Access::Disallowed
        );
        // The specific group replaces `*` for us.
        assert_eq!(e.access(&u("http://x.cn/private/a.html")), Access::Allowed);
        assert_eq!(e.crawl_delay, Some(2.0));
        let star = RobotsEntry::from_response("other", Some(200), txt);
        assert_eq!(
            star.access(&u("http://x.cn/private/a.html")),
            Access::Disallowed
        );
        assert_eq!(star.crawl_delay, Some(1.5));
        assert_eq!(
            RobotsEntry::from_response("kaohe", Some(404), b"").access(&u("http://x.cn/a")),
            Access::Allowed
        );
        assert_eq!(
            RobotsEntry::from_response("kaohe", Some(503), b"").access(&u("http://x.cn/a")),
            Access::Unverified
        );
        assert_eq!(
            RobotsEntry::from_response("kaohe", None, b"").access(&u("http://x.cn/a")),
            Access::Unverified
        );
    }
}
