//! `kaohe rubric show|check`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use rubric::Rubric;
use unicode_width::UnicodeWidthStr;

#[derive(Subcommand)]
pub enum RubricCmd {
    /// 显示指标体系：各部分、指标、分值、考核单位和评分规则
    Show {
        /// 内置指标体系的编号（如 leiyang-2017）或指标体系文件（.toml）的路径
        #[arg(long, value_name = "ID|FILE", default_value = rubric::BUNDLED_ID)]
        rubric: String,
        /// 输出格式：table（表格，供阅读）或 json（供程序读取，格式见 docs/rubric-format.md）
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// 校验指标体系文件：无误时退出码为 0；有误时逐条列出行号、列号和修改建议，退出码为 1
    Check {
        /// 要校验的指标体系文件（.toml）
        file: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(cmd: RubricCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        RubricCmd::Show { rubric, format } => {
            let r = resolve(&rubric)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
                Format::Table => print!("{}", table(&r)),
            }
            Ok(ExitCode::SUCCESS)
        }
        RubricCmd::Check { file } => match rubric::load_file(&file) {
            Ok(r) => {
                println!(
                    "{}：校验通过。「{}」（{}），{} 个部分、{} 项指标，共 {} 分，{} 个考核单位，{} 条规则。",
                    file.display(),
                    r.title,
                    r.id,
                    r.sections.len(),
                    r.indicators().count(),
                    r.total,
                    r.departments.len(),
                    r.rules().count()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(errors) => {
                eprintln!("{errors}");
                eprintln!(
                    "\n{}：发现 {} 处错误，未通过校验。",
                    file.display(),
                    errors.0.len()
                );
                Ok(ExitCode::from(1))
            }
        },
    }
}

/// A bundled rubric by id, or a rubric file by path. Shared by every command that takes
/// `--rubric`.
pub fn resolve(id_or_file: &str) -> anyhow::Result<Rubric> {
    if let Some(r) = rubric::bundled(id_or_file) {
        return Ok(r);
    }
    let path = Path::new(id_or_file);
    if !path.exists() {
        let ids: Vec<&str> = rubric::bundled_ids().collect();
        bail!(
            "找不到指标体系「{id_or_file}」：它既不是内置指标体系的编号（内置的有：{}），也不是存在的文件。请检查拼写或文件路径。",
            ids.join("、")
        );
    }
    rubric::load_file(path)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| {
            format!(
                "指标体系文件 {} 有误，请先用 kaohe rubric check 修正",
                path.display()
            )
        })
}

/// The indicator table as the seed lays it out, one indicator a block, with its rules.
fn table(r: &Rubric) -> String {
    let mut out = String::new();
    let push = |out: &mut String, s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    push(
        &mut out,
        format!("{}（{}，满分 {} 分）", r.title, r.id, r.total),
    );
    if !r.issuer.is_empty() {
        push(&mut out, format!("考核单位：{}", r.issuer));
    }
    let name_width = r.indicators().map(|i| i.name.width()).max().unwrap_or(8);
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    for (n, s) in r.sections.iter().enumerate() {
        push(&mut out, String::new());
        let numeral = numerals.get(n).copied().unwrap_or("");
        push(
            &mut out,
            format!("（{numeral}）{}　{} 分", s.name, s.points),
        );
        for rule in &s.rules {
            push(
                &mut out,
                format!("    ◆ {}：{}", rule.name, rule.describe(r)),
            );
        }
        // The seed merges the scoring cell of indicators that share it; so does the table.
        let mut same_as: Option<(Vec<String>, &str)> = None;
        for i in &s.indicators {
            let pad = " ".repeat(name_width.saturating_sub(i.name.width()));
            push(
                &mut out,
                format!(
                    "  {:<5} {}{pad}  {:>2} 分  {}",
                    i.id,
                    i.name,
                    i.points.to_string(),
                    i.departments.join("、")
                ),
            );
            let lines: Vec<String> = i
                .rules
                .iter()
                .map(|rule| format!("        · {}：{}", rule.name, rule.describe(r)))
                .collect();
            match &same_as {
                Some((prev, first)) if *prev == lines => {
                    push(&mut out, format!("        · 评分规则同 {first}"));
                }
                _ => {
                    for l in &lines {
                        push(&mut out, l.clone());
                    }
                    same_as = Some((lines, &i.id));
                }
            }
        }
    }
    push(&mut out, String::new());
    push(
        &mut out,
        "考核单位名录（报告和扣分一律使用第一个名称）：".to_string(),
    );
    for d in &r.departments {
        let mut other: Vec<&str> = vec![];
        if d.full_name != d.name {
            other.push(&d.full_name);
        }
        other.extend(d.aliases.iter().map(String::as_str));
        if other.is_empty() {
            push(&mut out, format!("  {}", d.name));
        } else {
            push(
                &mut out,
                format!("  {}（又称：{}）", d.name, other.join("、")),
            );
        }
    }
    push(&mut out, String::new());
    push(
        &mut out,
        format!(
            "共 {} 个部分、{} 项指标、{} 个考核单位。查看原文说明和计分标准：kaohe rubric show --format json",
            r.sections.len(),
            r.indicators().count(),
            r.departments.len()
        ),
    );
    out
}
