//! A fixture HTTP server on 127.0.0.1 (port 0) with the politeness edge cases real government
//! portals produce. Every handler counts its hits so tests can assert what was fetched.
#![allow(dead_code, clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub const OLE: &[u8] = &[
    0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0, 1, 2, 3, 4,
];
pub const CHALLENGE: &str = "<html><head><meta charset=utf-8><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};document.cookie='FSSBBIl1UgzbN7N80S=abc';location.reload();</script></head><body></body></html>";
pub const SOFT404: &str = "<html><head><meta charset=utf-8><title>提示信息</title></head><body><p>对不起，您访问的页面不存在！</p><a href=\"/\">返回首页</a></body></html>";

#[derive(Clone, Default)]
pub struct Fixture {
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
    pub robots: Arc<Mutex<(u16, String)>>,
}

impl Fixture {
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

/// Serves the fixture; returns its address. The server lives as long as the test's runtime.
pub async fn serve(robots_status: u16, robots: &str) -> (SocketAddr, Fixture) {
    let fx = Fixture {
        hits: Default::default(),
        robots: Arc::new(Mutex::new((robots_status, robots.to_owned()))),
    };
    let app = Router::new().fallback(handler).with_state(fx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, fx)
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn redirect(to: &str) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, to.to_owned())],
    )
        .into_response()
}

async fn handler(State(fx): State<Fixture>, headers: HeaderMap, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let n = {
        let mut h = fx.hits.lock().unwrap();
        let e = h.entry(path.clone()).or_default();
        *e += 1;
        *e
    };
    match path.as_str() {
        "/robots.txt" => {
            let (st, body) = fx.robots.lock().unwrap().clone();
            (StatusCode::from_u16(st).unwrap(), body).into_response()
        }
        "/" => html(
            (r#"<html><head><meta charset="utf-8"><title>首页</title></head><body>
            <a href="/a.html">A</a> <a href="/b.html#frag">B</a> <a href="/B.html">B2</a>
            <a href="/private/secret.html">私</a> <a href="/challenge">挑战</a>
            <a href="/flaky">不稳</a> <a href="/slow">慢</a> <a href="/r1">跳转</a>
            <a href="/loop-a">循环</a> <a href="/big">大</a> <a href="/form.doc">表格</a>
            <a href="/missing.doc">丢失</a> <a href="/empty.pdf">空</a> <a href="/gone.xls">坏</a>
            <a href="/cal?year=2017&month=3">日历</a> <a href="/soft.html">软</a>
            <a href="javascript:void(0)">js</a> <a href="mailto:a@b.cn">mail</a>
            <a href="OFFSITE/off.doc">外站附件</a> <a href="OFFSITE/page.html">外站页面</a>
            <img src="/logo.png"></body></html>"#)
                .replace("OFFSITE", &format!("http://localhost:{}", port_of(&headers))),
        ),
        "/a.html" => html(r#"<meta charset="utf-8"><title>A</title><a href="/">首页</a><a href="a.html?x=1">x</a><a href="/b.html">b</a>"#.into()),
        "/b.html" | "/B.html" => html(format!(r#"<meta charset="utf-8"><title>B</title><p>{path}</p>"#)),
        "/a.html?x=1" => html("x".into()),
        "/private/secret.html" => html("secret".into()),
        "/challenge" => (StatusCode::PRECONDITION_FAILED, [(header::CONTENT_TYPE, "text/html")], CHALLENGE).into_response(),
        "/flaky" if n <= 2 => (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
        "/flaky" => html(r#"<meta charset="utf-8"><title>好了</title>"#.into()),
        "/limited" if n == 1 => (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")], "slow down").into_response(),
        "/limited" => html("ok".into()),
        "/busy" => (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "86400")], "maintenance").into_response(),
        "/slow" => {
            // Headers and a first chunk at once, then silence longer than the read timeout.
            let stream = futures_stream();
            ([(header::CONTENT_TYPE, "text/html")], Body::from_stream(stream)).into_response()
        }
        "/r1" => redirect("/r2"),
        "/r-home" => redirect(&format!("http://127.0.0.1:{}/a.html", port_of(&headers))),
        "/r2" => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_owned();
            redirect(&format!("http://{host}/r3"))
        }
        "/r3" => (StatusCode::FOUND, [(header::LOCATION, "/final.html")]).into_response(),
        "/final.html" => html("<title>终点</title>".into()),
        "/loop-a" => redirect("/loop-b"),
        "/loop-b" => redirect("/loop-a"),
        "/big" => html("x".repeat(2 * 1024 * 1024)),
        "/etag" => {
            if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"v1\"") {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                ([(header::ETAG, "\"v1\""), (header::LAST_MODIFIED, "Wed, 01 Mar 2017 00:00:00 GMT")], "body v1").into_response()
            }
        }
        "/off.doc" | "/form.doc" => ([(header::CONTENT_TYPE, "application/msword")], OLE).into_response(),
        "/missing.doc" => html(SOFT404.into()),
        "/soft.html" => html(SOFT404.into()),
        "/empty.pdf" => ([(header::CONTENT_TYPE, "application/pdf")], "").into_response(),
        "/logo.png" => ([(header::CONTENT_TYPE, "image/png")], &b"\x89PNG\r\n\x1a\n"[..]).into_response(),
        "/ua" => headers.get(header::USER_AGENT).map(|v| v.to_str().unwrap_or("").to_owned()).unwrap_or_default().into_response(),
        _ => (StatusCode::NOT_FOUND, "<html><title>404</title></html>").into_response(),
    }
}

fn port_of(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:80");
    host.rsplit(':').next().unwrap_or("80").to_owned()
}

fn futures_stream() -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::unfold(0u8, |state| async move {
        match state {
            0 => Some((Ok(b"<html><title>slow</title>".to_vec()), 1)),
            1 => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Some((Ok(b"</html>".to_vec()), 2))
            }
            _ => None,
        }
    })
}

/// A port nothing listens on.
pub fn refused_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Every fetch of a crawl, in id order.
pub async fn all_fetches(store: &store::Store, crawl: store::CrawlId) -> Vec<store::StoredFetch> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store.fetches_after(crawl, after, 1000).await.unwrap();
        if page.is_empty() {
            return out;
        }
        after = page.last().map(|f| f.id);
        out.extend(page);
    }
}

/// Crawl options for a fixture on the loopback: politeness off (rate 0, 4 in flight), short
/// backoff, and a page cap far above any fixture so a trap regression fails a test instead of
/// filling the disk.
pub fn loopback_options(seed: url::Url) -> crawl::CrawlOptions {
    let mut opts = crawl::CrawlOptions::new(seed);
    opts.max_pages = Some(10_000);
    opts.fetch = crawl::FetchConfig {
        backoff: Duration::from_millis(10),
        politeness: crawl::politeness::PolitenessConfig {
            rate: 0.0,
            concurrency: 4,
            ..Default::default()
        },
        ..Default::default()
    };
    opts
}

/// A new SQLite snapshot in a temporary directory (removed when the guard drops).
pub async fn temp_store() -> (store::Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = store::Store::open(dir.path().join("k.sqlite").to_str().unwrap())
        .await
        .unwrap();
    (store, dir)
}
