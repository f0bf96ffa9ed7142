//! The item-sorting table (事项梳理表): a department uploads its XLSX and sees, for each
//! indicator it answers for that has an `item_table` rule, which required entries the table
//! holds and which are missing (each missing entry costs the rule's deduction). The check
//! reads the file and shows the result; it stores nothing and changes no score — the run's
//! own `item_table` finding is about the table published on the portal.
//!
//! The file is untrusted: at most [`MAX_UPLOAD`] bytes, its zip directory checked before any
//! sheet is inflated (a zip bomb is refused by its declared sizes), at most [`MAX_CELLS`]
//! cells read, and every cell shown as text.

use std::io::{Cursor, Read};

use axum::extract::{Multipart, Path, State};
use axum::response::Html;
use calamine::{Reader, Xlsx};
use maud::{Markup, html};
use rubric::{ContentItem, RuleKind};

use super::Loaded;
use crate::auth::Viewer;
use crate::layout::{self, minus};
use crate::{AppState, WebError, access};

/// The largest upload accepted (and the request body limit of the whole router).
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;
/// The most the sheets may inflate to, by the zip directory's own account.
const MAX_INFLATED: u64 = 64 * 1024 * 1024;
const MAX_ENTRIES: usize = 500;
const MAX_CELLS: usize = 200_000;

/// The indicators with an item table that this viewer answers for (all, for the office).
fn tables<'r>(
    l: &'r Loaded,
    v: &Viewer,
) -> Vec<(&'r rubric::Indicator, &'r rubric::Rule, &'r [ContentItem])> {
    let mut out = Vec::new();
    for ind in l.rubric.indicators() {
        if let Some(d) = access::scope(v)
            && !ind.departments.iter().any(|x| x == d)
        {
            continue;
        }
        for rule in &ind.rules {
            if let RuleKind::ItemTable { entries, .. } = &rule.kind {
                out.push((ind, rule, entries.as_slice()));
            }
        }
    }
    out
}

pub async fn show(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
) -> Result<Html<String>, WebError> {
    let l = Loaded::get(&state, run).await?;
    Ok(Html(page(&l, &v, run, None).into_string()))
}

fn page(l: &Loaded, v: &Viewer, run: i64, result: Option<Markup>) -> Markup {
    let tables = tables(l, v);
    let action = format!("/runs/{run}/items?_csrf={}", layout::encode(&v.csrf));
    layout::page(
        "事项梳理表",
        Some(v),
        Some(run),
        html! {
            h1 { "事项梳理表核对" }
            p { "上传本单位的事项梳理表（XLSX），对照指标体系要求的事项逐项核对；每缺一项按规则扣分。核对只显示结果，不保存文件、不改变评估得分。" }
            @if tables.is_empty() { p { "本单位负责的指标中没有要求事项梳理表。" } }
            @else {
                form.upload method="post" enctype="multipart/form-data" action=(action) {
                    label { "指标" select name="indicator" {
                        @for (ind, _, _) in &tables { option value=(ind.id) { (ind.id) " " (ind.name) } }
                    } }
                    label { "文件" input type="file" name="file" accept=".xlsx" required; }
                    button type="submit" { "核对" }
                }
                @if let Some(r) = result { (r) }
                h2 { "要求的事项" }
                @for (ind, rule, entries) in &tables {
                    h3 { (ind.id) " " (ind.name) "（每缺一项 " (minus(rule.deduction)) " 分）" }
                    ul { @for e in *entries { li { (e.name) } } }
                }
            }
        },
    )
}

pub async fn upload(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    mut form: Multipart,
) -> Result<Html<String>, WebError> {
    let l = Loaded::get(&state, run).await?;
    let mut indicator = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Err(WebError::BadInput(format!(
                    "上传未完成或文件超过 {} MB：请检查文件后重试",
                    MAX_UPLOAD / 1024 / 1024
                )));
            }
        };
        match field.name() {
            Some("indicator") => indicator = field.text().await.unwrap_or_default(),
            Some("file") => {
                let bytes = field.bytes().await.map_err(|_| {
                    WebError::BadInput(format!(
                        "文件超过 {} MB 或上传中断：请检查文件后重试",
                        MAX_UPLOAD / 1024 / 1024
                    ))
                })?;
                file = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    let tables = tables(&l, &v);
    let Some((ind, rule, entries)) = tables.iter().find(|(i, _, _)| i.id == indicator) else {
        return Err(WebError::BadInput(
            "请选择本单位负责的、要求事项梳理表的指标".into(),
        ));
    };
    let bytes = file
        .filter(|b| !b.is_empty())
        .ok_or_else(|| WebError::BadInput("没有收到文件：请选择一个 XLSX 文件".into()))?;
    let cells = tokio::task::spawn_blocking(move || read_cells(&bytes))
        .await
        .map_err(|_| WebError::BadInput("无法读取该文件".into()))??;
    let text = cells.join("\n");
    let result = html! {
        section.result {
            h2 { "核对结果：" (ind.id) " " (ind.name) }
            table {
                thead { tr { th { "事项" } th { "表中" } th { "扣分" } } }
                tbody {
                    @for e in *entries {
                        @let found = matches(e, &text);
                        tr class=[(!found).then_some("missing")] {
                            td { (e.name) }
                            td { @if let Some(cell) = found_cell(e, &cells) { "有：" (cell) } @else { "缺" } }
                            td.num { @if found { "0" } @else { (minus(rule.deduction)) } }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(page(&l, &v, run, Some(result)).into_string()))
}

fn matches(e: &ContentItem, text: &str) -> bool {
    std::iter::once(&e.name)
        .chain(e.labels.iter())
        .any(|w| !w.is_empty() && text.contains(w.as_str()))
}

fn found_cell<'c>(e: &ContentItem, cells: &'c [String]) -> Option<&'c str> {
    cells
        .iter()
        .find(|c| {
            std::iter::once(&e.name)
                .chain(e.labels.iter())
                .any(|w| !w.is_empty() && c.contains(w.as_str()))
        })
        .map(|c| extract::text::clip(c, 120))
}

/// Every non-empty cell of every sheet, as text; a file that is not a workbook, or one that
/// would inflate past the limits, is refused with a message.
fn read_cells(bytes: &[u8]) -> Result<Vec<String>, WebError> {
    let not_xlsx = || {
        WebError::BadInput(
            "该文件不是可读取的 XLSX 表格：请在 Excel 或 WPS 中另存为 .xlsx 后再上传".into(),
        )
    };
    // The zip directory first: how many entries, and how large they say they inflate to.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    if zip.len() > MAX_ENTRIES {
        return Err(not_xlsx());
    }
    let mut inflated = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| not_xlsx())?;
        inflated = inflated.saturating_add(f.size());
    }
    if inflated > MAX_INFLATED {
        return Err(WebError::BadInput(format!(
            "表格解压后超过 {} MB：请删去无关的工作表或图片后再上传",
            MAX_INFLATED / 1024 / 1024
        )));
    }
    // The declared sizes may lie: inflate each entry with a hard cap before calamine does.
    for i in 0..zip.len() {
        let f = zip.by_index(i).map_err(|_| not_xlsx())?;
        let mut sink = std::io::sink();
        let n = std::io::copy(&mut f.take(MAX_INFLATED + 1), &mut sink).map_err(|_| not_xlsx())?;
        if n > MAX_INFLATED {
            return Err(not_xlsx());
        }
    }
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        for row in range.rows() {
            for cell in row {
                let s = cell.to_string();
                let s = s.trim();
                if !s.is_empty() {
                    out.push(s.to_string());
                }
                if out.len() >= MAX_CELLS {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}
