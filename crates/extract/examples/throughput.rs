//! Pages per CPU-second of `extract::page` and where the time goes, measured in this
//! thread's CPU time (Linux `/proc/thread-self/schedstat`), so a machine shared with other
//! builds does not distort the figure the way wall time does.
//!
//! `cargo run --release -p kaohe-extract --example throughput -- FILE.html…`
#![allow(clippy::unwrap_used)]

fn cpu_ns() -> u128 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let vocab = extract::Vocabulary::bundled().unwrap();
    let url = url::Url::parse("http://www.zhecheng.gov.cn/a/index.html").unwrap();
    let pages: Vec<Vec<u8>> = std::env::args()
        .skip(1)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    const ROUNDS: usize = 3;
    let mut t = [0u128; 6];
    for _ in 0..ROUNDS {
        for b in &pages {
            let s = cpu_ns();
            let d = extract::decode(b, None, Some(&url));
            let s1 = cpu_ns();
            let doc = extract::doc::Doc::from_html(&d.text);
            let s2 = cpu_ns();
            let links = extract::links_in(doc.html.as_ref().unwrap(), &url, encoding_rs::UTF_8);
            let _ = extract::listing::entries(&doc, &url);
            let s3 = cpu_ns();
            let _ = extract::guide::guide(&doc, None, &links, &vocab);
            let s4 = cpu_ns();
            let _ = extract::published::published(&doc, Some(&url));
            let _ = extract::is_soft_404(&d.text);
            let s5 = cpu_ns();
            let _ = extract::page(&url, b, None, &vocab);
            let s6 = cpu_ns();
            for (k, (a, z)) in [(s, s1), (s1, s2), (s2, s3), (s3, s4), (s4, s5), (s5, s6)]
                .into_iter()
                .enumerate()
            {
                t[k] += z - a;
            }
        }
    }
    let n = (pages.len() * ROUNDS) as u128;
    let names = [
        "decode",
        "parse + lines",
        "links + entries",
        "guide",
        "date + soft 404",
        "extract::page (all)",
    ];
    for (name, v) in names.iter().zip(t) {
        println!("{name:<22} {:>6} µs CPU/page", v / n / 1000);
    }
    let per_page = t[5] as f64 / n as f64;
    println!(
        "{} pages × {ROUNDS}: {:.0} pages per CPU-second",
        pages.len(),
        1e9 / per_page
    );
}
