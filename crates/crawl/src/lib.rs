//! kaohe-crawl (map being written).

pub mod canon;
pub mod classify;
pub mod engine;
pub mod fetch;
pub mod outcome;
pub mod politeness;
pub mod record;
pub mod robots;

pub use classify::Expect;
pub use engine::{CrawlError, CrawlOptions, Crawler, Progress, Report, Stats};
pub use fetch::{Fetch, FetchConfig, Fetcher, Hop, Validators};
pub use outcome::{Outcome, Phase, Verdict};

/// The snapshot store this crate writes to, re-exported so callers name the same version.
pub use store;
pub use url::Url;
