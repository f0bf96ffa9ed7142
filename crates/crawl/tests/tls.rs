//! A portal whose HTTPS certificate does not verify (self-signed here; expired or for another
//! name on real county sites): by default every fetch is *unverified* and says which
//! certificate problem stopped it — the site's to fix, never counted as a broken page — and
//! `accept_invalid_certs` (`kaohe crawl --insecure`) crawls it anyway.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::sync::Arc;

use crawl::{Crawler, Verdict};
use store::{Outcome, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use url::Url;

const CERT: &[u8] = include_bytes!("fixtures/self-signed.crt");
const KEY: &[u8] = include_bytes!("fixtures/self-signed.key");

/// An HTTPS server answering every request with one small page (robots.txt with a 404).
async fn serve_https() -> Url {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(CERT).unwrap()],
            PrivateKeyDer::from_pem_slice(KEY).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // a client that refuses the certificate ends here
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0; 8192];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let robots = got.starts_with(b"GET /robots.txt ");
                let (status, body) = if robots {
                    ("404 Not Found", "")
                } else {
                    (
                        "200 OK",
                        "<html><head><meta charset=utf-8><title>首页</title></head><body>政务公开</body></html>",
                    )
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    Url::parse(&format!("https://127.0.0.1:{}/", addr.port())).unwrap()
}

async fn crawl(
    seed: &Url,
    accept_invalid_certs: bool,
) -> (Store, crawl::Report, tempfile::TempDir) {
    let (store, dir) = common::temp_store().await;
    let mut opts = common::loopback_options(seed.clone());
    opts.fetch.accept_invalid_certs = accept_invalid_certs;
    opts.fetch.retries = 0;
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    (store, report, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_named_and_unverified_unless_accepted() {
    let seed = serve_https().await;

    let (store, report, _dir) = crawl(&seed, false).await;
    let (verdict, story) = report.seed.clone().unwrap();
    assert_eq!(verdict, Verdict::Unverified);
    assert!(
        story.contains("HTTPS 证书签发机构不受信任") && story.contains("--insecure"),
        "{story}"
    );
    assert_eq!(report.progress.broken, 0, "never the site's broken page");
    let robots = store
        .fetches_of_url(report.crawl, seed.join("/robots.txt").unwrap().as_str())
        .await
        .unwrap();
    assert_eq!(robots[0].outcome, Outcome::NetworkError);
    assert!(
        robots[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("HTTPS 证书签发机构不受信任")),
        "{:?}",
        robots[0].detail
    );
    store.close().await;

    let (store, report, _dir) = crawl(&seed, true).await;
    assert_eq!(report.seed.clone().unwrap().0, Verdict::Ok);
    let home = store
        .fetches_of_url(report.crawl, seed.as_str())
        .await
        .unwrap();
    assert_eq!(home[0].outcome, Outcome::Fetched);
    let config = store.crawl(report.crawl).await.unwrap().unwrap().config;
    assert_eq!(config["accept_invalid_certs"], true, "kept as evidence");
    store.close().await;
}
