//! The `kaohe` command line: flags, wiring and output only. Every decision is made in the
//! library crates; this crate turns their results and errors into Chinese text and exit codes
//! (0 success, 1 the checked thing has problems, 2 the command could not do its job).

mod assess_cmd;
mod cli_zh;
mod crawl_cmd;
mod demo_cmd;
mod demo_site_cmd;
mod inspect_cmd;
mod report_cmd;
mod rubric_cmd;
mod run_cmd;
mod serve_cmd;
mod snapshot_cmd;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// 考核（kaohe）：按考核指标体系评估政府门户网站的公共服务，给出有据可查的逐项扣分。
#[derive(Parser)]
#[command(name = "kaohe", version)]
#[command(disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 查看或校验考核指标体系（评分细则）
    #[command(subcommand)]
    Rubric(rubric_cmd::RubricCmd),
    /// 在内置示例门户上演示整个考核：启动、抓取、评估打分，并对照标准答案
    Demo(demo_cmd::DemoArgs),
    /// 考核评估：抓取（或读取已有抓取）→ 栏目对应指标 → 逐条规则找出问题及证据 → 计分
    ///
    /// 退出码：0 评估完成；2 参数、文件或快照库错误。
    Assess(assess_cmd::AssessArgs),
    /// 栏目对应：列出网站栏目对应的指标、子栏目类型和责任单位及其依据，可写成站点配置
    Map(assess_cmd::MapArgs),
    /// 用本版本的网页解读器重新解读已存的网页（不访问网络），供解读器更新后重新评估
    Reread(assess_cmd::RereadArgs),
    /// 已存的评估：列表、显示、追加评审决定、发布
    #[command(subcommand)]
    Run(run_cmd::RunCmd),
    /// 考核报告：从已存的评估生成 XLSX 表格、HTML 报告、各单位整改通知单（Word）和 JSON
    Report(report_cmd::ReportArgs),
    /// 考核工作台（网页）：评估人员复核、人工扣分、发布；各单位查看本单位问题、答复和申诉
    Serve(serve_cmd::ServeArgs),
    /// 工作台账号：建立、改口令、列出、停用
    #[command(subcommand)]
    User(serve_cmd::UserCmd),
    /// 示例门户网站：启动、写成静态文件、输出标准答案
    #[command(subcommand, name = "demo-site")]
    DemoSite(demo_site_cmd::DemoSiteCmd),
    /// 解读一个网页：类型、标题、栏目、发布日期、列表条目、办事指南要素和表格
    Inspect(inspect_cmd::InspectArgs),
    /// 抓取门户网站：礼貌抓取（遵守 robots.txt、限速），每次抓取都作为证据存入快照库
    ///
    /// 退出码：0 抓取完成；1 首页未能抓取（网址、网络或防火墙的问题，记录仍存入快照库）；2 参数或快照库错误。
    Crawl(crawl_cmd::CrawlArgs),
    /// 查看快照库：抓取任务列表、按结果统计、单个网址的抓取记录，导出 WARC 网页存档
    #[command(subcommand)]
    Snapshot(snapshot_cmd::SnapshotCmd),
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let args = cli_zh::help_as_flag(std::env::args_os().collect());
    let command = cli_zh::localize(Cli::command());
    let cli = match command
        .clone()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            return match cli_zh::explain(&e, &cli_zh::command_path(&command, &args)) {
                Some(text) => {
                    eprintln!("{text}");
                    ExitCode::from(2)
                }
                None => {
                    let _ = e.print();
                    // A command group given alone (`kaohe`, `kaohe snapshot`) lists its
                    // commands, and says it was not a complete command.
                    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                    {
                        ExitCode::from(2)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
            };
        }
    };
    let result = match cli.command {
        Command::Rubric(cmd) => rubric_cmd::run(cmd),
        Command::Demo(args) => demo_cmd::run(args),
        Command::Assess(args) => assess_cmd::run(args),
        Command::Map(args) => assess_cmd::map(args),
        Command::Run(cmd) => run_cmd::run(cmd),
        Command::Report(args) => report_cmd::run(args),
        Command::Reread(args) => assess_cmd::reread(args),
        Command::Serve(args) => serve_cmd::serve(args),
        Command::User(cmd) => serve_cmd::user(cmd),
        Command::DemoSite(cmd) => demo_site_cmd::run(cmd),
        Command::Inspect(args) => inspect_cmd::run(args),
        Command::Crawl(args) => crawl_cmd::run(args),
        Command::Snapshot(cmd) => snapshot_cmd::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{}", error_text(&e));
            ExitCode::from(2)
        }
    }
}

/// `kaohe … | head` closes our stdout early; `println!` then panics. That is the reader's
/// choice, not a failure: end quietly, as other command-line tools do (exit 141, SIGPIPE's).
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// The error and its causes on one line, each cause once: many errors already quote their
/// source in their own message, and `{:#}` would repeat it.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push('：');
        }
        text.push_str(&part);
    }
    text
}

/// A URL the user typed, or a Chinese error saying what is wrong with it (url's own messages
/// are English).
pub(crate) fn parse_url(text: &str) -> anyhow::Result<url::Url> {
    use url::ParseError as E;
    url::Url::parse(text).map_err(|e| {
        let why = match e {
            E::RelativeUrlWithoutBase => "缺少 http:// 或 https:// 开头",
            E::EmptyHost => "缺少主机名",
            E::InvalidPort => "端口号无效",
            E::InvalidIpv4Address | E::InvalidIpv6Address => "IP 地址无效",
            E::InvalidDomainCharacter | E::IdnaError => "域名中有无效字符",
            _ => "格式不对",
        };
        anyhow::anyhow!("网址无效：{text}（{why}；应为完整网址，如 http://www.leiyang.gov.cn/）")
    })
}
