//! Page facts are stored with each fetch and read back by the assessment: every field must
//! survive the JSON round trip, on real pages of every kind (guides, lists, articles).

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

use url::Url;

const SETS: &[&str] = &[
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/dev-pages"),
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/portals/zhecheng-gov-2018/xxgk"
    ),
];

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("html" | "htm" | "txt")
        ) {
            out.push(p);
        }
    }
}

#[test]
fn facts_round_trip_through_json() {
    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let vocab = extract::Vocabulary::from_rubric(&rubric);
    let mut pages = Vec::new();
    for s in SETS {
        files(Path::new(s), &mut pages);
    }
    if pages.is_empty() {
        println!("跳过：未找到 ../shared 中的真实网页");
        return;
    }
    let (mut guides, mut lists, mut main_entries) = (0, 0, 0);
    for p in pages.iter().take(400) {
        let bytes = std::fs::read(p).unwrap();
        let url = Url::parse("http://www.example.gov.cn/a/b/t20171124_1.html").unwrap();
        let ct = if p.extension().is_some_and(|x| x == "txt") {
            Some("text/plain; charset=utf-8")
        } else {
            None
        };
        let facts = extract::page(&url, &bytes, ct, &vocab);
        let json = serde_json::to_string(&facts).unwrap();
        let back: extract::PageFacts = serde_json::from_str(&json).unwrap();
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            json,
            "{}",
            p.display()
        );
        guides += usize::from(back.guide.is_some());
        lists += usize::from(back.kind == extract::Kind::List);
        main_entries += back.entries.iter().filter(|e| e.main).count();
        // Element order (the rubric's) survives too.
        if let Some(g) = &back.guide {
            let names: Vec<&str> = g.elements.iter().map(|(n, _)| n.as_str()).collect();
            let want: Vec<&str> = rubric.elements.iter().map(|e| e.name.as_str()).collect();
            assert_eq!(names, want);
        }
    }
    assert!(
        guides > 5 && lists > 5 && main_entries > 50,
        "{guides} {lists} {main_entries}"
    );
}
