//! The saved SiteServer-CMS site in `../shared/portals/lgedu-2020/` (a real education bureau's
//! pages, another CMS than the reader was built with): every article's publication date and
//! every list page's newest entry date, against the dates its markup shows (the copy's README
//! lists the four markups). Skipped with a message where the copy is absent.
//!
//! One named exception: `channels/18401.html`'s newest entry is titled `test` (a CMS test item
//! with no Chinese title), which the reader does not take for an entry; its newest real entry
//! is the day before.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::{Path, PathBuf};

use extract::Vocabulary;
use regex::Regex;

fn root() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/portals/lgedu-2020"
    ));
    if p.join("index.html").is_file() {
        Some(p)
    } else {
        println!("跳过：找不到 {}", p.display());
        None
    }
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(html_files(&p));
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn facts(root: &Path, p: &Path, vocab: &Vocabulary) -> extract::PageFacts {
    let rel = p
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let url = url::Url::parse(&format!("https://www.lgedu.net/{rel}")).unwrap();
    extract::page(
        &url,
        &std::fs::read(p).unwrap(),
        Some("text/html; charset=utf-8"),
        vocab,
    )
}

#[test]
fn every_article_date_and_every_lists_newest_date() {
    let Some(root) = root() else { return };
    let vocab = Vocabulary::bundled().unwrap();
    let published = Regex::new(r#"发布时间[：:]\s*(\d{4}-\d{2}-\d{2})|name="PubDate" content="(\d{4}-\d{2}-\d{2})"|日期[：:]\s*(\d{4}-\d{2}-\d{2})"#).unwrap();
    let (mut articles, mut wrong) = (0, Vec::new());
    for p in html_files(&root.join("contents")) {
        let html = std::fs::read_to_string(&p).unwrap();
        let Some(c) = published.captures(&html) else {
            continue;
        };
        let want = c
            .iter()
            .skip(1)
            .flatten()
            .next()
            .unwrap()
            .as_str()
            .to_string();
        articles += 1;
        let got = facts(&root, &p, &vocab).published.map(|d| d.to_string());
        if got.as_deref() != Some(want.as_str()) {
            wrong.push(format!("{}: 应为 {want}，得到 {got:?}", p.display()));
        }
    }
    let entry_dates = Regex::new(r"[（(](\d{4}-\d{2}-\d{2})[)）]|<span>\s*(\d{4}-\d{2}-\d{2})\s*</span>|日间：\s*(\d{4}-\d{2}-\d{2})").unwrap();
    let mut lists = 0;
    for p in html_files(&root.join("channels")) {
        let html = std::fs::read_to_string(&p).unwrap();
        let Some(want) = entry_dates
            .captures_iter(&html)
            .filter_map(|c| {
                c.iter()
                    .skip(1)
                    .flatten()
                    .next()
                    .map(|m| m.as_str().to_string())
            })
            .max()
        else {
            continue;
        };
        lists += 1;
        let got = facts(&root, &p, &vocab).newest_entry.map(|d| d.to_string());
        if got.as_deref() != Some(want.as_str()) && !p.ends_with("channels/18401.html") {
            wrong.push(format!(
                "{}: 最新条目应为 {want}，得到 {got:?}",
                p.display()
            ));
        }
    }
    println!("文章 {articles} 篇，列表 {lists} 页，错误 {}", wrong.len());
    assert_eq!(articles, 211);
    assert_eq!(lists, 211);
    assert!(wrong.is_empty(), "{wrong:#?}");
}
