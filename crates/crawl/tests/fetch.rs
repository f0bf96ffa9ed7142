//! The fetcher against a fixture server with the edge cases of real portals: robots.txt with
//! Crawl-delay, 429 + Retry-After, 5xx then 200, a stalled body, redirect chains and loops, an
//! oversize body, a 412 challenge, a refused port, conditional GET, attachments.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::time::Duration;

use crawl::fetch::user_agent;
use crawl::politeness::PolitenessConfig;
use crawl::{Expect, FetchConfig, Fetcher, Outcome, Phase, Validators, Verdict};
use url::Url;

const ROBOTS: &str = "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n";

fn config() -> FetchConfig {
    FetchConfig {
        user_agent: user_agent("test@kaohe.invalid"),
        read_timeout: Duration::from_millis(400),
        backoff: Duration::from_millis(10),
        max_page_bytes: 1024 * 1024,
        politeness: PolitenessConfig {
            rate: 0.0,
            concurrency: 2,
            ..Default::default()
        },
        // The fixture servers are on 127.0.0.1, as the user's seed would be.
        guard: loopback_trusted(),
        ..Default::default()
    }
}

fn loopback_trusted() -> crawl::guard::AddressGuard {
    crawl::guard::AddressGuard {
        allow_private: false,
        trusted_hosts: vec!["127.0.0.1".into()],
        ..Default::default()
    }
}

fn url(addr: std::net::SocketAddr, path: &str) -> Url {
    Url::parse(&format!("http://{addr}{path}")).unwrap()
}

#[tokio::test]
async fn politeness_edge_cases() {
    let (addr, fx) = common::serve(200, ROBOTS).await;
    let f = Fetcher::new(config()).unwrap();

    // robots.txt: disallowed path is not requested; Crawl-delay reaches the host schedule.
    let r = f
        .fetch(&url(addr, "/private/secret.html"), Expect::Page, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::RobotsDisallowed);
    assert_eq!(r.outcome.verdict(), Verdict::Skipped);
    assert_eq!(fx.hits("/private/secret.html"), 0);
    assert_eq!(fx.hits("/robots.txt"), 1);
    assert_eq!(
        f.hosts()
            .host(&crawl::fetch::host_key(&url(addr, "/")))
            .crawl_delay(),
        Duration::from_millis(200)
    );

    // 429 with Retry-After, then 200.
    let r = f
        .fetch(&url(addr, "/limited"), Expect::Page, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::Fetched);
    assert_eq!((r.attempts, fx.hits("/limited")), (2, 2));

    // 5xx twice, then 200: retried with backoff.
    let r = f
        .fetch(&url(addr, "/flaky"), Expect::Page, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::Fetched);
    assert_eq!(r.attempts, 3);
    assert!(r.decoded.as_ref().unwrap().text.contains("好了"));

    // A body that stalls: read timeout, unverified, never "missing".
    let r = f.fetch(&url(addr, "/slow"), Expect::Page, None, None).await;
    assert_eq!(r.outcome, Outcome::TimedOut { phase: Phase::Read });
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);
    assert_eq!(fx.hits("/slow"), 3, "timeouts are retried");

    // Redirect chain: every hop recorded, final URL and body kept.
    let r = f.fetch(&url(addr, "/r1"), Expect::Page, None, None).await;
    assert_eq!(r.outcome, Outcome::Fetched);
    let hops: Vec<(String, u16)> = r
        .redirects
        .iter()
        .map(|h| (h.url.path().to_owned(), h.status))
        .collect();
    assert_eq!(
        hops,
        vec![
            ("/r1".into(), 301),
            ("/r2".into(), 301),
            ("/r3".into(), 302)
        ]
    );
    assert_eq!(r.final_url.path(), "/final.html");
    assert_eq!(r.status, Some(200));

    // Redirect loop.
    let r = f
        .fetch(&url(addr, "/loop-a"), Expect::Page, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::RedirectLimit { looped: true });
    assert_eq!(r.redirects.len(), 2);

    // Oversize body.
    let r = f.fetch(&url(addr, "/big"), Expect::Page, None, None).await;
    assert_eq!(r.outcome, Outcome::TooLarge { limit: 1024 * 1024 });
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);
    assert!(r.truncated && r.body.as_ref().unwrap().len() <= 1024 * 1024);

    // 412 challenge: unverified, the challenge page kept as evidence.
    let r = f
        .fetch(&url(addr, "/challenge"), Expect::Page, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::Challenged { status: 412 });
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);
    assert!(r.body.is_some() && r.sha256.is_some());

    // A real 404 is the site's defect.
    let r = f
        .fetch(&url(addr, "/gone.xls"), Expect::Attachment, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::HttpError { status: 404 });
    assert_eq!(r.outcome.verdict(), Verdict::Broken);

    // Identifiable User-Agent with a contact.
    let r = f.fetch(&url(addr, "/ua"), Expect::Page, None, None).await;
    let ua = String::from_utf8(r.body.unwrap()).unwrap();
    assert!(
        ua.starts_with("kaohe/") && ua.contains("contact: test@kaohe.invalid"),
        "{ua}"
    );

    // Last, because it pushes the whole host back. A Retry-After beyond our patience: not retried, reported rate-limited (unverified).
    let r = f.fetch(&url(addr, "/busy"), Expect::Page, None, None).await;
    assert_eq!(r.outcome, Outcome::RateLimited { status: 503 });
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);
    assert_eq!(fx.hits("/busy"), 1);
}

#[tokio::test]
async fn refused_port_is_unverified() {
    let port = common::refused_port();
    let f = Fetcher::new(FetchConfig {
        obey_robots: false,
        ..config()
    })
    .unwrap();
    let r = f
        .fetch(
            &Url::parse(&format!("http://127.0.0.1:{port}/x.html")).unwrap(),
            Expect::Page,
            None,
            None,
        )
        .await;
    assert!(
        matches!(r.outcome, Outcome::Unreachable { failure: crawl::Failure::Refused, ref detail } if detail.contains("拒绝")),
        "{:?}",
        r.outcome
    );
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);
    assert_eq!(r.status, None);
}

#[tokio::test]
async fn robots_unavailable_means_unverified_and_404_means_allowed() {
    let (addr, fx) = common::serve(503, "").await;
    let f = Fetcher::new(config()).unwrap();
    let r = f
        .fetch(&url(addr, "/a.html"), Expect::Page, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::RobotsUnverified);
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);
    assert_eq!(fx.hits("/a.html"), 0);

    let (addr, _) = common::serve(404, "").await;
    let r = f
        .fetch(&url(addr, "/private/secret.html"), Expect::Page, None, None)
        .await;
    assert_eq!(r.outcome, Outcome::Fetched);
}

#[tokio::test]
async fn conditional_get_and_attachments() {
    let (addr, _) = common::serve(404, "").await;
    let f = Fetcher::new(config()).unwrap();
    let first = f.fetch(&url(addr, "/etag"), Expect::Page, None, None).await;
    assert_eq!(first.outcome, Outcome::Fetched);
    assert_eq!(
        first.sha256.as_deref(),
        Some(crawl::fetch::hex_sha256(b"body v1").as_str())
    );
    let v = Validators {
        etag: first.header("etag").map(str::to_owned),
        last_modified: first.header("last-modified").map(str::to_owned),
    };
    let again = f
        .fetch(&url(addr, "/etag"), Expect::Page, Some(&v), None)
        .await;
    assert_eq!(again.outcome, Outcome::NotModified);
    assert_eq!(again.status, Some(304));

    let doc = f
        .fetch(&url(addr, "/form.doc"), Expect::Attachment, None, None)
        .await;
    assert_eq!(doc.outcome, Outcome::Fetched);
    let soft = f
        .fetch(&url(addr, "/missing.doc"), Expect::Attachment, None, None)
        .await;
    assert_eq!(soft.outcome, Outcome::SoftNotFound);
    assert_eq!(soft.outcome.verdict(), Verdict::Broken);
    let empty = f
        .fetch(&url(addr, "/empty.pdf"), Expect::Attachment, None, None)
        .await;
    assert!(
        matches!(empty.outcome, Outcome::BadAttachment { .. }),
        "{:?}",
        empty.outcome
    );
    let page = f
        .fetch(&url(addr, "/soft.html"), Expect::Page, None, None)
        .await;
    assert_eq!(page.outcome, Outcome::SoftNotFound);
}
