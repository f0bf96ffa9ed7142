//! Pages per second for decode + parse + extract (`extract::page`), one core.
//!
//! Inputs: the real portal copy in `../shared/portals/zhecheng-gov-2018/` (list and article
//! pages, read once into memory; skipped with a message when absent) and the sample portal's
//! HTML pages (crates/demo, seeded, 600-page site). Run: `cargo bench -p kaohe-extract`.

#![allow(clippy::unwrap_used)] // a benchmark's setup may unwrap

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use extract::Vocabulary;
use url::Url;

type Page = (Url, Vec<u8>, Option<String>);

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "html")
            && !p.to_string_lossy().contains("ViewClick")
        {
            out.push(p);
        }
    }
}

fn zhecheng() -> Vec<Page> {
    let root = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/portals/zhecheng-gov-2018"
    ));
    if !root.is_dir() {
        println!("跳过真实门户：找不到 {}", root.display());
        return Vec::new();
    }
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let url = Url::parse("http://www.zhecheng.gov.cn/")
                .unwrap()
                .join(&rel)
                .unwrap();
            (url, std::fs::read(&p).unwrap(), None)
        })
        .collect()
}

fn sample_portal() -> Vec<Page> {
    let site = demo::Site::new(20_170_301, demo::MIN_PAGES).without_delays();
    let base = Url::parse("http://www.leiyang.gov.cn/").unwrap();
    site.paths()
        .filter(|p| p.ends_with(".html"))
        .filter_map(|p| {
            let r = site.page(&p)?;
            let ct = r.header("content-type").map(str::to_owned);
            (r.status == 200).then(|| (base.join(&p).unwrap(), r.body, ct))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let vocab = Vocabulary::bundled().unwrap();
    for (name, pages) in [("zhecheng", zhecheng()), ("sample_portal", sample_portal())] {
        if pages.is_empty() {
            continue;
        }
        let bytes: usize = pages.iter().map(|p| p.1.len()).sum();
        println!("{name}: {} pages, {} KiB", pages.len(), bytes / 1024);
        let mut g = c.benchmark_group("decode_parse_extract");
        g.sample_size(10);
        g.throughput(Throughput::Elements(pages.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                for (url, body, ct) in &pages {
                    std::hint::black_box(extract::page(url, body, ct.as_deref(), &vocab));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
