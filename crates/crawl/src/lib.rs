//! kaohe-crawl (work in progress).
