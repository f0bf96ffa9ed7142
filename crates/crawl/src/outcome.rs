//! What one fetch came to, as a type. The distinction that matters downstream is
//! [`Verdict`]: whether the site was *checked* (and found working or broken) or whether we could
//! not tell (*unverified*). Our own failure to fetch — a timeout, a refused connection, a
//! firewall challenge, a limit of ours — is never reported as the site's defect.

use std::fmt;

/// The result of fetching one URL (after redirects and retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx response whose body we read whole (a page, an asset, or an attachment whose bytes
    /// agree with what it claims to be).
    Fetched,
    /// 304 to our conditional GET: unchanged since the stored fetch.
    NotModified,
    /// The server answered with an error status after retries (404, 410, 500 …): the site's
    /// defect, checked.
    HttpError { status: u16 },
    /// A 200 page that says the page does not exist (页面不存在, 404 Not Found …).
    SoftNotFound,
    /// An attachment link whose response is not the file it claims: empty, HTML, or bytes
    /// that are not a document of that type.
    BadAttachment { reason: String },
    /// A firewall or anti-bot challenge (412 with a script, a JavaScript cookie page): the
    /// page may well exist, we could not see it.
    Challenged { status: u16 },
    /// Connect, read or total timeout.
    TimedOut { phase: Phase },
    /// Connection refused, reset, DNS failure, TLS failure, a body cut short or undecodable …
    /// (`failure` says which, `detail` says it in Chinese).
    Unreachable { failure: Failure, detail: String },
    /// The body exceeded our size cap.
    TooLarge { limit: u64 },
    /// A redirect loop, or more hops than a browser follows (20, our default limit).
    RedirectLimit { looped: bool },
    /// 429/503 still rate-limiting us after retries.
    RateLimited { status: u16 },
    /// robots.txt disallows the URL for our User-Agent: not fetched.
    RobotsDisallowed,
    /// robots.txt itself could not be fetched (5xx, unreachable): we assume disallow and do not
    /// know whether the page exists.
    RobotsUnverified,
    /// A page redirected off the crawl's scope; the hop is recorded, the target not fetched.
    LeftScope,
    /// The URL's host is (or resolves to) a private, loopback or link-local address that the
    /// user did not allow: not requested (`detail` names the host and the address).
    PrivateAddress { detail: String },
    /// The host answered 429/503 this many times in a row: its remaining URLs are not
    /// requested, so that one throttling host cannot hold the crawl for hours.
    HostGaveUp { after: u32 },
}

/// Why a host could not be reached or its answer read: typed, so that nothing downstream
/// decides from the words of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The host refused the connection.
    Refused,
    /// The connection was reset or aborted.
    Reset,
    /// The HTTPS certificate or handshake failed.
    Tls,
    /// The body stopped short of what the server announced.
    Truncated,
    /// The body could not be read (a broken compression, say).
    Undecodable,
    /// Anything else: DNS, routing, a failure the client did not name.
    Other,
}

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Connect,
    Read,
    Total,
}

/// Whether an outcome says something about the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Checked and working.
    Ok,
    /// Checked and broken: the site's defect.
    Broken,
    /// We could not tell: never a deduction.
    Unverified,
    /// Deliberately not fetched (robots.txt).
    Skipped,
}

impl Outcome {
    /// Checked, broken, unverified or skipped.
    pub fn verdict(&self) -> Verdict {
        match self {
            Outcome::Fetched | Outcome::NotModified => Verdict::Ok,
            // A redirect loop, or more hops than a browser follows, is what visitors get too.
            Outcome::HttpError { .. }
            | Outcome::SoftNotFound
            | Outcome::BadAttachment { .. }
            | Outcome::RedirectLimit { .. } => Verdict::Broken,
            Outcome::Challenged { .. }
            | Outcome::TimedOut { .. }
            | Outcome::Unreachable { .. }
            | Outcome::TooLarge { .. }
            | Outcome::RateLimited { .. }
            | Outcome::HostGaveUp { .. }
            | Outcome::RobotsUnverified => Verdict::Unverified,
            // Deliberately not fetched: says nothing about the site.
            Outcome::RobotsDisallowed | Outcome::LeftScope | Outcome::PrivateAddress { .. } => {
                Verdict::Skipped
            }
        }
    }

    /// A stable machine name, stored with the fetch.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Fetched => "fetched",
            Outcome::NotModified => "not_modified",
            Outcome::HttpError { .. } => "http_error",
            Outcome::SoftNotFound => "soft_not_found",
            Outcome::BadAttachment { .. } => "bad_attachment",
            Outcome::Challenged { .. } => "challenged",
            Outcome::TimedOut { .. } => "timed_out",
            Outcome::Unreachable { .. } => "unreachable",
            Outcome::TooLarge { .. } => "too_large",
            Outcome::RedirectLimit { .. } => "redirect_limit",
            Outcome::RateLimited { .. } => "rate_limited",
            Outcome::RobotsDisallowed => "robots_disallowed",
            Outcome::RobotsUnverified => "robots_unverified",
            Outcome::LeftScope => "left_scope",
            Outcome::PrivateAddress { .. } => "private_address",
            Outcome::HostGaveUp { .. } => "host_gave_up",
        }
    }

    /// Whether another attempt may succeed (transient failures).
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Outcome::HttpError { status } => matches!(status, 500 | 502 | 503 | 504 | 520..=524),
            Outcome::TimedOut { .. }
            | Outcome::RateLimited { .. }
            | Outcome::Unreachable { .. } => true,
            _ => false,
        }
    }
}

impl Verdict {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Broken => "broken",
            Verdict::Unverified => "unverified",
            Verdict::Skipped => "skipped",
        }
    }
}

/// A Chinese description of the outcome, for people.
impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Fetched => write!(f, "已抓取"),
            Outcome::NotModified => write!(f, "未变化（304）"),
            Outcome::HttpError { status } => write!(f, "HTTP 错误 {status}"),
            Outcome::SoftNotFound => write!(f, "软 404（返回 200 但内容为“页面不存在”）"),
            Outcome::BadAttachment { reason } => write!(f, "附件无法正常下载：{reason}"),
            Outcome::Challenged { status } => {
                write!(f, "被防火墙拦截（{status} 验证挑战），未能核实")
            }
            Outcome::TimedOut { phase } => {
                let p = match phase {
                    Phase::Connect => "连接",
                    Phase::Read => "读取",
                    Phase::Total => "总",
                };
                write!(f, "{p}超时，未能核实")
            }
            Outcome::Unreachable { detail, .. } => write!(f, "{detail}，未能核实"),
            Outcome::TooLarge { limit } => write!(f, "超过大小上限 {limit} 字节，未能核实"),
            Outcome::RedirectLimit { looped: true } => write!(f, "重定向循环"),
            Outcome::RedirectLimit { looped: false } => write!(f, "重定向次数过多"),
            Outcome::RateLimited { status } => write!(f, "被限流（{status}），未能核实"),
            Outcome::RobotsDisallowed => write!(f, "robots.txt 禁止抓取"),
            Outcome::RobotsUnverified => write!(f, "robots.txt 无法获取，按禁止处理，未能核实"),
            Outcome::LeftScope => write!(f, "重定向到抓取范围之外"),
            Outcome::PrivateAddress { detail } => write!(f, "{detail}"),
            Outcome::HostGaveUp { after } => write!(
                f,
                "该主机持续限流（连续 {after} 次 429/503，或要求等待的时间超过上限），其余网址不再请求，未能核实"
            ),
        }
    }
}
