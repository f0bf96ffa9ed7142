//! The extractor on a real county portal: the HTTrack copy of www.zhecheng.gov.cn (2018) in
//! `../shared/portals/zhecheng-gov-2018/`, read in place.
//!
//! Which files are what, by path (the portal's CMS layout):
//! - list pages: `…/index.html`, `…/index_N.html` (column lists and their pages);
//! - articles: `…/YYYY-MM-DD/<id>.html`;
//! - skipped: `e/public/ViewClick/…` (view counters: a `document.write('9')` snippet, not a
//!   page) and HTTrack's 404 stubs (a server "404 Not Found" page saved where the target was
//!   missing: they lack HTTrack's "Mirrored from" marker, which also gives each page its URL).
//!
//! Every list page must yield entries with dates (and a newest date); every article its
//! publication date, not later than the day of the copy.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use extract::{Kind, Vocabulary};

fn root() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/portals/zhecheng-gov-2018"
    ));
    if p.is_dir() {
        Some(p)
    } else {
        println!("跳过：找不到 {}", p.display());
        None
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// The page's URL from HTTrack's marker; `None` for stubs and counters.
fn mirrored_url(bytes: &[u8]) -> Option<url::Url> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    let i = head.find("Mirrored from ")?;
    let rest = &head[i + "Mirrored from ".len()..];
    let end = rest.find(" by HTTrack")?;
    url::Url::parse(&format!("http://{}", &rest[..end])).ok()
}

enum Role {
    List,
    Article,
}

fn role(rel: &str) -> Option<Role> {
    let name = rel.rsplit('/').next()?;
    if rel.starts_with("e/public/ViewClick") {
        return None;
    }
    if name.starts_with("index") {
        return Some(Role::List);
    }
    let dir = rel.rsplit('/').nth(1)?;
    let is_day = dir.len() == 10 && NaiveDate::parse_from_str(dir, "%Y-%m-%d").is_ok();
    let is_id = name
        .strip_suffix(".html")
        .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    (is_day && is_id).then_some(Role::Article)
}

#[test]
fn every_list_has_dated_entries_and_every_article_its_date() {
    let Some(root) = root() else { return };
    let vocab = Vocabulary::bundled().unwrap();
    let copied = NaiveDate::from_ymd_opt(2018, 7, 28).unwrap();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let (mut lists, mut articles, mut stubs, mut empty, mut undated) = (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut sources = std::collections::BTreeMap::new();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(role) = role(&rel) else { continue };
        let bytes = std::fs::read(&path).unwrap();
        let Some(url) = mirrored_url(&bytes) else {
            // The stubs are a server's "404 Not Found" page: a soft 404 wherever it is served.
            stubs += 1;
            let u = url::Url::parse("http://www.zhecheng.gov.cn/")
                .unwrap()
                .join(&rel)
                .unwrap();
            let f = extract::page(&u, &bytes, Some("text/html"), &vocab);
            assert!(
                f.soft_404 && f.kind == Kind::Other,
                "stub {rel}: {:?}",
                f.kind
            );
            continue;
        };
        let facts = extract::page(&url, &bytes, Some("text/html"), &vocab);
        match role {
            Role::List => {
                lists += 1;
                let html = String::from_utf8_lossy(&bytes);
                // The CMS marks each list entry's date with <span class="time">: the oracle.
                // One entry shows 1970-01-01 (a CMS bug: an unset date); the extractor
                // refuses dates before 1990, so that entry is not counted.
                let marked =
                    html.matches("class=\"time\"").count() - html.matches("1970-01-01").count();
                let dated = facts.entries.iter().filter(|e| e.main).count();
                if marked > 0 {
                    if dated < marked || facts.newest_entry.is_none() {
                        failures.push(format!(
                            "list {rel}: {:?}, {dated}/{marked} entries",
                            facts.kind
                        ));
                    } else if facts.newest_entry > Some(copied) {
                        failures.push(format!("list {rel}: newest {:?}", facts.newest_entry));
                    }
                    if facts.kind != Kind::List && rel != "index.html" {
                        failures.push(format!("list {rel}: kind {:?}", facts.kind));
                    }
                } else if html.contains("暂无任何新增信息") {
                    empty += 1;
                    if !(facts.empty_list && facts.kind == Kind::List) {
                        failures.push(format!("empty list {rel}: {:?}", facts.kind));
                    }
                } else {
                    println!("无列表的栏目页 {rel}: {:?}, {dated} entries", facts.kind);
                }
            }
            Role::Article => {
                articles += 1;
                let html = String::from_utf8_lossy(&bytes);
                // Pages the copy files like articles but that show no date: the leaders'
                // profiles (政府领导, under zfld2/) and pages whose 发布日期 is the CMS's unset
                // 1970-01-01. No date may be invented for them.
                if rel.contains("/zfld2/") || html.contains("<b>1970-01-01") {
                    undated += 1;
                    if facts.published.is_some() {
                        failures.push(format!("undated {rel}: {:?}", facts.published_from));
                    }
                    continue;
                }
                match (&facts.published, &facts.published_from) {
                    (Some(d), Some(from))
                        if *d <= copied && matches!(facts.kind, Kind::Article | Kind::Guide) =>
                    {
                        let key = format!("{:?}", from.source);
                        *sources.entry(key).or_insert(0) += 1;
                        if facts.kind == Kind::Guide {
                            println!("文章页识别为办事指南：{rel} {:?}", facts.title);
                        }
                    }
                    _ => failures.push(format!(
                        "article {rel}: {:?} {:?} {:?}",
                        facts.kind, facts.published, facts.published_from
                    )),
                }
            }
        }
    }
    println!(
        "列表页 {lists}（其中空栏目 {empty}），文章页 {articles}（其中页面无日期 {undated}），跳过的 404 存根 {stubs}"
    );
    println!("文章日期来源：{sources:?}");
    for f in &failures {
        println!("失败：{f}");
    }
    assert!(
        lists >= 200 && articles >= 250,
        "{lists} lists, {articles} articles"
    );
    assert!(failures.is_empty(), "{} failures", failures.len());
}
