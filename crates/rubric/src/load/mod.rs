//! Reading a rubric file: TOML → raw tables with positions → checks → [`Rubric`].
//!
//! Every problem is reported with the file, line and column, what is wrong and how to fix
//! it, in Chinese, because the people who edit rubric files are assessors. All problems
//! found are reported at once, not only the first. Nothing here panics on any input.

use std::fmt;
use std::path::Path;

mod check;
mod raw;

use check::{Checker, line_col};
use raw::RawFile;

use crate::model::Rubric;

/// One problem in a rubric file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    /// 1-based line; 0 when the problem is not at a place in the file (it cannot be read).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Every problem found in a rubric file, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}：{}", self.file, self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}：{}",
                self.file, self.line, self.column, self.message
            )?;
        }
        if !self.hint.is_empty() {
            write!(f, "\n    修改建议：{}", self.hint)?;
        }
        Ok(())
    }
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// Loads and checks a rubric file.
pub fn load_file(path: &Path) -> Result<Rubric, LoadErrors> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        LoadErrors(vec![LoadError {
            file: name.clone(),
            line: 0,
            column: 0,
            message: format!("无法读取指标体系文件：{}", io_reason(&e)),
            hint: "请检查文件路径是否正确、文件是否存在且可读。".into(),
        }])
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let mut err = Checker::new(&name, "").error(0..0, "", "");
        let (line, column) = line_col(&String::from_utf8_lossy(&e.into_bytes()), at);
        err.line = line;
        err.column = column;
        err.message = "文件不是 UTF-8 编码（可能是 GBK/GB2312）。".into();
        err.hint = "请用文本编辑器把文件另存为 UTF-8 编码后再试。".into();
        LoadErrors(vec![err])
    })?;
    parse(&name, &text)
}

/// Checks a rubric given as text; `name` is used in messages (a file name).
pub fn parse(name: &str, text: &str) -> Result<Rubric, LoadErrors> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let mut c = Checker::new(name, text);
        let (message, hint) = explain_toml_error(e.message());
        c.push(e.span().unwrap_or(0..0), message, hint);
        LoadErrors(c.errors)
    })?;
    let mut c = Checker::new(name, text);
    let rubric = c.build(raw);
    if c.errors.is_empty() {
        Ok(rubric)
    } else {
        // A rule set used by several indicators is checked once per use: report each
        // problem once.
        c.errors
            .sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
        c.errors.dedup();
        Err(LoadErrors(c.errors))
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".into(),
        _ => e.to_string(),
    }
}

/// A serde type name ("a string", "integer `3`", "a sequence") in Chinese.
fn type_zh(t: &str) -> &'static str {
    let t = t.to_ascii_lowercase();
    if t.contains("string") || t.contains("char") {
        "文字（要加引号）"
    } else if t.contains("integer") || t.contains("u64") || t.contains("i64") {
        "整数"
    } else if t.contains("float") {
        "小数"
    } else if t.contains("bool") {
        "true 或 false"
    } else if t.contains("sequence") || t.contains("array") {
        "列表（[…]）"
    } else if t.contains("map") || t.contains("table") || t.contains("struct") {
        "表（[…] 或 {…}）"
    } else if t.contains("date") {
        "日期"
    } else {
        "其他类型"
    }
}

/// Puts a TOML or shape error into Chinese, with a fix. The parser's own English text is
/// kept at the end for the rare case the translation misses a detail.
fn explain_toml_error(msg: &str) -> (String, String) {
    let msg = msg.trim();
    let quoted: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    if let Some(rest) = msg.strip_prefix("unknown field") {
        let field = quoted.first().copied().unwrap_or("");
        let expected: Vec<&str> = quoted.iter().skip(1).copied().collect();
        let _ = rest;
        return (
            format!("未知的参数「{field}」。"),
            if expected.is_empty() {
                "这里不接受任何参数：请删除它。".to_string()
            } else {
                format!(
                    "这里可用的参数是：{}。请改正拼写或删除它。",
                    expected.join("、")
                )
            },
        );
    }
    if msg.starts_with("missing field") {
        let field = quoted.first().copied().unwrap_or("");
        return (
            format!("缺少必填参数「{field}」。"),
            format!("请在这一表中写上 {field} = …（见 docs/rubric-format.md）。"),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type:") {
        // "invalid type: integer `3`, expected a string"
        let (got, want) = rest.split_once(", expected").unwrap_or((rest, ""));
        let value = quoted.first().map(|v| format!(" {v}")).unwrap_or_default();
        return (
            format!(
                "数值类型不对：这里应为{}，写的是{}{value}。",
                type_zh(want),
                type_zh(got)
            ),
            "请检查这一项：文字要加引号（\"教育局\"），分值写数字（4），列表写成 [\"a\", \"b\"]。"
                .to_string(),
        );
    }
    if msg.contains("duplicate key") {
        let key = quoted.first().copied().unwrap_or("");
        return (
            format!("同一个表中有重复的键「{key}」。"),
            "请删除或改名其中一个。".to_string(),
        );
    }
    if msg.contains("分值") {
        return (
            msg.to_string(),
            "请把分值写成整数或最多两位小数，例如 4 或 2.5。".to_string(),
        );
    }
    (
        format!("TOML 语法错误：{msg}"),
        "请检查这一行附近的引号、方括号和等号是否成对、是否完整（TOML 语法见 https://toml.io/cn/）。".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let t = "a = 1\n名称 = \"x\"\n";
        assert_eq!(line_col(t, 0), (1, 1));
        let off = t.find('=').map(|_| t.rfind('=').unwrap()).unwrap();
        assert_eq!(line_col(t, off), (2, 4));
        assert_eq!(line_col(t, 10_000), (3, 1));
    }
}
