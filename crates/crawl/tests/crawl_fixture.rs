//! The whole crawl loop against the fixture server, stored in a real SQLite snapshot: every
//! URL fetched once, robots.txt respected, traps not followed, off-scope attachments checked
//! but off-scope pages never fetched, and each failure recorded as what it is.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::collections::HashMap;
use std::time::Duration;

use crawl::politeness::PolitenessConfig;
use crawl::{CrawlOptions, Crawler, FetchConfig};
use store::{Outcome, Store, Verification};
use url::Url;

const ROBOTS: &str = "User-agent: *\nDisallow: /private/\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_fixture_site() {
    let (addr, fx) = common::serve(200, ROBOTS).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let store = Store::open(db.to_str().unwrap()).await.unwrap();
    let seed = Url::parse(&format!("http://{addr}/")).unwrap();
    let mut opts = CrawlOptions::new(seed.clone());
    // A safety bound: a trap that slips through fails the test instead of filling the disk.
    opts.max_pages = Some(10_000);
    opts.fetch = FetchConfig {
        read_timeout: Duration::from_millis(400),
        backoff: Duration::from_millis(10),
        max_page_bytes: 1024 * 1024,
        politeness: PolitenessConfig {
            rate: 0.0,
            concurrency: 4,
            ..Default::default()
        },
        ..Default::default()
    };
    let crawler = Crawler::new(store.clone(), opts).unwrap();
    let report = crawler.run().await.unwrap();
    assert_eq!(report.pending, 0);

    let mut fetches = Vec::new();
    let mut after = None;
    loop {
        let page = store.fetches_after(report.crawl, after, 500).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|f| f.id);
        fetches.extend(page);
    }
    let by_path: HashMap<String, &store::StoredFetch> = fetches
        .iter()
        .map(|f| {
            let u = Url::parse(&f.url).unwrap();
            let key = if u.host_str() == Some("localhost") {
                format!("OFF{}", u.path())
            } else {
                u[url::Position::BeforePath..].to_string()
            };
            (key, f)
        })
        .collect();
    // Every URL once (dedup by canonical URL: "/b.html#frag" is "/b.html").
    assert_eq!(
        by_path.len(),
        fetches.len(),
        "a URL was fetched twice: {:?}",
        fetches.iter().map(|f| &f.url).collect::<Vec<_>>()
    );
    let o = |p: &str| {
        by_path
            .get(p)
            .map(|f| f.outcome)
            .unwrap_or_else(|| panic!("{p} not fetched; have {:?}", by_path.keys()))
    };

    assert_eq!(o("/robots.txt"), Outcome::Fetched);
    assert_eq!(o("/"), Outcome::Fetched);
    assert_eq!(o("/b.html"), Outcome::Fetched);
    assert_eq!(o("/B.html"), Outcome::Fetched);
    assert_eq!(o("/a.html?x=1"), Outcome::Fetched);
    assert_eq!(fx.hits("/b.html"), 1);
    // robots.txt: recorded as disallowed, never requested.
    assert_eq!(o("/private/secret.html"), Outcome::RobotsDisallowed);
    assert_eq!(fx.hits("/private/secret.html"), 0);
    // Faults: a 412 challenge and a stalled body are unverified; 5xx-then-200 is fine.
    assert_eq!(o("/challenge"), Outcome::Challenged);
    assert_eq!(o("/challenge").verification(), Verification::Unverified);
    assert_eq!(o("/slow"), Outcome::TimedOut);
    assert_eq!(o("/slow").verification(), Verification::Unverified);
    assert_eq!(o("/flaky"), Outcome::Fetched);
    assert_eq!(o("/loop-a"), Outcome::RedirectLoop);
    let r1 = by_path["/r1"];
    assert_eq!(r1.redirects.len(), 3);
    assert!(r1.final_url.ends_with("/final.html"));
    // Attachments: real bytes, soft 404, empty, 404.
    assert_eq!(o("/form.doc"), Outcome::Fetched);
    assert_eq!(
        by_path["/form.doc"].attachment.as_ref().unwrap().verdict,
        store::AttachmentVerdict::Ok
    );
    assert_eq!(o("/missing.doc"), Outcome::Soft404);
    assert_eq!(o("/soft.html"), Outcome::Soft404);
    assert_eq!(o("/empty.pdf"), Outcome::Broken);
    assert_eq!(o("/gone.xls"), Outcome::HttpError);
    assert_eq!(o("/logo.png"), Outcome::Fetched);
    // Traps are not followed; off-scope: attachment checked, page never fetched.
    assert!(!by_path.contains_key("/cal?year=2017&month=3"));
    assert_eq!(report.traps.get("calendar"), Some(&1));
    assert_eq!(o("OFF/off.doc"), Outcome::Fetched);
    assert!(!by_path.contains_key("OFF/page.html"));
    assert_eq!(fx.hits("/page.html"), 0);
    // Bodies are kept and hashed; links are stored.
    let home = by_path["/"];
    let body = store
        .body(home.body_hash.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        crawl::fetch::hex_sha256(&body),
        home.body_hash.clone().unwrap()
    );
    let links = store.links_from(home.id).await.unwrap();
    assert!(
        links
            .iter()
            .any(|l| l.to_url.ends_with("/form.doc") && l.kind == store::LinkKind::Attachment)
    );
    // Progress counts the frontier's fetches; robots.txt of both origins is recorded besides.
    let robots = fetches
        .iter()
        .filter(|f| f.url.ends_with("/robots.txt"))
        .count();
    assert_eq!(robots, 2);
    assert_eq!(report.progress.fetched as usize + robots, fetches.len());

    // A re-crawl sends the validators it stored: /etag is not linked, so crawl it directly.
    let mut o2 = CrawlOptions::new(Url::parse(&format!("http://{addr}/etag")).unwrap());
    o2.fetch.politeness.rate = 0.0;
    let first = Crawler::new(store.clone(), o2.clone())
        .unwrap()
        .run()
        .await
        .unwrap();
    let second = Crawler::new(store.clone(), o2)
        .unwrap()
        .run()
        .await
        .unwrap();
    let f1 = store
        .fetches_of_url(first.crawl, &format!("http://{addr}/etag"))
        .await
        .unwrap();
    let f2 = store
        .fetches_of_url(second.crawl, &format!("http://{addr}/etag"))
        .await
        .unwrap();
    assert_eq!(f1[0].outcome, Outcome::Fetched);
    assert_eq!(f2[0].outcome, Outcome::NotModified);
    assert_eq!(
        f2[0].body_hash, f1[0].body_hash,
        "304 keeps the unchanged body's hash"
    );
    assert!(
        f2[0]
            .request_headers
            .iter()
            .any(|(k, v)| k == "if-none-match" && v == "\"v1\"")
    );
}

/// A portal whose address redirects to another host (`gov.cn` → `www.gov.cn`) is crawled on
/// the host it redirects to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_redirect_to_another_host_joins_scope() {
    let (addr, fx) = common::serve(404, "").await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("r.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let seed = Url::parse(&format!("http://localhost:{}/r-home", addr.port())).unwrap();
    let mut opts = CrawlOptions::new(seed);
    opts.fetch.politeness.rate = 0.0;
    opts.check_assets = false;
    opts.max_pages = Some(4);
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    let fetches = common::all_fetches(&store, report.crawl).await;
    let seed_fetch = fetches.iter().find(|f| f.url.ends_with("/r-home")).unwrap();
    assert_eq!(seed_fetch.outcome, Outcome::Fetched);
    assert!(seed_fetch.final_url.starts_with("http://127.0.0.1:"));
    assert!(
        fx.hits("/b.html") == 1,
        "links of the redirected home page are followed"
    );
}
