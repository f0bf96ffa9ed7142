//! Every artefact of a real run, opened with the readers the office's tools agree with: the
//! sample portal crawled over HTTP, assessed and stored as a run, then its workbook read by
//! openpyxl, its notices and workbook converted by LibreOffice headless, its HTML parsed for
//! anything that could load or run. A hostile finding (a script in the excerpt, a formula in
//! the message, a `javascript:` URL) is inert in every format.
//!
//! The readers are outside programs: where one is missing the test says it skipped (CI
//! installs them all).

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use assess::Assessment;
use crawl::{CrawlOptions, Crawler};
use report::{Format, Report, RunInfo};
use store::Store;
use url::Url;

/// The sample portal's assessment (seed 1), stored as a run and read back.
fn run() -> &'static (Assessment, rubric::Rubric) {
    static RUN: OnceLock<(Assessment, rubric::Rubric)> = OnceLock::new();
    RUN.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let site = demo::Site::new(1, 1000);
            let truth = site.truth();
            let store = Store::open(dir.path().join("r.sqlite").to_str().unwrap())
                .await
                .unwrap();
            let server = demo::serve(site, "127.0.0.1:0".parse().unwrap()).unwrap();
            let mut o = CrawlOptions::new(Url::parse(&format!("{}/", server.base_url())).unwrap());
            o.fetch.politeness.rate = 0.0;
            o.fetch.politeness.concurrency = 8;
            o.workers = 32;
            let crawl = Crawler::new(store.clone(), o).unwrap().run().await.unwrap();
            let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
            let (profile, decisions) = (assess::Profile::default(), assess::Decisions::default());
            let setup = assess::load::Setup {
                rubric: &rubric,
                rubric_version: "test".into(),
                profile: &profile,
                decisions: &decisions,
                as_of: chrono::NaiveDate::parse_from_str(&truth.as_of, "%Y-%m-%d").unwrap(),
                use_history: false,
            };
            let a = assess::load::assess_crawl(&store, crawl.crawl, &setup)
                .await
                .unwrap();
            let id = assess::run::save(&store, &a, None).await.unwrap();
            let stored = assess::run::load(&store, id).await.unwrap();
            (stored.assessment, rubric)
        })
    })
}

fn info() -> RunInfo {
    RunInfo {
        id: 7,
        published: false,
        created_at: "2017-12-21 09:00:00 UTC".into(),
    }
}

fn write(
    a: &Assessment,
    r: &rubric::Rubric,
    dept: Option<&str>,
) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let report = Report::new(info(), a, r, dept).unwrap();
    let files = report::write_all(&report, dir.path(), &Format::ALL).unwrap();
    (dir, files)
}

fn find<'a>(files: &'a [PathBuf], suffix: &str) -> &'a Path {
    files
        .iter()
        .find(|f| f.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {files:?}"))
}

fn have(program: &str, probe: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: {program} is not installed ({program} {probe:?} failed)");
    }
    ok
}

/// Runs a Python program with openpyxl on a workbook; its stdout is JSON.
fn openpyxl(xlsx: &Path, program: &str) -> Option<serde_json::Value> {
    if !have("python3", &["-c", "import openpyxl"]) {
        return None;
    }
    let out = Command::new("python3")
        .args(["-c", program])
        .arg(xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

const READ_WORKBOOK: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames}
for ws in wb.worksheets:
    rows = list(ws.iter_rows())
    out[ws.title] = {
        "header": [c.value for c in rows[0]] if rows else [],
        "rows": len(rows) - 1,
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "links": sum(1 for r in rows for c in r if c.hyperlink is not None),
        "cells": [[{"v": c.value, "t": c.data_type, "q": bool(c.quotePrefix)} for c in r] for r in rows[:60]],
        "fit": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "landscape": ws.page_setup.orientation,
    }
print(json.dumps(out, ensure_ascii=False, default=str))
"#;

#[test]
fn the_workbook_has_every_sheet_and_one_row_per_finding() {
    let (a, r) = run();
    let (_dir, files) = write(a, r, None);
    let Some(wb) = openpyxl(find(&files, ".xlsx"), READ_WORKBOOK) else {
        return;
    };
    assert_eq!(
        wb["sheets"],
        serde_json::json!([
            "总分",
            "指标得分",
            "部门扣分",
            "问题清单",
            "待复核",
            "未核实"
        ])
    );
    let list = &wb["问题清单"];
    assert_eq!(list["rows"].as_u64().unwrap() as usize, a.findings.len());
    assert_eq!(list["header"][8], "网址");
    assert_eq!(list["freeze"], "A2");
    assert!(list["filter"].as_str().unwrap().starts_with("A1:"));
    assert_eq!(list["fit"], true);
    assert_eq!(list["landscape"], "landscape");
    // Every finding's page is a hyperlink.
    assert_eq!(list["links"].as_u64().unwrap() as usize, a.findings.len());
    // Deductions are numbers, not text.
    assert_eq!(list["cells"][1][6]["t"], "n");
    assert_eq!(
        wb["待复核"]["rows"].as_u64().unwrap() as usize,
        a.counts.needs_review
    );
    assert_eq!(
        wb["未核实"]["rows"].as_u64().unwrap() as usize,
        a.counts.unverified
    );
    // The total on the first sheet is the scoring engine's.
    let total = wb["总分"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row[0]["v"] == "总分")
        .unwrap()[2]["v"]
        .as_f64()
        .unwrap();
    assert_eq!(total, a.total.hundredths() as f64 / 100.0);
    // One row per indicator.
    let indicators: usize = a.scores.sections.iter().map(|s| s.indicators.len()).sum();
    assert_eq!(
        wb["指标得分"]["rows"].as_u64().unwrap() as usize,
        indicators
    );
}

#[test]
fn the_html_report_is_self_contained_and_shows_every_finding() {
    let (a, r) = run();
    let (_dir, files) = write(a, r, None);
    let html = std::fs::read_to_string(find(&files, ".html")).unwrap();
    assert_no_active_content(&html);
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains(&format!("{} 分", a.total)));
    assert!(html.contains("<svg"), "charts are inline SVG");
    for f in &a.findings {
        let id = report_escape(&f.finding.id);
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "finding {id} missing"
        );
    }
    for (label, _) in Report::new(info(), a, r, None).unwrap().metadata() {
        assert!(html.contains(label), "metadata {label} missing");
    }
    assert!(html.contains(&a.extractor));
}

/// Nothing in the page loads or runs: no script, no external resource of any kind. Page text
/// is escaped, so every `<` in the file opens one of the report's own tags; each is checked.
fn assert_no_active_content(html: &str) {
    let lower = html.to_lowercase();
    for tag in lower.split('<').skip(1) {
        let inside = tag.split('>').next().unwrap_or("");
        let name = inside.split_whitespace().next().unwrap_or("");
        assert!(
            ![
                "script", "iframe", "object", "embed", "link", "img", "base", "frame", "audio",
                "video", "source", "form", "input",
            ]
            .contains(&name),
            "<{inside}> in the report"
        );
        for attr in inside.split_whitespace().skip(1) {
            assert!(!attr.starts_with("on"), "event handler in <{inside}>");
            assert!(!attr.starts_with("src="), "src in <{inside}>");
            assert!(
                !attr.starts_with("href=\"javascript"),
                "script link in <{inside}>"
            );
        }
    }
    let style = lower
        .split("<style>")
        .nth(1)
        .and_then(|s| s.split("</style>").next())
        .unwrap_or("");
    assert!(
        !style.contains("@import") && !style.contains("url("),
        "{style}"
    );
}

fn report_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn each_department_with_something_to_fix_gets_a_notice_word_opens() {
    let (a, r) = run();
    let (dir, files) = write(a, r, None);
    let notices: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "docx"))
        .collect();
    // The departments charged with a deducted or needs-review finding.
    let mut charged: Vec<String> = a
        .findings
        .iter()
        .filter(|f| f.finding.status != rubric::Status::Unverified)
        .map(|f| r.department(&f.finding.department).unwrap().name.clone())
        .collect();
    charged.sort();
    charged.dedup();
    assert_eq!(notices.len(), charged.len(), "{notices:?}");

    let edu = find(&files, "教育局-整改通知单.docx");
    let edu_html = std::fs::read_to_string(find(&files, "教育局-整改通知单.html")).unwrap();
    assert_no_active_content(&edu_html);
    let urls: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| {
            f.finding.department == "教育局" && f.finding.status != rubric::Status::Unverified
        })
        .map(|f| f.finding.evidence[0].url.as_str())
        .collect();
    assert!(!urls.is_empty());
    for u in &urls {
        assert!(
            edu_html.contains(&report_escape(u)),
            "{u} not in the HTML notice"
        );
    }
    let Some(text) = libreoffice_text(edu, dir.path()) else {
        return;
    };
    assert!(text.contains("整改通知单"), "{text}");
    assert!(text.contains("耒阳市教育局"), "{text}");
    assert!(text.contains(&r.issuer), "{text}");
    for u in &urls {
        assert!(text.contains(u), "{u} not in the notice:\n{text}");
    }
    // The rule's text from the seed.
    assert!(text.contains("每年至少更新一次"), "{text}");
}

/// A document converted to plain text by LibreOffice headless, as the office's tools read it.
fn libreoffice_text(doc: &Path, work: &Path) -> Option<String> {
    let pdf = convert(doc, work, "txt:Text (encoded):UTF8", "txt")?;
    Some(std::fs::read_to_string(pdf).unwrap())
}

fn convert(doc: &Path, work: &Path, to: &str, ext: &str) -> Option<PathBuf> {
    if !have("soffice", &["--version"]) {
        return None;
    }
    let out_dir = work.join("converted");
    let profile = work.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(&out_dir)
        .arg(doc)
        .output()
        .unwrap();
    let path = out_dir.join(doc.with_extension(ext).file_name().unwrap());
    assert!(
        path.exists(),
        "LibreOffice did not convert {}: {}{}",
        doc.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(path)
}

#[test]
fn libreoffice_renders_the_workbook() {
    let (a, r) = run();
    let (dir, files) = write(a, r, None);
    let Some(pdf) = convert(find(&files, ".xlsx"), dir.path(), "pdf", "pdf") else {
        return;
    };
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    if !have("pdftotext", &["-v"]) {
        return;
    }
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("问题清单") || text.contains("问题"), "{text}");
    assert!(text.contains("住建局"), "{text}");
}

/// A finding whose page tried to attack whoever opens the report.
fn hostile(a: &Assessment) -> Assessment {
    let mut a = a.clone();
    let f = &mut a.findings[0].finding;
    f.message = "=HYPERLINK(\"http://evil.example/\",\"点我领奖\")".into();
    let e = &mut f.evidence[0];
    e.excerpt = Some("<script>alert(1)</script><img src=x onerror=alert(2)>\u{0}".into());
    e.label = Some("+cmd|' /C calc'!A0".into());
    let g = &mut a.findings[1].finding;
    g.evidence[0].url = "javascript:alert(3)".into();
    a
}

#[test]
fn a_hostile_finding_is_inert_in_every_format() {
    let (a, r) = run();
    let a = hostile(a);
    let dept = r
        .department(&a.findings[0].finding.department)
        .unwrap()
        .name
        .clone();
    let (dir, files) = write(&a, r, None);

    let html = std::fs::read_to_string(find(&files, &format!("{}.html", "评估报告-7"))).unwrap();
    assert_no_active_content(&html);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        assert_no_active_content(&std::fs::read_to_string(f).unwrap());
    }

    // The workbook: the formula is a text cell with Excel's quote prefix, as written.
    if let Some(wb) = openpyxl(find(&files, ".xlsx"), READ_WORKBOOK) {
        let id = &a.findings[0].finding.id;
        let row = wb["问题清单"]["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[13]["v"] == id.as_str())
            .unwrap();
        assert_eq!(row[7]["v"], a.findings[0].finding.message);
        assert_eq!(row[7]["t"], "s");
        assert_eq!(row[7]["q"], true);
        assert_eq!(row[11]["v"], "+cmd|' /C calc'!A0");
        assert_eq!(row[11]["q"], true);
        // The NUL is dropped; the rest is text.
        assert_eq!(
            row[10]["v"],
            "<script>alert(1)</script><img src=x onerror=alert(2)>"
        );
        // A javascript: URL is text, never a link.
        let links: u64 = wb["问题清单"]["links"].as_u64().unwrap();
        assert_eq!(links as usize, a.findings.len() - 1);
    }

    // The notice: Word gets the text, escaped, and LibreOffice reads it back literally.
    let docx = find(&files, &format!("{dept}-整改通知单.docx"));
    if let Some(text) = libreoffice_text(docx, dir.path()) {
        assert!(
            text.contains("=HYPERLINK(\"http://evil.example/\",\"点我领奖\")"),
            "{text}"
        );
    }
}

#[test]
fn a_department_report_has_only_that_department() {
    let (a, r) = run();
    let report = Report::new(info(), a, r, Some("耒阳市教育局")).unwrap();
    assert_eq!(report.department.as_deref(), Some("教育局"));
    assert!(!report.rows.is_empty());
    assert!(report.rows.iter().all(|x| x.department == "教育局"));
    let notices: Vec<&str> = report
        .notice_departments()
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(notices, ["教育局"]);
    let json: Assessment = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json.findings.len(), report.rows.len());

    let err = Report::new(info(), a, r, Some("不存在局")).err().unwrap();
    assert!(
        err.to_string().contains("不在指标体系的单位名录中"),
        "{err}"
    );
}

#[test]
fn the_json_is_the_stored_assessment() {
    let (a, r) = run();
    let report = Report::new(info(), a, r, None).unwrap();
    let back: Assessment = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(back.total, a.total);
    assert_eq!(back.findings, a.findings);
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(a).unwrap()
    );
}

#[test]
fn departments_are_ranked_by_points_lost_and_add_up() {
    let (a, r) = run();
    let report = Report::new(info(), a, r, None).unwrap();
    let lost: Vec<i64> = report
        .departments
        .iter()
        .map(|d| d.lost.hundredths())
        .collect();
    let mut sorted = lost.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(lost, sorted);
    let sum: i64 = lost.iter().sum();
    assert_eq!(sum, (a.max - a.total).hundredths());
}
