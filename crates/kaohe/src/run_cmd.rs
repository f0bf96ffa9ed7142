//! `kaohe run`: stored assessment runs — list them, show one (the same table or JSON as
//! `kaohe assess`), append assessors' decisions (rescored by the scoring engine), publish.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use crawl::store::{RunId, Store};

#[derive(Subcommand)]
pub enum RunCmd {
    /// 列出快照库中的评估（编号、抓取、截止日期、总分、状态）
    List(DbArg),
    /// 显示一次评估：得分表和全部问题（或 JSON）
    Show(ShowArgs),
    /// 把评审决定文件中的确认、撤销、改记单位追加到一次评估，并重新计分
    Decide(DecideArgs),
    /// 发布一次评估：发布后不能再修改
    Publish(RunArg),
}

#[derive(Args)]
pub struct DbArg {
    /// 快照库：SQLite 文件路径，或 postgres:// 地址
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    pub(crate) db: String,
}

#[derive(Args)]
pub struct RunArg {
    /// 评估编号（见 kaohe run list）
    #[arg(value_name = "编号")]
    run: i64,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct ShowArgs {
    #[command(flatten)]
    run: RunArg,
    /// 输出格式：table（表格）或 json
    #[arg(long, value_name = "格式", default_value = "table", value_parser = ["table", "json"])]
    format: String,
}

#[derive(Args)]
pub struct DecideArgs {
    #[command(flatten)]
    run: RunArg,
    /// 评审决定文件（TOML，格式见 docs/assess.md）
    #[arg(long, value_name = "FILE")]
    decisions: PathBuf,
}

pub fn run(cmd: RunCmd) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    rt.block_on(async {
        match cmd {
            RunCmd::List(a) => list(&a.db).await,
            RunCmd::Show(a) => show(a).await,
            RunCmd::Decide(a) => decide(a).await,
            RunCmd::Publish(a) => {
                let store = Store::open_existing(&a.db.db).await?;
                store.publish_run(RunId(a.run)).await?;
                println!("评估 #{} 已发布，此后不能再修改。", a.run);
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

async fn list(db: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    let runs = store.list_runs(None).await?;
    if runs.is_empty() {
        println!("快照库中还没有评估（用 kaohe assess 评估一次抓取）。");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} 次评估：", runs.len());
    println!("编号  抓取  截止日期    总分    状态    指标体系");
    for r in runs {
        println!(
            "{:<5} {:<5} {}  {:>6}  {}  {} {}",
            r.id,
            r.crawl,
            r.as_of,
            rubric::Points::from_hundredths(r.total_hundredths).to_string(),
            match r.state {
                store::RunState::Draft => "待发布",
                store::RunState::Published => "已发布",
            },
            r.rubric_id,
            r.rubric_version
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn show(a: ShowArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(&a.run.db.db).await?;
    let run = assess::run::load(&store, RunId(a.run.run)).await?;
    if a.format == "json" {
        println!("{}", serde_json::to_string_pretty(&run.assessment)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rubric = crate::rubric_cmd::resolve(&run.assessment.rubric)?;
    println!(
        "评估 #{}（{}，{}）",
        run.id,
        match run.state {
            store::RunState::Draft => "待发布",
            store::RunState::Published => "已发布",
        },
        run.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    print!("{}", crate::assess_cmd::table(&rubric, &run.assessment));
    Ok(ExitCode::SUCCESS)
}

async fn decide(a: DecideArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(&a.run.db.db).await?;
    let id = RunId(a.run.run);
    let stored = assess::run::load(&store, id).await?;
    let rubric = crate::rubric_cmd::resolve(&stored.assessment.rubric)?;
    let file = assess::Decisions::load(&a.decisions, &rubric)?;
    if !file.manual.is_empty() {
        anyhow::bail!(
            "评审决定文件 {} 中有 [[manual]] 人工扣分：人工扣分是新的问题，请在评估时用 kaohe assess --decisions 给出",
            a.decisions.display()
        );
    }
    let known: std::collections::HashSet<&str> = stored
        .assessment
        .findings
        .iter()
        .map(|f| f.finding.id.as_str())
        .collect();
    if let Some(d) = file
        .decisions
        .iter()
        .find(|d| !known.contains(d.finding.as_str()))
    {
        anyhow::bail!(
            "评估 #{} 中没有问题 {}：请从 kaohe run show {} --format json 复制问题编号",
            a.run.run,
            d.finding,
            a.run.run
        );
    }
    let before = stored.assessment.total;
    let after = assess::run::decide(&store, id, &rubric, &file.decisions).await?;
    println!(
        "已向评估 #{} 追加 {} 条评审决定；总分 {} → {}",
        a.run.run,
        file.decisions.len(),
        before,
        after.total
    );
    Ok(ExitCode::SUCCESS)
}
