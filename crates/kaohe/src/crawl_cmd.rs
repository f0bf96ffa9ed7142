//! `kaohe crawl URL`: flags, the progress bar and the Chinese summary. The crawl itself is
//! `crawl::Crawler`; the snapshot is `store::Store` (reached through the crawl crate's
//! re-export, so this binary names one store version).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use crawl::store::Store;
use crawl::{CrawlOptions, Crawler, Report, Verdict};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Args)]
pub struct CrawlArgs {
    /// 门户网站首页的网址，如 http://www.leiyang.gov.cn/
    #[arg(value_name = "URL")]
    url: String,
    /// 快照库：SQLite 文件路径，或 postgres:// 地址
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    db: String,
    /// 本次抓取最多记录的网址数（含续抓前已记录的）；达到后停止，可用 --resume 继续
    #[arg(long, value_name = "N")]
    max_pages: Option<u64>,
    /// 每个主机每秒最多发起的请求数；0 表示不限速（只用于本机测试，勿对真实网站使用）
    #[arg(long, value_name = "R", default_value_t = 2.0)]
    rate: f64,
    /// 每个主机同时进行的请求数
    #[arg(long, value_name = "C", default_value_t = 2)]
    concurrency: usize,
    /// 除首页所在主机外允许抓取的主机：主机名，或 *.example.gov.cn 表示该域名及其子域名（可多次给出）
    #[arg(long, value_name = "主机")]
    scope: Vec<String>,
    /// 不抓取网址匹配该正则表达式的页面（指向它们的链接仍会记录），如 '/search/' 或 'print=1'（可多次给出）
    #[arg(long, value_name = "正则表达式")]
    exclude: Vec<String>,
    /// 继续该网址最近一次未完成（被中断）的抓取，已记录的网址不再抓取
    #[arg(long)]
    resume: bool,
    /// 写入 User-Agent 的联系方式（邮箱或电话），便于网站管理员联系考核单位
    #[arg(long, value_name = "联系方式", env = "KAOHE_CONTACT")]
    contact: Option<String>,
    /// 不遵守 robots.txt（只在网站主办单位同意时使用）
    #[arg(long)]
    ignore_robots: bool,
    /// 接受无法验证的 HTTPS 证书（过期、自签名、域名不符）继续抓取；默认这类网页记为未核实，并注明证书问题
    #[arg(long)]
    insecure: bool,
    /// 最大链接深度（从首页起跳转的次数）
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_depth: u32,
    /// 读取超时（秒）：等待响应头或下一段数据的最长时间，1 到 600；每个网址（含重试）最多用它的 3 倍、至少 60 秒
    #[arg(long, value_name = "秒", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// 允许访问内网和保留地址（127.0.0.1、10.x、192.168.x、169.254.x 等）；默认只有首页所在主机可以是内网地址
    #[arg(long)]
    allow_private: bool,
    /// 无终端（如定时任务、重定向到文件）时每隔多少秒在标准错误输出一行进度
    #[arg(long, value_name = "秒", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    progress_every: u64,
}

pub fn run(args: CrawlArgs) -> anyhow::Result<ExitCode> {
    let seed = crate::parse_url(&args.url)?;
    if !matches!(seed.scheme(), "http" | "https") {
        anyhow::bail!("只能抓取 http:// 或 https:// 网址：{}", args.url);
    }
    if !(args.rate.is_finite() && args.rate >= 0.0) {
        anyhow::bail!("--rate 必须是不小于 0 的数：{}", args.rate);
    }
    if args.concurrency == 0 {
        anyhow::bail!("--concurrency 至少为 1");
    }
    for h in &args.scope {
        if !valid_scope(h) {
            anyhow::bail!(
                "--scope 的主机「{h}」无效：应为主机名（如 www.hn.gov.cn），或 *.域名（如 *.leiyang.gov.cn），不带 http:// 和路径"
            );
        }
    }
    // --resume continues a crawl in an existing store; it never creates one.
    let sqlite_file =
        (!args.db.starts_with("postgres://") && !args.db.starts_with("postgresql://")).then(|| {
            args.db
                .strip_prefix("sqlite://")
                .or_else(|| args.db.strip_prefix("sqlite:"))
                .unwrap_or(&args.db)
        });
    if args.resume && sqlite_file.is_some_and(|f| !std::path::Path::new(f).exists()) {
        anyhow::bail!(
            "没有可继续的抓取任务：快照库 {} 不存在（去掉 --resume 重新开始抓取）",
            args.db
        );
    }
    let mut opts = CrawlOptions::new(seed);
    opts.scope = args.scope.iter().map(|h| h.to_ascii_lowercase()).collect();
    for pattern in &args.exclude {
        let re = regex::Regex::new(pattern).map_err(|e| {
            anyhow::anyhow!(
                "--exclude 的正则表达式无效：{pattern}（{}）",
                regex_error_zh(&e)
            )
        })?;
        opts.exclude.push(re);
    }
    opts.max_pages = args.max_pages;
    opts.resume = args.resume;
    opts.traps.max_depth = args.max_depth;
    let f = &mut opts.fetch;
    if let Some(c) = &args.contact {
        f.user_agent = crawl::fetch::user_agent(c);
    }
    f.obey_robots = !args.ignore_robots;
    f.accept_invalid_certs = args.insecure;
    f.politeness.rate = args.rate;
    f.politeness.concurrency = args.concurrency;
    f.read_timeout = Duration::from_secs(args.timeout);
    f.total_timeout = Duration::from_secs((args.timeout * 3).max(60));
    // One URL's budget, retries included: a dripping server costs this much, once.
    f.url_budget = f.total_timeout;
    f.guard.allow_private = args.allow_private;
    // Enough tasks to keep the seed host's slots busy while others wait for off-scope checks;
    // many more only wake and park on the host's semaphore (measured: 2× beats 8×).
    opts.workers = (args.concurrency * 2).clamp(8, 256);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    let report = rt.block_on(async {
        let store = Store::open(&args.db).await?;
        let crawler = Crawler::new(store.clone(), opts)?;
        // A terminal gets a live line; anything else (a scheduled run, a log file) gets a
        // plain line every --progress-every seconds, so an unattended crawl is never silent.
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let bar = if terminal {
            progress_bar()
        } else {
            ProgressBar::hidden()
        };
        let stats = crawler.stats();
        let every = Duration::from_secs(args.progress_every);
        let ticker = {
            let bar = bar.clone();
            tokio::spawn(async move {
                let t0 = std::time::Instant::now();
                let mut last_line = std::time::Instant::now();
                loop {
                    let p = stats.read();
                    let rate = p.fetched as f64 / t0.elapsed().as_secs_f64().max(0.001);
                    let line = format!(
                        "已抓取 {}  待抓取 {}  失效 {}  未核实 {}  {:.1} 个/秒",
                        p.fetched, p.queued, p.broken, p.unverified, rate
                    );
                    if terminal {
                        bar.set_message(line);
                    } else if last_line.elapsed() >= every {
                        eprintln!("[{:.0} 秒] {line}", t0.elapsed().as_secs_f64());
                        last_line = std::time::Instant::now();
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            })
        };
        // Ctrl-C stops the crawl where it is: everything recorded so far is committed
        // (each fetch is its own transaction), and --resume continues from there.
        let result = tokio::select! {
            r = crawler.run() => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        };
        ticker.abort();
        bar.finish_and_clear();
        store.close().await;
        match result {
            Some(r) => anyhow::Ok(Some(r?)),
            None => anyhow::Ok(None),
        }
    })?;
    let Some(report) = report else {
        eprintln!(
            "已中断：已记录的网址都保存在快照库 {} 中。继续抓取：kaohe crawl {} --resume --db {}",
            store::redact(&args.db),
            args.url,
            store::redact(&args.db)
        );
        return Ok(ExitCode::from(130));
    };
    print_summary(&report, &args);
    // A run that could not read the portal's home page has nothing to assess: say so in the
    // exit code too, for scripts.
    Ok(match &report.seed {
        Some((verdict, _)) if *verdict != Verdict::Ok => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// A `--scope` entry: a host name (letters, digits, dots, hyphens, an optional port) or
/// `*.` before a domain.
fn valid_scope(h: &str) -> bool {
    let name = h.strip_prefix("*.").unwrap_or(h);
    let (host, port) = match name.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (name, None),
    };
    !host.is_empty()
        && host.len() <= 253
        && port.is_none_or(|p| p.parse::<u16>().is_ok())
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

/// The regex crate's error, in Chinese for the usual mistakes (its messages are English).
fn regex_error_zh(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text.lines().last().unwrap_or_default().trim();
    let last = last.strip_prefix("error: ").unwrap_or(last);
    let zh = match last {
        "unclosed group" => "圆括号没有闭合",
        "unopened group" => "多了一个右圆括号",
        "unclosed character class" => "方括号没有闭合",
        "repetition operator missing expression" => "*、+、? 之前缺少内容",
        "incomplete escape sequence, reached end of pattern prematurely" => "末尾的 \\ 后缺少字符",
        _ => return format!("语法错误：{last}"),
    };
    zh.to_string()
}

pub(crate) fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn print_summary(r: &Report, args: &CrawlArgs) {
    let p = &r.progress;
    let secs = r.elapsed.as_secs_f64();
    let verb = if r.resumed {
        "续抓完成"
    } else {
        "抓取完成"
    };
    println!("{verb}：抓取任务 #{}（{}）", r.crawl, args.url);
    if r.resumed {
        println!("  中断前已记录 {} 个网址，本次未重复抓取", r.done_before);
    }
    println!(
        "  本次记录 {} 个网址，用时 {:.1} 秒，平均 {:.1} 个/秒",
        p.fetched,
        secs,
        p.fetched as f64 / secs.max(0.001)
    );
    println!(
        "  正常 {}，失效 {}（网站的问题），未核实 {}（超时、拦截等我方未能核实，不作扣分依据），按规则未抓取 {}（robots.txt 禁止、超出范围、内网地址等）",
        p.ok, p.broken, p.unverified, p.skipped
    );
    if !r.by_outcome.is_empty() {
        println!("  按结果：");
        for (label, n) in r.by_outcome.values() {
            println!("    {label}：{n}");
        }
    }
    if p.from_sitemaps > 0 {
        println!("  由站点地图（sitemap）加入的网址：{}", p.from_sitemaps);
    }
    if p.excluded > 0 {
        println!("  按 --exclude 未抓取的链接：{}", p.excluded);
    }
    if !r.traps.is_empty() {
        let t: Vec<String> = r
            .traps
            .iter()
            .map(|(k, n)| format!("{} {n}", crawl::canon::trap_label(k)))
            .collect();
        println!("  未跟随的疑似陷阱链接：{}", t.join("，"));
    }
    for (origin, status, delay) in &r.robots {
        let s = match status {
            Some(s) => format!("状态 {s}"),
            None => "无法获取（按禁止抓取处理）".into(),
        };
        let d = match delay {
            Some(d) => format!("，Crawl-delay {:.1} 秒", d.as_secs_f64()),
            None => String::new(),
        };
        println!("  {origin}/robots.txt：{s}{d}");
    }
    if !r.rate_limited_hosts.is_empty() {
        println!(
            "  注意：{} 连续限流（429/503），其余网址未再请求，记为未核实（不作扣分依据）；请换个时段重新抓取",
            r.rate_limited_hosts.join("、")
        );
    }
    if r.pending > 0 {
        println!(
            "  还有 {} 个网址待抓取（已达 --max-pages 上限），可加 --resume 继续",
            r.pending
        );
    }
    if let Some((verdict, story)) = &r.seed
        && *verdict != Verdict::Ok
    {
        println!(
            "  注意：首页 {} 未能抓取（{story}），本次没有得到门户的网页。请检查网址、网络和防火墙后重试。",
            args.url
        );
    }
    println!("  快照库：{}", store::redact(&args.db));
}
