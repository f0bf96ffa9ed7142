//! `kaohe crawl` as a user runs it: the summary in Chinese, and a portal whose home page cannot
//! be read is said to be so — in the summary and in the exit code — not reported as a crawl
//! that went fine with nothing in it.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use assert_cmd::Command;

#[test]
fn an_unreachable_portal_is_said_plainly_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("kaohe-crawl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("k.sqlite");
    // nobody listens on port 1 of the loopback
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["crawl", "http://127.0.0.1:1/", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("抓取完成：抓取任务 #1"), "{text}");
    assert!(
        text.contains("注意：首页 http://127.0.0.1:1/ 未能抓取"),
        "{text}"
    );
    assert!(text.contains("连接被拒绝"), "the cause is named: {text}");
    assert!(text.contains("未核实 1"), "counted as unverified: {text}");
    assert!(
        text.contains("失效 0"),
        "never as the site's defect: {text}"
    );
}

#[test]
fn a_broken_exclude_pattern_is_refused_before_anything_is_written() {
    let dir = std::env::temp_dir().join(format!("kaohe-crawl-cli-x-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .current_dir(&dir)
        .args([
            "crawl",
            "http://127.0.0.1:9/",
            "--exclude",
            "/search/(",
            "--db",
            "k.sqlite",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    let written = std::fs::read_dir(&dir).unwrap().count();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        err.trim(),
        "错误：--exclude 的正则表达式无效：/search/(（圆括号没有闭合）"
    );
    assert_eq!(written, 0, "no store created");
}

/// A host name that does not resolve is said in Chinese, not in the resolver's English.
#[test]
fn an_unresolvable_host_is_said_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["crawl", "http://no-such-portal.invalid/", "--db"])
        .arg(dir.path().join("k.sqlite"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("无法解析"), "{text}");
    assert!(!text.contains("failed to lookup"), "English leaked: {text}");
}

/// The crawl's summary and `kaohe snapshot show` count the same crawl the same way: robots.txt
/// (a 404 here) is not a page, a redirect off the scope is "not fetched by rule", and the
/// four tallies agree.
#[test]
fn the_summary_and_snapshot_show_agree() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { return };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let reply = match path.as_str() {
                "/" => {
                    let body = "<html><body><a href=\"/a.html\">通知公告栏目</a><a href=\"/away\">外部网站链接</a><a href=\"/gone.html\">已删除的页面</a></body></html>";
                    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
                }
                "/a.html" => {
                    let body = "<html><body><p>通知公告的正文内容</p></body></html>";
                    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
                }
                "/away" => "HTTP/1.1 302 Found\r\nLocation: http://www.example.com/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
                _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
            };
            let _ = s.write_all(reply.as_bytes());
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["crawl", &format!("http://{addr}/"), "--rate", "0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{summary}");
    let show = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["snapshot", "show", "1", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let show = String::from_utf8(show.stdout).unwrap();
    // home + a.html fine, gone.html broken (404), /away not fetched (off scope).
    for want in ["正常 2", "失效 1", "未核实 0", "按规则未抓取 1"] {
        assert!(summary.contains(want), "summary lacks {want}:\n{summary}");
        assert!(show.contains(want), "snapshot show lacks {want}:\n{show}");
    }
    assert!(show.contains("抓取记录：4 条"), "{show}");
}
