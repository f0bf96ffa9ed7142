//! What the assessment reads: one crawl's pages as the store has them (the latest fetch of
//! each URL, its outcome and its facts), plus the visible text of the few pages a rule must
//! read whole. Plain data: building it is the loader's job (`load.rs`), reading it is pure.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use extract::PageFacts;
use store::Outcome;

/// One URL of the crawl as last fetched.
#[derive(Clone, Debug)]
pub struct Page {
    /// The store's fetch id.
    pub fetch: i64,
    pub url: String,
    /// Where redirects ended.
    pub final_url: String,
    pub fetched_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub status: Option<u16>,
    /// Our own words on what went wrong (timeout, challenge …), for unverified evidence.
    pub detail: Option<String>,
    /// sha256 (hex) of the body.
    pub body_hash: Option<String>,
    /// For an attachment: whether its bytes are what it claims (None when not checked).
    pub attachment_ok: Option<bool>,
    pub facts: Option<PageFacts>,
    /// The WARC record this fetch becomes on export.
    pub warc_record: Option<String>,
}

impl Page {
    /// Whether our fetch failed to get a real answer (never the site's defect).
    pub fn unverified(&self) -> bool {
        self.outcome.verification() == store::Verification::Unverified
    }
}

/// One crawl, ready to be assessed.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub crawl: i64,
    pub seed_url: String,
    pub started_at: Option<DateTime<Utc>>,
    pub pages: Vec<Page>,
    /// Visible main-content lines of pages a rule reads whole (item tables, key services),
    /// by fetch id; filled by the loader on the assessment's request.
    pub texts: HashMap<i64, Vec<String>>,
    by_url: HashMap<String, usize>,
}

impl Snapshot {
    pub fn new(crawl: i64, seed_url: String, started_at: Option<DateTime<Utc>>) -> Snapshot {
        Snapshot {
            crawl,
            seed_url,
            started_at,
            ..Snapshot::default()
        }
    }

    /// Adds a page; a later fetch of the same URL replaces an earlier one.
    pub fn push(&mut self, page: Page) {
        let keys = [page.url.clone(), page.final_url.clone()];
        let i = match self.by_url.get(&page.url) {
            Some(&i) if self.pages[i].url == page.url => {
                self.pages[i] = page;
                i
            }
            _ => {
                self.pages.push(page);
                self.pages.len() - 1
            }
        };
        for k in keys {
            self.by_url.insert(k, i);
        }
    }

    /// The page fetched at (or redirected to) this URL.
    pub fn page(&self, url: &str) -> Option<&Page> {
        self.by_url.get(url).map(|&i| &self.pages[i])
    }

    /// How a URL is written in finding ids and reports: its path (and query) when it is on
    /// the portal's own host, the whole URL otherwise, so ids stay the same across ports.
    pub fn short(&self, url: &str) -> String {
        short_url(&self.seed_url, url)
    }
}

/// See [`Snapshot::short`].
pub fn short_url(seed: &str, url: &str) -> String {
    match (url::Url::parse(seed), url::Url::parse(url)) {
        (Ok(s), Ok(u)) if s.host_str() == u.host_str() && s.port() == u.port() => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        },
        _ => url.to_string(),
    }
}
