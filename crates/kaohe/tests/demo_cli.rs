//! `kaohe demo`: the whole job so far on the bundled sample portal, in one command.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use assert_cmd::Command;

fn number_after(text: &str, before: &str) -> u64 {
    let at = text
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} not in:\n{text}"))
        + before.len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn demo_crawls_reads_and_matches_the_ground_truth() {
    let dir = std::env::temp_dir().join(format!("kaohe-demo-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.sqlite");
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["demo", "--pages", "600", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The crawl stored pages and kept the portal's firewall answer as unverified.
    assert!(number_after(&text, "① 抓取：记录 ") > 500, "{text}");
    assert!(number_after(&text, "未核实 ") >= 1, "{text}");
    // Every guide of the truth was read as a guide, and every seeded missing element found.
    let guides = number_after(&text, "③ 办事指南要素（对照标准答案）：");
    assert_eq!(number_after(&text, "份指南中读出 "), guides, "{text}");
    assert_eq!(
        number_after(&text, "埋设的缺失要素 "),
        number_after(&text, " 处，发现 "),
        "{text}"
    );
    // …and no element that is on a page was reported missing: no department charged wrongly.
    assert_eq!(number_after(&text, "误报 "), 0, "{text}");
    // Every column's newest date was read right.
    let columns = number_after(&text, "④ 栏目更新日期（对照标准答案）：");
    assert_eq!(
        number_after(&text, "个子栏目中最新日期读对 "),
        columns,
        "{text}"
    );

    // The score quoted is the manifest's, which the scoring engine computed.
    let truth = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["demo-site", "truth", "--pages", "600"])
        .output()
        .unwrap();
    let truth: serde_json::Value = serde_json::from_slice(&truth.stdout).unwrap();
    let total = truth["scores"]["total"].as_f64().unwrap();
    assert!(text.contains(&format!("应得 {total} 分")), "{text}");

    // The snapshot is a real store the other commands open.
    let list = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["snapshot", "list", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
