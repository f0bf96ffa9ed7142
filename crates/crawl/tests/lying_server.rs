//! Servers that lie, on a raw TCP socket so the lies reach the crawler unmended: a body
//! shorter than its Content-Length, a gzip bomb, a "gzip" body that is not gzip, headers that
//! trickle in forever. Each ends as an *unverified* fetch (or a capped one) in bounded time and
//! memory — never a panic, a hang, or a page taken for what it claimed.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::io::Write;
use std::time::Duration;

use crawl::politeness::PolitenessConfig;
use crawl::{Expect, FetchConfig, Fetcher, Outcome, Verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

/// Serves one canned behaviour per path.
async fn serve() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // 64 MiB of zeros is 64 KiB of gzip
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 64 * 1024 * 1024]).unwrap();
    let bomb = gz.finish().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut tcp, _)) = listener.accept().await else {
                return;
            };
            let bomb = bomb.clone();
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
                let html = "Content-Type: text/html; charset=utf-8\r\n";
                let _ = match path.as_str() {
                    "/short" => {
                        let body = "<html>只有一半";
                        let reply =
                            format!("HTTP/1.1 200 OK\r\n{html}Content-Length: 1000\r\n\r\n{body}");
                        tcp.write_all(reply.as_bytes()).await
                    }
                    "/bomb" => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\n{html}Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                            bomb.len()
                        );
                        let _ = tcp.write_all(head.as_bytes()).await;
                        tcp.write_all(&bomb).await
                    }
                    "/not-gzip" => {
                        let body = "这不是 gzip 数据";
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\n{html}Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        tcp.write_all(reply.as_bytes()).await
                    }
                    "/trickle" => {
                        // one header byte every 100 ms, never finishing
                        let _ = tcp.write_all(b"HTTP/1.1 200 OK\r\n").await;
                        loop {
                            if tcp.write_all(b"X").await.is_err() {
                                break Ok(());
                            }
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                    _ => {
                        tcp.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                            .await
                    }
                };
                let _ = tcp.shutdown().await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lies_end_as_unverified_or_capped_fetches() {
    let addr = serve().await;
    let f = Fetcher::new(FetchConfig {
        guard: crawl::guard::AddressGuard {
            allow_private: false,
            trusted_hosts: vec!["127.0.0.1".into()],
            ..Default::default()
        },
        obey_robots: false,
        retries: 0,
        read_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_secs(3),
        max_page_bytes: 1024 * 1024,
        politeness: PolitenessConfig {
            rate: 0.0,
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let get = |path: &str| {
        let u = Url::parse(&format!("http://{addr}{path}")).unwrap();
        let f = &f;
        async move { f.fetch(&u, Expect::Page, None, None).await }
    };

    let r = get("/short").await;
    assert_eq!(r.outcome.verdict(), Verdict::Unverified, "{:?}", r.outcome);
    assert!(
        r.outcome.to_string().starts_with("响应不完整"),
        "{}",
        r.outcome
    );
    assert_eq!(r.status, Some(200), "what the server said is kept");

    let r = get("/bomb").await;
    assert!(
        matches!(r.outcome, Outcome::TooLarge { limit } if limit == 1024 * 1024),
        "the cap counts inflated bytes: {:?}",
        r.outcome
    );
    assert!(r.body.as_ref().is_none_or(|b| b.len() <= 1024 * 1024));
    assert_eq!(r.outcome.verdict(), Verdict::Unverified);

    let r = get("/not-gzip").await;
    assert_eq!(r.outcome.verdict(), Verdict::Unverified, "{:?}", r.outcome);
    assert!(
        r.outcome.to_string().starts_with("响应内容无法读取"),
        "{}",
        r.outcome
    );

    let r = get("/trickle").await;
    assert!(
        matches!(r.outcome, Outcome::TimedOut { .. }),
        "headers that never end time out: {:?}",
        r.outcome
    );
}
