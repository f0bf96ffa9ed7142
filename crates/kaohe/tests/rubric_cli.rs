//! `kaohe rubric show|check` as a user runs them.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use assert_cmd::Command;
use predicates::prelude::*;

const RUBRIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../rubrics/leiyang-2017.toml"
);

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

#[test]
fn show_json_lists_three_sections_and_twenty_indicators_summing_to_100() {
    let out = kaohe()
        .args(["rubric", "show", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "leiyang-2017");
    assert_eq!(v["total"], 100);
    let sections = v["sections"].as_array().unwrap();
    let points: Vec<i64> = sections
        .iter()
        .map(|s| s["points"].as_i64().unwrap())
        .collect();
    assert_eq!(points, [48, 30, 22]);
    let indicators: Vec<&serde_json::Value> = sections
        .iter()
        .flat_map(|s| s["indicators"].as_array().unwrap())
        .collect();
    assert_eq!(indicators.len(), 20);
    assert_eq!(
        indicators
            .iter()
            .map(|i| i["points"].as_i64().unwrap())
            .sum::<i64>(),
        100
    );
    let housing = indicators.iter().find(|i| i["name"] == "住房服务").unwrap();
    assert_eq!(
        housing["departments"],
        serde_json::json!(["住建局", "住房公积金管理中心"])
    );
    let kinds: Vec<&str> = indicators
        .iter()
        .flat_map(|i| i["rules"].as_array().unwrap())
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    for k in [
        "column_freshness",
        "guide_elements",
        "forms_downloadable",
        "required_content",
        "item_table",
        "manual",
    ] {
        assert!(kinds.contains(&k), "{k} missing");
    }
}

#[test]
fn show_table_reads_like_the_seed() {
    kaohe()
        .args(["rubric", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("（一）民生领域服务　48 分"))
        .stdout(predicate::str::contains("居住证办理"))
        .stdout(predicate::str::contains("评分规则同 1.1"))
        .stdout(predicate::str::contains("交通运输和旅游局、交警大队"))
        .stdout(predicate::str::contains(
            "卫生和计划生育局（又称：耒阳市卫生和计划生育局、卫计局",
        ));
}

#[test]
fn show_loads_another_rubric_from_a_file() {
    let dir = tempdir();
    let path = dir.join("edition.toml");
    let text = std::fs::read_to_string(RUBRIC)
        .unwrap()
        .replace("id = \"leiyang-2017\"", "id = \"leiyang-2018\"");
    std::fs::write(&path, text).unwrap();
    kaohe()
        .args(["rubric", "show", "--format", "json", "--rubric"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"id\": \"leiyang-2018\""));
}

#[test]
fn check_accepts_the_bundled_file() {
    kaohe()
        .args(["rubric", "check", RUBRIC])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("校验通过"))
        .stdout(predicate::str::contains("20 项指标"));
}

#[test]
fn check_names_the_line_and_the_fix() {
    let dir = tempdir();
    let path = dir.join("broken.toml");
    let good = std::fs::read_to_string(RUBRIC).unwrap();
    let bad = good.replacen("default_within = \"1个月\"", "default_within = \"每月\"", 1);
    let line = good[..good.find("default_within = \"1个月\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    std::fs::write(&path, bad).unwrap();
    kaohe()
        .args(["rubric", "check"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "broken.toml:{line}:18：无法识别的期限「每月」"
        )))
        .stderr(predicate::str::contains("修改建议"))
        .stderr(predicate::str::contains("发现 1 处错误"));
}

#[test]
fn an_unknown_rubric_says_what_exists() {
    kaohe()
        .args(["rubric", "show", "--rubric", "no-such-rubric"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("找不到指标体系「no-such-rubric」"))
        .stderr(predicate::str::contains("leiyang-2017"));
}

/// A fresh directory, removed when the test ends (pass or fail).
struct TempDir(std::path::PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "kaohe-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

#[test]
fn every_help_page_is_in_chinese_and_renders() {
    // Walk the whole command tree: a help page that fails to render (clap asserts) or
    // falls back to English headings breaks here.
    fn walk(path: Vec<String>) {
        let out = kaohe().args(&path).arg("--help").output().unwrap();
        assert!(
            out.status.success(),
            "{path:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("用法："), "{path:?}: {text}");
        for english in [
            "Options:",
            "Print help",
            "[env:",
            "[default:",
            "[possible values:",
        ] {
            assert!(
                !text.contains(english),
                "{path:?} shows {english:?}: {text}"
            );
        }
        if let Some(cmds) = text.split("命令:\n").nth(1) {
            for line in cmds.lines().take_while(|l| l.starts_with("  ")) {
                let name = line.split_whitespace().next().unwrap().to_string();
                let mut p = path.clone();
                p.push(name);
                walk(p);
            }
        }
    }
    walk(vec![]);
}
