//! The real portal copy `../shared/portals/zhecheng-gov-2018/` (柘城县人民政府, saved by HTTrack
//! in 2018), served as static files on loopback: the crawl reaches every page linked from the
//! home page and records the site's broken links as broken. The copy has no JavaScript (its
//! README says so), so `<script src>` 404s are counted apart from real broken links.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crawl::politeness::PolitenessConfig;
use crawl::{CrawlOptions, Crawler};
use store::{LinkKind, Outcome, Store, Verification};
use url::Url;

const PORTAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/portals/zhecheng-gov-2018"
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_real_portal_copy() {
    if !Path::new(PORTAL).join("index.html").exists() {
        println!("跳过：未找到真实门户副本 {PORTAL}");
        return;
    }
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(PORTAL));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base = format!("http://{addr}");
    let seed = Url::parse(&format!("{base}/index.html")).unwrap();
    let mut opts = CrawlOptions::new(seed.clone());
    // A safety bound, far above the copy's ~2,500 URLs: a trap that slips through fails the
    // test instead of filling the disk.
    opts.max_pages = Some(50_000);
    opts.fetch.politeness = PolitenessConfig {
        rate: 0.0,
        concurrency: 4,
        ..Default::default()
    };
    // The site's attachments point at www.zhecheng.gov.cn: tests never leave loopback.
    opts.check_offsite_attachments = false;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("zc.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.pending, 0);
    let fetches = common::all_fetches(&store, report.crawl).await;
    let by_url: HashMap<&str, &store::StoredFetch> =
        fetches.iter().map(|f| (f.url.as_str(), f)).collect();

    // Every page linked from the home page is reached (the home page's links read independently,
    // straight from the file).
    let home_bytes = std::fs::read(Path::new(PORTAL).join("index.html")).unwrap();
    let home = extract::decode(&home_bytes, Some("text/html"), Some(&seed));
    let mut linked = 0;
    for l in extract::links(&seed, &home.text) {
        if !matches!(l.kind, extract::LinkKind::A | extract::LinkKind::Area)
            || l.url.host_str() != Some("127.0.0.1")
        {
            continue;
        }
        let u = crawl::canon::canonicalize(&l.url);
        let f = by_url
            .get(u.as_str())
            .unwrap_or_else(|| panic!("linked from the home page but not fetched: {u}"));
        assert!(
            f.outcome != Outcome::RobotsDisallowed && f.outcome != Outcome::Skipped,
            "{u}: {:?}",
            f.outcome
        );
        linked += 1;
    }
    assert!(linked > 50, "the home page links many pages ({linked})");
    let pages = fetches
        .iter()
        .filter(|f| {
            f.outcome == Outcome::Fetched
                && f.headers
                    .content_type
                    .as_deref()
                    .is_some_and(|c| c.contains("html"))
        })
        .count();
    assert!(
        pages > 500,
        "most of the ~600 saved pages are reached ({pages})"
    );

    // Broken links: each link to a 404 is recorded as a checked HTTP error; script 404s (the
    // JavaScript left out of the copy) are counted apart.
    let mut broken_by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut broken_targets = std::collections::BTreeSet::new();
    for f in fetches.iter().filter(|f| f.outcome == Outcome::Fetched) {
        for l in store.links_from(f.id).await.unwrap() {
            let Some(t) = by_url.get(l.to_url.as_str()) else {
                continue;
            };
            if t.status == Some(404) {
                assert_eq!(t.outcome, Outcome::HttpError);
                assert_eq!(t.outcome.verification(), Verification::Checked);
                *broken_by_kind
                    .entry(if l.kind == LinkKind::Script {
                        "script"
                    } else {
                        "other"
                    })
                    .or_default() += 1;
                if l.kind != LinkKind::Script {
                    broken_targets.insert(t.url.clone());
                }
            }
        }
    }
    // The HTTrack-renamed navigation pages that were never saved are broken links of the copy.
    assert!(
        broken_targets.iter().any(|u| u.contains("index2522.html")
            || u.contains("index7980.html")
            || u.contains("index3afb.html")),
        "{broken_targets:?}"
    );
    assert!(
        broken_by_kind.get("script").copied().unwrap_or(0) > 0,
        "the copy's missing JavaScript shows up as script 404s"
    );
    // HTTrack saved the origin's Apache 404 pages as .html: served with 200, they are soft 404s.
    let soft = fetches
        .iter()
        .filter(|f| f.outcome == Outcome::Soft404)
        .count();
    println!(
        "柘城县门户副本：{} 次抓取，{} 个网页，首页链接 {linked} 个；失效链接（不含脚本）{} 处指向 {} 个网址，脚本 404 {} 处；软 404 {soft} 个；结果 {:?}",
        fetches.len(),
        pages,
        broken_by_kind.get("other").copied().unwrap_or(0),
        broken_targets.len(),
        broken_by_kind.get("script").copied().unwrap_or(0),
        report
            .by_outcome
            .iter()
            .map(|(k, (_, n))| (*k, *n))
            .collect::<Vec<_>>()
    );
}
