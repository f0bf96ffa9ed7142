//! `kaohe report RUN`: the office's artefacts from a stored run — the XLSX workbook, the HTML
//! report, a rectification notice per department (DOCX and HTML), the JSON — written into a
//! folder. The `report` crate makes them; this reads the run and says where they went.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use crawl::store::{RunId, Store};

#[derive(Args)]
pub struct ReportArgs {
    /// 评估编号（见 kaohe run list）
    #[arg(value_name = "编号")]
    run: i64,
    /// 快照库：SQLite 文件路径，或 postgres:// 地址
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    db: String,
    /// 输出格式：xlsx、html、docx（各单位整改通知单）、json，或 all（全部）
    #[arg(long, value_name = "格式", default_value = "all", value_parser = ["xlsx", "html", "docx", "json", "all"])]
    format: String,
    /// 只输出这个考核单位的问题和整改通知单
    #[arg(long, value_name = "单位")]
    department: Option<String>,
    /// 输出目录（默认：评估报告-编号）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// 指标体系：内置编号或文件（默认：评估所用的内置指标体系）
    #[arg(long, value_name = "ID|FILE")]
    rubric: Option<String>,
}

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    let stored = rt.block_on(async {
        let store = Store::open_existing(&args.db).await?;
        anyhow::Ok(assess::run::load(&store, RunId(args.run)).await?)
    })?;
    let rubric =
        crate::rubric_cmd::resolve(args.rubric.as_deref().unwrap_or(&stored.assessment.rubric))?;
    if rubric.id != stored.assessment.rubric {
        anyhow::bail!(
            "评估 {} 用的是指标体系 {}，不是 {}：请用 --rubric 给出同一指标体系",
            args.run,
            stored.assessment.rubric,
            rubric.id
        );
    }
    let formats = report::Format::parse_list(&args.format).unwrap_or_default();
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("评估报告-{}", args.run)));
    let files = write(&stored, &rubric, args.department.as_deref(), &dir, &formats)?;
    println!("已生成 {} 个文件，在 {}：", files.len(), dir.display());
    for f in &files {
        println!("  {}", f.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a stored run's reports; shared with `kaohe demo`.
pub fn write(
    stored: &assess::run::StoredRun,
    rubric: &rubric::Rubric,
    department: Option<&str>,
    dir: &Path,
    formats: &[report::Format],
) -> anyhow::Result<Vec<PathBuf>> {
    let info = report::RunInfo {
        id: stored.id.0,
        published: stored.state == store::RunState::Published,
        created_at: stored
            .created_at
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
    };
    let r = report::Report::new(info, &stored.assessment, rubric, department)?;
    Ok(report::write_all(&r, dir, formats)?)
}
