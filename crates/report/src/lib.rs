//! The office's artefacts from a stored run: the XLSX workbook (`xlsx`), a self-contained HTML
//! report (`html`), a rectification notice (整改通知单) per department as DOCX and as a
//! printable HTML page (`notice`), and the run's JSON.
//!
//! Every artefact reads one [`Report`]: the stored assessment, its rubric, and the rows the
//! reports show (each finding with the department charged and the deduction that counts after
//! the assessors' decisions). Nothing here recomputes a score: totals, sections, indicators
//! and departments are the scoring engine's, as stored with the run.
//!
//! Page content reaches these files (excerpts, titles, URLs); `text` is the one place that
//! makes it safe for each format: HTML-escaped, XML-escaped with forbidden characters dropped,
//! and in spreadsheet cells never a formula.

mod chart;
mod docx;
pub mod html;
pub mod notice;
mod text;
mod view;
pub mod xlsx;

use std::path::{Path, PathBuf};

pub use view::{DepartmentRow, Report, Row, RunInfo};

/// What `kaohe report --format` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Html,
    Docx,
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Xlsx, Format::Html, Format::Docx, Format::Json];

    /// `xlsx`, `html`, `docx`, `json`, or `all`.
    pub fn parse_list(s: &str) -> Option<Vec<Format>> {
        match s {
            "all" => Some(Format::ALL.to_vec()),
            "xlsx" => Some(vec![Format::Xlsx]),
            "html" => Some(vec![Format::Html]),
            "docx" => Some(vec![Format::Docx]),
            "json" => Some(vec![Format::Json]),
            _ => None,
        }
    }
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("无法写入 {path}：{why}。请检查输出目录是否存在、是否可写")]
    Write { path: PathBuf, why: String },
    #[error("无法生成表格文件：{0}")]
    Xlsx(String),
    #[error("无法生成 Word 文件：{0}")]
    Docx(String),
    #[error("考核单位「{0}」不在指标体系的单位名录中：请用 kaohe rubric show 查看单位名称")]
    NoSuchDepartment(String),
}

/// Writes the chosen artefacts of a report into `dir` (created if missing); returns the files
/// written, in the order written. Notices go into `dir/整改通知单/`, one DOCX and one HTML per
/// department that has something to fix (or only the report's department).
pub fn write_all(
    report: &Report<'_>,
    dir: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = Vec::new();
    let base = report.file_stem();
    for f in formats {
        match f {
            Format::Xlsx => {
                let path = dir.join(format!("{base}.xlsx"));
                write(&path, &xlsx::workbook(report)?)?;
                written.push(path);
            }
            Format::Html => {
                let path = dir.join(format!("{base}.html"));
                write(&path, html::report(report).as_bytes())?;
                written.push(path);
            }
            Format::Json => {
                let path = dir.join(format!("{base}.json"));
                write(&path, report.json().as_bytes())?;
                written.push(path);
            }
            Format::Docx => {
                let notices = dir.join("整改通知单");
                for dept in report.notice_departments() {
                    let stem = text::file_name(&format!("{}-整改通知单", dept.name));
                    let docx_path = notices.join(format!("{stem}.docx"));
                    write(&docx_path, &notice::docx(report, dept)?)?;
                    written.push(docx_path);
                    let html_path = notices.join(format!("{stem}.html"));
                    write(&html_path, notice::html(report, dept).as_bytes())?;
                    written.push(html_path);
                }
            }
        }
    }
    Ok(written)
}

/// Writes a file whole: to a temporary name first, then renamed, so a report that failed
/// half-way never leaves a truncated file under the real name.
fn write(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let err = |e: std::io::Error| ReportError::Write {
        path: path.to_path_buf(),
        why: e.to_string(),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
