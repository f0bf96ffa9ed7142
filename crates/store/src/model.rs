//! The store's vocabulary: what the crawler hands in and what readers get back.
//!
//! Closed sets (outcome, frontier state, link kind, …) are enums stored as short lowercase
//! strings (`as_str` / `parse`), so a row is readable with `sqlite3` or `psql` and a value the
//! code does not know is an error instead of a silent default.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// One crawl of one portal (a row of `crawls`).
    CrawlId
);
id_type!(
    /// One URL in one crawl's frontier (a row of `frontier`).
    FrontierId
);
id_type!(
    /// One fetch attempt's record (a row of `fetches`).
    FetchId
);
id_type!(
    /// One assessment run (a row of `runs`).
    RunId
);

/// Defines a closed string-backed enum with `as_str`, `parse` and `ALL`.
macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Reads the stored spelling back; an unknown value means a newer or damaged store.
            pub fn parse(s: &str) -> Result<Self, StoreError> {
                match s {
                    $($s => Ok($name::$variant),)+
                    other => Err(StoreError::Corrupt(format!(
                        "{} 取值未知：{other:?}", stringify!($name)
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum!(
    /// Life cycle of a crawl. `Running` after a kill -9 is what `find_resumable` looks for.
    CrawlState {
        Running = "running",
        Finished = "finished",
        /// Stopped by the user or by an error; not resumable by default.
        Aborted = "aborted",
    }
);

impl CrawlState {
    /// Chinese label for user-facing output.
    pub fn label_zh(self) -> &'static str {
        match self {
            CrawlState::Running => "未完成（可续抓）",
            CrawlState::Finished => "已完成",
            CrawlState::Aborted => "已中止",
        }
    }
}

str_enum!(
    /// State of a frontier row. `InProgress` rows left by a dead process go back to `Pending`
    /// on `Store::resume`.
    FrontierState {
        Pending = "pending",
        InProgress = "in_progress",
        Done = "done",
    }
);

str_enum!(
    /// Why a URL is in the frontier: to be crawled (fetched, links followed) or only checked
    /// (an off-scope attachment: fetched to prove it downloads, never crawled).
    Purpose {
        Crawl = "crawl",
        Check = "check",
    }
);

str_enum!(
    /// What one fetch established. Closed on purpose: every consumer must decide what each
    /// outcome means. See [`Outcome::verification`] for the unverified-vs-checked rule.
    Outcome {
        /// 2xx with a body that is what it claims to be.
        Fetched = "fetched",
        /// 304 on a conditional GET: unchanged since the validators' fetch.
        NotModified = "not_modified",
        /// The server answered with a 4xx/5xx status (a 404 is *missing*, checked).
        HttpError = "http_error",
        /// A firewall / anti-bot challenge (e.g. 412 with a script): the page is *unverified*.
        Challenged = "challenged",
        /// Connect, read or total timeout: *unverified*.
        TimedOut = "timed_out",
        /// Connection refused or reset: *unverified*.
        Refused = "refused",
        /// DNS, TLS or other transport failure: *unverified*.
        NetworkError = "network_error",
        /// The body exceeded our size cap; what was read is stored and marked truncated.
        /// *Unverified*: the limit is ours, the page may be fine.
        TooLarge = "too_large",
        /// 429 (or 503 with Retry-After) still answered after our retries: *unverified*.
        RateLimited = "rate_limited",
        /// robots.txt forbids the URL; not fetched, so *unverified*.
        RobotsDisallowed = "robots_disallowed",
        /// robots.txt itself could not be read (refused, 5xx, a challenge): the rules are
        /// unknown, so the URL was not fetched; *unverified* (our failure to see, not a rule).
        RobotsUnknown = "robots_unknown",
        /// A 200 that is really a "page not found" page (checked: the target is missing).
        Soft404 = "soft_404",
        /// Redirect limit reached or a redirect loop (checked: the link is broken).
        RedirectLoop = "redirect_loop",
        /// An attachment that downloads but is not what it claims (wrong magic bytes, empty).
        Broken = "broken",
        /// The crawler chose not to fetch (trap pattern, limit); *unverified*.
        Skipped = "skipped",
    }
);

/// How fetches are counted for people: fine, the site's defect, our failure to see, or not
/// asked by our own rule (robots.txt, scope, a private address, a trap). Both of the last two
/// are *unverified* ([`Outcome::verification`]): never a deduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tally {
    Ok,
    Broken,
    Unverified,
    NotFetched,
}

/// Whether an outcome says something about the site (checked) or only about our attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// The site answered; the outcome may be held against it.
    Checked,
    /// Our fetch did not get a real answer: never *missing*, never a deduction.
    Unverified,
}

impl Outcome {
    /// The architecture's invariant 3: our own failure never costs a department points.
    pub fn verification(self) -> Verification {
        match self {
            Outcome::Challenged
            | Outcome::TimedOut
            | Outcome::Refused
            | Outcome::NetworkError
            | Outcome::RobotsDisallowed
            | Outcome::RobotsUnknown
            | Outcome::TooLarge
            | Outcome::RateLimited
            | Outcome::Skipped => Verification::Unverified,
            Outcome::Fetched
            | Outcome::NotModified
            | Outcome::HttpError
            | Outcome::Soft404
            | Outcome::RedirectLoop
            | Outcome::Broken => Verification::Checked,
        }
    }

    /// The four groups every count of fetches uses (the crawl's summary, its progress line,
    /// `snapshot show`), so they always agree.
    pub fn tally(self) -> Tally {
        match self {
            Outcome::Fetched | Outcome::NotModified => Tally::Ok,
            Outcome::HttpError | Outcome::Soft404 | Outcome::RedirectLoop | Outcome::Broken => {
                Tally::Broken
            }
            Outcome::Challenged
            | Outcome::TimedOut
            | Outcome::Refused
            | Outcome::NetworkError
            | Outcome::TooLarge
            | Outcome::RobotsUnknown
            | Outcome::RateLimited => Tally::Unverified,
            Outcome::RobotsDisallowed | Outcome::Skipped => Tally::NotFetched,
        }
    }

    /// Chinese label for user-facing output.
    pub fn label_zh(self) -> &'static str {
        match self {
            Outcome::Fetched => "抓取成功",
            Outcome::NotModified => "未变化（304）",
            Outcome::HttpError => "HTTP 错误",
            Outcome::Challenged => "防火墙拦截（未核实）",
            Outcome::TimedOut => "超时（未核实）",
            Outcome::Refused => "连接被拒（未核实）",
            Outcome::NetworkError => "网络错误（未核实）",
            Outcome::TooLarge => "超过大小上限（未核实）",
            Outcome::RateLimited => "被限流（未核实）",
            Outcome::RobotsDisallowed => "robots.txt 禁止（未核实）",
            Outcome::RobotsUnknown => "robots.txt 无法获取（未核实）",
            Outcome::Soft404 => "软 404（页面不存在）",
            Outcome::RedirectLoop => "重定向过多或循环",
            Outcome::Broken => "附件损坏",
            Outcome::Skipped => "跳过（未核实）",
        }
    }
}

str_enum!(
    /// How the page's character encoding was decided (browser order: BOM, HTTP, meta, guess).
    EncodingSource {
        Bom = "bom",
        HttpHeader = "http_header",
        Meta = "meta",
        Detected = "detected",
        /// Nothing declared and nothing detected: a default was assumed.
        Default = "default",
    }
);

impl EncodingSource {
    /// Chinese label for user-facing output.
    pub fn label_zh(self) -> &'static str {
        match self {
            EncodingSource::Bom => "字节顺序标记（BOM）",
            EncodingSource::HttpHeader => "HTTP 响应头",
            EncodingSource::Meta => "网页 meta 声明",
            EncodingSource::Detected => "自动检测",
            EncodingSource::Default => "无声明，按默认",
        }
    }
}

str_enum!(
    /// What kind of reference a link is.
    LinkKind {
        /// `<a href>` to a page.
        Anchor = "anchor",
        /// `<a href>` that looks like a download (.doc .xls .pdf …).
        Attachment = "attachment",
        Frame = "frame",
        Image = "image",
        Script = "script",
        Stylesheet = "stylesheet",
        Form = "form",
        /// `<meta http-equiv=refresh>` or a script redirect.
        Refresh = "refresh",
        /// A `<loc>` of an XML sitemap, or a `Sitemap:` line of robots.txt.
        Sitemap = "sitemap",
        Other = "other",
    }
);

impl LinkKind {
    /// Chinese label for user-facing output.
    pub fn label_zh(self) -> &'static str {
        match self {
            LinkKind::Anchor => "链接",
            LinkKind::Attachment => "附件",
            LinkKind::Frame => "框架",
            LinkKind::Image => "图片",
            LinkKind::Script => "脚本",
            LinkKind::Stylesheet => "样式表",
            LinkKind::Form => "表单",
            LinkKind::Refresh => "自动跳转",
            LinkKind::Sitemap => "站点地图",
            LinkKind::Other => "其他",
        }
    }
}

str_enum!(
    /// Verdict of an attachment download check.
    AttachmentVerdict {
        Ok = "ok",
        Broken = "broken",
        Soft404 = "soft_404",
    }
);

impl AttachmentVerdict {
    /// Chinese label for user-facing output.
    pub fn label_zh(self) -> &'static str {
        match self {
            AttachmentVerdict::Ok => "正常",
            AttachmentVerdict::Broken => "损坏",
            AttachmentVerdict::Soft404 => "软 404（实为“页面不存在”）",
        }
    }
}

str_enum!(
    /// How a body is compressed in the `bodies` table.
    Codec {
        Zstd = "zstd",
        Gzip = "gzip",
        Identity = "identity",
    }
);

/// A crawl as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crawl {
    pub id: CrawlId,
    pub seed_url: String,
    /// The crawler's settings as JSON (scope, limits, user agent…), kept as evidence.
    pub config: serde_json::Value,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub state: CrawlState,
}

/// A URL to put in the frontier (inserted only if the crawl does not have it yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUrl {
    /// Canonical URL (the crawler canonicalises; the store compares bytes).
    pub url: String,
    pub depth: u32,
    /// The fetch whose page linked here. `Store::record` overrides it with the new fetch.
    pub from_fetch: Option<FetchId>,
    pub purpose: Purpose,
}

/// A claimed frontier row, handed to a fetcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierItem {
    pub id: FrontierId,
    pub url: String,
    pub depth: u32,
    pub from_fetch: Option<FetchId>,
    pub purpose: Purpose,
}

/// One redirect hop: the URL requested, the 3xx status, and where it pointed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedirectHop {
    pub url: String,
    pub status: u16,
    pub location: String,
}

/// The response headers that matter for evidence, conditional GET and politeness.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseHeaders {
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub retry_after: Option<String>,
    /// As the server sent it (may be the compressed length).
    pub content_length: Option<String>,
    pub server: Option<String>,
    pub content_disposition: Option<String>,
}

impl ResponseHeaders {
    /// The headers that were sent, by their HTTP names, in a fixed order (for display and for
    /// rebuilding the response in a WARC record).
    pub fn present(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("Content-Type", &self.content_type),
            ("Content-Length", &self.content_length),
            ("ETag", &self.etag),
            ("Last-Modified", &self.last_modified),
            ("Retry-After", &self.retry_after),
            ("Server", &self.server),
            ("Content-Disposition", &self.content_disposition),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.as_deref().map(|v| (name, v)))
    }
}

/// When the fetch started and how long its phases took (milliseconds; `None` = not reached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    pub started_at: DateTime<Utc>,
    pub connect_ms: Option<u32>,
    pub ttfb_ms: Option<u32>,
    pub total_ms: Option<u32>,
}

/// The decided character encoding of a text body and how it was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodingInfo {
    /// encoding_rs name, e.g. "GBK", "UTF-8".
    pub name: String,
    pub source: EncodingSource,
    /// Decoding produced replacement characters.
    pub had_errors: bool,
}

/// Result of checking that an attachment really downloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentCheck {
    /// The Content-Type the server declared.
    pub declared_type: Option<String>,
    /// The type the magic bytes say (e.g. "application/pdf"), `None` if unrecognised.
    pub magic_type: Option<String>,
    pub size: u64,
    pub verdict: AttachmentVerdict,
}

/// Everything the crawler knows about one fetch; `Store::record` writes it atomically.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchRecord {
    /// The frontier row this fetch completes (marked done in the same transaction).
    /// `None` for fetches outside the frontier (robots.txt, sitemaps).
    pub frontier: Option<FrontierId>,
    /// The URL requested (canonical).
    pub url: String,
    /// The URL of the last hop (equals `url` without redirects).
    pub final_url: String,
    /// "GET" or "HEAD".
    pub method: String,
    /// Request headers sent (User-Agent, If-None-Match, …), for the WARC request record.
    pub request_headers: Vec<(String, String)>,
    pub redirects: Vec<RedirectHop>,
    /// Final HTTP status, `None` when no response arrived.
    pub status: Option<u16>,
    pub headers: ResponseHeaders,
    pub timing: Timing,
    pub outcome: Outcome,
    /// Human-readable detail (error message, soft-404 reason), in Chinese or as the library said.
    pub detail: Option<String>,
    pub encoding: Option<EncodingInfo>,
    /// The raw body as received (after transfer/content decoding, before charset decoding).
    /// The store hashes (sha256), compresses and deduplicates it.
    pub body: Option<Vec<u8>>,
    /// The body stopped at the size cap.
    pub body_truncated: bool,
    /// For `NotModified`: the sha256 of the unchanged body (from `Store::validators`).
    pub unchanged_hash: Option<String>,
    pub attachment: Option<AttachmentCheck>,
}

/// A link found on a fetched page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    /// Absolute (canonical where possible) target URL.
    pub to_url: String,
    /// Anchor text, trimmed.
    pub text: Option<String>,
    pub kind: LinkKind,
}

/// The HTTP validators of a stored response, sent back on a conditional GET (the one type
/// the crawler and the store share for them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The newest earlier fetch of a URL: what a conditional GET sends and what a 304 points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousFetch {
    pub fetch: FetchId,
    pub crawl: CrawlId,
    pub fetched_at: DateTime<Utc>,
    pub validators: Validators,
    /// sha256 (hex) of the body that fetch stored.
    pub body_hash: Option<String>,
}

/// A fetch as stored (without its body; see `Store::body`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFetch {
    pub id: FetchId,
    pub crawl: CrawlId,
    pub frontier: Option<FrontierId>,
    pub url: String,
    pub final_url: String,
    pub method: String,
    pub request_headers: Vec<(String, String)>,
    pub redirects: Vec<RedirectHop>,
    pub status: Option<u16>,
    pub headers: ResponseHeaders,
    pub timing: Timing,
    pub outcome: Outcome,
    pub detail: Option<String>,
    pub encoding: Option<EncodingInfo>,
    /// sha256 (hex) of the raw body, the key into `bodies`.
    pub body_hash: Option<String>,
    pub body_size: Option<u64>,
    pub body_truncated: bool,
    pub attachment: Option<AttachmentCheck>,
}

/// A stored link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    pub from_fetch: FetchId,
    pub to_url: String,
    pub text: Option<String>,
    pub kind: LinkKind,
}

/// Counts for `kaohe snapshot list`.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlSummary {
    pub crawl: Crawl,
    pub fetches: u64,
    pub pending: u64,
    pub in_progress: u64,
    pub done: u64,
}

str_enum!(
    /// Whether a run may still change: a published run is frozen (no more decisions).
    RunState {
        Draft = "draft",
        Published = "published",
    }
);

/// An assessment run to store: what it was made from, its result as JSON, and one row per
/// finding. The store does not read the JSON; the assessment does.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub crawl: CrawlId,
    pub history_crawl: Option<CrawlId>,
    pub rubric_id: String,
    pub rubric_version: String,
    /// YYYY-MM-DD.
    pub as_of: String,
    pub extractor: String,
    pub profile: Option<String>,
    pub total_hundredths: i64,
    pub assessment: String,
    pub findings: Vec<FindingRow>,
}

/// A stored run (without its findings).
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: RunId,
    pub crawl: CrawlId,
    pub history_crawl: Option<CrawlId>,
    pub rubric_id: String,
    pub rubric_version: String,
    pub as_of: String,
    pub extractor: String,
    pub created_at: DateTime<Utc>,
    pub state: RunState,
    pub profile: Option<String>,
    pub total_hundredths: i64,
    pub assessment: String,
}

/// A run in a list: without its JSON, with its crawl's seed URL (the portal).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub id: RunId,
    pub crawl: CrawlId,
    pub portal: String,
    pub rubric_id: String,
    pub as_of: String,
    pub created_at: String,
    pub state: RunState,
    pub total_hundredths: i64,
}

/// What changes when a run changes: a cache of the parsed run is good while this is equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunVersion {
    pub state: RunState,
    pub total_hundredths: i64,
    pub decisions: i64,
    pub findings: i64,
}

/// One finding of a run: the columns a run is queried by, and the finding as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub id: String,
    pub rule: String,
    pub indicator: String,
    pub department: String,
    /// `deducted`, `needs_review` or `unverified`.
    pub status: String,
    pub deduction_hundredths: i64,
    pub confidence: f64,
    pub body: String,
}

/// One assessor decision on a finding of a run, as appended (never edited).
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    pub finding: String,
    pub action: String,
    pub by: String,
    pub at: String,
    pub reason: String,
    /// The decision as JSON.
    pub body: String,
}

/// A fetch's stored page facts: the reader's version and the facts as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFacts {
    pub fetch: FetchId,
    /// `extract::VERSION` of the reader that made them.
    pub extractor: String,
    pub json: Vec<u8>,
}

// ---- the workbench ------------------------------------------------------------------------

str_enum!(
    /// What a workbench account may do (the web crate enforces it on every route).
    Role {
        /// Manages accounts, runs and publication; everything an assessor can do.
        Admin = "admin",
        /// Reviews findings, decides, adds manual deductions, starts runs.
        Assessor = "assessor",
        /// One department's webmaster: sees only that department's findings and answers them.
        Department = "department",
        /// Reads everything, changes nothing (a supervisor).
        Viewer = "viewer",
    }
);

impl Role {
    /// The Chinese name shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Assessor => "评估人员",
            Role::Department => "部门用户",
            Role::Viewer => "只读用户",
        }
    }
}

/// A workbench account. `department` is set exactly when the role is `Department`.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    /// Argon2id PHC string; never shown.
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: String,
}

/// An account to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    pub password_hash: String,
}

str_enum!(
    /// A department's answer to a finding.
    ResponseKind {
        /// 已整改: the department says the page is fixed and asks for a re-check.
        Fixed = "fixed",
        /// 申诉: the department says the finding is wrong, with its reason.
        Appeal = "appeal",
    }
);

/// A department's answer, as appended (never edited).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRow {
    pub finding: String,
    pub kind: ResponseKind,
    pub department: String,
    pub by: String,
    pub at: String,
    pub text: String,
}

str_enum!(
    /// A background job's life cycle.
    JobState {
        Queued = "queued",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
);

/// A crawl-and-assess job started from the workbench.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub seed_url: String,
    /// JSON the web crate writes and reads (pages, as-of date …).
    pub options: String,
    pub state: JobState,
    pub created_by: String,
    pub created_at: String,
    pub crawl: Option<CrawlId>,
    pub run: Option<RunId>,
    pub progress: String,
    pub message: String,
}
