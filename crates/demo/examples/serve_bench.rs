//! Serves a large sample portal and reports the server's resident memory on demand, for the
//! memory measurement (the crawl is done by an outside client).
//!
//! `cargo run --release -p kaohe-demo --example serve_bench -- PAGES PORT`; then crawl it, then
//! read `VmHWM` of this process (printed every 10 s).

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

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let pages: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let port: u16 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let site = demo::Site::new(1, pages).without_delays();
    let server = demo::serve(site, std::net::SocketAddr::from(([127, 0, 0, 1], port)))?;
    println!("{} 已启动；常驻内存 {}", server.base_url(), vm("VmRSS:"));
    loop {
        std::thread::sleep(std::time::Duration::from_secs(10));
        println!(
            "请求 {} 次；常驻内存 {}，峰值 {}",
            server.request_count(),
            vm("VmRSS:"),
            vm("VmHWM:")
        );
    }
}
