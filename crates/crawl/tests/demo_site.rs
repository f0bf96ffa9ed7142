//! The done-when of the crawler on the sample portal (crates/demo) served on loopback: every
//! reachable page stored once, robots.txt respected, traps and faults survived, the 412 and the
//! timeouts marked unverified, the soft 404s found, and a crawl killed with SIGKILL resumed
//! with nothing lost.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use crawl::politeness::PolitenessConfig;
use crawl::{CrawlOptions, Crawler, FetchConfig};
use store::{Outcome, Store, StoredFetch, Verification};
use url::Url;

const SEED: u64 = 7;
const PAGES: usize = 600;
const DISALLOWED: &[&str] = &["/e/", "/admin/", "/d/tmp/", "/member/"];

fn options(base: &str, read_timeout: Duration) -> CrawlOptions {
    let mut o = CrawlOptions::new(Url::parse(&format!("{base}/")).unwrap());
    // A safety bound, far above the site's ~1,500 URLs: a trap that slips through fails
    // the test instead of filling the disk.
    o.max_pages = Some(20_000);
    o.fetch = FetchConfig {
        read_timeout,
        backoff: Duration::from_millis(20),
        retries: 1,
        politeness: PolitenessConfig {
            rate: 0.0,
            concurrency: 4,
            ..Default::default()
        },
        ..Default::default()
    };
    o
}

fn path_of(u: &str) -> String {
    let u = Url::parse(u).unwrap();
    u[url::Position::BeforePath..].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_sample_portal() {
    let site = demo::Site::new(SEED, PAGES);
    let truth = site.truth();
    let expected: Vec<String> = site.paths().collect();
    let slow: Vec<String> = site.slow_paths().into_iter().map(|(p, _)| p).collect();
    let flaky: Vec<String> = site.flaky_paths().into_iter().map(|(p, _)| p).collect();
    let server = demo::serve(site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("demo.sqlite").to_str().unwrap())
        .await
        .unwrap();
    // A read timeout shorter than the site's slow answers (2.5 s and more).
    let report = Crawler::new(
        store.clone(),
        options(&server.base_url(), Duration::from_millis(1500)),
    )
    .unwrap()
    .run()
    .await
    .unwrap();
    let fetches = common::all_fetches(&store, report.crawl).await;
    let mut by_path: BTreeMap<String, Vec<&StoredFetch>> = BTreeMap::new();
    for f in &fetches {
        by_path.entry(path_of(&f.url)).or_default().push(f);
    }

    // Stored once: no URL has two fetches.
    let twice: Vec<&String> = by_path
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(k, _)| k)
        .collect();
    assert!(twice.is_empty(), "fetched more than once: {twice:?}");

    // Every reachable page is there (robots-disallowed ones as disallowed; the calendar is a
    // trap: its months are not followed).
    let mut missing = Vec::new();
    for p in &expected {
        if p.starts_with(demo::CALENDAR_PATH) {
            continue;
        }
        // A hop in the middle of a redirect chain is stored as a hop of that chain.
        let found = by_path.contains_key(p)
            || fetches.iter().any(|f| {
                path_of(&f.final_url) == *p || f.redirects.iter().any(|h| path_of(&h.url) == *p)
            });
        if !found && !DISALLOWED.iter().any(|d| p.starts_with(d)) {
            missing.push(p.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} reachable paths not stored, e.g. {:?}",
        missing.len(),
        expected.len(),
        &missing[..missing.len().min(10)]
    );

    // robots.txt respected: nothing disallowed was requested; disallowed links are recorded.
    let requests = server.requests();
    let bad: Vec<&String> = requests
        .iter()
        .filter(|r| DISALLOWED.iter().any(|d| r.starts_with(d)))
        .collect();
    assert!(bad.is_empty(), "requested despite robots.txt: {bad:?}");
    assert!(
        fetches
            .iter()
            .any(|f| f.outcome == Outcome::RobotsDisallowed)
    );

    // The calendar trap: the infinite months are not followed.
    let months = requests
        .iter()
        .filter(|r| r.starts_with(demo::CALENDAR_PATH) && r.contains("ym="))
        .count();
    assert_eq!(months, 0, "calendar months were crawled");
    assert!(report.traps.get("calendar").copied().unwrap_or(0) >= 1);

    // The firewall challenge is unverified, never missing.
    let ch = &by_path[demo::CHALLENGE_PATH][0];
    assert_eq!(ch.outcome, Outcome::Challenged);
    assert_eq!(ch.outcome.verification(), Verification::Unverified);

    // Slow answers time out: unverified.
    for p in &slow {
        let f = by_path
            .get(p)
            .unwrap_or_else(|| panic!("slow page {p} not stored"))[0];
        assert_eq!(f.outcome, Outcome::TimedOut, "{p}");
        assert_eq!(f.outcome.verification(), Verification::Unverified);
    }
    // 5xx once, then fine: retried.
    for p in &flaky {
        if let Some(v) = by_path.get(p) {
            assert_eq!(v[0].outcome, Outcome::Fetched, "{p}");
        }
    }

    // Soft 404s and broken attachments from the manifest.
    let kinds: HashMap<&str, Vec<&str>> =
        truth.behaviours.iter().fold(HashMap::new(), |mut m, b| {
            m.entry(b.kind.as_str()).or_default().push(b.path.as_str());
            m
        });
    for p in kinds.get("soft_404").into_iter().flatten() {
        let f = by_path
            .get(*p)
            .unwrap_or_else(|| panic!("soft 404 {p} not stored"))[0];
        assert_eq!(f.outcome, Outcome::Soft404, "{p}");
        assert_eq!(
            f.attachment.as_ref().map(|a| a.verdict),
            Some(store::AttachmentVerdict::Soft404)
        );
    }
    assert!(
        kinds.get("soft_404").is_some_and(|v| !v.is_empty()),
        "the manifest lists soft 404s"
    );
    for p in kinds.get("attachment_404").into_iter().flatten() {
        let f = by_path
            .get(*p)
            .unwrap_or_else(|| panic!("broken attachment {p} not stored"))[0];
        assert_eq!(f.outcome, Outcome::HttpError, "{p}");
        assert_eq!(f.status, Some(404));
    }
    // Real attachments download and are what they claim.
    let ok_attachments = fetches
        .iter()
        .filter(|f| {
            f.attachment
                .as_ref()
                .is_some_and(|a| a.verdict == store::AttachmentVerdict::Ok)
        })
        .count();
    assert!(ok_attachments > 0);
    // GBK pages were decoded as GBK.
    assert!(
        fetches
            .iter()
            .any(|f| f.encoding.as_ref().is_some_and(|e| e.name == "GBK"))
    );
    println!(
        "demo crawl: {} fetches, {} paths expected, outcomes {:?}",
        fetches.len(),
        expected.len(),
        report.by_outcome
    );
}

/// Runs only as the child of `resume_after_kill_9`: crawls politely (so the parent can kill it
/// mid-way) into the SQLite file the parent names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_crawl() {
    let (Ok(db), Ok(base)) = (
        std::env::var("KAOHE_CRAWL_CHILD_DB"),
        std::env::var("KAOHE_CRAWL_CHILD_BASE"),
    ) else {
        return;
    };
    let store = Store::open(&db).await.unwrap();
    let mut o = options(&base, Duration::from_secs(20));
    o.fetch.politeness.rate = 100.0;
    o.fetch.politeness.concurrency = 2;
    Crawler::new(store, o).unwrap().run().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_after_kill_9() {
    let server = demo::serve(
        demo::Site::new(SEED, PAGES).without_delays(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let base = server.base_url();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("killed.sqlite");
    // Create the snapshot (and run its migrations) before the child and the polls open it.
    Store::open(db.to_str().unwrap())
        .await
        .unwrap()
        .close()
        .await;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_crawl",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("KAOHE_CRAWL_CHILD_DB", &db)
        .env("KAOHE_CRAWL_CHILD_BASE", &base)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait (bounded by a count of polls, not a clock) until the child has stored some pages.
    let mut stored_before_kill = 0;
    for _ in 0..6000 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if !db.exists() {
            continue;
        }
        let Ok(s) = Store::open_existing(db.to_str().unwrap()).await else {
            continue;
        };
        let n = s
            .list_crawls()
            .await
            .ok()
            .and_then(|c| c.first().map(|c| c.fetches))
            .unwrap_or(0);
        s.close().await;
        if n >= 120 {
            stored_before_kill = n;
            break;
        }
    }
    assert!(stored_before_kill >= 120, "the child never got going");
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let store = Store::open(db.to_str().unwrap()).await.unwrap();
    let crawl = store
        .find_resumable(&format!("{base}/"))
        .await
        .unwrap()
        .expect("the killed crawl is resumable");
    let before: Vec<StoredFetch> = common::all_fetches(&store, crawl).await;
    assert!(before.len() as u64 >= stored_before_kill);
    let requests_at_kill = server.requests().len();

    let mut o = options(&base, Duration::from_secs(20));
    o.resume = true;
    let report = Crawler::new(store.clone(), o).unwrap().run().await.unwrap();
    assert_eq!(report.crawl, crawl);
    assert_eq!(report.pending, 0);
    let after = common::all_fetches(&store, crawl).await;

    // Nothing stored before the kill was fetched again.
    let before_urls: BTreeSet<String> = before
        .iter()
        .filter(|f| f.frontier.is_some())
        .map(|f| f.url.clone())
        .collect();
    let log = server.requests();
    let refetched: Vec<&String> = log[requests_at_kill..]
        .iter()
        .filter(|r| before_urls.contains(&format!("{base}{r}")))
        .collect();
    assert!(
        refetched.is_empty(),
        "refetched after resume: {refetched:?}"
    );
    let mut per_url: HashMap<&str, usize> = HashMap::new();
    for f in after.iter().filter(|f| f.frontier.is_some()) {
        *per_url.entry(f.url.as_str()).or_default() += 1;
    }
    assert!(per_url.values().all(|&n| n == 1), "a URL recorded twice");

    // Nothing lost: the same URLs and outcomes as an uninterrupted crawl of the same site.
    let server2 = demo::serve(
        demo::Site::new(SEED, PAGES).without_delays(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let base2 = server2.base_url();
    let store2 = Store::open(dir.path().join("whole.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let whole = Crawler::new(store2.clone(), options(&base2, Duration::from_secs(20)))
        .unwrap()
        .run()
        .await
        .unwrap();
    let summary = |fs: &[StoredFetch], base: &str| -> BTreeMap<String, (Outcome, Option<String>)> {
        fs.iter()
            .filter(|f| f.frontier.is_some())
            .map(|f| {
                (
                    f.url.replacen(base, "", 1),
                    (f.outcome, f.body_hash.clone()),
                )
            })
            .collect()
    };
    let resumed = summary(&after, &base);
    let uninterrupted = summary(&common::all_fetches(&store2, whole.crawl).await, &base2);
    let only_resumed: Vec<_> = resumed
        .keys()
        .filter(|k| !uninterrupted.contains_key(*k))
        .collect();
    let only_whole: Vec<_> = uninterrupted
        .keys()
        .filter(|k| !resumed.contains_key(*k))
        .collect();
    assert!(
        only_resumed.is_empty() && only_whole.is_empty(),
        "resumed-only {only_resumed:?}, uninterrupted-only {only_whole:?}"
    );
    let differ: Vec<_> = resumed
        .iter()
        .filter(|(k, v)| uninterrupted[*k].0 != v.0)
        .map(|(k, _)| k)
        .collect();
    assert!(differ.is_empty(), "outcomes differ: {differ:?}");
    println!(
        "killed after {} stored fetches; resumed to {}; uninterrupted {}",
        before.len(),
        after.len(),
        uninterrupted.len()
    );
}
