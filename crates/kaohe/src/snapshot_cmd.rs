//! `kaohe snapshot list|show|export-warc`: read the snapshot store, print in Chinese.
//! Read-only: the store is opened with `Store::open_existing`, so a mistyped `--db` is an
//! error, never a new empty file.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use store::chrono::{DateTime, FixedOffset, Utc};
use store::{CrawlId, Outcome, Store, StoredFetch, Verification};
use unicode_width::UnicodeWidthStr;

#[derive(Subcommand)]
pub enum SnapshotCmd {
    /// 列出快照库中的全部抓取任务：编号、状态、抓取记录数、待抓取网址数
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// 查看一次抓取：按结果分类统计；给出网址时显示该网址的完整抓取记录
    Show {
        /// 抓取任务编号（见 kaohe snapshot list）
        #[arg(value_name = "抓取编号")]
        crawl: i64,
        /// 要查看的网址（请求网址或重定向后的最终网址）
        #[arg(value_name = "URL")]
        url: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// 把一次抓取导出为 WARC/1.1 网页存档（每条记录单独 gzip 压缩），可用标准网页存档工具打开
    ExportWarc {
        /// 抓取任务编号（见 kaohe snapshot list）
        #[arg(value_name = "抓取编号")]
        crawl: i64,
        /// 输出文件；默认为当前目录下的 kaohe-crawl-<编号>.warc.gz
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Args)]
pub struct DbArg {
    /// 快照库：SQLite 文件路径，或 postgres:// 地址；默认当前目录下的 kaohe.sqlite，也可用环境变量 KAOHE_DB 指定
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    db: String,
}

pub fn run(cmd: SnapshotCmd) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    rt.block_on(async {
        match cmd {
            SnapshotCmd::List { db } => list(&db.db).await,
            SnapshotCmd::Show { crawl, url, db } => {
                let store = Store::open_existing(&db.db).await?;
                let code = match url {
                    None => show_crawl(&store, CrawlId(crawl)).await,
                    Some(url) => show_url(&store, CrawlId(crawl), &url).await,
                };
                store.close().await;
                code
            }
            SnapshotCmd::ExportWarc { crawl, output, db } => {
                export_warc(&db.db, CrawlId(crawl), output).await
            }
        }
    })
}

async fn list(db: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    let crawls = store.list_crawls().await?;
    let (bodies, raw, stored) = store.body_stats().await?;
    store.close().await;
    let db = store::redact(db);
    if crawls.is_empty() {
        println!("快照库 {db} 中还没有抓取任务。用 kaohe crawl URL 开始抓取。");
        return Ok(ExitCode::SUCCESS);
    }
    println!("快照库 {db}：{} 次抓取", crawls.len());
    println!();
    let mut rows = vec![[
        "编号".to_string(),
        "开始时间（北京时间）".into(),
        "状态".into(),
        "抓取记录".into(),
        "待抓取".into(),
        "进行中".into(),
        "已完成".into(),
        "首页网址".into(),
    ]];
    for s in &crawls {
        rows.push([
            s.crawl.id.to_string(),
            beijing(s.crawl.started_at),
            s.crawl.state.label_zh().into(),
            s.fetches.to_string(),
            s.pending.to_string(),
            s.in_progress.to_string(),
            s.done.to_string(),
            s.crawl.seed_url.clone(),
        ]);
    }
    print!("{}", aligned(&rows));
    println!();
    println!(
        "正文（全库去重后）：{bodies} 份，原始 {}，压缩后 {}",
        size(raw),
        size(stored)
    );
    Ok(ExitCode::SUCCESS)
}

async fn show_crawl(store: &Store, id: CrawlId) -> anyhow::Result<ExitCode> {
    let crawl = store
        .crawl(id)
        .await?
        .with_context(|| format!("抓取任务 {id} 不存在（可用 kaohe snapshot list 查看）"))?;
    let (pending, in_progress, done) = store.frontier_counts(id).await?;
    let counts = store.outcome_counts(id).await?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let tally = |t: store::Tally| -> u64 {
        counts
            .iter()
            .filter(|(o, _)| o.tally() == t)
            .map(|(_, n)| n)
            .sum()
    };
    let unverified = tally(store::Tally::Unverified);
    let not_fetched = tally(store::Tally::NotFetched);
    let mut out = String::new();
    let _ = writeln!(out, "抓取任务 {id}：{}", crawl.seed_url);
    let _ = writeln!(out, "  状态：{}", crawl.state.label_zh());
    let _ = writeln!(out, "  开始：{}", beijing(crawl.started_at));
    if let Some(f) = crawl.finished_at {
        let _ = writeln!(out, "  结束：{}", beijing(f));
    }
    let _ = writeln!(out, "  抓取设置：{}", crawl.config);
    let _ = writeln!(
        out,
        "  网址：已完成 {done}，待抓取 {pending}，进行中 {in_progress}"
    );
    let _ = writeln!(
        out,
        "  抓取记录：{total} 条（robots.txt 的抓取不计在内），按结果："
    );
    let rows: Vec<[String; 2]> = counts
        .iter()
        .map(|(o, n)| [o.label_zh().to_string(), n.to_string()])
        .collect();
    for line in aligned(&rows).lines() {
        let _ = writeln!(out, "    {line}");
    }
    let _ = writeln!(
        out,
        "  正常 {}，失效 {}（网站的问题），未核实 {unverified}，按规则未抓取 {not_fetched}",
        tally(store::Tally::Ok),
        tally(store::Tally::Broken)
    );
    if unverified + not_fetched > 0 {
        let _ = writeln!(
            out,
            "  未核实和按规则未抓取的 {} 条：本工具未得到网站的真实答复（拦截、超时、拒绝连接、robots.txt 禁止等），不能据此认定网页缺失。",
            unverified + not_fetched
        );
    }
    if crawl.state == store::CrawlState::Running {
        let _ = writeln!(
            out,
            "  本次抓取未完成，可用 kaohe crawl {} --resume 继续。",
            crawl.seed_url
        );
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

async fn show_url(store: &Store, id: CrawlId, url: &str) -> anyhow::Result<ExitCode> {
    if store.crawl(id).await?.is_none() {
        anyhow::bail!("抓取任务 {id} 不存在（可用 kaohe snapshot list 查看）");
    }
    let fetches = store.fetches_of_url(id, url).await?;
    if fetches.is_empty() {
        println!("抓取任务 {id} 中没有网址 {url} 的抓取记录。");
        return Ok(ExitCode::from(1));
    }
    for f in &fetches {
        let links = store.links_from(f.id).await?;
        print!("{}", describe(f, &links));
    }
    Ok(ExitCode::SUCCESS)
}

/// One fetch record, every field an auditor may ask about.
fn describe(f: &StoredFetch, links: &[store::StoredLink]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "抓取记录 #{}", f.id);
    let _ = writeln!(o, "  网址：{}", f.url);
    for hop in &f.redirects {
        let _ = writeln!(o, "  重定向：{} {} → {}", hop.url, hop.status, hop.location);
    }
    if f.final_url != f.url {
        let _ = writeln!(o, "  最终网址：{}", f.final_url);
    }
    let _ = writeln!(o, "  结果：{}", f.outcome.label_zh());
    let verdict = match f.outcome.verification() {
        Verification::Checked => "已核实（网站的真实答复）",
        Verification::Unverified => "未核实：本工具未得到网站的真实答复，不能据此认定网页缺失",
    };
    let _ = writeln!(o, "  核实：{verdict}");
    let status = f
        .status
        .map_or("无（未收到响应）".to_string(), |s| s.to_string());
    let _ = writeln!(o, "  请求方法：{}；状态码：{status}", f.method);
    if let Some(d) = &f.detail {
        let _ = writeln!(o, "  说明：{d}");
    }
    let ms = |v: Option<u32>| v.map_or("—".to_string(), |v| format!("{v} 毫秒"));
    let _ = writeln!(
        o,
        "  时间：{}；连接 {}，首字节 {}，总计 {}",
        beijing(f.timing.started_at),
        ms(f.timing.connect_ms),
        ms(f.timing.ttfb_ms),
        ms(f.timing.total_ms)
    );
    for (name, v) in f.headers.present() {
        let _ = writeln!(o, "  响应头 {name}：{v}");
    }
    if let Some(e) = &f.encoding {
        let errors = if e.had_errors {
            "；解码时有无法识别的字节"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  编码：{}（依据：{}{errors}）",
            e.name,
            e.source.label_zh()
        );
    }
    match (&f.body_hash, f.body_size, f.outcome) {
        (Some(hash), None, Outcome::NotModified) => {
            let _ = writeln!(o, "  正文：未变化，同此前抓取的正文（SHA-256 {hash}）");
        }
        // A declared length over the cap is not read at all: nothing was saved, say so.
        (_, Some(0) | None, _) if f.body_truncated => {
            let _ = writeln!(
                o,
                "  正文：超过大小上限（声明的长度{}），未读取、未保存",
                f.headers
                    .content_length
                    .as_deref()
                    .map(|n| format!(" {n} 字节"))
                    .unwrap_or_default()
            );
        }
        (Some(hash), Some(size), _) => {
            let cut = if f.body_truncated {
                format!("；超过大小上限，只保存了前 {size} 字节，其后的内容未读取")
            } else {
                String::new()
            };
            let _ = writeln!(o, "  正文：{size} 字节，SHA-256 {hash}{cut}");
        }
        _ => {
            let _ = writeln!(o, "  正文：无");
        }
    }
    if let Some(a) = &f.attachment {
        let _ = writeln!(
            o,
            "  附件检查：{}；声明类型 {}，文件头识别为 {}，大小 {} 字节",
            a.verdict.label_zh(),
            a.declared_type.as_deref().unwrap_or("无"),
            a.magic_type.as_deref().unwrap_or("无法识别"),
            a.size
        );
    }
    if !links.is_empty() {
        let _ = writeln!(o, "  页面中的链接：{} 条", links.len());
        for l in links.iter().take(30) {
            let text = l.text.as_deref().unwrap_or("");
            let _ = writeln!(o, "    [{}] {text} → {}", l.kind.label_zh(), l.to_url);
        }
        if links.len() > 30 {
            let _ = writeln!(o, "    ……（另有 {} 条）", links.len() - 30);
        }
    }
    o
}

async fn export_warc(
    db: &str,
    crawl: CrawlId,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    if store.crawl(crawl).await?.is_none() {
        anyhow::bail!("抓取任务 {crawl} 不存在（可用 kaohe snapshot list 查看）");
    }
    let path = output.unwrap_or_else(|| PathBuf::from(format!("kaohe-crawl-{crawl}.warc.gz")));
    // Written beside the target and renamed at the end: a failed export never leaves a
    // truncated archive under the requested name.
    let mut part = path.clone().into_os_string();
    part.push(".part");
    let part = PathBuf::from(part);
    let file =
        std::fs::File::create(&part).with_context(|| format!("无法创建文件 {}", part.display()))?;
    let result = store::warc::export(&store, crawl, std::io::BufWriter::new(file)).await;
    store.close().await;
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e.into());
        }
    };
    std::fs::rename(&part, &path).with_context(|| format!("无法写入文件 {}", path.display()))?;
    println!(
        "已导出抓取任务 {crawl}：{} 条抓取记录 → {} 条 WARC 记录（响应 {}，304 重访 {}，无响应 {}），{}，写入 {}",
        summary.fetches,
        summary.records,
        summary.responses,
        summary.revisits,
        summary.no_response,
        size(summary.bytes),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Columns padded to their widest cell (CJK characters count two), two spaces apart.
fn aligned<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn beijing(t: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(tz) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string(),
        None => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    }
}

fn size(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else if bytes >= 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} 字节")
    }
}
