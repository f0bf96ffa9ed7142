//! The command line never leaves a user guessing: the bare command lists the commands, `help`
//! works, a usage error points at the help of the command being typed, bad values are refused
//! before anything is written, and Ctrl-C says what was kept and how to go on.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use assert_cmd::Command;
use predicates::str::contains;

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

#[test]
fn the_bare_command_and_help_list_the_commands() {
    for args in [&[][..], &["help"][..], &["--help"][..]] {
        let out = kaohe().args(args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
        for cmd in ["demo", "assess", "report", "crawl", "snapshot", "inspect"] {
            assert!(
                text.contains(&format!("  {cmd} ")),
                "{args:?} does not list {cmd}:\n{text}"
            );
        }
    }
    kaohe()
        .args(["help", "crawl"])
        .assert()
        .success()
        .stdout(contains("--allow-private"));
}

#[test]
fn a_usage_error_points_at_the_commands_own_help() {
    kaohe()
        .args(["crawl"])
        .assert()
        .code(2)
        .stderr(contains("查看用法：kaohe crawl --help"));
    kaohe()
        .args(["snapshot", "show"])
        .assert()
        .code(2)
        .stderr(contains("查看用法：kaohe snapshot show --help"));
}

#[test]
fn bad_values_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["crawl", "http://127.0.0.1:9/", "--timeout", "0"],
            "应在 1 到 600 之间",
        ),
        (
            &["crawl", "http://127.0.0.1:9/", "--scope", "http://a b/c"],
            "--scope 的主机",
        ),
        (
            &["crawl", "http://127.0.0.1:9/", "--resume"],
            "没有可继续的抓取任务",
        ),
        (
            &["demo-site", "serve", "--pages", "10"],
            "至少有 600 个网页",
        ),
        (&["demo", "--pages", "10"], "至少有 600 个网页"),
    ];
    for (args, want) in cases {
        kaohe()
            .current_dir(dir.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(want));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} wrote a file"
        );
    }
}

/// Ctrl-C in the middle of a crawl: exit 130, with what was kept and the command to resume;
/// without a terminal the crawl wrote a progress line every `--progress-every` seconds.
#[cfg(unix)]
#[test]
fn ctrl_c_says_how_to_resume() {
    use std::io::{Read, Write};
    // A portal whose pages take a while, so the crawl is still running when interrupted.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for (n, conn) in listener.incoming().enumerate() {
            let Ok(mut s) = conn else { return };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                std::thread::sleep(std::time::Duration::from_millis(300));
                let body = format!(
                    "<html><body><a href=\"/p{}.html\">下一页</a><a href=\"/q{}.html\">另一页</a></body></html>",
                    n + 1,
                    n + 2
                );
                let _ = s.write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kaohe"))
        .args([
            "crawl",
            &format!("http://{addr}/"),
            "--rate",
            "0",
            "--progress-every",
            "1",
            "--db",
        ])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the crawl has recorded something (counted in the store, not timed).
    let mut waited = 0;
    while waited < 600 && !db.exists() {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("已中断") && err.contains("--resume"), "{err}");
    assert!(err.contains("秒] 已抓取"), "no progress line: {err}");
}
