//! `kaohe snapshot list|show|export-warc` as a user runs them, on a SQLite store written
//! through the store's own API (the crawler's path), in Chinese.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use store::chrono::{TimeZone, Utc};
use store::*;

fn fetch(
    frontier: Option<FrontierId>,
    url: &str,
    outcome: Outcome,
    status: Option<u16>,
) -> FetchRecord {
    FetchRecord {
        frontier,
        url: url.into(),
        final_url: url.into(),
        method: "GET".into(),
        request_headers: vec![("User-Agent".into(), "kaohe/0.1".into())],
        redirects: vec![],
        status,
        headers: ResponseHeaders {
            content_type: Some("text/html; charset=gbk".into()),
            etag: Some("\"e1\"".into()),
            ..ResponseHeaders::default()
        },
        timing: Timing {
            started_at: Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap(),
            connect_ms: Some(2),
            ttfb_ms: Some(9),
            total_ms: Some(15),
        },
        outcome,
        detail: None,
        encoding: Some(EncodingInfo {
            name: "GBK".into(),
            source: EncodingSource::Meta,
            had_errors: false,
        }),
        body: status.map(|_| format!("<html>{url}</html>").into_bytes()),
        body_truncated: false,
        unchanged_hash: None,
        attachment: None,
    }
}

/// A store with one crawl: a home page with two links, a 412 challenge, a timeout.
fn sample_store(path: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = Store::open(path).await.unwrap();
        let c = s
            .create_crawl("http://127.0.0.1:9/", &serde_json::json!({"rate": 2}))
            .await
            .unwrap();
        let url = |u: &str| NewUrl {
            url: u.into(),
            depth: 1,
            from_fetch: None,
            purpose: Purpose::Crawl,
        };
        s.enqueue(
            c,
            &[NewUrl {
                depth: 0,
                ..url("http://127.0.0.1:9/")
            }],
        )
        .await
        .unwrap();
        let home = s.claim(c, 1).await.unwrap().remove(0);
        let links = [
            NewLink {
                to_url: "http://127.0.0.1:9/zwgk/".into(),
                text: Some("政务公开".into()),
                kind: LinkKind::Anchor,
            },
            NewLink {
                to_url: "http://127.0.0.1:9/slow".into(),
                text: Some("慢页面".into()),
                kind: LinkKind::Anchor,
            },
        ];
        s.record(
            c,
            &fetch(
                Some(home.id),
                "http://127.0.0.1:9/",
                Outcome::Fetched,
                Some(200),
            ),
            &links,
            &[
                url("http://127.0.0.1:9/zwgk/"),
                url("http://127.0.0.1:9/slow"),
            ],
        )
        .await
        .unwrap();
        for item in s.claim(c, 2).await.unwrap() {
            let rec = if item.url.ends_with("slow") {
                fetch(Some(item.id), &item.url, Outcome::TimedOut, None)
            } else {
                fetch(Some(item.id), &item.url, Outcome::Challenged, Some(412))
            };
            s.record(c, &rec, &[], &[]).await.unwrap();
        }
        s.finish_crawl(c, CrawlState::Finished).await.unwrap();
        s.close().await;
    });
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p =
            std::env::temp_dir().join(format!("kaohe-snapshot-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn kaohe() -> Command {
    let mut cmd = Command::cargo_bin("kaohe").unwrap();
    cmd.env_remove("KAOHE_DB");
    cmd
}

#[test]
fn list_show_and_export_a_crawl() {
    let dir = TempDir::new("list");
    let db = dir.path().join("kaohe.sqlite");
    sample_store(db.to_str().unwrap());

    // default --db is kaohe.sqlite in the current directory
    kaohe()
        .current_dir(dir.path())
        .args(["snapshot", "list"])
        .assert()
        .success()
        .stdout(contains("1 次抓取"))
        .stdout(contains("已完成"))
        .stdout(contains("http://127.0.0.1:9/"))
        .stdout(
            predicate::str::is_match(
                r"\n1 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +已完成 +3 +0 +0 +3 +http://127.0.0.1:9/\n",
            )
            .unwrap(),
        );

    // KAOHE_DB names it too
    kaohe()
        .env("KAOHE_DB", &db)
        .args(["snapshot", "show", "1"])
        .assert()
        .success()
        .stdout(contains("抓取记录：3 条"))
        .stdout(predicate::str::is_match(r"抓取成功 +1\n").unwrap())
        .stdout(predicate::str::is_match(r"防火墙拦截（未核实） +1\n").unwrap())
        .stdout(predicate::str::is_match(r"超时（未核实） +1\n").unwrap())
        .stdout(contains("未核实 2，按规则未抓取 0"));

    kaohe()
        .args(["snapshot", "show", "1", "http://127.0.0.1:9/", "--db"])
        .arg(&db)
        .assert()
        .success()
        .stdout(contains("状态码：200"))
        .stdout(contains("编码：GBK（依据：网页 meta 声明）"))
        .stdout(contains("响应头 ETag：\"e1\""))
        .stdout(contains("[链接] 政务公开 → http://127.0.0.1:9/zwgk/"))
        .stdout(contains("首字节 9 毫秒"));
    kaohe()
        .args(["snapshot", "show", "1", "http://127.0.0.1:9/slow", "--db"])
        .arg(&db)
        .assert()
        .success()
        .stdout(contains("状态码：无（未收到响应）"))
        .stdout(contains("不能据此认定网页缺失"));
    kaohe()
        .args(["snapshot", "show", "1", "http://127.0.0.1:9/none", "--db"])
        .arg(&db)
        .assert()
        .code(1)
        .stdout(contains("没有网址 http://127.0.0.1:9/none 的抓取记录"));
    kaohe()
        .args(["snapshot", "show", "42", "--db"])
        .arg(&db)
        .assert()
        .code(2)
        .stderr(contains("抓取任务 42 不存在"));

    // export: default file name in the current directory
    kaohe()
        .current_dir(dir.path())
        .args(["snapshot", "export-warc", "1"])
        .assert()
        .success()
        .stdout(contains("3 条抓取记录"))
        .stdout(contains("kaohe-crawl-1.warc.gz"));
    let warc = std::fs::read(dir.path().join("kaohe-crawl-1.warc.gz")).unwrap();
    assert_eq!(&warc[..2], &[0x1f, 0x8b], "gzip");
    let out = dir.path().join("x.warc.gz");
    kaohe()
        .args(["snapshot", "export-warc", "1", "-o"])
        .arg(&out)
        .arg("--db")
        .arg(&db)
        .assert()
        .success();
    assert_eq!(std::fs::read(&out).unwrap(), warc, "deterministic export");
    assert!(!dir.path().join("x.warc.gz.part").exists());
}

#[test]
fn a_missing_store_is_an_error_not_a_new_file() {
    let dir = TempDir::new("missing");
    kaohe()
        .current_dir(dir.path())
        .args(["snapshot", "list"])
        .assert()
        .code(2)
        .stderr(contains("数据库文件 kaohe.sqlite 不存在"));
    assert!(!dir.path().join("kaohe.sqlite").exists());
    kaohe()
        .current_dir(dir.path())
        .args(["snapshot", "export-warc", "1", "--db", "nope.sqlite"])
        .assert()
        .code(2)
        .stderr(contains("不存在"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

/// A file that is not a store, a directory that does not exist, a database server that is not
/// there, a URL without its scheme: one Chinese line each, the cause said once, no English
/// driver text, no password.
#[test]
fn a_store_that_does_not_open_says_why_in_chinese() {
    let dir = TempDir::new("broken");
    std::fs::write(
        dir.path().join("notes.sqlite"),
        "这不是数据库。".repeat(300),
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.sqlite"), "").unwrap();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let cases: [(&[&str], &str); 7] = [
        (
            &["snapshot", "list", "--db", "notes.sqlite"],
            "notes.sqlite 不是 kaohe 快照库",
        ),
        // A read-only command never writes a schema into a file that is not a store.
        (
            &["snapshot", "list", "--db", "empty.sqlite"],
            "empty.sqlite 不是 kaohe 快照库",
        ),
        (
            &["snapshot", "list", "--db", "adir"],
            "adir 是一个目录，不是快照库文件",
        ),
        (
            &[
                "snapshot",
                "list",
                "--db",
                "postgres://kaohe@127.0.0.1:1/kaohe?password=s3cret-pw",
            ],
            "password=***",
        ),
        (
            &[
                "crawl",
                "http://127.0.0.1:9/",
                "--db",
                "no/such/dir/k.sqlite",
            ],
            "目录不存在",
        ),
        // nobody listens on port 1
        (
            &[
                "snapshot",
                "list",
                "--db",
                "postgres://kaohe:s3cret-pw@127.0.0.1:1/kaohe",
            ],
            "postgres://kaohe:***@127.0.0.1:1/kaohe：连接被拒绝",
        ),
        (
            &["crawl", "www.leiyang.gov.cn"],
            "缺少 http:// 或 https:// 开头",
        ),
    ];
    for (args, want) in cases {
        let out = kaohe().current_dir(dir.path()).args(args).output().unwrap();
        assert_eq!(
            std::fs::metadata(dir.path().join("empty.sqlite"))
                .unwrap()
                .len(),
            0,
            "{args:?} wrote into a file that is not a store"
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let e = String::from_utf8(out.stderr).unwrap();
        assert!(e.starts_with("错误：") && e.contains(want), "{args:?}: {e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(
            !e.contains("error returned") && !e.contains("s3cret-pw"),
            "{e}"
        );
    }
    assert!(!dir.path().join("no").exists());
}

/// Truncation said plainly: a body refused for its declared size was not saved at all; a body
/// cut at the cap was saved up to it.
#[test]
fn truncation_is_said_as_it_happened() {
    let dir = TempDir::new("trunc");
    let db = dir.path().join("t.sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = Store::open(db.to_str().unwrap()).await.unwrap();
        let c = s
            .create_crawl("http://127.0.0.1:9/", &serde_json::json!({}))
            .await
            .unwrap();
        let urls: Vec<NewUrl> = ["http://127.0.0.1:9/huge", "http://127.0.0.1:9/cut"]
            .iter()
            .map(|u| NewUrl {
                url: (*u).into(),
                depth: 0,
                from_fetch: None,
                purpose: Purpose::Crawl,
            })
            .collect();
        s.enqueue(c, &urls).await.unwrap();
        for item in s.claim(c, 2).await.unwrap() {
            let mut rec = fetch(Some(item.id), &item.url, Outcome::TooLarge, Some(200));
            rec.body_truncated = true;
            if item.url.ends_with("huge") {
                rec.body = None;
                rec.headers.content_length = Some("2147483648".into());
            } else {
                rec.body = Some(vec![b'x'; 1000]);
            }
            s.record(c, &rec, &[], &[]).await.unwrap();
        }
        s.close().await;
    });
    kaohe()
        .args(["snapshot", "show", "1", "http://127.0.0.1:9/huge", "--db"])
        .arg(&db)
        .assert()
        .success()
        .stdout(contains("声明的长度 2147483648 字节），未读取、未保存"));
    kaohe()
        .args(["snapshot", "show", "1", "http://127.0.0.1:9/cut", "--db"])
        .arg(&db)
        .assert()
        .success()
        .stdout(contains("只保存了前 1000 字节"));
}
