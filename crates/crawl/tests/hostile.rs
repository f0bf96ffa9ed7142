//! Servers that try to stall the crawler or turn it against its user, on raw sockets on
//! 127.0.0.1: an answer dripped one byte at a time, a host that answers every page with 429
//! and "come back in an hour", a link carrying a user name and password, a redirect to the
//! cloud metadata address, links to another private address. Each test asserts the crawl
//! ends, what was requested (counted at the server, never timed), what was stored, and that
//! nothing that was our refusal or our failure counts against the portal.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crawl::politeness::PolitenessConfig;
use crawl::{Crawler, Expect, FetchConfig, Fetcher, Outcome, Verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

/// What a raw server saw: each request's path and its header block.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<(String, String)>>>);

impl Log {
    fn hits(&self, prefix: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .count()
    }
    fn all_headers(&self) -> String {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, h)| h.as_str())
            .collect()
    }
}

/// How a raw server answers a path.
type Answer = Arc<dyn Fn(&str, u16) -> Reply + Send + Sync>;

enum Reply {
    /// Bytes written as they are, then the connection closed.
    Raw(String),
    /// Headers, then one body byte every `every` for as long as the client listens.
    Drip { every: Duration },
}

fn html(body: &str) -> Reply {
    Reply::Raw(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// A raw HTTP/1.1 server on `ip`, one behaviour per path.
async fn serve(ip: &str, answer: Answer) -> (std::net::SocketAddr, Log) {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Log::default();
    let seen = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut tcp, _)) = listener.accept().await else {
                return;
            };
            let answer = answer.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&got).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                seen.0.lock().unwrap().push((path.clone(), head));
                match answer(&path, addr.port()) {
                    Reply::Raw(r) => {
                        let _ = tcp.write_all(r.as_bytes()).await;
                    }
                    Reply::Drip { every } => {
                        let _ = tcp
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
                            .await;
                        while tcp.write_all(b"x").await.is_ok() {
                            tokio::time::sleep(every).await;
                        }
                    }
                }
                let _ = tcp.shutdown().await;
            });
        }
    });
    (addr, log)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dripping_answer_costs_one_budget_not_one_per_retry() {
    let (addr, log) = serve(
        "127.0.0.1",
        Arc::new(|_: &str, _| Reply::Drip {
            every: Duration::from_millis(50),
        }),
    )
    .await;
    let f = Fetcher::new(FetchConfig {
        obey_robots: false,
        retries: 2,
        backoff: Duration::from_millis(10),
        read_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_millis(800),
        url_budget: Duration::from_millis(1200),
        politeness: PolitenessConfig {
            rate: 0.0,
            ..Default::default()
        },
        guard: crawl::guard::AddressGuard {
            trusted_hosts: vec!["127.0.0.1".into()],
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let url = Url::parse(&format!("http://{addr}/slow")).unwrap();
    let r = f.fetch(&url, Expect::Page, None, None).await;
    assert!(
        matches!(r.outcome, Outcome::TimedOut { .. }),
        "{:?}",
        r.outcome
    );
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);
    // The first attempt ran to the per-request limit; a second could not have finished in
    // what was left of the URL's budget… but it may start: it then gets only the rest.
    // Before the budget, three full attempts were made (3 × the total timeout).
    let requests = log.hits("/slow");
    assert!(requests <= 2, "{requests} requests for one dripping URL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_always_says_later_is_given_up_after_a_few_answers() {
    let (addr, log) = serve(
        "127.0.0.1",
        Arc::new(|path: &str, _| {
            if path == "/" {
                let links: String = (0..20)
                    .map(|i| format!("<a href=\"/later/{i}.html\">第{i}页</a>"))
                    .collect();
                return html(&format!("<html><body>{links}</body></html>"));
            }
            if path == "/robots.txt" {
                return Reply::Raw(
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .into(),
                );
            }
            Reply::Raw("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into())
        }),
    )
    .await;
    let (store, _dir) = common::temp_store().await;
    let mut opts = common::loopback_options(Url::parse(&format!("http://{addr}/")).unwrap());
    opts.fetch.politeness.concurrency = 1;
    opts.fetch.politeness.max_retry_after = Duration::from_millis(100);
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();

    // The crawl ended, having asked the throttling host only a few times…
    let asked = log.hits("/later/");
    assert!(
        asked <= 3,
        "{asked} requests to a host that said come back in an hour"
    );
    // …and recorded every page as rate-limited: unverified, never the portal's defect.
    let fetches = common::all_fetches(&store, report.crawl).await;
    let later: Vec<_> = fetches
        .iter()
        .filter(|f| f.url.contains("/later/"))
        .collect();
    assert_eq!(later.len(), 20);
    assert!(
        later
            .iter()
            .all(|f| f.outcome == store::Outcome::RateLimited
                && f.outcome.verification() == store::Verification::Unverified)
    );
    assert!(
        later
            .iter()
            .filter(|f| f.detail.as_deref().is_some_and(|d| d.contains("持续限流")))
            .count()
            >= 17
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_in_a_link_are_never_sent_stored_or_exported() {
    let (addr, log) = serve(
        "127.0.0.1",
        Arc::new(|path: &str, port| match path {
            "/" => html(&format!(
                "<html><body><a href=\"http://admin:s3cretpw@127.0.0.1:{port}/inner.html\">内部系统</a></body></html>"
            )),
            "/inner.html" => html("<html><body>内部页面</body></html>"),
            _ => Reply::Raw(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
            ),
        }),
    )
    .await;
    let (store, dir) = common::temp_store().await;
    let opts = common::loopback_options(Url::parse(&format!("http://{addr}/")).unwrap());
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();

    // The page was crawled, without the credentials.
    assert_eq!(log.hits("/inner.html"), 1);
    let headers = log.all_headers().to_ascii_lowercase();
    assert!(!headers.contains("authorization"), "{headers}");
    assert!(!headers.contains("s3cretpw"));
    let fetches = common::all_fetches(&store, report.crawl).await;
    let inner = fetches
        .iter()
        .find(|f| f.url.ends_with("/inner.html"))
        .unwrap();
    assert_eq!(inner.url, format!("http://{addr}/inner.html"));
    // The exposure is evidence beside the link.
    let home = fetches.iter().find(|f| f.url.ends_with('/')).unwrap();
    let links = store.links_from(home.id).await.unwrap();
    assert!(links.iter().any(|l| {
        l.text
            .as_deref()
            .is_some_and(|t| t.contains("含用户名或密码"))
    }));
    // No stored URL has them (the page's own body, kept as evidence, still shows the link
    // as the portal published it)…
    for f in &fetches {
        assert!(
            !f.url.contains("s3cret") && !f.final_url.contains("s3cret"),
            "{f:?}"
        );
        assert!(!format!("{:?}", f.request_headers).contains("s3cret"));
    }
    assert!(links.iter().all(|l| !l.to_url.contains("s3cret")));
    // …nor the WARC export's target URIs and Host headers.
    let mut warc = Vec::new();
    store::warc::export(&store, report.crawl, &mut warc)
        .await
        .unwrap();
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(&warc[..])
        .read_to_end(&mut text)
        .unwrap();
    let text = String::from_utf8_lossy(&text);
    let heads: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("WARC-Target-URI:") || l.starts_with("Host:"))
        .collect();
    assert!(heads.len() >= 4);
    assert!(
        heads
            .iter()
            .all(|l| !l.contains("s3cret") && !l.contains("admin@")),
        "{heads:?}"
    );
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_other_than_the_seeds_are_refused() {
    // Another machine on the private network, as far as the crawler can tell.
    let (other, other_log) = serve(
        "127.0.0.2",
        Arc::new(|_: &str, _| html("<html><body>内网服务</body></html>")),
    )
    .await;
    let home = format!(
        "<html><body><a href=\"http://{other}/admin.html\">内网</a>\
         <a href=\"http://{other}/form.doc\">表格</a><a href=\"/moved.doc\">申请表</a></body></html>"
    );
    let (addr, _log) = serve(
        "127.0.0.1",
        Arc::new(move |path: &str, _| match path {
            "/" => html(&home),
            "/meta" => Reply::Raw(
                "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
            ),
            "/moved.doc" => Reply::Raw(format!(
                "HTTP/1.1 302 Found\r\nLocation: http://{other}/x.doc\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )),
            _ => Reply::Raw(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
            ),
        }),
    )
    .await;

    // A redirect to the metadata address, fetched on its own: refused, with the reason.
    let f = Fetcher::new(FetchConfig {
        obey_robots: false,
        guard: crawl::guard::AddressGuard {
            trusted_hosts: vec!["127.0.0.1".into()],
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let r = f
        .fetch(
            &Url::parse(&format!("http://{addr}/meta")).unwrap(),
            Expect::Attachment,
            None,
            None,
        )
        .await;
    assert!(
        matches!(r.outcome, Outcome::PrivateAddress { .. }),
        "{:?}",
        r.outcome
    );
    assert!(r.outcome.to_string().contains("169.254.169.254"));
    assert_eq!(r.outcome.verdict(), Verdict::Skipped);

    // A crawl: links, an off-scope attachment and an attachment's redirect to another private
    // address are all refused, and nothing reaches that address.
    let (store, _dir) = common::temp_store().await;
    let opts = common::loopback_options(Url::parse(&format!("http://{addr}/")).unwrap());
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(other_log.hits("/"), 0);
    let fetches = common::all_fetches(&store, report.crawl).await;
    for path in ["/form.doc", "/moved.doc"] {
        let f = fetches.iter().find(|f| f.url.ends_with(path)).unwrap();
        assert_eq!(f.outcome, store::Outcome::Skipped, "{f:?}");
        assert_eq!(f.outcome.verification(), store::Verification::Unverified);
        let detail = f.detail.as_deref().unwrap();
        assert!(
            detail.contains("127.0.0.2") && detail.contains("--allow-private"),
            "{detail}"
        );
    }
}
