//! Runs: the list, starting a crawl and assessment in the background (and its progress),
//! comparing two runs, publishing, the audit log, and the downloads (reports and notices) —
//! a department user's downloads hold its own department only.

use std::collections::{BTreeMap, HashMap};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use store::RunId;

use super::Loaded;
use crate::auth::Viewer;
use crate::jobs::{self, JobOptions};
use crate::layout::{self, csrf};
use crate::{AppState, WebError, access};

/// The newest run's dashboard (the viewer is asked for only so that `/` needs a login).
pub async fn home(State(state): State<AppState>, _v: Viewer) -> Result<Redirect, WebError> {
    let runs = state.run_summaries().await?;
    Ok(match runs.last() {
        Some(r) => Redirect::to(&format!("/runs/{}", r.id.0)),
        None => Redirect::to("/runs"),
    })
}

pub async fn list(State(state): State<AppState>, v: Viewer) -> Result<Html<String>, WebError> {
    let runs = state.run_summaries().await?;
    let jobs = if access::require_review(&v).is_ok() {
        state.store().list_jobs().await?
    } else {
        Vec::new()
    };
    let scoped = access::scope(&v).is_some();
    let today = chrono::Utc::now().date_naive();
    let body = html! {
        h1 { "评估列表" }
        @if runs.is_empty() { p { "还没有评估。评估人员可以在下方开始一次抓取和评估，或在命令行运行 kaohe demo / kaohe assess。" } }
        @else {
            table {
                thead { tr { th { "编号" } th { "网站" } th { "截止日期" } @if !scoped { th { "总分" } } th { "状态" } th { "比较" } } }
                tbody {
                    @for (i, r) in runs.iter().enumerate().rev() {
                        tr {
                            td { a href={ "/runs/" (r.id.0) } { "#" (r.id.0) } }
                            td { (r.portal) }
                            td { (r.as_of) }
                            @if !scoped { td.num { (rubric::Points::from_hundredths(r.total_hundredths)) } }
                            td { @if r.state == store::RunState::Published { span.tag.published { "已发布" } } @else { span.tag { "待发布" } } }
                            td { @if let Some(prev) = runs[..i].iter().rev().find(|p| p.portal == r.portal) {
                                a href={ "/runs/" (r.id.0) "/compare?with=" (prev.id.0) } { "与 #" (prev.id.0) " 比较" } } }
                        }
                    }
                }
            }
        }
        @if access::require_review(&v).is_ok() {
            section {
                h2 { "开始一次抓取和评估" }
                form.start method="post" action="/runs/start" {
                    (csrf(&v))
                    label { "网站首页" input name="seed" type="url" required placeholder="http://www.example.gov.cn/"; }
                    label { "最多抓取页数" input name="pages" type="number" min="1" max="1000000" value="20000"; }
                    label { "截止日期" input name="as_of" type="date" value=(today.format("%Y-%m-%d").to_string()); }
                    label.check { input type="checkbox" name="history" value="1"; "与上次抓取比较（识别改日期的旧信息）" }
                    button type="submit" { "开始" }
                }
                p.hint { "抓取遵守 robots.txt，默认每个网站同时 2 个请求、每秒 2 个；服务重启后会从中断处继续。" }
            }
            @if !jobs.is_empty() {
                h2 { "后台任务" }
                table {
                    thead { tr { th { "任务" } th { "网站" } th { "状态" } th { "进度" } th { "评估" } } }
                    tbody { @for j in &jobs { tr {
                        td { a href={ "/jobs/" (j.id) } { "#" (j.id) } }
                        td { (j.seed_url) } td { (job_state_zh(j.state)) } td { (j.progress) " " (j.message) }
                        td { @if let Some(r) = j.run { a href={ "/runs/" (r.0) } { "#" (r.0) } } }
                    } } }
                }
            }
        }
    };
    Ok(Html(
        layout::page("评估列表", Some(&v), None, body).into_string(),
    ))
}

fn job_state_zh(s: store::JobState) -> &'static str {
    match s {
        store::JobState::Queued => "排队中",
        store::JobState::Running => "进行中",
        store::JobState::Done => "已完成",
        store::JobState::Failed => "失败",
    }
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    seed: String,
    #[serde(default)]
    pages: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    history: String,
}

pub async fn start(
    State(state): State<AppState>,
    v: Viewer,
    Form(f): Form<StartForm>,
) -> Result<Redirect, WebError> {
    access::require_review(&v)?;
    let seed = url::Url::parse(f.seed.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| {
            WebError::BadInput(format!(
                "网址「{}」无法使用：应为 http:// 或 https:// 开头的网站首页",
                f.seed.trim()
            ))
        })?;
    let pages = match f.pages.trim() {
        "" => 20_000,
        p => p
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| WebError::BadInput("最多抓取页数应为 1 到 1000000 之间的整数".into()))?,
    };
    let as_of = match f.as_of.trim() {
        "" => chrono::Utc::now().date_naive(),
        d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| WebError::BadInput(format!("截止日期「{d}」应写成 2017-12-20 的形式")))?,
    };
    let options = JobOptions {
        pages,
        as_of: as_of.format("%Y-%m-%d").to_string(),
        rubric: rubric::BUNDLED_ID.to_string(),
        history: !f.history.is_empty(),
    };
    let id = jobs::start(&state, &seed, &options, &v.name()).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")))
}

pub async fn job(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    access::require_review(&v)?;
    let j = state.store().job(id).await?.ok_or(WebError::NotFound)?;
    let body = html! {
        h1 { "后台任务 #" (j.id) }
        table.facts {
            tr { th { "网站" } td { (j.seed_url) } }
            tr { th { "状态" } td { (job_state_zh(j.state)) } }
            tr { th { "进度" } td #progress { (j.progress) } }
            @if !j.message.is_empty() { tr { th { "说明" } td { (j.message) } } }
            tr { th { "开始人" } td { (j.created_by) } }
            tr { th { "开始时间" } td { (j.created_at) } }
            @if let Some(r) = j.run { tr { th { "评估" } td { a href={ "/runs/" (r.0) } { "评估 #" (r.0) } } } }
        }
        @if matches!(j.state, store::JobState::Queued | store::JobState::Running) {
            p.hint { "任务在服务器后台进行，可以关闭此页；刷新可查看进度。" }
        }
    };
    Ok(Html(
        layout::page("后台任务", Some(&v), None, body).into_string(),
    ))
}

#[derive(Deserialize)]
pub struct Format {
    #[serde(default)]
    format: String,
}

/// The audit log of a run: every decision, manual deduction and re-check, and every answer.
pub async fn audit(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(q): Query<Format>,
) -> Result<Response, WebError> {
    if access::scope(&v).is_some() {
        return Err(WebError::Forbidden(
            "审计记录包含各单位的内容：部门账号请在各问题页查看本单位的处理记录".into(),
        ));
    }
    state.run(run).await?;
    let decisions = state.store().decisions(RunId(run)).await?;
    let answers = state.store().responses(RunId(run), None).await?;
    let mut lines: Vec<[String; 5]> = Vec::new();
    for d in &decisions {
        lines.push([
            d.at.clone(),
            d.by.clone(),
            d.action.clone(),
            d.finding.clone(),
            d.reason.clone(),
        ]);
    }
    for r in &answers {
        lines.push([
            r.at.clone(),
            format!("{}（{}）", r.by, r.department),
            format!("answer:{}", r.kind),
            r.finding.clone(),
            r.text.clone(),
        ]);
    }
    lines.sort_by(|a, b| a[0].cmp(&b[0]));
    if q.format == "csv" {
        let mut out = String::from("\u{feff}时间,人员,操作,问题编号,理由或说明\r\n");
        for l in &lines {
            let cells: Vec<String> = l.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"audit-run-{run}.csv\""),
                ),
            ],
            out,
        )
            .into_response());
    }
    let body = html! {
        h1 { "评估 #" (run) " 审计记录" }
        p { a href={ "/runs/" (run) "/audit?format=csv" } { "导出 CSV" } "（只追加、不修改：每条决定、人工扣分、复查和部门答复）" }
        table {
            thead { tr { th { "时间" } th { "人员" } th { "操作" } th { "问题" } th { "理由 / 说明" } } }
            tbody { @for l in &lines { tr {
                td { (l[0]) } td { (l[1]) } td { (l[2]) }
                td { a href=(layout::finding_href(run, &l[3])) { (l[3]) } } td { (l[4]) }
            } } }
        }
    };
    Ok(Html(layout::page("审计记录", Some(&v), Some(run), body).into_string()).into_response())
}

/// A CSV cell that a spreadsheet never runs as a formula (the same rule as the XLSX report).
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `report.xlsx`, `report.html`, `report.json`: the office's reports of the run (a department
/// user's hold its own department only).
pub async fn export(
    State(state): State<AppState>,
    v: Viewer,
    Path((run, file)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let l = Loaded::get(&state, run).await?;
    let report = l.report(&v)?;
    let stem = report.file_stem();
    let (kind, ext, body): (&str, &str, Vec<u8>) = match file.as_str() {
        "report.xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            report::xlsx::workbook(&report)?,
        ),
        "report.html" => (
            "text/html; charset=utf-8",
            "html",
            report::html::report(&report).into_bytes(),
        ),
        "report.json" => ("application/json", "json", report.json().into_bytes()),
        _ => return Err(WebError::NotFound),
    };
    Ok(download(kind, &format!("{stem}.{ext}"), body))
}

fn download(kind: &str, name: &str, body: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{}",
        layout::encode(name).replace('+', "%20")
    );
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = kind.parse() {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = disposition.parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// `<department>.docx` or `<department>.html`: a department's rectification notice.
pub async fn notice(
    State(state): State<AppState>,
    v: Viewer,
    Path((run, file)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let (name, ext) = file.rsplit_once('.').ok_or(WebError::NotFound)?;
    let l = Loaded::get(&state, run).await?;
    let dept = l.rubric.department(name).ok_or(WebError::NotFound)?;
    access::require_sees(&v, &dept.name)?;
    let report = report::Report::new(l.info(), &l.run.assessment, &l.rubric, Some(&dept.name))?;
    let stem = format!("{}-整改通知单", dept.name);
    match ext {
        "docx" => Ok(download(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &format!("{stem}.docx"),
            report::notice::docx(&report, dept)?,
        )),
        "html" => Ok(Html(report::notice::html(&report, dept)).into_response()),
        _ => Err(WebError::NotFound),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
) -> Result<Redirect, WebError> {
    access::require_admin(&v)?;
    state.run(run).await?;
    let row = store::DecisionRow {
        finding: String::new(),
        action: super::finding::AUDIT_PUBLISH.into(),
        by: v.name(),
        at: super::finding::now_local(),
        reason: "发布评估，结果冻结".into(),
        body: "{}".into(),
    };
    state.store().add_audit(RunId(run), &row).await?;
    state.store().publish_run(RunId(run)).await?;
    Ok(Redirect::to(&format!("/runs/{run}")))
}

/// A finding in the comparison: (id, indicator, subject).
type Line = (String, String, String);

#[derive(Deserialize)]
pub struct With {
    with: i64,
}

/// Two runs of the same portal side by side: per department, the findings that are new, fixed
/// (gone) and still open. Findings are matched by their stable ids.
pub async fn compare(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(w): Query<With>,
) -> Result<Html<String>, WebError> {
    let now = Loaded::get(&state, run).await?;
    let then = Loaded::get(&state, w.with).await?;
    let rn = now.report(&v)?;
    let rt = then.report(&v)?;
    let open = |r: &report::Report<'_>| -> HashMap<String, (String, String, String)> {
        r.rows
            .iter()
            .filter(|x| x.to_fix())
            .map(|x| {
                (
                    x.finding.finding.id.clone(),
                    (
                        x.department.clone(),
                        x.indicator_name.clone(),
                        x.finding.finding.subject.clone(),
                    ),
                )
            })
            .collect()
    };
    let (a, b) = (open(&rn), open(&rt));
    // department → (new, fixed, still open)
    let mut per: BTreeMap<String, [Vec<Line>; 3]> = BTreeMap::new();
    for (id, (d, i, s)) in &a {
        let slot = if b.contains_key(id) { 2 } else { 0 };
        per.entry(d.clone()).or_default()[slot].push((id.clone(), i.clone(), s.clone()));
    }
    for (id, (d, i, s)) in &b {
        if !a.contains_key(id) {
            per.entry(d.clone()).or_default()[1].push((id.clone(), i.clone(), s.clone()));
        }
    }
    let body = html! {
        h1 { "评估 #" (run) " 与 #" (w.with) " 比较" }
        p.meta { (now.run.assessment.portal) " · " (then.run.assessment.as_of) " → " (now.run.assessment.as_of)
            @if access::scope(&v).is_none() { " · 总分 " (then.run.assessment.total) " → " (now.run.assessment.total) } }
        table {
            thead { tr { th { "单位" } th { "新增" } th { "已整改" } th { "仍未整改" } } }
            tbody { @for (d, s) in &per { tr { td { (d) } td.num { (s[0].len()) } td.num { (s[1].len()) } td.num { (s[2].len()) } } } }
        }
        @for (d, s) in &per {
            h2 { (d) }
            @for (k, title) in [(0usize, "新增"), (1, "已整改"), (2, "仍未整改")] {
                @if !s[k].is_empty() {
                    h3 { (title) "（" (s[k].len()) "）" }
                    ul { @for (id, i, subj) in &s[k] {
                        li { (i) " · "
                            @if k == 1 { a href=(layout::finding_href(w.with, id)) { (subj) } }
                            @else { a href=(layout::finding_href(run, id)) { (subj) } } }
                    } }
                }
            }
        }
        @if per.is_empty() { p { "两次评估都没有待整改的问题。" } }
    };
    Ok(Html(
        layout::page("比较评估", Some(&v), Some(run), body).into_string(),
    ))
}
