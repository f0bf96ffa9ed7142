//! One finding: what is wrong, the rule, the evidence (each fetched page shown inert from the
//! snapshot, the matched words highlighted), its history (decisions, answers, re-checks), and
//! the forms of whoever may act on it — the assessor decides, re-checks, adds a manual
//! deduction; the department answers.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use chrono::FixedOffset;
use maud::{Markup, html};
use report::Row;
use rubric::{Action, Decision, Evidence, Finding, Origin, Points, RuleKind, Status};
use serde::Deserialize;
use store::{ResponseKind, ResponseRow, RunId};

use super::Loaded;
use crate::auth::Viewer;
use crate::layout::{self, csrf, minus};
use crate::{AppState, WebError, access};

#[derive(Deserialize)]
pub struct Id {
    pub id: String,
}

/// Now, in Beijing time: the office reads its audit log in local time.
pub fn now_local() -> String {
    let now = chrono::Utc::now();
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => now
            .with_timezone(&cst)
            .format("%Y-%m-%d %H:%M:%S%:z")
            .to_string(),
        None => now.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    }
}

/// The finding's row in the unscoped report, after checking the viewer may see it: a
/// department user asking for another department's finding is refused (403), not told it is
/// missing.
pub fn find<'r, 'a>(
    report: &'r report::Report<'a>,
    v: &Viewer,
    id: &str,
) -> Result<&'r Row<'a>, WebError> {
    let row = report
        .rows
        .iter()
        .find(|r| r.finding.finding.id == id)
        .ok_or(WebError::NoSuchFinding)?;
    access::require_sees(v, &row.department)?;
    Ok(row)
}

pub async fn show(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(q): Query<Id>,
) -> Result<Html<String>, WebError> {
    let l = Loaded::get(&state, run).await?;
    let report = report::Report::new(l.info(), &l.run.assessment, &l.rubric, None)?;
    let row = find(&report, &v, &q.id)?;
    let f = &row.finding.finding;
    let rule = l.rubric.rule(&f.rule);
    let audit: Vec<store::DecisionRow> = state
        .store()
        .decisions(RunId(run))
        .await?
        .into_iter()
        .filter(|d| d.finding == f.id)
        .collect();
    let answers = state.store().responses(RunId(run), Some(&f.id)).await?;
    let reviewer = access::require_review(&v).is_ok() && !l.published();
    let answerer = access::require_answers_for(&v, &row.department).is_ok();
    let responsible: Vec<&str> = l
        .rubric
        .indicator(&row.finding.indicator)
        .map(|i| i.departments.iter().map(String::as_str).collect())
        .unwrap_or_default();

    let body = html! {
        p.crumbs { a href={ "/runs/" (run) "/findings" } { "问题清单" } " › " (row.indicator_name) }
        h1 { (f.subject) }
        p.lead { (f.message) }
        table.facts {
            tr { th { "状态" } td { (layout::status_tag(f.status))
                @if let Some(d) = row.decision { " " span.tag.decided { (d.label_zh()) } } } }
            tr { th { "指标" } td { (row.indicator_name) } }
            tr { th { "规则" } td { (f.rule) " " (row.rule_name)
                @if let Some(r) = rule { div.small { (r.describe(&l.rubric)) } } } }
            tr { th { "考核单位" } td { (row.department) } }
            tr { th { "规则扣分" } td { (minus(row.finding.deduction)) } }
            tr { th { "实际计扣" } td { (minus(row.counted)) } }
            tr { th { "置信度" } td { (format!("{:.2}", f.confidence)) } }
            tr { th { "来源" } td { @match &f.origin {
                Origin::Machine => "机器检查",
                Origin::Assessor { name, .. } => { "人工扣分：" (name) }
            } } }
        }
        h2 { "证据" }
        @if f.evidence.is_empty() { p { "（无网页证据）" } }
        @for (i, e) in f.evidence.iter().enumerate() {
            (evidence(run, &f.id, i, e))
        }
        h2 { "处理记录" }
        @if audit.is_empty() && answers.is_empty() { p { "尚无处理记录。" } }
        @else {
            table.history {
                thead { tr { th { "时间" } th { "人员" } th { "操作" } th { "理由 / 说明" } } }
                tbody {
                    @for d in &audit {
                        tr { td { (d.at) } td { (d.by) } td { (action_zh(&d.action, &d.body)) }
                            td { (d.reason)
                                @if let Some(fetch) = recheck_fetch(d) {
                                    " " a href=(format!("/runs/{run}/finding/page?id={}&fetch={fetch}", layout::encode(&f.id))) target="_blank" { "查看复查时的页面" }
                                } } }
                    }
                    @for r in &answers {
                        tr.answer { td { (r.at) } td { (r.by) "（" (r.department) "）" }
                            td { @match r.kind { ResponseKind::Fixed => "部门答复：已整改", ResponseKind::Appeal => "部门申诉" } }
                            td { (r.text) } }
                    }
                }
            }
        }
        @if reviewer { (review_forms(&v, run, &f.id, &responsible, row)) }
        @if answerer { (answer_form(&v, run, &f.id)) }
        @if l.published() { p.hint { "本次评估已发布，结果已冻结；部门仍可答复。" } }
    };
    Ok(Html(
        layout::page(&f.subject, Some(&v), Some(run), body).into_string(),
    ))
}

/// The fetch a re-check's audit row names.
fn recheck_fetch(d: &store::DecisionRow) -> Option<i64> {
    if d.action != AUDIT_RECHECK {
        return None;
    }
    serde_json::from_str::<serde_json::Value>(&d.body)
        .ok()?
        .get("fetch")?
        .as_i64()
}

fn action_zh(action: &str, body: &str) -> String {
    // A decision's action is the rubric's; the other audit rows are the workbench's own.
    let base = match serde_json::from_value::<Action>(serde_json::Value::from(action)) {
        Ok(a) => a.label_zh(),
        Err(_) => match action {
            assess::run::AUDIT_MANUAL => "人工扣分",
            AUDIT_RECHECK => "复查抓取",
            AUDIT_PUBLISH => "发布",
            other => other,
        },
    };
    // The decision's own JSON says where to and how much.
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    match action {
        "reassign" => format!(
            "{base} → {}",
            v.get("department").and_then(|d| d.as_str()).unwrap_or("")
        ),
        "adjust" => format!(
            "{base}为 {}",
            v.get("deduction")
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
        _ => base.to_string(),
    }
}

fn evidence(run: i64, id: &str, i: usize, e: &Evidence) -> Markup {
    html! {
        div.evidence {
            p { a.url href=(safe_href(&e.url)) rel="noreferrer noopener" target="_blank" { (e.url) } }
            table.facts {
                @if let Some(t) = &e.fetched_at { tr { th { "抓取时间" } td { (t) } } }
                @if let Some(n) = &e.fetch { tr { th { "抓取编号" } td { (n) } } }
                @if let Some(l) = &e.label { tr { th { "匹配的标签" } td { (l) } } }
                @if let Some(x) = &e.excerpt { tr { th { "页面原文" } td { mark { (x) } } } }
                @if let Some(n) = &e.note { tr { th { "说明" } td { (n) } } }
                @if let Some(h) = &e.content_hash { tr { th { "SHA-256" } td.mono { (h) } } }
                @if let Some(w) = &e.warc_record { tr { th { "WARC 记录" } td.mono { (w) } } }
            }
            @if e.fetch.is_some() {
                @let href = format!("/runs/{run}/finding/page?id={}&e={i}", layout::encode(id));
                p { a href=(href) target="_blank" { "在新窗口打开快照" } " · "
                    a href={ (href) "&view=text" } target="_blank" { "只看文字" } }
                iframe.snapshot src=(href) sandbox="" referrerpolicy="no-referrer" title="抓取时的页面快照" {}
            }
        }
    }
}

/// Only http(s) links are links; anything else (`javascript:` from a hostile page) is not.
fn safe_href(url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_string()
    } else {
        "#".to_string()
    }
}

fn review_forms(v: &Viewer, run: i64, id: &str, responsible: &[&str], row: &Row<'_>) -> Markup {
    let action = format!("/runs/{run}/finding/decide?id={}", layout::encode(id));
    let recheck = format!("/runs/{run}/finding/recheck?id={}", layout::encode(id));
    html! {
        section.review {
            h2 { "复核" }
            form.decide method="post" action=(action) {
                (csrf(v))
                fieldset {
                    legend { "决定" }
                    label.radio { input type="radio" name="action" value="confirm" required; "确认（问题成立，计扣）" }
                    label.radio { input type="radio" name="action" value="dismiss"; "撤销（问题不成立，不扣分）" }
                    label.radio { input type="radio" name="action" value="reassign"; "改记到单位："
                        select name="department" {
                            option value="" { "—" }
                            @for d in responsible { option value=(d) selected[*d == row.department] { (d) } }
                        } }
                    label.radio { input type="radio" name="action" value="adjust"; "调整扣分为："
                        input name="deduction" inputmode="decimal" size="4" placeholder=(row.finding.deduction.to_string()); " 分" }
                }
                label { "理由（撤销、改记、调整时必填）" textarea name="reason" rows="2" {} }
                button type="submit" { "提交决定" }
            }
            form method="post" action=(recheck) {
                (csrf(v))
                button type="submit" { "复查：重新抓取该页面" }
                span.small { " 单次抓取，结果作为证据保存在快照库中" }
            }
        }
    }
}

fn answer_form(v: &Viewer, run: i64, id: &str) -> Markup {
    let action = format!("/runs/{run}/finding/respond?id={}", layout::encode(id));
    html! {
        section.answer {
            h2 { "本单位答复" }
            form method="post" action=(action) {
                (csrf(v))
                label.radio { input type="radio" name="kind" value="fixed" required; "已整改，请复查" }
                label.radio { input type="radio" name="kind" value="appeal"; "申诉（问题不成立）" }
                label { "说明" textarea name="text" rows="3" required {} }
                button type="submit" { "提交答复" }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    deduction: String,
}

pub async fn decide(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(q): Query<Id>,
    Form(form): Form<DecideForm>,
) -> Result<Redirect, WebError> {
    access::require_review(&v)?;
    let l = Loaded::get(&state, run).await?;
    {
        let report = report::Report::new(l.info(), &l.run.assessment, &l.rubric, None)?;
        find(&report, &v, &q.id)?;
    }
    let reason = form.reason.trim().to_string();
    let action = match form.action.as_str() {
        "confirm" => Action::Confirm,
        "dismiss" => Action::Dismiss,
        "reassign" => Action::Reassign,
        "adjust" => Action::Adjust,
        _ => {
            return Err(WebError::BadInput(
                "请选择一个决定：确认、撤销、改记单位或调整扣分".into(),
            ));
        }
    };
    if action != Action::Confirm && reason.is_empty() {
        return Err(WebError::BadInput(format!(
            "{}须写明理由：请返回填写",
            action.label_zh()
        )));
    }
    let department = match action {
        Action::Reassign => Some(
            l.rubric
                .department(form.department.trim())
                .ok_or_else(|| WebError::BadInput("请选择改记到的单位".into()))?
                .name
                .clone(),
        ),
        _ => None,
    };
    let deduction = match action {
        Action::Adjust => {
            let p = form
                .deduction
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(Points::from_f64)
                .filter(|p| *p >= Points::ZERO)
                .ok_or_else(|| {
                    WebError::BadInput(format!(
                        "扣分「{}」无法使用：应为不小于 0、最多两位小数的分值，如 0.5",
                        form.deduction.trim()
                    ))
                })?;
            Some(p)
        }
        _ => None,
    };
    let d = Decision {
        finding: q.id.clone(),
        action,
        by: v.name(),
        at: now_local(),
        reason,
        department,
        deduction,
    };
    assess::run::decide(state.store(), RunId(run), &l.rubric, &[d]).await?;
    Ok(Redirect::to(&layout::finding_href(run, &q.id)))
}

#[derive(Deserialize)]
pub struct RespondForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
}

pub async fn respond(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(q): Query<Id>,
    Form(form): Form<RespondForm>,
) -> Result<Redirect, WebError> {
    let l = Loaded::get(&state, run).await?;
    let report = report::Report::new(l.info(), &l.run.assessment, &l.rubric, None)?;
    let row = find(&report, &v, &q.id)?;
    access::require_answers_for(&v, &row.department)?;
    let kind = match form.kind.as_str() {
        "fixed" => ResponseKind::Fixed,
        "appeal" => ResponseKind::Appeal,
        _ => return Err(WebError::BadInput("请选择“已整改”或“申诉”".into())),
    };
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(WebError::BadInput(
            "请写明说明（不超过 2000 字）：整改了什么，或申诉的理由".into(),
        ));
    }
    state
        .store()
        .add_response(
            RunId(run),
            &ResponseRow {
                finding: q.id.clone(),
                kind,
                department: row.department.clone(),
                by: v.name(),
                at: now_local(),
                text: text.to_string(),
            },
        )
        .await?;
    Ok(Redirect::to(&layout::finding_href(run, &q.id)))
}

/// The audit log's action for a re-check fetch.
pub const AUDIT_RECHECK: &str = "recheck";
/// The audit log's action for a publication.
pub const AUDIT_PUBLISH: &str = "publish";

/// Fetches the finding's first page again, once, politely (robots.txt obeyed, no link
/// followed), into the store as a crawl of its own; the audit row names the new fetch. The
/// assessor then confirms or dismisses with what it shows.
pub async fn recheck(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(q): Query<Id>,
) -> Result<Redirect, WebError> {
    access::require_review(&v)?;
    let l = Loaded::get(&state, run).await?;
    let url = {
        let report = report::Report::new(l.info(), &l.run.assessment, &l.rubric, None)?;
        let row = find(&report, &v, &q.id)?;
        row.finding
            .finding
            .evidence
            .first()
            .map(|e| e.url.clone())
            .ok_or_else(|| WebError::BadInput("该问题没有网页证据，无法复查抓取".into()))?
    };
    let seed = url::Url::parse(&url)
        .map_err(|_| WebError::BadInput(format!("证据网址无法抓取：{url}")))?;
    let mut opts = crawl::CrawlOptions::new(seed);
    opts.max_pages = Some(1);
    opts.check_assets = false;
    opts.check_offsite_attachments = false;
    opts.conditional = false;
    opts.fetch.guard.allow_private = state.config().allow_private;
    let crawler = crawl::Crawler::new(state.store().clone(), opts)
        .map_err(|e| WebError::BadInput(format!("无法复查抓取：{e}")))?;
    let report = crawler
        .run()
        .await
        .map_err(|e| WebError::BadInput(format!("复查抓取失败：{e}")))?;
    let fetches = state.store().fetches_of_url(report.crawl, &url).await?;
    let note = match fetches.last() {
        Some(f) => format!(
            "复查抓取 #{}（抓取任务 {}）：{}{}",
            f.id.0,
            report.crawl.0,
            f.status.map(|s| format!("HTTP {s}，")).unwrap_or_default(),
            f.outcome.label_zh()
        ),
        None => format!("复查抓取（抓取任务 {}）：未能抓取该页面", report.crawl.0),
    };
    let row = store::DecisionRow {
        finding: q.id.clone(),
        action: AUDIT_RECHECK.into(),
        by: v.name(),
        at: now_local(),
        reason: note,
        body: serde_json::json!({
            "crawl": report.crawl.0,
            "fetch": fetches.last().map(|f| f.id.0),
        })
        .to_string(),
    };
    state.store().add_audit(RunId(run), &row).await?;
    Ok(Redirect::to(&layout::finding_href(run, &q.id)))
}

#[derive(Deserialize)]
pub struct ManualForm {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    reason: String,
}

/// Adds a deduction only a person can judge, under a `manual` rule of the rubric.
pub async fn manual(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Form(form): Form<ManualForm>,
) -> Result<Redirect, WebError> {
    access::require_review(&v)?;
    let l = Loaded::get(&state, run).await?;
    let rule = l
        .rubric
        .rule(form.rule.trim())
        .filter(|r| matches!(r.kind, RuleKind::Manual { .. }))
        .ok_or_else(|| WebError::BadInput("请选择一条人工评判规则".into()))?;
    let dept = l
        .rubric
        .department(form.department.trim())
        .ok_or_else(|| WebError::BadInput("请选择被扣分的单位".into()))?;
    let reason = form.reason.trim();
    if reason.is_empty() {
        return Err(WebError::BadInput("人工扣分须写明理由".into()));
    }
    let url = form.url.trim();
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
        return Err(WebError::BadInput(
            "网址应以 http:// 或 https:// 开头（可不填）".into(),
        ));
    }
    let subject = if form.subject.trim().is_empty() {
        rule.name.clone()
    } else {
        form.subject.trim().to_string()
    };
    let at = now_local();
    let finding = Finding {
        id: format!("{}:{}#{}@{}", rule.id, url, subject, at),
        rule: rule.id.clone(),
        department: dept.name.clone(),
        subject,
        message: reason.to_string(),
        status: Status::Deducted,
        origin: Origin::Assessor {
            name: v.name(),
            reason: reason.to_string(),
        },
        confidence: 1.0,
        evidence: if url.is_empty() {
            Vec::new()
        } else {
            vec![Evidence {
                url: url.to_string(),
                fetched_at: Some(at.clone()),
                ..Default::default()
            }]
        },
    };
    let id = finding.id.clone();
    assess::run::add_manual(state.store(), RunId(run), &l.rubric, finding, &at).await?;
    Ok(Redirect::to(&layout::finding_href(run, &id)))
}
