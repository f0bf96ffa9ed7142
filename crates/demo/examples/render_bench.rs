//! Renders every page of a large sample portal in-process and reports throughput and memory.
//!
//! `cargo run --release -p kaohe-demo --example render_bench -- [PAGES] [SEED]`

use std::time::Instant;

fn vm(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l[field.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let pages: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let t0 = Instant::now();
    let site = demo::Site::new(seed, pages).without_delays();
    let built = t0.elapsed();
    println!("骨架生成：{built:?}，常驻内存 {}", vm("VmRSS:"));
    let t1 = Instant::now();
    let (mut n, mut bytes) = (0usize, 0usize);
    for p in site.paths() {
        if let Some(r) = site.page(&p) {
            n += 1;
            bytes += r.body.len();
        }
    }
    let dt = t1.elapsed();
    println!(
        "渲染 {n} 个页面，共 {:.1} MB，用时 {:.2} 秒，每秒 {:.0} 页（单线程）；峰值常驻内存 {}",
        bytes as f64 / 1e6,
        dt.as_secs_f64(),
        n as f64 / dt.as_secs_f64(),
        vm("VmHWM:")
    );
    let t2 = Instant::now();
    let truth = site.truth();
    println!(
        "标准答案：{} 条问题、{} 个办事指南，用时 {:?}；峰值常驻内存 {}",
        truth.findings.len(),
        truth.guides.len(),
        t2.elapsed(),
        vm("VmHWM:")
    );
}
