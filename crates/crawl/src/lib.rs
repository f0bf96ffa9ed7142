//! kaohe-crawl: a polite, robust crawler of one government portal that keeps every fetch as
//! evidence in the snapshot store (crates/store).
//!
//! # Map
//! - [`Crawler`] (`engine.rs`, with `engine/discover.rs` for links and `engine/recorder.rs`
//!   for the single writer) runs one crawl: it claims URLs from the store's frontier in
//!   chunks ([`store::Store::claim`]), fetches each in its own task with the [`Fetcher`], reads
//!   the links of pages with the extractor (`extract::links_encoded`, on the text
//!   `extract::decode` produced), prepares the record there (hash, compression:
//!   [`store::PreparedRecord`]) and sends it to one recorder task, which writes batches with
//!   [`store::Store::record_prepared`]: each fetch, its links, its new URLs and its frontier
//!   row's "done" mark land in **one transaction** (up to 64 fetches per transaction). A crawl killed with SIGKILL therefore resumes
//!   ([`CrawlOptions::resume`]) without refetching what it stored and without losing anything.
//!   [`Stats`] are live counters (counted after the commit) for a progress bar; [`Report`] is
//!   the end summary.
//! - [`Fetcher`] (`fetch.rs`) turns one URL into one [`Fetch`]: robots.txt checked for every
//!   hop, the host's politeness slot taken before every request, redirects followed by hand
//!   (reqwest's `Policy::none`) so every hop is recorded, transient failures retried with
//!   backoff or after the server's Retry-After, connect/read/total timeouts, a body cap, a
//!   conditional GET from the store's [`Validators`], the sha256 of every body.
//! - Politeness (`politeness.rs`): a [`politeness::HostPool`] hands out per-host state —
//!   a semaphore (concurrency) and a schedule (rate, robots.txt Crawl-delay, Retry-After), like
//!   lychee's host pool. Defaults: 2 in flight and 2 requests per second per host.
//! - Robots (`robots.rs`): robots.txt per origin via texting_robots; 4xx = allow all,
//!   5xx/unreachable/challenge = disallow and mark *unverified*. Its `Sitemap:` lines seed the
//!   frontier; [`sitemap`] reads a fetched sitemap (recognised by its root element, gzipped
//!   or not) into `<loc>` URLs, which the engine follows instead of HTML links.
//! - [`Outcome`] (`outcome.rs`) is what a fetch came to (Fetched, NotModified, HttpError,
//!   SoftNotFound, BadAttachment, Challenged, TimedOut, Unreachable, TooLarge, RedirectLimit,
//!   RateLimited, RobotsDisallowed, RobotsUnverified, LeftScope); [`Verdict`] says whether it
//!   was *checked* (ok or broken) or *unverified*. `classify.rs` reads a response for what it
//!   really is (a 412 or JavaScript cookie challenge, a soft 404, an attachment whose magic
//!   bytes do not match); `record.rs` maps a [`Fetch`] onto the store's `FetchRecord`.
//! - `canon.rs`: canonical URLs (the de-duplication key), the [`canon::Scope`] (the portal's
//!   host plus the hosts the user allows; off-scope attachments are checked, never crawled),
//!   attachment and asset extensions, and [`canon::trap`] (depth, repeated path segments,
//!   query-parameter count, calendar pages).
//!
//! The crate never prints and never decides a score: `kaohe crawl` (crates/kaohe) draws the
//! progress bar and the Chinese summary. It does not parse pages for facts (that is
//! crates/extract) and does not write SQL (that is crates/store).
//!
//! Crate choices: reqwest 0.13 (rustls), texting_robots 0.2, url 2.5, sha2, as
//! `../shared/notes/rust-crates.md` recommends. Differs: the per-host rate limit is our own
//! schedule instead of governor, because Crawl-delay and Retry-After must move the same clock
//! as the rate (one `next allowed start` per host), and a rate of 0 must switch it off.
//!
//! Architecture invariant: our own failure to fetch is never recorded as the site's defect —
//! a timeout, a refused or reset connection, a firewall challenge, a rate limit, our size cap
//! or an unavailable robots.txt is *unverified* ([`Verdict::Unverified`], and
//! `store::Verification::Unverified` once stored); only an answer of the site (a 404, a soft
//! 404, a file that is not what it claims, a redirect loop) is *broken*.

pub mod canon;
pub mod classify;
pub mod engine;
pub mod fetch;
pub mod guard;
pub mod outcome;
pub mod politeness;
pub mod record;
pub mod robots;
pub mod sitemap;

pub use classify::Expect;
pub use engine::{CrawlError, CrawlOptions, Crawler, Progress, Report, Stats};
pub use fetch::{Fetch, FetchConfig, Fetcher, Hop, Validators};
pub use outcome::{Failure, Outcome, Phase, Verdict};

/// The snapshot store this crate writes to, re-exported so callers name the same version.
pub use store;
pub use url::Url;
