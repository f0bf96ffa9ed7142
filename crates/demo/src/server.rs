//! The HTTP server on loopback (axum on a tokio runtime of its own thread), with the
//! behaviours that need a live server: slow answers, 5xx on the first request to some paths,
//! the firewall challenge (via cookies), 304 on a matching If-None-Match.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response as AxResponse;

use crate::render::{Response, Visit};
use crate::site::Site;

/// At most this many request paths are kept in the log (enough for a 50k-page crawl).
const LOG_CAP: usize = 1_000_000;

struct Shared {
    site: Site,
    flaky: HashMap<String, u16>,
    failed_once: Mutex<HashSet<String>>,
    log: Mutex<Vec<String>>,
}

/// A running sample-portal server. Dropping it (or [`Server::shutdown`]) stops it.
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

/// Serves `site` on `addr` (use port 0 for a free port) from a background thread.
pub fn serve(site: Site, addr: SocketAddr) -> std::io::Result<Server> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let flaky = site.flaky_paths().into_iter().collect();
    let shared = Arc::new(Shared {
        site,
        flaky,
        failed_once: Mutex::new(HashSet::new()),
        log: Mutex::new(Vec::new()),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("kaohe-demo")
        .build()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = shared.clone();
    let thread = std::thread::Builder::new()
        .name("kaohe-demo-server".into())
        .spawn(move || {
            rt.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let app = axum::Router::new().fallback(handle).with_state(st);
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = rx => {}
                }
            });
            rt.shutdown_background();
        })?;
    Ok(Server {
        addr,
        stop: Some(tx),
        thread: Some(thread),
        shared,
    })
}

impl Server {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Switches the served site between its previous and current version
    /// ([`Site::set_previous`]).
    pub fn set_previous(&self, previous: bool) {
        self.shared.site.set_previous(previous);
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Paths (with query) requested so far, in arrival order.
    pub fn requests(&self) -> Vec<String> {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// How many requests the log holds.
    pub fn request_count(&self) -> usize {
        self.shared.log.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// How many times a path (with query) was requested.
    pub fn hits(&self, path: &str) -> usize {
        self.shared
            .log
            .lock()
            .map(|l| l.iter().filter(|p| *p == path).count())
            .unwrap_or(0)
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    /// Blocks until Ctrl-C, then stops.
    pub fn wait_for_ctrl_c(self) -> std::io::Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(tokio::signal::ctrl_c())?;
        self.shutdown();
        Ok(())
    }

    fn stop_now(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_now();
    }
}

async fn handle(State(st): State<Arc<Shared>>, req: Request) -> AxResponse {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    if let Ok(mut log) = st.log.lock()
        && log.len() < LOG_CAP
    {
        log.push(path.clone());
    }
    let bare = path.split('?').next().unwrap_or("/").to_string();
    if let Some(&status) = st.flaky.get(&bare) {
        let first = st
            .failed_once
            .lock()
            .map(|mut s| s.insert(bare.clone()))
            .unwrap_or(false);
        if first {
            let mut r = plain(
                status,
                "<html><body><h1>服务暂时不可用</h1><p>请稍后再试。</p></body></html>",
            );
            if status == 503 {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            return r;
        }
    }
    let cookie = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let inm = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let resp = st
        .site
        .respond(
            &path,
            Visit {
                cookie: cookie.as_deref(),
            },
        )
        .unwrap_or_else(|| st.site.not_found());
    if !resp.delay.is_zero() {
        tokio::time::sleep(resp.delay).await;
    }
    let etag =
        (resp.status == 200).then(|| format!("\"{:016x}\"", crate::rng::fnv_bytes(&resp.body)));
    if let (Some(e), Some(i)) = (&etag, &inm)
        && i.split(',').any(|x| x.trim() == e)
    {
        let mut r = AxResponse::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        if let Ok(v) = HeaderValue::from_str(e) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    to_axum(resp, etag)
}

fn plain(status: u16, body: &str) -> AxResponse {
    let mut r = AxResponse::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn to_axum(resp: Response, etag: Option<String>) -> AxResponse {
    let mut r = AxResponse::new(Body::from(resp.body));
    *r.status_mut() =
        StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in resp.headers {
        if let (Ok(k), Ok(v)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            r.headers_mut().insert(k, v);
        }
    }
    r.headers_mut()
        .insert(header::SERVER, HeaderValue::from_static("nginx"));
    if let Some(e) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        r.headers_mut().insert(header::ETAG, e);
    }
    r
}
