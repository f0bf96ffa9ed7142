//! Store throughput as the crawler drives it: N pages recorded by concurrent tasks (claim →
//! record with ~10 KB body, 50 links, the page's new URLs), then a WARC export of the crawl.
//! Prints records/s, export MB/s and the process's peak RSS.
//!
//! ```sh
//! cargo run --release -p kaohe-store --example bench_store -- 50000 /tmp/bench.sqlite
//! cargo run --release -p kaohe-store --example bench_store -- 20000 postgres://postgres@127.0.0.1:5432/test
//! ```
#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark: a panic is a failed run

use std::time::Instant;

use store::chrono::Utc;
use store::*;

const TASKS: usize = 16;
const LINKS_DEFAULT: usize = 50;
/// Each page links to this many new pages until the target is reached (a wide tree).
const FANOUT: usize = 20;

fn page(url: &str, n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(12_000);
    s.push_str("<html><head><meta charset=\"utf-8\"><title>");
    s.push_str(url);
    s.push_str(
        "</title></head><body><div class=\"nav\">首页 要闻动态 政务公开 公共服务 互动交流</div>",
    );
    for i in 0..60 {
        s.push_str(&format!(
            "<li><a href=\"/ywdt/{n}/{i}.html\">关于做好第{i}项民生实事工作的通知（{n}）</a><span>2017-12-{:02}</span></li>",
            i % 28 + 1
        ));
    }
    s.push_str("</body></html>");
    s.into_bytes()
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(50_000, |a| a.parse().unwrap());
    let target = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "/tmp/kaohe-bench-store.sqlite".into());
    if !target.contains("://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{target}{suffix}"));
        }
    }
    // BENCH_LINKS=0 isolates the cost of the link graph.
    let links_per_page: usize = std::env::var("BENCH_LINKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LINKS_DEFAULT);
    // BENCH_BATCH=64 records each claimed batch with one `record_batch` transaction.
    let batch: u32 = std::env::var("BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let store = Store::open(&target).await.unwrap();
    let crawl = store
        .create_crawl("http://bench/", &serde_json::json!({"bench": n}))
        .await
        .unwrap();
    store
        .enqueue(
            crawl,
            &[NewUrl {
                url: "http://bench/".into(),
                depth: 0,
                from_fetch: None,
                purpose: Purpose::Crawl,
            }],
        )
        .await
        .unwrap();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(1));
    let recorded = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (store, next, recorded) = (store.clone(), next.clone(), recorded.clone());
        tasks.push(tokio::spawn(async move {
            let mut idle = 0;
            while recorded.load(std::sync::atomic::Ordering::Relaxed) < n && idle < 10_000 {
                let items = store.claim(crawl, batch.max(4)).await.unwrap();
                if items.is_empty() {
                    idle += 1;
                    tokio::task::yield_now().await;
                    continue;
                }
                let mut pending = Vec::new();
                for item in items {
                    let k = recorded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let first = next.fetch_add(FANOUT, std::sync::atomic::Ordering::Relaxed);
                    let new: Vec<NewUrl> = (first..first + FANOUT)
                        .filter(|i| *i < n)
                        .map(|i| NewUrl {
                            url: format!("http://bench/p/{i}.html"),
                            depth: item.depth + 1,
                            from_fetch: None,
                            purpose: Purpose::Crawl,
                        })
                        .collect();
                    let links: Vec<NewLink> = (0..links_per_page)
                        .map(|j| NewLink {
                            to_url: format!("http://bench/p/{}.html", (k * 7 + j) % n.max(1)),
                            text: Some(format!("链接 {j}")),
                            kind: LinkKind::Anchor,
                        })
                        .collect();
                    let body = page(&item.url, k);
                    let rec = FetchRecord {
                        frontier: Some(item.id),
                        url: item.url.clone(),
                        final_url: item.url.clone(),
                        method: "GET".into(),
                        request_headers: vec![("User-Agent".into(), "kaohe-bench".into())],
                        redirects: vec![],
                        status: Some(200),
                        headers: ResponseHeaders {
                            content_type: Some("text/html; charset=utf-8".into()),
                            etag: Some(format!("\"{k}\"")),
                            ..ResponseHeaders::default()
                        },
                        timing: Timing {
                            started_at: Utc::now(),
                            connect_ms: Some(1),
                            ttfb_ms: Some(2),
                            total_ms: Some(3),
                        },
                        outcome: Outcome::Fetched,
                        detail: None,
                        encoding: Some(EncodingInfo {
                            name: "UTF-8".into(),
                            source: EncodingSource::Meta,
                            had_errors: false,
                        }),
                        body: Some(body),
                        body_truncated: false,
                        unchanged_hash: None,
                        attachment: None,
                    };
                    if batch > 1 {
                        pending.push((rec, links, new));
                    } else {
                        store.record(crawl, &rec, &links, &new).await.unwrap();
                    }
                }
                if !pending.is_empty() {
                    store.record_batch(crawl, &pending).await.unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let done = store.frontier_counts(crawl).await.unwrap().2;
    let (bodies, raw, stored) = store.body_stats().await.unwrap();
    println!("backend {} target {target} batch {batch}", store.backend());
    println!(
        "recorded {done} fetches ({} links, {} frontier rows) in {secs:.1} s = {:.0} records/s",
        done as usize * links_per_page,
        n,
        done as f64 / secs
    );
    println!(
        "bodies {bodies}: raw {:.1} MB, stored {:.1} MB (zstd)",
        raw as f64 / 1e6,
        stored as f64 / 1e6
    );
    let start = Instant::now();
    let summary = warc::export(&store, crawl, std::io::sink()).await.unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "warc export: {} records, {:.1} MB gzip in {secs:.1} s = {:.0} fetches/s",
        summary.records,
        summary.bytes as f64 / 1e6,
        summary.fetches as f64 / secs
    );
    store.close().await;
    if !target.contains("://") {
        let size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
        println!("sqlite file {:.1} MB", size as f64 / 1e6);
    }
    println!("peak RSS {:.1} MB", peak_rss_kb() as f64 / 1024.0);
}
