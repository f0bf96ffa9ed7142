//! `kaohe inspect PATH|URL`: the facts the extractor reads from one page, for people (text)
//! and scripts (JSON, the shape documented in docs/extract.md).
//!
//! The only I/O of page extraction lives here: reading the file, or one fetch through the
//! crawler's own `Fetcher` (the same time budget per URL, retries, size cap, refusal of
//! private addresses and credentials as a crawl).

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use extract::guide::DOUBTFUL;
use extract::{Kind, PageFacts, Vocabulary};
use url::Url;

#[derive(Args)]
pub struct InspectArgs {
    /// 网页文件的路径（任意编码的 HTML；或纯文本：网页的可见文字，每段一行，.txt 文件按纯文本读取），或网址（http:// 或 https://）
    #[arg(value_name = "PATH|URL")]
    target: String,
    /// 输出格式：text（供阅读）或 json（供程序读取，格式见 docs/extract.md）
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// 指标体系：内置编号（如 leiyang-2017）或 .toml 文件路径；办事指南要素及其标签取自其中
    #[arg(long, value_name = "ID|FILE", default_value = rubric::BUNDLED_ID)]
    rubric: String,
    /// 本地文件原本的网址（用于解析相对链接和网址中的日期）
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// 把文件当作纯文本（网页的可见文字，每段一行）读取
    #[arg(long)]
    text: bool,
    /// 抓取网址的总时限（秒，含重试），1 到 600
    #[arg(long, value_name = "秒", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// The most bytes read from a file or a server.
const MAX_BODY: u64 = 32 * 1024 * 1024;

pub fn run(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let rubric = crate::rubric_cmd::resolve(&args.rubric)?;
    let vocab = Vocabulary::from_rubric(&rubric);
    let is_url = args.target.starts_with("http://") || args.target.starts_with("https://");
    let (url, bytes, content_type) = if is_url {
        fetch(&args.target, Duration::from_secs(args.timeout))?
    } else {
        let path = Path::new(&args.target);
        let bytes = read_file(path)?;
        let url = match &args.url {
            Some(u) => crate::parse_url(u)?,
            None => file_url(path)?,
        };
        let plain = args.text
            || path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
        (url, bytes, plain.then(|| "text/plain".to_owned()))
    };
    let facts = extract::page(&url, &bytes, content_type.as_deref(), &vocab);
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&facts)?),
        Format::Text => print!("{}", text(&url, &facts)),
    }
    Ok(ExitCode::SUCCESS)
}

fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("无法打开文件 {}（请检查路径和读取权限）", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::new();
    file.take(MAX_BODY)
        .read_to_end(&mut bytes)
        .with_context(|| format!("读取文件 {} 失败", path.display()))?;
    if size > MAX_BODY {
        eprintln!(
            "注意：文件 {} 有 {size} 字节，超过 32 MiB 上限，只解读了前 32 MiB，后面的内容未读取。",
            path.display()
        );
    }
    Ok(bytes)
}

fn file_url(path: &Path) -> anyhow::Result<Url> {
    let abs = std::fs::canonicalize(path)
        .with_context(|| format!("无法确定文件 {} 的完整路径", path.display()))?;
    Url::from_file_path(&abs).map_err(|()| anyhow::anyhow!("无法把路径 {} 转成网址", abs.display()))
}

/// One fetch through the crawler's `Fetcher`: the final URL, the body and the Content-Type.
/// robots.txt is not consulted: a person asked for this one page, as in a browser.
fn fetch(target: &str, budget: Duration) -> anyhow::Result<(Url, Vec<u8>, Option<String>)> {
    let given = crate::parse_url(target)?;
    // Credentials in the URL are dropped, never sent (as in a crawl).
    let url = crawl::canon::canonicalize(&given);
    let mut cfg = crawl::FetchConfig {
        user_agent: crawl::fetch::user_agent("kaohe inspect"),
        obey_robots: false,
        total_timeout: budget,
        url_budget: budget,
        max_page_bytes: MAX_BODY,
        max_attachment_bytes: MAX_BODY,
        ..Default::default()
    };
    cfg.politeness.rate = 0.0;
    cfg.guard.trust_seed(&url);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    let fetcher = crawl::Fetcher::new(cfg).context("无法创建 HTTP 客户端")?;
    let f = rt.block_on(fetcher.fetch(&url, crawl::Expect::Page, None, None));
    let content_type = f.header("content-type").map(str::to_owned);
    match &f.outcome {
        crawl::Outcome::Fetched | crawl::Outcome::SoftNotFound => {}
        crawl::Outcome::TooLarge { .. } => eprintln!(
            "注意：{} 的内容超过 32 MiB 上限，只解读了前 32 MiB，后面的内容未读取。",
            f.final_url
        ),
        crawl::Outcome::HttpError { status } => {
            bail!("{} 返回 HTTP {status}，没有可解读的页面", f.final_url)
        }
        crawl::Outcome::TimedOut { .. } => bail!(
            "无法获取 {url}：{}（时限 {} 秒，含重试；可用 --timeout 放宽）",
            f.outcome,
            budget.as_secs()
        ),
        other => bail!("无法获取 {url}：{other}"),
    }
    Ok((
        f.final_url.clone(),
        f.body.unwrap_or_default(),
        content_type,
    ))
}

/// How an element was read (or not), for the reader of `inspect`.
fn how_zh(h: extract::guide::How) -> &'static str {
    use extract::guide::How;
    match h {
        How::Table => "表格中标签旁的内容",
        How::ItemsTable => "以要素为列的表格",
        How::Heading => "小标题及其下的内容",
        How::Inline => "段落中的「标签：内容」",
        How::Content => "按内容识别（标签缺失或不对）",
        How::Title => "网页标题",
        How::Missing => "页面上没有找到这一要素的标签或内容",
    }
}

fn kind_zh(k: Kind) -> &'static str {
    match k {
        Kind::List => "栏目列表",
        Kind::Article => "文章",
        Kind::Guide => "办事指南",
        Kind::Attachment => "附件",
        Kind::Other => "其他（首页、导航等）",
    }
}

fn text(url: &Url, f: &PageFacts) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let none = "（无）";
    let _ = writeln!(o, "网址：{url}");
    if f.kind_why.is_empty() {
        let _ = writeln!(o, "类型：{}", kind_zh(f.kind));
    } else {
        let _ = writeln!(o, "类型：{}（依据：{}）", kind_zh(f.kind), f.kind_why);
    }
    if f.soft_404 {
        let _ = writeln!(o, "注意：页面内容表明该页不存在（软 404）");
    }
    if let Some(a) = &f.attachment {
        let _ = writeln!(
            o,
            "附件：声称 {}，文件头为 {:?}，{}",
            a.claimed
                .map_or("未知类型".to_owned(), |k| format!("{k:?}")),
            a.magic,
            if a.genuine {
                "内容与类型一致"
            } else {
                "内容与类型不符（可能是错误页）"
            }
        );
        return o;
    }
    if let Some(e) = &f.encoding {
        let how = match e.decided_by {
            extract::DecidedBy::Bom => "字节顺序标记（BOM）".to_owned(),
            extract::DecidedBy::HttpHeader => "HTTP 响应头声明".to_owned(),
            extract::DecidedBy::Meta => "网页 meta 声明".to_owned(),
            extract::DecidedBy::Detector => "按内容检测（未声明）".to_owned(),
            extract::DecidedBy::HttpHeaderWrong => format!(
                "HTTP 响应头声明为 {}，但内容实为 {}，已按内容解码",
                e.declared.as_deref().unwrap_or("?"),
                e.encoding
            ),
            extract::DecidedBy::MetaWrong => format!(
                "网页声明为 {}，但内容实为 {}，已按内容解码",
                e.declared.as_deref().unwrap_or("?"),
                e.encoding
            ),
        };
        let errs = if e.had_errors {
            "；有无法解码的字节"
        } else {
            ""
        };
        let _ = writeln!(o, "编码：{}（依据：{how}{errs}）", e.encoding);
    }
    let _ = writeln!(o, "标题：{}", f.title.as_deref().unwrap_or(none));
    let path = if f.column_path.is_empty() {
        none.to_owned()
    } else {
        f.column_path.join(" > ")
    };
    let _ = writeln!(o, "栏目：{path}");
    match (&f.published, &f.published_from) {
        (Some(d), Some(from)) => {
            let src = match &from.source {
                extract::published::DateSource::Label { label } => format!("标签「{label}」"),
                extract::published::DateSource::Meta { name } => format!("meta 标签 {name}"),
                extract::published::DateSource::Byline => "标题下的信息行".to_owned(),
                extract::published::DateSource::Url => "网址".to_owned(),
                extract::published::DateSource::Entry => "列表条目".to_owned(),
            };
            let _ = writeln!(o, "发布日期：{d}（来源：{src}，原文「{}」）", from.raw);
        }
        _ => {
            let _ = writeln!(o, "发布日期：{none}");
        }
    }
    if f.empty_list {
        let _ = writeln!(o, "列表：栏目页写明暂无信息（空白栏目）");
    }
    if !f.entries.is_empty() {
        let _ = writeln!(
            o,
            "列表条目：{} 条，最新 {}",
            f.entries.len(),
            f.newest_entry.map_or(none.to_owned(), |d| d.to_string())
        );
        for e in f.entries.iter().take(20) {
            let side = if e.main { "" } else { "（侧栏/隐藏）" };
            let _ = writeln!(
                o,
                "  {}  {}{side}  {}",
                e.date,
                e.title,
                e.url.as_ref().map_or("", Url::as_str)
            );
        }
        if f.entries.len() > 20 {
            let _ = writeln!(o, "  ……另有 {} 条", f.entries.len() - 20);
        }
    }
    if let Some(g) = &f.guide {
        let present = g.elements.iter().filter(|(_, e)| e.present).count();
        let _ = writeln!(o, "办事指南要素：{present}/{} 项具备", g.elements.len());
        for (name, e) in &g.elements {
            let mark = if e.present { "有" } else { "缺" };
            let doubt = if e.confidence < DOUBTFUL {
                "，存疑，请人工核对"
            } else {
                ""
            };
            let label = e
                .label
                .as_deref()
                .map(|l| format!("标签「{l}」"))
                .unwrap_or_default();
            let value = e
                .value
                .as_deref()
                .map(|v| {
                    let one: String = v.split_whitespace().collect::<Vec<_>>().join(" ");
                    let short: String = one.chars().take(60).collect();
                    let more = if one.chars().count() > 60 { "…" } else { "" };
                    format!("「{short}{more}」")
                })
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {mark} {name}  {label}{value}（依据：{}；置信度 {:.2}{doubt}）",
                how_zh(e.how),
                e.confidence
            );
        }
        if g.forms.is_empty() {
            let _ = writeln!(o, "材料中的表格：{none}");
        }
        for form in &g.forms {
            match &form.download {
                Some(u) => {
                    let _ = writeln!(o, "表格《{}》：提供下载 {u}", form.name);
                }
                None => {
                    let _ = writeln!(o, "表格《{}》：未提供下载", form.name);
                }
            }
        }
        let yn = |b: bool| if b { "有" } else { "无" };
        let _ = writeln!(
            o,
            "示范文本：{}；常见错误示例：{}",
            yn(g.sample_text),
            yn(g.common_errors)
        );
    }
    o
}
