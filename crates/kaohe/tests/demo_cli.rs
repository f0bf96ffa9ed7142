//! `kaohe demo`: the main job on the bundled sample portal, in one command: crawl, assess,
//! score, and agree with the portal's ground truth.

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
fn demo_crawls_assesses_and_matches_the_ground_truth() {
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
    // The assessment printed the score table…
    assert!(text.contains("总分："), "{text}");
    assert!(text.contains("2.1   居住证办理"), "{text}");
    // …and agrees with the ground truth: every seeded finding, nothing extra, the same total.
    let seeded = number_after(&text, "埋设问题 ");
    assert!(seeded > 10, "{text}");
    assert_eq!(number_after(&text, "评估找到 "), seeded, "{text}");
    assert_eq!(number_after(&text, "漏报 "), 0, "{text}");
    assert_eq!(number_after(&text, "多报 "), 0, "{text}");
    let truth = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["demo-site", "truth", "--pages", "600"])
        .output()
        .unwrap();
    let truth: serde_json::Value = serde_json::from_slice(&truth.stdout).unwrap();
    let total = truth["scores"]["total"].as_f64().unwrap();
    assert!(text.contains(&format!("评估总分 {total}")), "{text}");
    assert!(text.contains("一致：评估结果与标准答案完全相同"), "{text}");

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
