//! WARC/1.1 export of a crawl (in progress).
