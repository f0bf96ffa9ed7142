//! `kaohe demo-site serve|write|truth`: the sample portal.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum DemoSiteCmd {
    /// 在本机启动示例门户网站（耒阳市人民政府门户网站的仿真站点，含已知问题），按 Ctrl-C 停止
    Serve {
        /// 监听地址（只应使用本机回环地址）
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "地址:端口")]
        addr: SocketAddr,
        /// 随机种子：相同种子生成逐字节相同的网站
        #[arg(long, default_value_t = 1, value_name = "N")]
        seed: u64,
        /// 网站的大致页面数（最少 600；基准测试可用 50000 以上）
        #[arg(long, default_value_t = 1000, value_name = "N", value_parser = pages)]
        pages: usize,
        /// 提供网站的上一版本（其中被“改日期”的旧信息仍是原来的日期），用于演示两次抓取的对比
        #[arg(long)]
        previous: bool,
    },
    /// 把示例门户网站写成静态文件（静态文件无法表现的行为见标准答案中的 behaviours）
    Write {
        /// 输出目录
        dir: PathBuf,
        #[arg(long, default_value_t = 1, value_name = "N")]
        seed: u64,
        #[arg(long, default_value_t = 1000, value_name = "N", value_parser = pages)]
        pages: usize,
    },
    /// 输出标准答案（JSON）：应发现的全部问题、按评分引擎算出的得分、栏目与办事指南的真实情况
    Truth {
        #[arg(long, default_value_t = 1, value_name = "N")]
        seed: u64,
        #[arg(long, default_value_t = 1000, value_name = "N", value_parser = pages)]
        pages: usize,
    },
}

/// A page count the sample portal can honour: it has at least [`demo::MIN_PAGES`] (a smaller
/// number used to be served as 600 without a word).
pub(crate) fn pages(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|_| format!("「{s}」不是整数"))?;
    if n < demo::MIN_PAGES {
        return Err(format!("示例门户至少有 {} 个网页", demo::MIN_PAGES));
    }
    Ok(n)
}

pub fn run(cmd: DemoSiteCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        DemoSiteCmd::Serve {
            addr,
            seed,
            pages,
            previous,
        } => {
            if !addr.ip().is_loopback() {
                eprintln!("提示：示例网站监听在非回环地址 {addr}，局域网内的其他机器也能访问。");
            }
            let site = demo::Site::new(seed, pages);
            site.set_previous(previous);
            let n = site.size();
            let server = demo::serve(site, addr).with_context(|| {
                format!("无法在 {addr} 上启动示例网站（端口被占用？可用 --addr 换一个端口）")
            })?;
            eprintln!(
                "示例门户网站已启动：{}/ （种子 {seed}，约 {n} 个页面{}）",
                server.base_url(),
                if previous { "，上一版本" } else { "" }
            );
            eprintln!(
                "标准答案：kaohe demo-site truth --seed {seed} --pages {pages}；按 Ctrl-C 停止。"
            );
            server.wait_for_ctrl_c().context("等待 Ctrl-C 时出错")?;
            eprintln!("示例网站已停止。");
            Ok(ExitCode::SUCCESS)
        }
        DemoSiteCmd::Write { dir, seed, pages } => {
            let site = demo::Site::new(seed, pages);
            let sum = demo::write_static(&site, &dir)
                .with_context(|| format!("无法写入目录 {}", dir.display()))?;
            println!(
                "已写出 {} 个文件，共 {:.1} MB，到 {}；标准答案在 {}。",
                sum.files,
                sum.bytes as f64 / 1e6,
                dir.display(),
                dir.join("_kaohe_truth.json").display()
            );
            if !sum.skipped.is_empty() {
                println!(
                    "以下 {} 个地址不是普通文件（跳转、防火墙质询），未写出：{}",
                    sum.skipped.len(),
                    sum.skipped.join("、")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        DemoSiteCmd::Truth { seed, pages } => {
            let truth = demo::Site::new(seed, pages).truth();
            if let Some(e) = &truth.score_error {
                anyhow::bail!("标准答案无法计分：{e}");
            }
            let text = serde_json::to_string_pretty(&truth)?;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is the reader's choice, not an error.
            match writeln!(out, "{text}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(e).context("无法输出标准答案")
                }
                _ => Ok(ExitCode::SUCCESS),
            }
        }
    }
}
