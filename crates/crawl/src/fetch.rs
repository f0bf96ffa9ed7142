//! The [`Fetcher`]: one URL in, one [`Fetch`] out — every redirect hop recorded, robots.txt and
//! the host's politeness schedule honoured before each request, transient failures retried with
//! backoff (or after the server's Retry-After), the body capped and hashed, and the response
//! classified into an [`Outcome`]. It never touches the store.

use std::error::Error as _;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use crate::canon::{self, Scope};
use crate::classify::{self, Expect};
use crate::guard::{AddressGuard, GuardedResolver};
use crate::outcome::{Failure, Outcome, Phase};
use crate::politeness::{self, HostPool, PolitenessConfig};
use crate::robots::{Access, RobotsCache, RobotsEntry};

const ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const ACCEPT_LANGUAGE: &str = "zh-CN,zh;q=0.9";

/// The product token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "kaohe";

/// Fetch limits and identity.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Sent as User-Agent; must identify us and give a contact.
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// Longest silence while waiting for headers or the next body chunk.
    pub read_timeout: Duration,
    /// Longest time for one request, headers and body.
    pub total_timeout: Duration,
    /// Longest time for one URL, every retry and every wait between them included: a server
    /// that drips its answer or keeps asking us to come back later costs this much, no more.
    pub url_budget: Duration,
    /// Which addresses may be requested (private ones only for the seed's host, by default).
    pub guard: AddressGuard,
    /// Redirect hops followed before giving up.
    pub max_redirects: usize,
    /// Body cap for pages and assets.
    pub max_page_bytes: u64,
    /// Body cap for attachments (forms and documents run larger than pages).
    pub max_attachment_bytes: u64,
    /// Further attempts after a transient failure.
    pub retries: u32,
    /// First backoff; doubles per attempt.
    pub backoff: Duration,
    /// Whether robots.txt is fetched and obeyed.
    pub obey_robots: bool,
    pub politeness: PolitenessConfig,
    /// Accept HTTPS certificates that do not verify (expired, self-signed, wrong name). Off
    /// by default: such a certificate is then recorded as the reason a fetch is *unverified*.
    pub accept_invalid_certs: bool,
}

/// The User-Agent with a contact (ASCII, so every server and proxy passes it unchanged).
pub fn user_agent(contact: &str) -> String {
    format!(
        "kaohe/{} (+government portal assessment crawler; contact: {contact})",
        env!("CARGO_PKG_VERSION")
    )
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: user_agent("not configured"),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(60),
            url_budget: Duration::from_secs(60),
            guard: AddressGuard::default(),
            max_redirects: 20,
            max_page_bytes: 10 * 1024 * 1024,
            max_attachment_bytes: 50 * 1024 * 1024,
            retries: 2,
            backoff: Duration::from_millis(500),
            obey_robots: true,
            politeness: PolitenessConfig::default(),
            accept_invalid_certs: false,
        }
    }
}

pub use store::Validators;

/// One redirect response on the way to the final URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: Url,
    pub status: u16,
    pub location: String,
}

/// Everything one fetch produced: the evidence the store keeps.
#[derive(Debug, Clone)]
pub struct Fetch {
    /// The URL asked for (canonical).
    pub url: Url,
    /// The URL that gave the final response (after redirects).
    pub final_url: Url,
    pub redirects: Vec<Hop>,
    /// Final HTTP status; `None` when no response came (timeout, refused, robots).
    pub status: Option<u16>,
    /// The headers that matter as evidence (see [`KEPT_HEADERS`]), lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body as received (decompressed), when one was read; for [`Outcome::TooLarge`] the
    /// part read up to the cap.
    pub body: Option<Vec<u8>>,
    /// The body stopped at the size cap.
    pub truncated: bool,
    /// Request headers sent on the last hop (User-Agent, validators …), as evidence.
    pub request_headers: Vec<(String, String)>,
    /// Time from sending the last request to its response headers.
    pub ttfb: Option<Duration>,
    /// Lower-case hex sha256 of `body`.
    pub sha256: Option<String>,
    /// The body decoded as the extractor decodes it (pages and HTML responses only).
    pub decoded: Option<extract::Decoded>,
    pub started: SystemTime,
    pub elapsed: Duration,
    pub attempts: u32,
    pub expect: Expect,
    pub outcome: Outcome,
}

impl Fetch {
    /// A header value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn unfetched(url: &Url, expect: Expect, outcome: Outcome) -> Fetch {
        Fetch {
            url: url.clone(),
            final_url: url.clone(),
            redirects: Vec::new(),
            status: None,
            headers: Vec::new(),
            body: None,
            truncated: false,
            request_headers: Vec::new(),
            ttfb: None,
            sha256: None,
            decoded: None,
            started: SystemTime::now(),
            elapsed: Duration::ZERO,
            attempts: 0,
            expect,
            outcome,
        }
    }
}

/// Response headers kept with every fetch.
pub const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "content-disposition",
    "etag",
    "last-modified",
    "date",
    "server",
    "cache-control",
    "expires",
    "retry-after",
    "location",
    "x-powered-by",
];

/// Fetches URLs politely. Cheap to share behind an `Arc`.
pub struct Fetcher {
    client: reqwest::Client,
    cfg: FetchConfig,
    guard: AddressGuard,
    hosts: HostPool,
    robots: RobotsCache,
}

/// Result of one request (one hop).
enum Hit {
    Redirect {
        status: u16,
        location: String,
        headers: Vec<(String, String)>,
    },
    Final {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        too_large: Option<u64>,
        ttfb: Duration,
    },
    /// The headers came, the body did not (cut short, bad encoding, stalled): what the server
    /// said is kept as evidence beside what went wrong.
    Failed {
        status: u16,
        headers: Vec<(String, String)>,
        outcome: Outcome,
        ttfb: Duration,
    },
}

impl Fetcher {
    /// Builds the HTTP client. Fails only if the TLS backend cannot start.
    pub fn new(cfg: FetchConfig) -> Result<Fetcher, reqwest::Error> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static(ACCEPT_LANGUAGE),
        );
        let ua = HeaderValue::from_bytes(cfg.user_agent.as_bytes())
            .unwrap_or_else(|_| HeaderValue::from_static("kaohe"));
        headers.insert(header::USER_AGENT, ua);
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(cfg.connect_timeout)
            .read_timeout(cfg.read_timeout)
            .pool_max_idle_per_host(cfg.politeness.concurrency.max(1) * 2)
            .tls_danger_accept_invalid_certs(cfg.accept_invalid_certs)
            .dns_resolver(Arc::new(GuardedResolver {
                guard: Arc::new(cfg.guard.clone()),
            }))
            .build()?;
        let hosts = HostPool::new(cfg.politeness.clone());
        Ok(Fetcher {
            client,
            guard: cfg.guard.clone(),
            cfg,
            hosts,
            robots: RobotsCache::default(),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    pub fn hosts(&self) -> &HostPool {
        &self.hosts
    }

    /// Fetches `url`, following redirects (each hop recorded) and retrying transient failures.
    /// With `scope`, a page whose redirect leaves the scope stops there ([`Outcome::LeftScope`]).
    pub async fn fetch(
        &self,
        url: &Url,
        expect: Expect,
        validators: Option<&Validators>,
        scope: Option<&Scope>,
    ) -> Fetch {
        self.fetch_with(url, expect, validators, scope, true).await
    }

    async fn fetch_with(
        &self,
        url: &Url,
        expect: Expect,
        validators: Option<&Validators>,
        scope: Option<&Scope>,
        check_robots: bool,
    ) -> Fetch {
        let started = SystemTime::now();
        let t0 = Instant::now();
        let deadline = t0 + self.cfg.url_budget;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut f = self
                .chain(url, expect, validators, scope, check_robots, deadline)
                .await;
            f.started = started;
            f.elapsed = t0.elapsed();
            f.attempts = attempt;
            // 503 with Retry-After is the server saying "later", not an error page.
            if f.outcome == (Outcome::HttpError { status: 503 })
                && f.header("retry-after").is_some()
            {
                f.outcome = Outcome::RateLimited { status: 503 };
            }
            let host = self.hosts.host(&host_key(&f.final_url));
            match (&f.outcome, f.status) {
                (Outcome::RateLimited { .. }, _) => host.note_rate_limited(),
                (_, Some(_)) => host.note_answered(),
                _ => {}
            }
            if !f.outcome.is_transient() || attempt > self.cfg.retries || host.gave_up().is_some() {
                return f;
            }
            let asked = match f.status {
                Some(429 | 503) => f
                    .header("retry-after")
                    .and_then(politeness::parse_retry_after),
                _ => None,
            };
            let wait = match asked {
                // A server asking for more patience than we have: stop, say rate-limited.
                Some(w) if w > host.max_retry_after() => {
                    host.defer(w);
                    host.give_up();
                    if let Some(s) = f.status {
                        f.outcome = Outcome::RateLimited { status: s };
                    }
                    return f;
                }
                Some(w) => w,
                None => self.cfg.backoff * 2u32.saturating_pow(attempt - 1),
            };
            // Another attempt only if it can start within the URL's budget.
            if Instant::now() + wait >= deadline {
                return f;
            }
            host.defer(wait);
        }
    }

    /// The robots.txt entry for `url`'s origin (fetched on first use).
    pub async fn robots(&self, url: &Url) -> Arc<RobotsEntry> {
        let cell = self.robots.cell(url);
        cell.get_or_init(|| async {
            let mut r = url.clone();
            r.set_path("/robots.txt");
            r.set_query(None);
            r.set_fragment(None);
            let f = Box::pin(self.fetch_with(&r, Expect::Asset, None, None, false)).await;
            let status = match f.outcome {
                Outcome::Fetched | Outcome::SoftNotFound | Outcome::HttpError { .. } => f.status,
                // A challenge or rate limit on robots.txt: we do not know the rules.
                _ => None,
            };
            let mut entry =
                RobotsEntry::from_response(ROBOTS_AGENT, status, f.body.as_deref().unwrap_or(&[]));
            if let Some(d) = entry.crawl_delay {
                self.hosts.host(&host_key(url)).set_crawl_delay(d);
            }
            entry.fetch = Some(f);
            Arc::new(entry)
        })
        .await
        .clone()
    }

    /// One attempt: follow redirects to the final response.
    async fn chain(
        &self,
        url: &Url,
        expect: Expect,
        validators: Option<&Validators>,
        scope: Option<&Scope>,
        check_robots: bool,
        deadline: Instant,
    ) -> Fetch {
        let mut f = Fetch::unfetched(url, expect, Outcome::Fetched);
        let mut cur = url.clone();
        loop {
            // A private address (a link or a redirect to the metadata service, say) is
            // never requested unless the user allowed it.
            if let Err(r) = self.guard.check(&cur).await {
                f.final_url = cur.clone();
                f.outcome = Outcome::PrivateAddress {
                    detail: r.to_string(),
                };
                return f;
            }
            if check_robots && self.cfg.obey_robots {
                match self.robots(&cur).await.access(&cur) {
                    Access::Allowed => {}
                    Access::Disallowed => {
                        f.outcome = Outcome::RobotsDisallowed;
                        return f;
                    }
                    Access::Unverified => {
                        f.outcome = Outcome::RobotsUnverified;
                        return f;
                    }
                }
            }
            let v = if f.redirects.is_empty() {
                validators
            } else {
                None
            };
            f.request_headers = self.request_headers(v);
            let cap = match expect {
                Expect::Attachment => self.cfg.max_attachment_bytes,
                _ => self.cfg.max_page_bytes,
            };
            let host = self.hosts.host(&host_key(&cur));
            let permit = host.acquire().await;
            // Checked once our turn has come: the host may have been given up meanwhile.
            if let Some(after) = host.gave_up() {
                f.final_url = cur.clone();
                f.outcome = Outcome::HostGaveUp { after };
                return f;
            }
            // The request gets what is left of the URL's budget, at most one request's limit.
            let limit = self
                .cfg
                .total_timeout
                .min(deadline.saturating_duration_since(Instant::now()));
            let hit = tokio::time::timeout(limit, self.request(&cur, v, cap)).await;
            drop(permit);
            let hit = match hit {
                Err(_) => Err(Outcome::TimedOut {
                    phase: Phase::Total,
                }),
                Ok(r) => r,
            };
            match hit {
                Err(o) => {
                    f.outcome = o;
                    return f;
                }
                Ok(Hit::Redirect {
                    status,
                    location,
                    headers,
                }) => {
                    let next = canon::resolve(&cur, &location);
                    f.redirects.push(Hop {
                        url: cur.clone(),
                        status,
                        location: location.clone(),
                    });
                    f.status = Some(status);
                    f.headers = headers;
                    let Some(next) = next else {
                        // A Location we cannot follow: the redirect itself is the response.
                        f.outcome = Outcome::HttpError { status };
                        return f;
                    };
                    if next == cur || f.redirects.iter().any(|h| h.url == next) {
                        f.final_url = next;
                        f.outcome = Outcome::RedirectLimit { looped: true };
                        return f;
                    }
                    f.final_url = next.clone();
                    if f.redirects.len() >= self.cfg.max_redirects {
                        f.outcome = Outcome::RedirectLimit { looped: false };
                        return f;
                    }
                    if expect == Expect::Page && scope.is_some_and(|s| !s.contains(&next)) {
                        f.outcome = Outcome::LeftScope;
                        return f;
                    }
                    cur = next;
                }
                Ok(Hit::Failed {
                    status,
                    headers,
                    outcome,
                    ttfb,
                }) => {
                    f.final_url = cur.clone();
                    f.status = Some(status);
                    f.headers = headers;
                    f.ttfb = Some(ttfb);
                    f.outcome = outcome;
                    return f;
                }
                Ok(Hit::Final {
                    status,
                    headers,
                    body,
                    too_large,
                    ttfb,
                }) => {
                    f.final_url = cur.clone();
                    f.status = Some(status);
                    f.headers = headers;
                    f.ttfb = Some(ttfb);
                    if let Some(limit) = too_large {
                        f.outcome = Outcome::TooLarge { limit };
                        f.truncated = true;
                        f.sha256 = Some(hex_sha256(&body));
                        f.body = Some(body);
                        return f;
                    }
                    let ct = f.header("content-type").map(str::to_owned);
                    // Pages are decoded once here, as the extractor decodes them; the engine
                    // takes the text for link extraction.
                    if expect == Expect::Page || classify::looks_like_html(ct.as_deref(), &body) {
                        f.decoded = Some(extract::decode(&body, ct.as_deref(), Some(&cur)));
                    }
                    let text = f.decoded.as_ref().map_or("", |d| d.text.as_str());
                    f.outcome =
                        classify::classify(&cur, status, ct.as_deref(), &body, text, expect);
                    if f.outcome == Outcome::NotModified {
                        // The stored body of the earlier fetch stands; a 304 has none.
                        f.decoded = None;
                        return f;
                    }
                    f.sha256 = Some(hex_sha256(&body));
                    f.body = Some(body);
                    return f;
                }
            }
        }
    }

    /// One HTTP request, body read up to `cap`.
    async fn request(&self, url: &Url, v: Option<&Validators>, cap: u64) -> Result<Hit, Outcome> {
        let mut req = self.client.get(url.as_str());
        if let Some(v) = v {
            if let Some(e) = &v.etag {
                req = req.header(header::IF_NONE_MATCH, e.as_str());
            }
            if let Some(lm) = &v.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, lm.as_str());
            }
        }
        let sent = Instant::now();
        let mut resp = req.send().await.map_err(|e| error_outcome(&e, false))?;
        let ttfb = sent.elapsed();
        let status = resp.status().as_u16();
        let headers = kept_headers(resp.headers());
        if matches!(status, 301 | 302 | 303 | 307 | 308)
            && let Some(loc) = resp.headers().get(header::LOCATION)
        {
            let location = String::from_utf8_lossy(loc.as_bytes()).into_owned();
            return Ok(Hit::Redirect {
                status,
                location,
                headers,
            });
        }
        // A declared length over the cap is not read at all.
        if resp.content_length().is_some_and(|n| n > cap) {
            return Ok(Hit::Final {
                status,
                headers,
                body: Vec::new(),
                too_large: Some(cap),
                ttfb,
            });
        }
        let mut body = Vec::new();
        loop {
            let chunk = match resp.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => {
                    return Ok(Hit::Failed {
                        status,
                        headers,
                        outcome: error_outcome(&e, true),
                        ttfb,
                    });
                }
            };
            if body.len() as u64 + chunk.len() as u64 > cap {
                let room = usize::try_from(cap)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(body.len());
                body.extend_from_slice(&chunk[..room.min(chunk.len())]);
                return Ok(Hit::Final {
                    status,
                    headers,
                    body,
                    too_large: Some(cap),
                    ttfb,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Hit::Final {
            status,
            headers,
            body,
            too_large: None,
            ttfb,
        })
    }

    /// The request headers we send (the client's defaults plus the validators), for the record.
    fn request_headers(&self, v: Option<&Validators>) -> Vec<(String, String)> {
        let mut h = vec![
            ("user-agent".to_owned(), self.cfg.user_agent.clone()),
            ("accept".to_owned(), ACCEPT.to_owned()),
            ("accept-language".to_owned(), ACCEPT_LANGUAGE.to_owned()),
        ];
        if let Some(v) = v {
            if let Some(e) = &v.etag {
                h.push(("if-none-match".to_owned(), e.clone()));
            }
            if let Some(lm) = &v.last_modified {
                h.push(("if-modified-since".to_owned(), lm.clone()));
            }
        }
        h
    }
}

/// Key of a host's politeness state: host and port (two ports are two servers).
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn kept_headers(h: &HeaderMap) -> Vec<(String, String)> {
    KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            h.get(*name).map(|v| {
                (
                    (*name).to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
        })
        .collect()
}

/// A failed TLS handshake, said as what the assessor needs to know: which certificate
/// problem (the site's to fix) and that `--insecure` fetches anyway.
fn tls_problem(err: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let why = match err {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "已过期",
            C::NotValidYet | C::NotValidYetContext { .. } => "尚未生效",
            C::UnknownIssuer => "签发机构不受信任（如自签名证书）",
            C::NotValidForName | C::NotValidForNameContext { .. } => "与网站域名不符",
            C::Revoked => "已被吊销",
            // webpki's verdict on a self-signed certificate marked as a CA (openssl's default)
            C::Other(o) if format!("{o:?}").contains("CaUsedAsEndEntity") => "为自签名证书",
            _ => "无效",
        },
        _ => return format!("HTTPS 握手失败：{err}"),
    };
    format!("HTTPS 证书{why}（{err}）；确需抓取可加 --insecure")
}

/// The rustls error somewhere in `e`'s causes: the connectors wrap it in io::Errors (whose
/// payload is not their `source`), so both ways down are searched.
fn find_tls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cur = Some(e);
    while let Some(x) = cur {
        if let Some(r) = x.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(inner) = x
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && let Some(r) = find_tls_error(inner)
        {
            return Some(r);
        }
        cur = x.source();
    }
    None
}

/// Maps a transport error to what it means for the evidence.
fn error_outcome(e: &reqwest::Error, in_body: bool) -> Outcome {
    if e.is_timeout() {
        let phase = if e.is_connect() {
            Phase::Connect
        } else {
            Phase::Read
        };
        return Outcome::TimedOut { phase };
    }
    if let Some(detail) = find_tls_error(e).map(tls_problem) {
        return Outcome::Unreachable {
            failure: Failure::Tls,
            detail,
        };
    }
    let mut src = e.source();
    while let Some(s) = src {
        // Our resolver's own answers, already in Chinese.
        if let Some(r) = s.downcast_ref::<crate::guard::Refusal>() {
            return Outcome::PrivateAddress {
                detail: r.to_string(),
            };
        }
        if let Some(n) = s.downcast_ref::<crate::guard::NotResolved>() {
            return Outcome::Unreachable {
                failure: Failure::Other,
                detail: n.to_string(),
            };
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            let (failure, detail) = match io.kind() {
                K::ConnectionRefused => (Failure::Refused, "连接被拒绝"),
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                    (Failure::Reset, "连接被重置")
                }
                K::TimedOut => {
                    return Outcome::TimedOut {
                        phase: if in_body { Phase::Read } else { Phase::Connect },
                    };
                }
                K::UnexpectedEof if in_body => {
                    (Failure::Truncated, "响应不完整（内容未传完连接就断开了）")
                }
                K::UnexpectedEof => (Failure::Reset, "连接意外中断"),
                _ if in_body => (Failure::Undecodable, "响应内容无法读取（如压缩格式错误）"),
                _ => (Failure::Other, "网络错误"),
            };
            // The system's words (English) only where ours name no cause.
            let detail = if failure == Failure::Other {
                format!("{detail}（{io}）")
            } else {
                detail.to_string()
            };
            return Outcome::Unreachable { failure, detail };
        }
        src = s.source();
    }
    let what = if e.is_connect() {
        "连接失败"
    } else if in_body {
        "读取响应体失败"
    } else {
        "请求失败"
    };
    Outcome::Unreachable {
        failure: if e.is_connect() {
            Failure::Other
        } else if in_body {
            Failure::Undecodable
        } else {
            Failure::Other
        },
        detail: format!("{what}（{e}）"),
    }
}

/// Lower-case hex sha256: the store's (one definition for the whole project).
pub use store::body::sha256_hex as hex_sha256;
