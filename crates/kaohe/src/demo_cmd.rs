//! `kaohe demo`: the whole job so far, on the bundled sample portal, in one command.
//!
//! Starts the sample portal on loopback, crawls it into a fresh snapshot store, reads every
//! stored page with the extractor, and compares what was read with the portal's ground truth
//! (guide elements, column dates), then shows the score the truth manifest expects. The
//! assessment stage (columns → indicators → findings → scores) is the next issue; when it
//! lands, this command runs it on the same snapshot instead of only quoting the manifest.

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use crawl::store::{Outcome, Store};
use crawl::{CrawlOptions, Crawler, Url};
use extract::{Kind, Vocabulary};
use rubric::Rubric;

#[derive(Args)]
pub struct DemoArgs {
    /// 示例门户的随机种子（同一种子生成完全相同的网站）
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// 示例门户的网页数（至少 600）
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pages: usize,
    /// 快照库：SQLite 文件路径或 postgres:// 地址（默认在系统临时目录新建一个 SQLite 文件）
    #[arg(long, value_name = "PATH|postgres://…")]
    db: Option<String>,
}

/// What the extractor read from the stored pages.
#[derive(Default)]
struct Reading {
    kinds: BTreeMap<&'static str, u64>,
    /// Path → element name → present, for every page read as a guide.
    guides: HashMap<String, BTreeMap<String, bool>>,
    /// Path → newest entry date, for every page read as a list.
    newest: HashMap<String, String>,
    pages: u64,
    seconds: f64,
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let rubric = rubric::bundled(rubric::BUNDLED_ID).context("内置指标体系无法加载")?;
    let site = demo::Site::new(args.seed, args.pages);
    let truth = site.truth();
    let server = demo::serve(site, ([127, 0, 0, 1], 0).into()).context("无法在本机启动示例门户")?;
    let base = server.base_url();
    println!(
        "示例门户：{}，种子 {}，约 {} 个网页，已在 {base}/ 启动",
        truth.county, truth.seed, truth.size
    );

    let db = args.db.clone().unwrap_or_else(|| {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        std::env::temp_dir()
            .join(format!("kaohe-demo-{}-{stamp}.sqlite", std::process::id()))
            .display()
            .to_string()
    });

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    let seed_url = Url::parse(&format!("{base}/")).context("示例门户地址无效")?;
    let vocab = Vocabulary::from_rubric(&rubric);
    let (report, reading) = rt.block_on(async {
        let store = Store::open(&db).await?;
        let mut opts = CrawlOptions::new(seed_url);
        // The portal is our own, in this process, on loopback: no need to be slow with it.
        opts.fetch.politeness.rate = 0.0;
        opts.fetch.politeness.concurrency = 8;
        opts.workers = 32;
        // The site has about `pages` pages and half as many robots-disallowed links: a bound
        // far above that stops a crawler-trap regression from filling the disk.
        opts.max_pages = Some(args.pages.max(demo::MIN_PAGES) as u64 * 20);
        let crawler = Crawler::new(store.clone(), opts)?;
        let bar = crate::crawl_cmd::progress_bar();
        let stats = crawler.stats();
        let ticker = {
            let bar = bar.clone();
            tokio::spawn(async move {
                loop {
                    let p = stats.read();
                    bar.set_message(format!(
                        "正在抓取：已抓取 {}  待抓取 {}",
                        p.fetched, p.queued
                    ));
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            })
        };
        let report = crawler.run().await;
        ticker.abort();
        bar.finish_and_clear();
        let report = report?;
        let reading = read_pages(&store, report.crawl, &vocab).await?;
        store.close().await;
        anyhow::Ok((report, reading))
    })?;
    drop(server);

    let p = &report.progress;
    println!(
        "① 抓取：记录 {} 个网址，用时 {:.1} 秒；正常 {}，失效 {}（网站的问题），未核实 {}（我方未能核实，不作扣分依据），robots.txt 禁止 {}",
        p.fetched,
        report.elapsed.as_secs_f64(),
        p.ok,
        p.broken,
        p.unverified,
        p.skipped
    );
    let by: Vec<String> = report
        .by_outcome
        .values()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    println!("   按结果：{}", by.join("，"));

    let kinds: Vec<String> = reading
        .kinds
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!(
        "② 解读网页：{} 页，用时 {:.2} 秒（{:.0} 页/秒）；{}",
        reading.pages,
        reading.seconds,
        reading.pages as f64 / reading.seconds.max(1e-9),
        kinds.join("，")
    );

    compare_guides(&truth, &reading, &rubric);
    compare_columns(&truth, &reading);

    match &truth.scores {
        Some(s) => {
            let sections: Vec<String> = s
                .sections
                .iter()
                .map(|x| format!("{} {}/{}", x.name, x.score, x.points))
                .collect();
            println!(
                "⑤ 标准答案（kaohe demo-site truth）：截至 {}，埋设扣分项 {} 处，应得 {} 分（满分 {}）；{}",
                truth.as_of,
                truth.findings.len(),
                s.total,
                s.max,
                sections.join("，")
            );
            let mut depts: Vec<&rubric::DepartmentScore> = s
                .departments
                .iter()
                .filter(|d| d.lost > rubric::Points::ZERO)
                .collect();
            depts.sort_by(|a, b| b.lost.cmp(&a.lost).then(a.name.cmp(&b.name)));
            let top: Vec<String> = depts
                .iter()
                .take(5)
                .map(|d| format!("{} −{}", d.name, d.lost))
                .collect();
            println!("   失分最多的单位：{}", top.join("，"));
        }
        None => println!(
            "⑤ 标准答案无法计分：{}",
            truth.score_error.as_deref().unwrap_or("原因不明")
        ),
    }
    println!(
        "下一步：考核评估（栏目对应指标、逐条扣分及证据、报告）在后续版本中由本命令直接完成。"
    );
    let db = store::redact(&db);
    println!("快照库：{db}（可用 kaohe snapshot list --db {db} 查看）");
    Ok(ExitCode::SUCCESS)
}

/// Reads every stored page of the crawl with the extractor, as the assessment will.
async fn read_pages(
    store: &Store,
    crawl: store::CrawlId,
    vocab: &Vocabulary,
) -> anyhow::Result<Reading> {
    let mut reading = Reading::default();
    let mut after = None;
    loop {
        let batch = store.fetches_after(crawl, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for f in &batch {
            if f.outcome != Outcome::Fetched {
                continue;
            }
            let Some(hash) = &f.body_hash else { continue };
            let Some(body) = store.body(hash).await? else {
                continue;
            };
            let Ok(url) = Url::parse(&f.final_url) else {
                continue;
            };
            let t0 = Instant::now();
            let facts = extract::page(&url, &body, f.headers.content_type.as_deref(), vocab);
            reading.seconds += t0.elapsed().as_secs_f64();
            reading.pages += 1;
            let kind = match facts.kind {
                Kind::List => "列表页",
                Kind::Article => "文章",
                Kind::Guide => "办事指南",
                Kind::Attachment => "附件",
                Kind::Other => "其他",
            };
            *reading.kinds.entry(kind).or_default() += 1;
            let path = url.path().to_string();
            if let Some(g) = &facts.guide {
                let present = g
                    .elements
                    .iter()
                    .map(|(name, e)| (name.clone(), e.present))
                    .collect();
                reading.guides.insert(path.clone(), present);
            }
            if facts.kind == Kind::List
                && let Some(d) = facts.newest_entry
            {
                reading.newest.insert(path, d.to_string());
            }
        }
    }
    Ok(reading)
}

/// How many seeded missing elements the extractor found, and how many it invented.
fn compare_guides(truth: &demo::Manifest, reading: &Reading, rubric: &Rubric) {
    let (mut agree, mut calls, mut seeded, mut caught, mut invented, mut unread) =
        (0, 0, 0, 0, 0, 0);
    let mut disagreements = Vec::new();
    for g in &truth.guides {
        let Some(read) = reading.guides.get(&g.url) else {
            unread += 1;
            continue;
        };
        for e in &rubric.elements {
            let expected = g.elements.get(&e.name).is_some_and(Option::is_some);
            let found = read.get(&e.name).copied().unwrap_or(false);
            calls += 1;
            agree += u64::from(expected == found);
            if expected != found {
                let yn = |b: bool| if b { "有" } else { "无" };
                disagreements.push(format!(
                    "{} 「{}」（标准答案：{}，解读：{}）",
                    g.url,
                    e.name,
                    yn(expected),
                    yn(found)
                ));
            }
            if !expected {
                seeded += 1;
                caught += u64::from(!found);
            } else if !found {
                invented += 1;
            }
        }
    }
    println!(
        "③ 办事指南要素（对照标准答案）：{} 份指南中读出 {} 份；{} 个要素判断中一致 {} 个（{:.1}%）；埋设的缺失要素 {} 处，发现 {} 处，误报 {} 处",
        truth.guides.len(),
        truth.guides.len() - unread,
        calls,
        agree,
        100.0 * agree as f64 / (calls.max(1)) as f64,
        seeded,
        caught,
        invented
    );
    for d in disagreements.iter().take(5) {
        println!("   不一致：{d}");
    }
}

/// Whether the newest date read from each column's first list page is the true one.
fn compare_columns(truth: &demo::Manifest, reading: &Reading) {
    let (mut right, mut total, mut stale) = (0, 0, 0);
    for c in &truth.columns {
        total += 1;
        stale += u64::from(!c.fresh);
        if reading.newest.get(&c.url) == Some(&c.newest) {
            right += 1;
        }
    }
    println!(
        "④ 栏目更新日期（对照标准答案）：{total} 个子栏目中最新日期读对 {right} 个；其中已过更新期限的 {stale} 个"
    );
}
