//! `kaohe user` and `kaohe serve` as a user runs them: accounts made from a script (password
//! on standard input), bad input refused in Chinese before anything is written, and the
//! workbench answering on the address it prints.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::io::{BufRead, BufReader};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;

fn kaohe(db: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    Command::cargo_bin("kaohe")
        .unwrap()
        .args(args)
        .arg("--db")
        .arg(db)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn accounts_are_made_checked_listed_and_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let ok = kaohe(
        &db,
        &["user", "add", "li", "--role", "assessor", "--name", "李四"],
        "a long password\n",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("已建立账号 li（评估人员）"));

    for (args, says) in [
        (vec!["user", "add", "li", "--role", "viewer"], "已存在"),
        (
            vec!["user", "add", "jy", "--role", "department"],
            "--department",
        ),
        (
            vec![
                "user",
                "add",
                "jy",
                "--role",
                "department",
                "--department",
                "不存在局",
            ],
            "不在指标体系",
        ),
        (
            vec![
                "user",
                "add",
                "v",
                "--role",
                "viewer",
                "--department",
                "教育局",
            ],
            "只有部门用户",
        ),
        (vec!["user", "add", "a b", "--role", "viewer"], "不能含空格"),
    ] {
        let out = kaohe(&db, &args, "a long password\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let short = kaohe(&db, &["user", "add", "v", "--role", "viewer"], "short\n");
    assert!(String::from_utf8_lossy(&short.stderr).contains("至少 8 个字符"));

    let dept = kaohe(
        &db,
        &[
            "user",
            "add",
            "jy",
            "--role",
            "department",
            "--department",
            "教育局",
        ],
        "a long password\n",
    );
    assert!(dept.status.success());
    let list = String::from_utf8_lossy(&kaohe(&db, &["user", "list"], "").stdout).to_string();
    assert!(
        list.contains("li  李四  评估人员") && list.contains("部门用户（教育局）"),
        "{list}"
    );
    assert!(
        !list.contains("v  "),
        "refused accounts were not written: {list}"
    );

    assert!(kaohe(&db, &["user", "disable", "jy"], "").status.success());
    let list = String::from_utf8_lossy(&kaohe(&db, &["user", "list"], "").stdout).to_string();
    assert!(list.contains("已停用"), "{list}");
    let missing = kaohe(&db, &["user", "passwd", "nobody"], "a long password\n");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("不存在"));
}

#[test]
fn serve_answers_on_the_address_it_prints_and_refuses_a_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    assert!(
        kaohe(
            &db,
            &["user", "add", "admin", "--role", "admin"],
            "a long password\n"
        )
        .status
        .success()
    );
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin!("kaohe"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("考核工作台："))
        .unwrap()
        .to_string();
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = http.get(format!("{url}login")).send().unwrap();
    assert_eq!(login.status(), 200);
    assert!(login.text().unwrap().contains("登录考核工作台"));
    let wrong = http
        .post(format!("{url}login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login=admin&password=wrong+password")
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().unwrap().contains("登录名或口令不对"));
    let right = http
        .post(format!("{url}login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login=admin&password=a+long+password")
        .send()
        .unwrap();
    assert_eq!(right.status(), 303);
    let cookie = right.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let _ = child.kill();
    let _ = child.wait();
}
