//! kill -9 safety, for real: a child process crawls a synthetic site into a SQLite store and
//! reports each committed record on stdout; the parent SIGKILLs it mid-way, reopens the store,
//! checks that every reported record is there whole and that no record is there in part,
//! resumes, finishes the crawl and checks that every URL was fetched exactly once.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::*;
use store::*;

const CHILD_ENV: &str = "KAOHE_STORE_CRASH_CHILD_DB";
const SEED: &str = "http://127.0.0.1/";
/// The site: the seed links to 40 sections, each section to 12 pages: 521 pages in all.
const SECTIONS: u32 = 40;
const PAGES: u32 = 12;
const TOTAL: usize = 1 + SECTIONS as usize + (SECTIONS * PAGES) as usize;
/// Kill the child after it reported this many commits.
const KILL_AFTER: usize = 152;

fn children(url: &str, depth: u32) -> Vec<String> {
    match depth {
        0 => (0..SECTIONS).map(|s| format!("{SEED}s{s}/")).collect(),
        1 => (0..PAGES).map(|p| format!("{url}p{p}.html")).collect(),
        _ => vec![],
    }
}

fn depth_of(url: &str) -> u32 {
    if url == SEED {
        0
    } else if url.ends_with('/') {
        1
    } else {
        2
    }
}

fn body_of(url: &str) -> Vec<u8> {
    // large enough that a kill often lands inside a transaction
    format!(
        "<html><title>{url}</title>{}</html>",
        "政务公开 ".repeat(2000)
    )
    .into_bytes()
}

/// Crawls whatever is pending until the frontier is empty; `report` after each commit.
async fn crawl_all(store: &Store, crawl: CrawlId, mut report: impl FnMut(FetchId, &str)) {
    // bounded: every iteration records at least one of the TOTAL pages or ends
    for _ in 0..=TOTAL {
        let items = store.claim(crawl, 3).await.unwrap();
        if items.is_empty() {
            return;
        }
        for item in items {
            let kids = children(&item.url, item.depth);
            let links: Vec<NewLink> = kids
                .iter()
                .map(|k| link(k, "栏目", LinkKind::Anchor))
                .collect();
            let found: Vec<NewUrl> = kids.iter().map(|k| new_url(k, item.depth + 1)).collect();
            let rec = page_fetch(Some(item.id), &item.url, &body_of(&item.url));
            let id = store.record(crawl, &rec, &links, &found).await.unwrap();
            report(id, &item.url);
        }
    }
}

/// The child's body; a no-op unless started by `killed_writer_loses_nothing`.
#[test]
fn crash_child() {
    let Ok(db) = std::env::var(CHILD_ENV) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(&db).await.unwrap();
        let crawl = store.find_resumable(SEED).await.unwrap().unwrap();
        let mut out = std::io::stdout().lock();
        crawl_all(&store, crawl, |id, url| {
            writeln!(out, "COMMITTED {} {url}", id.0).unwrap();
            out.flush().unwrap();
        })
        .await;
        writeln!(out, "FINISHED").unwrap();
    });
}

#[test]
fn killed_writer_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.sqlite");
    crash_and_resume(db.to_str().unwrap());
}

/// The same on PostgreSQL (each transaction is the server's; the client is what dies).
#[test]
fn killed_writer_loses_nothing_on_postgres() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some((url, schema)) = rt.block_on(pg_schema_url("crash")) else {
        return;
    };
    crash_and_resume(&url);
    rt.block_on(drop_schema(&schema));
}

fn crash_and_resume(db: &str) {
    let db = db.to_string();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let crawl = rt.block_on(async {
        let store = Store::open(&db).await.unwrap();
        let c = store
            .create_crawl(SEED, &serde_json::json!({"test": "crash"}))
            .await
            .unwrap();
        store.enqueue(c, &[new_url(SEED, 0)]).await.unwrap();
        store.close().await;
        c
    });

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reported: Vec<(FetchId, String)> = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        assert_ne!(
            line, "FINISHED",
            "the child finished before it could be killed"
        );
        if let Some(rest) = line.strip_prefix("COMMITTED ") {
            let (id, url) = rest.split_once(' ').unwrap();
            reported.push((FetchId(id.parse().unwrap()), url.to_string()));
            if reported.len() == KILL_AFTER {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not exited");
    drop(lines);

    rt.block_on(async {
        let store = Store::open(&db).await.unwrap();
        assert_eq!(store.find_resumable(SEED).await.unwrap(), Some(crawl));

        // 1. every reported commit is there, whole
        for (id, url) in &reported {
            let f = store.fetch(*id).await.unwrap().unwrap_or_else(|| panic!("lost {url}"));
            assert_eq!(&f.url, url);
            let body = store.body(f.body_hash.as_deref().unwrap()).await.unwrap().unwrap();
            assert_eq!(body, body_of(url));
        }

        // 2. no record is there in part: every stored fetch has all its links and children,
        //    and its frontier row is done
        let mut fetches = Vec::new();
        let mut after = None;
        loop {
            let page = store.fetches_after(crawl, after, 100).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            fetches.extend(page);
        }
        assert!(fetches.len() >= reported.len());
        for f in &fetches {
            let depth = depth_of(&f.url);
            let links = store.links_from(f.id).await.unwrap();
            assert_eq!(links.len(), children(&f.url, depth).len(), "links of {}", f.url);
            assert!(store.body(f.body_hash.as_deref().unwrap()).await.unwrap().is_some());
        }
        let (pending, in_progress, done) = store.frontier_counts(crawl).await.unwrap();
        assert_eq!(done as usize, fetches.len(), "done rows = recorded fetches");
        let expected_rows: usize = 1 + fetches
            .iter()
            .map(|f| children(&f.url, depth_of(&f.url)).len())
            .sum::<usize>();
        assert_eq!((pending + in_progress + done) as usize, expected_rows, "children queued");

        eprintln!(
            "killed after {} reported commits: {} fetches stored, {in_progress} rows in progress, {pending} pending, {done} done",
            reported.len(),
            fetches.len()
        );
        // 3. resume: claimed-but-unrecorded rows come back, nothing recorded is refetched
        assert_eq!(store.resume(crawl).await.unwrap(), in_progress);
        crawl_all(&store, crawl, |_, _| {}).await;
        store.finish_crawl(crawl, CrawlState::Finished).await.unwrap();
        let summary = store.list_crawls().await.unwrap().remove(0);
        assert_eq!(summary.fetches as usize, TOTAL, "every page fetched exactly once");
        assert_eq!((summary.pending, summary.in_progress, summary.done), (0, 0, TOTAL as u64));
        let mut urls = BTreeSet::new();
        let mut after = None;
        loop {
            let page = store.fetches_after(crawl, after, 200).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            urls.extend(page.into_iter().map(|f| f.url));
        }
        assert_eq!(urls.len(), TOTAL);
        store.close().await;
    });
}
