//! `kaohe demo`: the main job on the bundled sample portal, in one command.
//!
//! Starts the sample portal on loopback, crawls it into a fresh snapshot store, assesses the
//! crawl at the portal's as-of date (columns → indicators → findings with evidence → scores),
//! prints the score table, and compares the findings with the portal's ground truth: every
//! expected finding found with its status and department, nothing extra. Exit 0 only when
//! they agree.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use assess::load::Setup;
use assess::{Decisions, Profile};
use clap::Args;
use crawl::store::Store;
use crawl::{CrawlOptions, Crawler, Url};

#[derive(Args)]
pub struct DemoArgs {
    /// 示例门户的随机种子（同一种子生成完全相同的网站）
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// 示例门户的网页数（至少 600）
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = crate::demo_site_cmd::pages)]
    pages: usize,
    /// 快照库：SQLite 文件路径或 postgres:// 地址（默认在系统临时目录新建一个 SQLite 文件）
    #[arg(long, value_name = "PATH|postgres://…")]
    db: Option<String>,
    /// 报告输出目录：XLSX 表格、HTML 报告、各单位整改通知单和 JSON 写在这里
    #[arg(long, value_name = "DIR", default_value = "kaohe-demo-报告")]
    out: std::path::PathBuf,
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
    let as_of = crate::assess_cmd::parse_date(&truth.as_of)?;
    let version =
        assess::rubric_version(rubric::bundled_text(rubric::BUNDLED_ID).unwrap_or_default());
    let (report, assessment, assess_secs) = rt.block_on(async {
        let store = Store::open(&db).await?;
        // The office's previous round first (the site as it was), then this round: the
        // assessment compares the two (a re-dated entry is caught that way).
        server.set_previous(true);
        crawl_once(
            &store,
            &seed_url,
            args.pages,
            "上一轮抓取（网站的上一版本）",
        )
        .await?;
        server.set_previous(false);
        let report = crawl_once(&store, &seed_url, args.pages, "本轮抓取").await?;
        let (profile, decisions) = (Profile::default(), Decisions::default());
        let setup = Setup {
            rubric: &rubric,
            rubric_version: version.clone(),
            profile: &profile,
            decisions: &decisions,
            as_of,
            use_history: true,
        };
        let t0 = Instant::now();
        let assessment = assess::load::assess_crawl(&store, report.crawl, &setup).await?;
        let secs = t0.elapsed().as_secs_f64();
        let run = assess::run::save(&store, &assessment, None).await?;
        // The reports are made from the stored run, as `kaohe report` makes them.
        let stored = assess::run::load(&store, run).await?;
        store.close().await;
        let files =
            crate::report_cmd::write(&stored, &rubric, None, &args.out, &report::Format::ALL)?;
        anyhow::Ok((report, (assessment, run, files), secs))
    })?;
    let (assessment, run, files) = assessment;
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

    println!(
        "② 评估：截至 {}，用时 {:.2} 秒；栏目 {} 个，其中对应到指标的 {} 个",
        truth.as_of,
        assess_secs,
        assessment.mapping.columns.len(),
        assessment
            .mapping
            .columns
            .iter()
            .filter(|c| c.indicator.is_some())
            .count()
    );
    println!();
    print!("{}", crate::assess_cmd::table(&rubric, &assessment));
    println!();
    let agree = compare(&truth, &assessment);
    let db = store::redact(&db);
    println!("评估结果已存为评估 #{run}（kaohe run show {run} --db {db}）");
    println!(
        "报告：{} 个文件在 {}（评估报告-{run}.xlsx、评估报告-{run}.html、各单位整改通知单；kaohe report {run} --db {db} 可重新生成）",
        files.len(),
        args.out.display()
    );
    println!(
        "快照库：{db}（可用 kaohe snapshot list --db {db} 查看，用 kaohe assess --crawl {} --db {db} --as-of {} 重新评估）",
        report.crawl, truth.as_of
    );
    Ok(if agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One crawl of the sample portal, fast (it is our own, on loopback), with a progress line.
async fn crawl_once(
    store: &Store,
    seed_url: &Url,
    pages: usize,
    what: &str,
) -> anyhow::Result<crawl::Report> {
    let mut opts = CrawlOptions::new(seed_url.clone());
    opts.fetch.politeness.rate = 0.0;
    opts.fetch.politeness.concurrency = 8;
    opts.workers = 32;
    // The site has about `pages` pages and half as many robots-disallowed links: a bound far
    // above that stops a crawler-trap regression from filling the disk.
    opts.max_pages = Some(pages.max(demo::MIN_PAGES) as u64 * 20);
    let crawler = Crawler::new(store.clone(), opts)?;
    let bar = crate::crawl_cmd::progress_bar();
    let stats = crawler.stats();
    let ticker = {
        let bar = bar.clone();
        let what = what.to_string();
        tokio::spawn(async move {
            loop {
                let p = stats.read();
                bar.set_message(format!("{what}：已抓取 {}  待抓取 {}", p.fetched, p.queued));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let report = crawler.run().await;
    ticker.abort();
    bar.finish_and_clear();
    Ok(report?)
}

/// The assessment against the ground truth: every expected finding with its status and
/// department, nothing extra, the same total.
fn compare(truth: &demo::Manifest, a: &assess::Assessment) -> bool {
    let expected: BTreeMap<&str, (&str, &str)> = truth
        .findings
        .iter()
        .map(|f| (f.id.as_str(), (f.department.as_str(), f.status.as_str())))
        .collect();
    let found: BTreeMap<&str, (&str, &str)> = a
        .findings
        .iter()
        .map(|f| {
            (
                f.finding.id.as_str(),
                (f.finding.department.as_str(), f.finding.status.as_str()),
            )
        })
        .collect();
    let hit = expected
        .iter()
        .filter(|(k, v)| found.get(*k) == Some(v))
        .count();
    let missed: Vec<&str> = expected
        .iter()
        .filter(|(k, v)| found.get(*k) != Some(v))
        .map(|(k, _)| *k)
        .collect();
    let extra: Vec<&str> = found
        .iter()
        .filter(|(k, v)| expected.get(*k) != Some(v))
        .map(|(k, _)| *k)
        .collect();
    let want = truth.scores.as_ref().map(|s| s.total);
    println!(
        "③ 对照标准答案（kaohe demo-site truth）：埋设问题 {} 条，评估找到 {} 条，漏报 {} 条，多报 {} 条；标准答案总分 {}，评估总分 {}",
        expected.len(),
        hit,
        missed.len(),
        extra.len(),
        want.map_or("无法计算".to_string(), |t| t.to_string()),
        a.total
    );
    for m in missed.iter().take(10) {
        println!("   漏报：{m}");
    }
    for e in extra.iter().take(10) {
        println!("   多报：{e}");
    }
    let agree = missed.is_empty() && extra.is_empty() && want == Some(a.total);
    println!(
        "   {}",
        if agree {
            "一致：评估结果与标准答案完全相同。"
        } else {
            "不一致：请把以上差异报告给开发者。"
        }
    );
    agree
}
