//! Every route of the workbench, asked by every role, over real HTTP against the real server
//! and a real stored run of the sample portal: who may see and change what (a department
//! user is refused another department's finding, evidence, notice and export), the CSRF token
//! on every form, login limits, hostile text from a crawled page and from an uploaded table.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod support;

use support::{Session, enc, fixture, login, server};

fn finding(run: i64, id: &str) -> String {
    format!("/runs/{run}/finding?id={}", enc(id))
}

#[tokio::test]
async fn without_a_session_every_page_sends_to_the_login_and_every_change_is_refused() {
    let f = fixture();
    let base = server(web::Config::default());
    let http = support::http();
    for path in [
        "/".to_string(),
        "/runs".into(),
        format!("/runs/{}", f.run),
        format!("/runs/{}/findings", f.run),
        finding(f.run, &f.own_finding),
        format!("/runs/{}/finding/page?id={}", f.run, enc(&f.own_finding)),
        format!("/runs/{}/audit", f.run),
        format!("/runs/{}/export/report.xlsx", f.run),
        format!("/runs/{}/notice/{}.docx", f.run, enc(&f.own)),
        format!("/runs/{}/warnings", f.run),
        format!("/runs/{}/items", f.run),
        "/jobs/1".into(),
    ] {
        let r = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 303, "{path}");
        let to = r.headers()["location"].to_str().unwrap();
        assert!(to.starts_with("/login?next="), "{path} → {to}");
    }
    let r = http
        .post(format!("{base}/runs/{}/publish", f.run))
        .form(&[("_csrf", "x")])
        .send()
        .await
        .unwrap();
    // Sent to the login; nothing was published.
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}

#[tokio::test]
async fn a_department_user_sees_only_its_own_department() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "dept").await;

    // Its own finding, evidence, notice: yes.
    assert_eq!(s.get(&finding(f.run, &f.own_finding)).await.status(), 200);
    let own_ev = format!(
        "/runs/{}/finding/page?id={}&e=0",
        f.run,
        enc(&f.own_finding)
    );
    let st = s.get(&own_ev).await.status();
    assert!(st == 200 || st == 404, "own evidence: {st}");
    let own_notice = format!("/runs/{}/notice/{}.docx", f.run, enc(&f.own));
    assert_eq!(s.get(&own_notice).await.status(), 200);

    // Another department's: 403, route by route.
    for path in [
        finding(f.run, &f.other_finding),
        format!(
            "/runs/{}/finding/page?id={}&e=0",
            f.run,
            enc(&f.other_finding)
        ),
        format!(
            "/runs/{}/finding/page?id={}&e=0&view=text",
            f.run,
            enc(&f.other_finding)
        ),
        format!("/runs/{}/notice/{}.docx", f.run, enc(&f.other)),
        format!("/runs/{}/notice/{}.html", f.run, enc(&f.other)),
        format!("/runs/{}/audit", f.run),
        format!("/runs/{}/audit?format=csv", f.run),
        "/jobs/1".into(),
    ] {
        let r = s.get(&path).await;
        assert_eq!(r.status(), 403, "{path}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains("部门账号") || body.contains("需要"),
            "{path}: {body}"
        );
    }
    // Its answer on the other department's finding, and every assessor's act: 403.
    for (path, form) in [
        (
            format!(
                "/runs/{}/finding/respond?id={}",
                f.run,
                enc(&f.other_finding)
            ),
            vec![("kind", "appeal"), ("text", "不是我们的")],
        ),
        (
            format!("/runs/{}/finding/decide?id={}", f.run, enc(&f.own_finding)),
            vec![("action", "dismiss"), ("reason", "自己撤销")],
        ),
        (
            format!("/runs/{}/manual", f.run),
            vec![
                ("rule", "1.1/accuracy"),
                ("department", &f.own),
                ("reason", "x"),
            ],
        ),
        (format!("/runs/{}/publish", f.run), vec![]),
        (
            "/runs/start".into(),
            vec![("seed", "http://127.0.0.1:9/"), ("pages", "1")],
        ),
        (
            format!("/runs/{}/finding/recheck?id={}", f.run, enc(&f.own_finding)),
            vec![],
        ),
    ] {
        assert_eq!(s.post(&path, &form).await.status(), 403, "{path}");
    }

    // Exports and lists hold its own department only.
    let json = s
        .get(&format!("/runs/{}/export/report.json", f.run))
        .await
        .text()
        .await
        .unwrap();
    assert!(json.contains(&f.own_finding));
    assert!(
        !json.contains(&f.other_finding),
        "another department's finding exported"
    );
    let list = s
        .get(&format!(
            "/runs/{}/findings?department={}",
            f.run,
            enc(&f.other)
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !list.contains(&enc(&f.other_finding)),
        "other department listed"
    );
    let xlsx = s
        .get(&format!("/runs/{}/export/report.xlsx", f.run))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"), "a real workbook");

    // Its own answer: accepted and shown in the finding's history.
    let r = s
        .post(
            &format!("/runs/{}/finding/respond?id={}", f.run, enc(&f.own_finding)),
            &[("kind", "fixed"), ("text", "已于本周更新栏目")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = s
        .get(&finding(f.run, &f.own_finding))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("已于本周更新栏目") && page.contains("部门答复：已整改"));
}

#[tokio::test]
async fn a_viewer_reads_everything_and_changes_nothing() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "viewer").await;
    assert_eq!(s.get(&finding(f.run, &f.other_finding)).await.status(), 200);
    assert_eq!(s.get(&format!("/runs/{}/audit", f.run)).await.status(), 200);
    for path in [
        format!("/runs/{}/finding/decide?id={}", f.run, enc(&f.own_finding)),
        format!("/runs/{}/manual", f.run),
        format!("/runs/{}/publish", f.run),
        "/runs/start".into(),
    ] {
        let r = s
            .post(
                &path,
                &[
                    ("action", "confirm"),
                    ("reason", "x"),
                    ("seed", "http://x/"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn every_form_needs_the_sessions_csrf_token_and_the_same_origin() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "admin").await;
    let posts = [
        "/logout".to_string(),
        "/runs/start".into(),
        format!("/runs/{}/finding/decide?id={}", f.run, enc(&f.own_finding)),
        format!("/runs/{}/finding/respond?id={}", f.run, enc(&f.own_finding)),
        format!("/runs/{}/finding/recheck?id={}", f.run, enc(&f.own_finding)),
        format!("/runs/{}/manual", f.run),
        format!("/runs/{}/publish", f.run),
        format!("/runs/{}/items", f.run),
    ];
    for path in &posts {
        let none = s.post_raw(path, &[("action", "confirm")]).await;
        assert_eq!(none.status(), 403, "no token: {path}");
        let wrong = s
            .post_raw(path, &[("_csrf", "forged"), ("action", "confirm")])
            .await;
        assert_eq!(wrong.status(), 403, "forged token: {path}");
        let cross = s
            .http
            .post(format!("{}{path}", s.base))
            .header("cookie", &s.cookie)
            .header("origin", "http://evil.example")
            .form(&[("_csrf", s.csrf.as_str()), ("action", "confirm")])
            .send()
            .await
            .unwrap();
        assert_eq!(cross.status(), 403, "cross-origin: {path}");
    }
    // The run was not published by any of those.
    let page = s
        .get(&format!("/runs/{}", f.run))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("待发布"));
}

#[tokio::test]
async fn logins_are_limited_per_account() {
    let _ = fixture();
    let base = server(web::Config {
        login_failures: 3,
        ..web::Config::default()
    });
    let http = support::http();
    let try_login = |password: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            http.post(format!("{base}/login"))
                .form(&[("login", "viewer"), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..3 {
        assert_eq!(try_login("wrong password").await, 401);
    }
    // Over the limit: refused even with the right password.
    assert_eq!(try_login(support::PASSWORD).await, 429);
    // Another account is not held up by it.
    let s = login(&base, "assessor").await;
    assert_eq!(s.get("/runs").await.status(), 200);
}

#[tokio::test]
async fn hostile_text_from_a_crawled_page_is_shown_inert() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "assessor").await;
    let page = s.get(&finding(f.hostile_run, &f.hostile_finding)).await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    for live in [
        "<script>alert",
        "<img src=x",
        "<b>label",
        "href=\"javascript:",
    ] {
        assert!(!html.contains(live), "{live} rendered live");
    }
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));

    // The stored page itself: sandboxed, nothing loads, nothing runs, the words marked.
    let ev = s
        .get(&format!(
            "/runs/{}/finding/page?id={}&e=0",
            f.hostile_run,
            enc(&f.hostile_finding)
        ))
        .await;
    assert_eq!(ev.status(), 200);
    let csp = ev.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.starts_with("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let body = ev.text().await.unwrap();
    for live in [
        " src=\"http://evil",
        " href=\"http://evil",
        " onload=",
        " onerror=",
        " http-equiv=",
        " action=\"http://evil",
    ] {
        assert!(
            !body.contains(live),
            "{live} left live in the evidence page"
        );
    }
    assert!(body.contains("<mark class=\"kaohe-evidence\">办理时间：</mark>"));
}

#[tokio::test]
async fn an_assessors_decisions_rescore_the_run_and_are_audited() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "assessor").await;
    // Work on the hostile run, so the other tests' view of the demo run does not move.
    let run = f.hostile_run;
    let total = |html: &str| -> String {
        regex::Regex::new(r#"<div class="card total"><div class="big">([0-9.]+)</div>"#)
            .unwrap()
            .captures(html)
            .unwrap()[1]
            .to_string()
    };
    let before = total(&s.get(&format!("/runs/{run}")).await.text().await.unwrap());
    // A dismissal without a reason is refused, and changes nothing.
    let r = s
        .post(
            &format!("/runs/{run}/finding/decide?id={}", enc(&f.free_finding)),
            &[("action", "dismiss"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = s
        .post(
            &format!("/runs/{run}/finding/decide?id={}", enc(&f.free_finding)),
            &[("action", "dismiss"), ("reason", "抓取后已更新，截图为证")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let after = total(&s.get(&format!("/runs/{run}")).await.text().await.unwrap());
    assert!(
        after.parse::<f64>().unwrap() > before.parse::<f64>().unwrap(),
        "{before} → {after}"
    );
    // A manual deduction lowers it again.
    let r = s
        .post(
            &format!("/runs/{run}/manual"),
            &[
                ("rule", "1.1/accuracy"),
                ("department", "教育局"),
                ("subject", "收费标准过时"),
                ("url", ""),
                ("reason", "收费标准仍为 2012 年标准"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let last = total(&s.get(&format!("/runs/{run}")).await.text().await.unwrap());
    assert!(
        last.parse::<f64>().unwrap() < after.parse::<f64>().unwrap(),
        "{after} → {last}"
    );
    // Both are in the audit log, with who and why, and in its CSV.
    let audit = s
        .get(&format!("/runs/{run}/audit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(audit.contains("抓取后已更新，截图为证") && audit.contains("assessor-名"));
    assert!(audit.contains("收费标准仍为 2012 年标准"));
    let csv = s
        .get(&format!("/runs/{run}/audit?format=csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("dismiss") && csv.contains("manual"), "{csv}");
}

#[tokio::test]
async fn an_uploaded_item_table_is_checked_and_a_bad_one_refused() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "assessor").await;
    let upload = |s: &Session, indicator: &str, name: &str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("indicator", indicator.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        s.http
            .post(format!(
                "{}/runs/{}/items?_csrf={}",
                s.base,
                f.run,
                enc(&s.csrf)
            ))
            .header("cookie", &s.cookie)
            .multipart(form)
            .send()
    };
    // A table holding two of the four 3.1 entries, one cell hostile.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "事项").unwrap();
    sheet.write_string(1, 0, "身份证首次申领").unwrap();
    sheet
        .write_string(2, 0, "<script>alert(1)</script>临时身份证")
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let r = upload(&s, "3.1", "表.xlsx", bytes).await.unwrap();
    let status = r.status();
    let html = r.text().await.unwrap();
    assert_eq!(status, 200, "{html}");
    assert!(
        !html.contains("<script>alert"),
        "hostile cell rendered live"
    );
    assert!(html.contains("&lt;script&gt;"));
    assert_eq!(
        html.matches(">缺<").count(),
        2,
        "two entries missing: {html}"
    );

    // Not a workbook: a clear message, 400.
    let r = upload(&s, "3.1", "x.xlsx", b"this is not a zip".to_vec())
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("不是可读取的 XLSX"));
    // A zip that says it inflates to gigabytes: refused before it is inflated.
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zw.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    use std::io::Write;
    for _ in 0..80 {
        zw.write_all(&zeros).unwrap();
    }
    let bomb = zw.finish().unwrap().into_inner();
    assert!(bomb.len() < 1024 * 1024, "compressed small: {}", bomb.len());
    let r = upload(&s, "3.1", "bomb.xlsx", bomb).await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("解压后超过"));
}

#[tokio::test]
async fn a_run_started_in_the_browser_is_assessed_compared_published_and_frozen() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "admin").await;
    // A crawl and assessment of a one-page portal, in the background.
    let r = s
        .post(
            "/runs/start",
            &[
                ("seed", &format!("http://{}/", f.hostile_addr)),
                ("pages", "5"),
                ("as_of", "2017-12-20"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let job = r.headers()["location"].to_str().unwrap().to_string();
    let mut page = String::new();
    // Wait for the job to finish (a wait for work, not a time bound: each turn is a reload).
    for _ in 0..600 {
        page = s.get(&job).await.text().await.unwrap();
        if page.contains("已完成") || page.contains("失败") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("已完成"), "{page}");
    let new_run: i64 = regex::Regex::new(r#"评估 #(\d+)"#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .parse()
        .unwrap();
    let dash = s
        .get(&format!("/runs/{new_run}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dash.contains(&f.hostile_addr) && dash.contains("2017-12-20"),
        "{dash}"
    );

    // Compare the hostile run with the demo run: its extra finding is new, escaped.
    let cmp = s
        .get(&format!("/runs/{}/compare?with={}", f.hostile_run, f.run))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        cmp.contains("新增") && cmp.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{cmp}"
    );

    // A re-check is one fetch, named in the audit log.
    let r = s
        .post(
            &format!("/runs/{new_run}/finding/recheck?id={}", enc("x")),
            &[],
        )
        .await;
    assert_eq!(r.status(), 404, "an unknown finding cannot be re-checked");

    // Published: frozen.
    assert_eq!(
        s.post(&format!("/runs/{new_run}/publish"), &[])
            .await
            .status(),
        303
    );
    let dash = s
        .get(&format!("/runs/{new_run}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(dash.contains("已发布") && !dash.contains("添加人工扣分"));
    let r = s
        .post(
            &format!("/runs/{new_run}/manual"),
            &[
                ("rule", "1.1/accuracy"),
                ("department", "教育局"),
                ("reason", "迟到的扣分"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("已发布"));
    let audit = s
        .get(&format!("/runs/{new_run}/audit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(audit.contains("publish") && audit.contains("admin-名"));
}

#[tokio::test]
async fn the_early_warning_lists_columns_about_to_go_stale_from_the_runs_date() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "assessor").await;
    let page = s
        .get(&format!("/runs/{}/warnings?days=365", f.run))
        .await
        .text()
        .await
        .unwrap();
    // Each line says the department, the column and how many days are left at its cadence.
    let line = regex::Regex::new(
        r"<li><strong>([^<]+)</strong> · ([^<]+)：(\d+) 天后超过([^<]+)未更新</li>",
    )
    .unwrap();
    let lines: Vec<_> = line.captures_iter(&page).collect();
    assert!(!lines.is_empty(), "{page}");
    let days: Vec<i64> = lines.iter().map(|c| c[3].parse().unwrap()).collect();
    assert!(
        days.windows(2).all(|w| w[0] <= w[1]),
        "soonest first: {days:?}"
    );
    assert!(days.iter().all(|d| (1..=365).contains(d)));
    // A shorter horizon lists fewer (or as many) columns, and the department sees its own only.
    let short = s
        .get(&format!("/runs/{}/warnings?days=7", f.run))
        .await
        .text()
        .await
        .unwrap();
    assert!(line.captures_iter(&short).count() <= lines.len());
    let d = login(&base, "dept").await;
    let own = d
        .get(&format!("/runs/{}/warnings?days=365", f.run))
        .await
        .text()
        .await
        .unwrap();
    assert!(line.captures_iter(&own).all(|c| c[1] == f.own));
}

#[tokio::test]
async fn a_recheck_fetches_the_page_once_and_shows_it_as_evidence() {
    let f = fixture();
    let base = server(web::Config::default());
    let s = login(&base, "assessor").await;
    let run = f.run;
    let page = s
        .get(&finding(run, &f.own_finding))
        .await
        .text()
        .await
        .unwrap();
    let url = regex::Regex::new(r#"<a class="url" href="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();
    let path = url::Url::parse(&url).unwrap().path().to_string();
    let hits = f.site.hits(&path);
    let r = s
        .post(
            &format!("/runs/{run}/finding/recheck?id={}", enc(&f.own_finding)),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(f.site.hits(&path), hits + 1, "one request for the page");
    let page = s
        .get(&finding(run, &f.own_finding))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("复查抓取") && page.contains("HTTP 200"),
        "{page}"
    );
    let link = regex::Regex::new(r#"href="(/runs/\d+/finding/page\?id=[^"]+&amp;fetch=\d+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .replace("&amp;", "&");
    let shown = s.get(&link).await;
    assert_eq!(shown.status(), 200);
    assert!(
        shown.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    // Only a fetch a re-check of this finding named: not any fetch id.
    let other = link.replace("fetch=", "fetch=1");
    assert_eq!(s.get(&other).await.status(), 404);
    // The department sees the re-check on its finding too.
    let d = login(&base, "dept").await;
    assert_eq!(d.get(&link).await.status(), 200);
}

#[tokio::test]
async fn a_job_a_stopped_server_left_running_is_finished_by_the_next_one() {
    let f = fixture();
    // What a server killed mid-crawl leaves behind: a job marked running.
    let store = store::Store::open(&f.db).await.unwrap();
    let options = format!(
        r#"{{"pages":5,"as_of":"2017-12-20","rubric":"{}","history":false}}"#,
        rubric::BUNDLED_ID
    );
    let job = store
        .create_job(&format!("http://{}/", f.hostile_addr), &options, "张三")
        .await
        .unwrap();
    store
        .update_job(
            job,
            store::JobState::Running,
            "正在抓取：已抓取 0",
            "",
            None,
            None,
        )
        .await
        .unwrap();
    // A new server starts (`kaohe serve` = bind + serve, which resumes jobs first).
    let db = f.db.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let store = store::Store::open(&db).await.unwrap();
            let state = web::AppState::new(store, Vec::new(), web::Config::default());
            let l = web::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
            web::serve(state, l).await.unwrap();
        });
    });
    let mut state = store::JobState::Running;
    for _ in 0..600 {
        state = store.job(job).await.unwrap().unwrap().state;
        if matches!(state, store::JobState::Done | store::JobState::Failed) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let j = store.job(job).await.unwrap().unwrap();
    assert_eq!(state, store::JobState::Done, "{} {}", j.progress, j.message);
    let run = j.run.unwrap();
    assert!(store.run(run).await.unwrap().is_some());
}
