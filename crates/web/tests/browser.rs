//! The workbench end to end in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`, driven over the W3C WebDriver protocol by a few lines of HTTP below; no
//! browser is downloaded at test time). An assessor logs in, opens the demo run, dismisses a
//! finding with a reason, adds a manual deduction, and sees the score change and the audit
//! entries; a department user is refused (403) another department's finding, evidence page
//! and notice.
//!
//! Without chromium and chromedriver the test says it skipped (`.ci/run` installs them). With
//! `KAOHE_SCREENSHOTS=DIR` it saves the dashboard, a finding with its evidence and the
//! department's view as PNG files there.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use support::{enc, fixture, server};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        // Ready when /status answers; not a time bound on the test, a wait for a process.
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{base}/status")).send().await
                && r.status().is_success()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--disable-quic",
                         "--window-size=1366,1000", "--lang=zh-CN",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let v: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        let d = Driver {
            child,
            base,
            session,
            http,
            _profile: profile,
        };
        // Elements are waited for rather than looked up once: after a form is submitted the
        // next page may still be loading on a busy machine (seen under CI's parallel tests).
        // A wait for the page, not a time bound on the test.
        d.cmd(
            reqwest::Method::POST,
            "/timeouts",
            Some(json!({ "implicit": 10_000 })),
        )
        .await;
        d
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        req = req.json(&body.unwrap_or_else(|| json!({})));
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        if v["value"].get("error").is_some() {
            panic!("WebDriver {path}: {v}");
        }
        v["value"].clone()
    }

    async fn go(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    async fn count(&self, css: &str) -> usize {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.as_array().map_or(0, Vec::len)
    }

    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.cmd(reqwest::Method::POST, &format!("/element/{e}/click"), None)
            .await;
    }

    async fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        self.cmd(reqwest::Method::GET, &format!("/element/{e}/text"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn source(&self) -> String {
        self.cmd(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn title(&self) -> String {
        self.cmd(reqwest::Method::GET, "/title", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The HTTP status the browser gets for `path`, with its own session cookie.
    async fn status_of(&self, path: &str) -> u64 {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/execute/async",
                Some(json!({
                    "script": "const done = arguments[arguments.length - 1]; fetch(arguments[0], {redirect: 'manual'}).then(r => done(r.status)).catch(e => done(-1));",
                    "args": [path]
                })),
            )
            .await;
        v.as_u64().unwrap_or(0)
    }

    async fn screenshot(&self, name: &str) {
        let Ok(dir) = std::env::var("KAOHE_SCREENSHOTS") else {
            return;
        };
        let v = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }

    async fn login(&self, base: &str, user: &str) {
        self.go(&format!("{base}/login")).await;
        self.type_in("input[name=login]", user).await;
        self.type_in("input[name=password]", support::PASSWORD)
            .await;
        self.click("section.login button").await;
    }
}

fn total(text: &str) -> f64 {
    text.trim().parse().unwrap()
}

#[tokio::test]
async fn an_assessor_reviews_and_a_department_is_kept_to_its_own() {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        eprintln!("跳过：未安装 chromium 和 chromium-driver（.ci/run 会安装）");
        return;
    }
    let f = fixture();
    let base = server(web::Config::default());
    let d = Driver::start().await;
    let run = f.run;

    // The assessor opens the demo run: the dashboard with its charts drawn by ECharts.
    d.login(&base, "assessor").await;
    d.go(&format!("{base}/runs/{run}")).await;
    let before = total(&d.text(".card.total .big").await);
    assert!(
        d.count("#chart-indicators canvas").await >= 1,
        "charts drawn"
    );
    d.screenshot("dashboard").await;

    // A finding with its evidence; dismissed with a reason.
    d.go(&format!(
        "{base}/runs/{run}/finding?id={}",
        enc(&f.free_finding)
    ))
    .await;
    assert!(
        d.count("iframe.snapshot").await >= 1,
        "the stored page is shown"
    );
    d.screenshot("finding").await;
    d.click("input[name=action][value=dismiss]").await;
    d.type_in(
        "form.decide textarea[name=reason]",
        "栏目已于抓取后更新，经核实撤销",
    )
    .await;
    d.click("form.decide button").await;
    let history = d.text("table.history").await;
    assert!(
        history.contains("撤销") && history.contains("栏目已于抓取后更新"),
        "{history}"
    );

    d.go(&format!("{base}/runs/{run}")).await;
    let dismissed = total(&d.text(".card.total .big").await);
    assert!(
        dismissed > before,
        "dismissal raised the total: {before} → {dismissed}"
    );

    // A manual deduction for a rule only a person can judge.
    d.click("section.manual select[name=rule] option[value='1.1/accuracy']")
        .await;
    d.click("section.manual select[name=department] option[value='教育局']")
        .await;
    d.type_in(
        "section.manual input[name=subject]",
        "学前教育收费标准已过时",
    )
    .await;
    d.type_in(
        "section.manual textarea[name=reason]",
        "收费标准仍为 2012 年标准，已于 2016 年调整",
    )
    .await;
    d.click("section.manual button").await;
    assert!(d.source().await.contains("学前教育收费标准已过时"));
    d.go(&format!("{base}/runs/{run}")).await;
    let manual = total(&d.text(".card.total .big").await);
    assert!(
        manual < dismissed,
        "manual deduction lowered the total: {dismissed} → {manual}"
    );

    // Both acts are in the audit log, with who and why.
    d.go(&format!("{base}/runs/{run}/audit")).await;
    let audit = d.source().await;
    assert!(audit.contains("栏目已于抓取后更新，经核实撤销") && audit.contains("assessor-名"));
    assert!(audit.contains("收费标准仍为 2012 年标准"));

    // The department user: its own view; another department's finding, evidence page and
    // notice refused by the server.
    d.click("header .account button").await;
    d.login(&base, "dept").await;
    d.go(&format!("{base}/runs/{run}")).await;
    assert!(d.source().await.contains("本单位失分"));
    d.go(&format!("{base}/runs/{run}/findings")).await;
    d.screenshot("department").await;
    let other = format!("/runs/{run}/finding?id={}", enc(&f.other_finding));
    d.go(&format!("{base}{other}")).await;
    assert_eq!(d.title().await, "出错了 · 考核工作台");
    assert!(d.source().await.contains("属于其他单位"));
    assert_eq!(d.status_of(&other).await, 403);
    let evidence = format!("/runs/{run}/finding/page?id={}&e=0", enc(&f.other_finding));
    assert_eq!(d.status_of(&evidence).await, 403);
    let notice = format!("/runs/{run}/notice/{}.docx", enc(&f.other));
    assert_eq!(d.status_of(&notice).await, 403);
    let own = format!("/runs/{run}/finding?id={}", enc(&f.own_finding));
    assert_eq!(d.status_of(&own).await, 200);
}
