//! Where a crawl stops. It ends only when nothing is in flight, everything fetched is committed, AND the
//! frontier came back empty after the last commit. A site that is one long chain (each page
//! links to the next) makes the frontier run dry after every page, so every step goes through
//! the end-of-run check while the recorder's commit races the next claim; a crawl that stops
//! early leaves the chain's tail unfetched. Run on SQLite and, when KAOHE_TEST_POSTGRES_URL is
//! set, on PostgreSQL. (The race itself is too narrow to hit on demand; the rule that closes
//! it is pinned by the unit test of `run_is_over` in engine.rs.) And it does not go where
//! `--exclude` says not to.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use crawl::Crawler;
use store::Store;
use url::Url;

const CHAIN: u32 = 120;

async fn page(Path(n): Path<u32>) -> impl IntoResponse {
    let next = if n + 1 < CHAIN {
        format!("<a href=\"/c/{}\">下一页</a>", n + 1)
    } else {
        String::new()
    };
    let body = format!(
        "<html><head><meta charset=utf-8><title>第{n}页</title></head><body>{next} \
         <a href=\"/leaf/{n}a\">甲</a> <a href=\"/leaf/{n}b\">乙</a></body></html>"
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body)
}

async fn leaf() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<html><body>叶</body></html>",
    )
}

async fn serve() -> Url {
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    "<html><body><a href=\"/c/0\">开始</a></body></html>",
                )
            }),
        )
        .route("/c/{n}", get(page))
        .route("/leaf/{x}", get(leaf));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

async fn crawl_whole_chain(store: Store) {
    let seed = serve().await;
    let mut opts = common::loopback_options(seed);
    // few tasks: the frontier runs dry after every page
    opts.workers = 2;
    opts.fetch.politeness.concurrency = 2;
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    // home, robots.txt, the chain and two leaves per chain page
    let want = 2 + u64::from(CHAIN) * 3;
    assert_eq!(report.pending, 0, "the crawl stopped with URLs pending");
    assert_eq!(
        report.progress.fetched,
        want - 1,
        "every chain page and leaf recorded (robots.txt is counted apart)"
    );
    let (pending, in_progress, done) = store.frontier_counts(report.crawl).await.unwrap();
    assert_eq!((pending, in_progress), (0, 0));
    assert_eq!(done, want - 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_is_crawled_to_its_end_on_sqlite() {
    let (store, _dir) = common::temp_store().await;
    crawl_whole_chain(store.clone()).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_is_crawled_to_its_end_on_postgres() {
    let Ok(base) = std::env::var("KAOHE_TEST_POSTGRES_URL") else {
        eprintln!("skipped on PostgreSQL: KAOHE_TEST_POSTGRES_URL is not set");
        return;
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let schema = format!(
        "kaohe_crawl_end_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
    let sql = |s: String| sqlx::query(sqlx::AssertSqlSafe(s));
    sql(format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let store = Store::open(&url).await.unwrap();
    crawl_whole_chain(store.clone()).await;
    store.close().await;
    sql(format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut conn)
        .await
        .unwrap();
}

/// A queue budget smaller than one page's links: each page waits for the queue to empty, and
/// the crawl still reaches the end (the budget bounds memory; it must never deadlock).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_link_budget_slows_the_crawl_but_never_stops_it() {
    let seed = serve().await;
    let (store, _dir) = common::temp_store().await;
    let mut opts = common::loopback_options(seed);
    opts.max_queued_links = 2;
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.pending, 0);
    assert_eq!(report.progress.fetched, 1 + u64::from(CHAIN) * 3);
    store.close().await;
}

/// `--exclude`: links to excluded URLs are stored (evidence that they exist) but never
/// fetched, and counted apart from traps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excluded_urls_are_linked_but_never_fetched() {
    let seed = serve().await;
    let (store, _dir) = common::temp_store().await;
    let mut opts = common::loopback_options(seed.clone());
    opts.exclude = vec![regex::Regex::new("/leaf/[0-9]+b$").unwrap()];
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.progress.excluded, u64::from(CHAIN));
    assert_eq!(report.progress.trapped, 0, "not counted as traps");
    // home, the chain and one leaf per chain page (robots.txt is counted apart)
    assert_eq!(report.progress.fetched, 1 + u64::from(CHAIN) * 2);
    let b = seed.join("/leaf/7b").unwrap().to_string();
    assert!(
        store
            .fetches_of_url(report.crawl, &b)
            .await
            .unwrap()
            .is_empty()
    );
    let page = store
        .fetches_of_url(report.crawl, seed.join("/c/7").unwrap().as_str())
        .await
        .unwrap();
    let links = store.links_from(page[0].id).await.unwrap();
    assert!(links.iter().any(|l| l.to_url == b), "the link is evidence");
    let config = store.crawl(report.crawl).await.unwrap().unwrap().config;
    assert_eq!(config["exclude"], serde_json::json!(["/leaf/[0-9]+b$"]));
    store.close().await;
}
