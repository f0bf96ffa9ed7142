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
        .arg("--out")
        .arg(dir.join("reports"))
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
    // …and wrote the office's reports into the folder it names.
    assert!(
        text.contains(&format!("在 {}", dir.join("reports").display())),
        "{text}"
    );
    for f in [
        "评估报告-1.xlsx",
        "评估报告-1.html",
        "评估报告-1.json",
        "整改通知单/教育局-整改通知单.docx",
    ] {
        assert!(dir.join("reports").join(f).exists(), "{f} not written");
    }

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

    assess_again_with_decisions_and_a_profile(&dir, &db, &truth);
    let _ = std::fs::remove_dir_all(&dir);
}

fn kaohe_json(args: &[&str], db: &std::path::Path) -> serde_json::Value {
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The stored crawl assessed again with no network: the same result, then the assessors'
/// decisions applied by the scoring engine, and a profile written by `map` read back.
fn assess_again_with_decisions_and_a_profile(
    dir: &std::path::Path,
    db: &std::path::Path,
    truth: &serde_json::Value,
) {
    let as_of = truth["as_of"].as_str().unwrap();
    let base = [
        "assess", "--crawl", "2", "--as-of", as_of, "--format", "json",
    ];
    let a = kaohe_json(&base, db);
    let total = a["total"].as_f64().unwrap();
    assert_eq!(total, truth["scores"]["total"].as_f64().unwrap());
    let findings = a["findings"].as_array().unwrap();
    let with = |status: &str| {
        findings
            .iter()
            .find(|f| f["status"] == status)
            .unwrap_or_else(|| panic!("no {status} finding"))
    };
    // Dismiss a deducted freshness finding (2 points back, if its indicator was not floored),
    // confirm a needs-review one, and add a manual deduction under 1.1/accuracy.
    let dismissed = findings
        .iter()
        .find(|f| f["status"] == "deducted" && f["indicator"] == "2.2")
        .unwrap();
    let review = with("needs_review");
    let decisions = dir.join("decisions.toml");
    std::fs::write(
        &decisions,
        format!(
            "[[decisions]]\nfinding = {:?}\naction = \"dismiss\"\nreason = \"抓取后已更新\"\nby = \"张三\"\nat = \"2017-12-21\"\n\n\
             [[decisions]]\nfinding = {:?}\naction = \"confirm\"\nby = \"张三\"\nat = \"2017-12-21\"\n\n\
             [[manual]]\nrule = \"1.1/accuracy\"\ndepartment = \"教育局\"\nsubject = \"收费标准\"\nreason = \"收费标准已过时\"\nby = \"张三\"\nat = \"2017-12-21\"\n",
            dismissed["id"].as_str().unwrap(),
            review["id"].as_str().unwrap()
        ),
    )
    .unwrap();
    let mut args = base.to_vec();
    let d = decisions.to_str().unwrap();
    args.extend(["--decisions", d]);
    let b = kaohe_json(&args, db);
    assert_eq!(b["counts"]["manual"], 1);
    assert_eq!(b["decisions"].as_array().unwrap().len(), 2);
    let ind = |v: &serde_json::Value, id: &str| -> f64 {
        v["scores"]["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["indicators"].as_array().unwrap())
            .find(|i| i["id"] == id)
            .unwrap()["score"]
            .as_f64()
            .unwrap()
    };
    // The dismissed finding costs nothing: 2.2 gets its 2 points back.
    assert_eq!(ind(&b, "2.2"), ind(&a, "2.2") + 2.0);
    // The manual deduction costs 1.1 its rule's point.
    assert_eq!(ind(&b, "1.1"), ind(&a, "1.1") - 1.0);
    // The confirmed needs-review finding now counts on its indicator (unless it was floored).
    let rid = review["indicator"].as_str().unwrap();
    assert!(ind(&b, rid) < ind(&a, rid) || ind(&a, rid) == 0.0);

    // Every assessment was stored as a run; decisions appended to the first run rescore it,
    // and a published run refuses more.
    let runs = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["run", "list", "--db"])
        .arg(db)
        .output()
        .unwrap();
    let runs = String::from_utf8_lossy(&runs.stdout).to_string();
    assert!(runs.contains("次评估"), "{runs}");
    let only_dismiss = dir.join("dismiss.toml");
    std::fs::write(
        &only_dismiss,
        format!(
            "[[decisions]]\nfinding = {:?}\naction = \"dismiss\"\nreason = \"抓取后已更新\"\nby = \"张三\"\nat = \"2017-12-21\"\n",
            dismissed["id"].as_str().unwrap()
        ),
    )
    .unwrap();
    let decide = |run: &str| {
        Command::cargo_bin("kaohe")
            .unwrap()
            .args(["run", "decide", run, "--decisions"])
            .arg(&only_dismiss)
            .arg("--db")
            .arg(db)
            .output()
            .unwrap()
    };
    // Run 1 is `kaohe demo`'s own assessment, with the ground truth's total.
    let out = decide("1");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("总分 {total} → {}", total + 2.0))
    );
    let shown = kaohe_json(&["run", "show", "1", "--format", "json"], db);
    assert_eq!(shown["total"].as_f64().unwrap(), total + 2.0);
    reports_of_the_decided_run(dir, db, dismissed["id"].as_str().unwrap(), total + 2.0);
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["run", "publish", "1", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = decide("1");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("已发布，不能再修改"));

    // A broken decisions file is refused in Chinese, with the entry to fix.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[decisions]]\nfinding = \"x\"\naction = \"dismiss\"\nby = \"张三\"\nat = \"2017-12-21\"\n").unwrap();
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["assess", "--crawl", "2", "--as-of", as_of, "--decisions"])
        .arg(&bad)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("第 1 个 [[decisions]] 撤销问题却没有写 reason"),
        "{err}"
    );

    // `map --write-profile` writes a profile that `assess --profile` reads back, giving the
    // same result.
    let profile = dir.join("profile.toml");
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["map", "2", "--write-profile"])
        .arg(&profile)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2.1 居住证办理"), "{text}");
    let mut args = base.to_vec();
    let p = profile.to_str().unwrap();
    args.extend(["--profile", p]);
    let c = kaohe_json(&args, db);
    assert_eq!(c["total"], a["total"]);
    assert_eq!(c["findings"].as_array().unwrap().len(), findings.len());
}

/// `kaohe report` on a run with a decision: the reports show the rescored total and the
/// dismissal, a department gets only its own notice, and an unknown department is refused.
fn reports_of_the_decided_run(
    dir: &std::path::Path,
    db: &std::path::Path,
    dismissed: &str,
    total: f64,
) {
    let out_dir = dir.join("report-1");
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["report", "1", "--format", "html", "--out"])
        .arg(&out_dir)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(out_dir.join("评估报告-1.html")).unwrap();
    assert!(html.contains(&format!("{total} 分")), "the rescored total");
    let at = html
        .find(&format!(
            "id=\"{}\"",
            dismissed
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\'', "&#39;")
        ))
        .expect("the dismissed finding");
    assert!(
        html[at..]
            .split("</div>")
            .next()
            .unwrap()
            .contains("已撤销")
    );

    let dept_dir = dir.join("report-edu");
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args([
            "report",
            "1",
            "--format",
            "docx",
            "--department",
            "教育局",
            "--out",
        ])
        .arg(&dept_dir)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notices: Vec<_> = std::fs::read_dir(dept_dir.join("整改通知单"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let mut notices = notices;
    notices.sort();
    assert_eq!(
        notices,
        ["教育局-整改通知单.docx", "教育局-整改通知单.html"]
    );

    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["report", "1", "--department", "不存在局", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不在指标体系的单位名录中"));
}
