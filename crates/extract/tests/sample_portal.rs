//! The extractor on the sample portal (crates/demo): every service guide against the
//! generator's ground truth (which elements it really has, under which label, and which
//! forms are offered), and every column's first list page against its newest date.
//! The generator is written from real portals, never from this crate.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use extract::{Kind, Vocabulary};
use url::Url;

const SEED: u64 = 20_170_301;
const BASE: &str = "http://www.leiyang.gov.cn";

fn absolute(u: &str) -> Url {
    if u.starts_with("http") {
        Url::parse(u).unwrap()
    } else {
        Url::parse(BASE).unwrap().join(u).unwrap()
    }
}

fn facts(site: &demo::Site, url: &Url, vocab: &Vocabulary) -> Option<extract::PageFacts> {
    let resp = site.page(url.path())?;
    Some(extract::page(
        url,
        &resp.body,
        resp.header("content-type"),
        vocab,
    ))
}

#[test]
fn guides_match_the_generator_truth() {
    let vocab = Vocabulary::bundled().unwrap();
    let site = demo::Site::new(SEED, demo::MIN_PAGES).without_delays();
    let truth = site.truth();
    assert!(!truth.guides.is_empty());
    let names: Vec<String> = vocab.elements.iter().map(|e| e.name.clone()).collect();
    let mut counts = vec![(0u64, 0u64, 0u64, 0u64); names.len()];
    let mut mistakes = Vec::new();
    let (mut forms_right, mut forms_all) = (0, 0);
    for g in &truth.guides {
        let url = absolute(&g.url);
        let f = facts(&site, &url, &vocab).unwrap_or_else(|| panic!("{} not served", g.url));
        let Some(guide) = f.guide.as_ref() else {
            mistakes.push(format!(
                "{} ({}): no guide found, kind {:?}",
                g.url, g.layout, f.kind
            ));
            for c in counts.iter_mut() {
                c.2 += 1;
            }
            continue;
        };
        assert_eq!(f.kind, Kind::Guide);
        for (k, name) in names.iter().enumerate() {
            let Some(t) = g.elements.get(name) else {
                continue;
            };
            let truth = t.is_some();
            let got = guide.element(name).unwrap();
            let c = &mut counts[k];
            match (got.present, truth) {
                (true, true) => c.0 += 1,
                (true, false) => c.1 += 1,
                (false, true) => c.2 += 1,
                (false, false) => c.3 += 1,
            }
            if got.present != truth {
                mistakes.push(format!(
                    "{} ({}): {name} should be {truth} ({t:?}), got {:?} {:?} {:?}",
                    g.url, g.layout, got.present, got.label, got.value
                ));
            }
        }
        for ft in &g.forms {
            forms_all += 1;
            let found = guide
                .forms
                .iter()
                .find(|f| f.name.contains(&ft.name) || ft.name.contains(&f.name));
            // The extractor says whether the page offers a download (and where); whether the
            // file really downloads (`downloadable`) is the crawler's check of that URL.
            let offered = |f: &extract::forms::Form| {
                f.download.as_ref().map(|u| u.path().to_owned())
                    == ft.url.as_ref().map(|u| absolute(u).path().to_owned())
            };
            if found.is_some_and(offered) {
                forms_right += 1;
            } else {
                mistakes.push(format!("{}: form {:?} got {found:?}", g.url, ft));
            }
        }
    }
    println!("{} 份办事指南", truth.guides.len());
    let failed = common::element_table(names.iter().map(String::as_str).zip(&counts));
    println!("表格：{forms_right}/{forms_all} 个判断正确（是否提供下载及下载地址）");
    for m in &mistakes {
        println!("错误：{m}");
    }
    assert!(failed.is_empty(), "below threshold: {failed:?}");
    assert!(
        forms_right * 100 >= forms_all * 95,
        "forms {forms_right}/{forms_all}"
    );
}

#[test]
fn columns_newest_dates_match_the_generator_truth() {
    let vocab = Vocabulary::bundled().unwrap();
    let site = demo::Site::new(SEED, demo::MIN_PAGES).without_delays();
    let truth = site.truth();
    let mut wrong = Vec::new();
    for c in &truth.columns {
        let url = absolute(&c.url);
        let Some(f) = facts(&site, &url, &vocab) else {
            wrong.push(format!("{}: not served", c.url));
            continue;
        };
        let want = (c.entries > 0).then(|| c.newest.clone());
        let got = f.newest_entry.map(|d| d.to_string());
        if got != want || f.kind != Kind::List {
            wrong.push(format!(
                "{} {}: want {want:?}, got {got:?} ({:?})",
                c.url, c.name, f.kind
            ));
        }
    }
    println!("{} 个栏目，{} 个不符", truth.columns.len(), wrong.len());
    for w in &wrong {
        println!("不符：{w}");
    }
    assert!(wrong.is_empty());
}

/// Article pages whose date a script writes (TRS templates): the reader reads the date a
/// visitor sees, on every such page of the sample portal.
#[test]
fn dates_written_by_script_are_read() {
    let vocab = Vocabulary::bundled().unwrap();
    let site = demo::Site::new(SEED, demo::MIN_PAGES).without_delays();
    let literal = regex::Regex::new(r"var pubdata='([^']+)'").unwrap();
    let date = regex::Regex::new(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})").unwrap();
    let mut checked = 0;
    for path in site.paths() {
        if !path.ends_with(".html") {
            continue;
        }
        let Some(resp) = site.page(&path) else {
            continue;
        };
        // TRS pages are GBK: decoded as a browser does.
        let html = extract::decode(&resp.body, resp.header("content-type"), None).text;
        let Some(c) = literal.captures(&html) else {
            continue;
        };
        let d = date
            .captures(&c[1])
            .unwrap_or_else(|| panic!("{path}: {}", &c[1]));
        let want = format!(
            "{}-{:02}-{:02}",
            &d[1],
            d[2].parse::<u32>().unwrap(),
            d[3].parse::<u32>().unwrap()
        );
        let f = facts(&site, &absolute(&path), &vocab).unwrap();
        assert_eq!(
            f.published.map(|d| d.to_string()).as_deref(),
            Some(want.as_str()),
            "{path}: {:?}",
            f.published_from
        );
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} pages with a script-written date"
    );
}

/// Every article page's publication date is the one its info line shows (plain, full-width,
/// or written by script), never a date in its body (policy notices cite earlier documents
/// with full dates).
#[test]
fn article_dates_are_the_labelled_ones() {
    let vocab = Vocabulary::bundled().unwrap();
    let site = demo::Site::new(SEED, demo::MIN_PAGES).without_delays();
    let info = regex::Regex::new(
        r#"<div class="info"><span>(?:发布时间|发布日期|日期|时间)：(.*?)</span>"#,
    )
    .unwrap();
    let date = regex::Regex::new(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})").unwrap();
    let (mut checked, mut body_dated) = (0, 0);
    for path in site.paths() {
        if !path.ends_with(".html") {
            continue;
        }
        let Some(resp) = site.page(&path) else {
            continue;
        };
        let html = extract::decode(&resp.body, resp.header("content-type"), None).text;
        let Some(c) = info.captures(&html) else {
            continue;
        };
        let shown = extract::text::halfwidth(&c[1]);
        let d = date
            .captures(&shown)
            .unwrap_or_else(|| panic!("{path}: {shown}"));
        let want = format!(
            "{}-{:02}-{:02}",
            &d[1],
            d[2].parse::<u32>().unwrap(),
            d[3].parse::<u32>().unwrap()
        );
        body_dated += usize::from(html.contains("印发的《耒阳市进一步优化政务服务实施意见》"));
        let f = facts(&site, &absolute(&path), &vocab).unwrap();
        assert_eq!(
            f.published.map(|d| d.to_string()).as_deref(),
            Some(want.as_str()),
            "{path}: {:?}",
            f.published_from
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} article pages");
    assert!(body_dated >= 3, "only {body_dated} pages with a body date");
}
