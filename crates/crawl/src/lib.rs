//! kaohe-crawl (map being written).

pub mod canon;
pub mod classify;
pub mod fetch;
pub mod outcome;
pub mod politeness;
pub mod robots;

pub use classify::Expect;
pub use fetch::{Fetch, FetchConfig, Fetcher, Hop, Validators};
pub use outcome::{Outcome, Phase, Verdict};
