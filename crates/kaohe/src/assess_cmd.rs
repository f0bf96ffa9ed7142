//! `kaohe assess` and `kaohe map`: flags, wiring and the Chinese score table. The mapping,
//! the rules and the scores are `assess`'s; the crawl (when given a URL) is `crawl`'s.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use assess::load::Setup;
use assess::{Assessment, Decisions, Profile};
use clap::Args;
use crawl::store::{CrawlId, Store};
use rubric::{Rubric, Status};
use unicode_width::UnicodeWidthStr;

#[derive(Args)]
pub struct AssessArgs {
    /// 门户网站首页的网址（先抓取再评估）；或用 --crawl 评估快照库中已有的抓取
    #[arg(value_name = "URL", required_unless_present = "crawl")]
    url: Option<String>,
    /// 评估快照库中已有的抓取（编号见 kaohe snapshot list），不访问网络
    #[arg(long, value_name = "编号", conflicts_with = "url")]
    crawl: Option<i64>,
    /// 快照库：SQLite 文件路径，或 postgres:// 地址
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    db: String,
    /// 考核指标体系：内置编号或 TOML 文件
    #[arg(long, value_name = "ID|FILE", default_value = rubric::BUNDLED_ID)]
    rubric: String,
    /// 站点配置（TOML）：指定栏目对应的指标、子栏目类型和责任单位（可用 kaohe map --write-profile 生成）
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// 考核截止日期（YYYY-MM-DD），栏目是否按期更新以此为准；默认今天
    #[arg(long, value_name = "日期")]
    as_of: Option<String>,
    /// 评审决定文件（TOML）：确认、撤销、改记单位和人工扣分
    #[arg(long, value_name = "FILE")]
    decisions: Option<PathBuf>,
    /// 不与同一网站的上一次抓取对比（默认对比：无日期栏目看内容变化，识别只改日期的旧信息）
    #[arg(long)]
    no_history: bool,
    /// 输出格式：table（表格）或 json
    #[arg(long, value_name = "格式", default_value = "table", value_parser = ["table", "json"])]
    format: String,
}

#[derive(Args)]
pub struct MapArgs {
    /// 抓取编号（见 kaohe snapshot list）
    #[arg(value_name = "编号")]
    crawl: i64,
    /// 快照库：SQLite 文件路径，或 postgres:// 地址
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    db: String,
    /// 考核指标体系：内置编号或 TOML 文件
    #[arg(long, value_name = "ID|FILE", default_value = rubric::BUNDLED_ID)]
    rubric: String,
    /// 站点配置（TOML），其中的指定优先于自动判断
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// 把对应关系写成站点配置文件，供修改后用 --profile 使用
    #[arg(long, value_name = "FILE")]
    write_profile: Option<PathBuf>,
    /// 输出格式：table（表格）或 json
    #[arg(long, value_name = "格式", default_value = "table", value_parser = ["table", "json"])]
    format: String,
}

/// The rubric and the version of its text.
pub(crate) fn rubric_and_version(id_or_file: &str) -> anyhow::Result<(Rubric, String)> {
    let rubric = crate::rubric_cmd::resolve(id_or_file)?;
    let text = match rubric::bundled_text(id_or_file) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(id_or_file).unwrap_or_default(),
    };
    Ok((rubric, assess::rubric_version(&text)))
}

pub(crate) fn parse_date(s: &str) -> anyhow::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .with_context(|| format!("日期无效：{s}（应为 YYYY-MM-DD，如 2017-12-20）"))
}

/// Today in Beijing time.
fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

pub fn run(args: AssessArgs) -> anyhow::Result<ExitCode> {
    let (rubric, version) = rubric_and_version(&args.rubric)?;
    let profile = match &args.profile {
        Some(p) => Profile::load(p, &rubric)?,
        None => Profile::default(),
    };
    let decisions = match &args.decisions {
        Some(p) => Decisions::load(p, &rubric)?,
        None => Decisions::default(),
    };
    let as_of = match &args.as_of {
        Some(s) => parse_date(s)?,
        None => today(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    let a = rt.block_on(async {
        let store = match &args.url {
            Some(_) => Store::open(&args.db).await?,
            None => Store::open_existing(&args.db).await?,
        };
        let crawl = match (&args.url, args.crawl) {
            (_, Some(id)) => CrawlId(id),
            (Some(u), None) => crawl_first(&store, u).await?,
            (None, None) => anyhow::bail!("请给出网址，或用 --crawl 指定已有的抓取"),
        };
        let setup = Setup {
            rubric: &rubric,
            rubric_version: version.clone(),
            profile: &profile,
            decisions: &decisions,
            as_of,
            use_history: !args.no_history,
        };
        let a = assess::load::assess_crawl(&store, crawl, &setup).await?;
        let profile_text = match &args.profile {
            Some(p) => std::fs::read_to_string(p).ok(),
            None => None,
        };
        let run = assess::run::save(&store, &a, profile_text).await?;
        store.close().await;
        anyhow::Ok((a, run))
    })?;
    let (a, run) = a;
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&a)?);
    } else {
        print!("{}", table(&rubric, &a));
    }
    let db = store::redact(&args.db);
    eprintln!(
        "已存为评估 #{run}（kaohe run show {run} --db {db} 查看；评审决定可用 kaohe run decide {run} --decisions 文件 追加）"
    );
    Ok(ExitCode::SUCCESS)
}

/// Crawls the portal politely with the crawler's defaults before assessing it.
async fn crawl_first(store: &Store, url: &str) -> anyhow::Result<CrawlId> {
    let seed = crate::parse_url(url)?;
    let mut opts = crawl::CrawlOptions::new(seed);
    opts.workers = 8;
    let crawler = crawl::Crawler::new(store.clone(), opts)?;
    eprintln!(
        "正在抓取 {url}（每秒最多 2 个请求；可先用 kaohe crawl 调整抓取参数，再用 --crawl 评估）"
    );
    let report = crawler.run().await?;
    eprintln!(
        "抓取完成：抓取任务 #{}，记录 {} 个网址，未核实 {} 个",
        report.crawl, report.progress.fetched, report.progress.unverified
    );
    Ok(report.crawl)
}

/// Pads to a display width (CJK characters count double).
fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The score table and the findings, as the office reads them.
pub(crate) fn table(rubric: &Rubric, a: &Assessment) -> String {
    let mut o = String::new();
    let line = |o: &mut String, s: String| {
        o.push_str(&s);
        o.push('\n');
    };
    line(
        &mut o,
        format!(
            "考核结果：{}（抓取 #{}，截至 {}；{} 版本 {}）",
            a.portal, a.crawl, a.as_of, a.rubric, a.rubric_version
        ),
    );
    if let Some(h) = a.history_crawl {
        line(&mut o, format!("  对比：同一网站的上一次抓取 #{h}"));
    }
    line(&mut o, format!("总分：{} / {}", a.total, a.max));
    for s in &a.scores.sections {
        line(&mut o, String::new());
        line(
            &mut o,
            format!(
                "{}{}  {} / {}",
                section_number(&s.id),
                s.name,
                s.score,
                s.points
            ),
        );
        for i in &s.indicators {
            let mut tail = Vec::new();
            if i.deducted > rubric::Points::ZERO {
                tail.push(format!("扣 {}", i.deducted));
            }
            if !i.needs_review.is_empty() {
                tail.push(format!("待复核 {}", i.needs_review.len()));
            }
            if !i.unverified.is_empty() {
                tail.push(format!("未核实 {}", i.unverified.len()));
            }
            if !i.dismissed.is_empty() {
                tail.push(format!("已撤销 {}", i.dismissed.len()));
            }
            line(
                &mut o,
                format!(
                    "  {} {}{:>6} / {}  {}",
                    pad(&i.id, 5),
                    pad(&i.name, 20),
                    i.score.to_string(),
                    i.points,
                    tail.join("，")
                ),
            );
        }
        if s.section_lost > rubric::Points::ZERO {
            line(&mut o, format!("  本部分整体扣分：{}", s.section_lost));
        }
    }
    let mut depts: Vec<&rubric::DepartmentScore> = a
        .scores
        .departments
        .iter()
        .filter(|d| d.lost > rubric::Points::ZERO)
        .collect();
    depts.sort_by(|x, y| y.lost.cmp(&x.lost).then(x.name.cmp(&y.name)));
    line(&mut o, String::new());
    if depts.is_empty() {
        line(&mut o, "单位失分：无".into());
    } else {
        let parts: Vec<String> = depts
            .iter()
            .map(|d| format!("{} −{}", d.name, d.lost))
            .collect();
        line(&mut o, format!("单位失分：{}", parts.join("，")));
    }
    let c = a.counts;
    line(
        &mut o,
        format!(
            "问题：扣分 {} 条，待复核 {} 条（评审确认后才扣分），未核实 {} 条（我方未能抓取，不扣分）{}",
            c.deducted,
            c.needs_review,
            c.unverified,
            if c.manual > 0 {
                format!("，其中人工扣分 {} 条", c.manual)
            } else {
                String::new()
            }
        ),
    );
    let dismissed: std::collections::HashSet<&str> = a
        .scores
        .sections
        .iter()
        .flat_map(|s| s.indicators.iter())
        .flat_map(|i| i.dismissed.iter().map(String::as_str))
        .collect();
    for (status, title) in [
        (Status::Deducted, "扣分问题"),
        (Status::NeedsReview, "待复核（确认后才扣分）"),
        (Status::Unverified, "未核实（不扣分）"),
    ] {
        let mut list: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.finding.status == status)
            .collect();
        // In the rubric's order (1.2 before 1.10), then by id.
        let order: std::collections::HashMap<&str, usize> = rubric
            .indicators()
            .enumerate()
            .map(|(k, i)| (i.id.as_str(), k))
            .collect();
        list.sort_by_key(|f| {
            (
                order
                    .get(f.indicator.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
                f.finding.id.clone(),
            )
        });
        if list.is_empty() {
            continue;
        }
        line(&mut o, String::new());
        line(&mut o, format!("{title}："));
        for f in list {
            let ind = rubric
                .indicator(&f.indicator)
                .map_or(f.indicator.clone(), |i| format!("{} {}", i.id, i.name));
            let url = f.finding.evidence.first().map_or("", |e| e.url.as_str());
            let mark = if dismissed.contains(f.finding.id.as_str()) {
                "（已撤销）"
            } else {
                ""
            };
            line(
                &mut o,
                format!(
                    "  [{ind} −{} {}]{mark} {}",
                    f.deduction, f.finding.department, f.finding.message
                ),
            );
            if !url.is_empty() {
                line(&mut o, format!("      证据：{url}"));
            }
        }
    }
    o
}

/// （一）, （二）… for the sections numbered 1, 2 … as the seed writes them; other ids as
/// they are.
fn section_number(id: &str) -> String {
    const ZH: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match id.parse::<usize>() {
        Ok(n) if (1..=10).contains(&n) => format!("（{}）", ZH[n - 1]),
        _ => format!("{id} "),
    }
}

pub fn map(args: MapArgs) -> anyhow::Result<ExitCode> {
    let (rubric, _) = rubric_and_version(&args.rubric)?;
    let profile = match &args.profile {
        Some(p) => Profile::load(p, &rubric)?,
        None => Profile::default(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    let (mapping, portal) = rt.block_on(async {
        let store = Store::open_existing(&args.db).await?;
        let crawl = CrawlId(args.crawl);
        let Some(meta) = store.crawl(crawl).await? else {
            anyhow::bail!(
                "快照库中没有编号为 {} 的抓取：请用 kaohe snapshot list 查看已有的抓取",
                args.crawl
            );
        };
        let vocab = extract::Vocabulary::from_rubric(&rubric);
        let snap = assess::load::snapshot(&store, crawl, &vocab).await?;
        store.close().await;
        anyhow::Ok((
            assess::mapping::map(&rubric, &profile, &snap),
            meta.seed_url,
        ))
    })?;
    if let Some(path) = &args.write_profile {
        std::fs::write(
            path,
            assess::mapping::to_profile_toml(&rubric, &mapping, &portal),
        )
        .with_context(|| format!("无法写入站点配置文件 {}", path.display()))?;
        eprintln!(
            "已写出站点配置：{}（修改后用 --profile 使用）",
            path.display()
        );
    }
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&mapping)?);
        return Ok(ExitCode::SUCCESS);
    }
    let short = |u: &str| assess::snapshot::short_url(&portal, u);
    println!("栏目对应（抓取 #{}，{}）", args.crawl, portal);
    for ind in rubric.indicators() {
        let cols: Vec<_> = mapping.of_indicator(&ind.id).collect();
        println!();
        if cols.is_empty() {
            println!(
                "{} {}：未找到栏目（评估时记为待复核「栏目未找到」）",
                ind.id, ind.name
            );
            continue;
        }
        println!("{} {}：{} 个栏目", ind.id, ind.name, cols.len());
        for c in cols {
            let t = c
                .column_type
                .as_deref()
                .and_then(|t| rubric.column_type(t))
                .map_or(
                    if c.overview {
                        "栏目首页"
                    } else {
                        "类型未识别"
                    },
                    |t| t.name.as_str(),
                );
            println!(
                "  {}  [{}；{}]  {}",
                c.key,
                t,
                c.department.as_deref().unwrap_or("责任单位未定"),
                short(&c.url)
            );
            for r in &c.reasons {
                println!("      · {r}");
            }
        }
    }
    let unplaced: Vec<_> = mapping
        .columns
        .iter()
        .filter(|c| c.indicator.is_none())
        .collect();
    if !unplaced.is_empty() {
        println!();
        println!(
            "未对应到指标的栏目 {} 个（如需考核，请在站点配置中指定）：",
            unplaced.len()
        );
        for c in unplaced.iter().take(50) {
            println!("  {}  {}", c.key, short(&c.url));
        }
        if unplaced.len() > 50 {
            println!(
                "  ……另有 {} 个（--format json 可看全部）",
                unplaced.len() - 50
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct RereadArgs {
    /// 抓取编号（见 kaohe snapshot list）
    #[arg(value_name = "编号")]
    crawl: i64,
    /// 快照库：SQLite 文件路径，或 postgres:// 地址
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    db: String,
    /// 考核指标体系：内置编号或 TOML 文件（要素、子栏目类型等词汇来自它）
    #[arg(long, value_name = "ID|FILE", default_value = rubric::BUNDLED_ID)]
    rubric: String,
    /// 全部重新解读（默认只解读没有事实或由旧版本解读的网页）
    #[arg(long)]
    all: bool,
}

/// `kaohe reread`: the stored bodies read again with this version's reader (no network).
pub fn reread(args: RereadArgs) -> anyhow::Result<ExitCode> {
    let (rubric, _) = rubric_and_version(&args.rubric)?;
    let vocab = extract::Vocabulary::from_rubric(&rubric);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    let t0 = std::time::Instant::now();
    let r = rt.block_on(async {
        let store = Store::open_existing(&args.db).await?;
        let r = assess::load::reread(&store, CrawlId(args.crawl), &vocab, args.all).await?;
        store.close().await;
        anyhow::Ok(r)
    })?;
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "重新解读抓取 #{}（解读器 {}）：解读 {} 页，用时 {:.1} 秒；其中网页类型改变的 {} 页；已是本版本解读、未重读的 {} 页",
        args.crawl,
        extract::VERSION,
        r.read,
        secs,
        r.changed_kind,
        r.current
    );
    Ok(ExitCode::SUCCESS)
}
