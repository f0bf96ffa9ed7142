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
