//! The dashboard of a run: the total, sections and indicators against their points, the
//! departments ranked, the trend over the portal's past runs, what waits for review, and the
//! early warning. The tables carry every number (usable without JavaScript); the charts draw
//! the same numbers with ECharts from a JSON block.
//!
//! A department user sees its own department's line, its indicators and its findings only.

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, PreEscaped, html};
use rubric::{Points, Status};
use serde_json::json;

use super::Loaded;
use crate::auth::Viewer;
use crate::layout::{self, minus};
use crate::{AppState, WebError, access};

pub async fn show(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
) -> Result<Html<String>, WebError> {
    let l = Loaded::get(&state, run).await?;
    let report = l.report(&v)?;
    let a = &l.run.assessment;
    let waiting = report
        .rows
        .iter()
        .filter(|r| r.decision.is_none() && r.status() == Status::NeedsReview)
        .count();
    let warnings = super::warnings::list(&state, &l, &v).len();
    let scoped = access::scope(&v);

    // The portal's past runs, for the trend (not for a department user: other departments'
    // deductions are in the totals).
    let trend: Vec<(String, f64)> = if scoped.is_none() {
        state
            .run_summaries()
            .await?
            .iter()
            .filter(|s| s.portal == a.portal && s.rubric_id == a.rubric)
            .map(|s| {
                (
                    format!("#{} {}", s.id, s.as_of),
                    s.total_hundredths as f64 / 100.0,
                )
            })
            .collect()
    } else {
        Vec::new()
    };

    let chart_data = json!({
        "indicators": a.scores.sections.iter().flat_map(|s| s.indicators.iter()).map(|i| json!({
            "name": format!("{} {}", i.id, i.name),
            "score": i.score.hundredths() as f64 / 100.0,
            "points": i.points.hundredths() as f64 / 100.0,
        })).collect::<Vec<_>>(),
        "departments": report.departments.iter().map(|d| json!({
            "name": d.name, "lost": d.lost.hundredths() as f64 / 100.0,
        })).collect::<Vec<_>>(),
        "trend": trend.iter().map(|(n, t)| json!({"name": n, "total": t})).collect::<Vec<_>>(),
        "max": a.max.hundredths() as f64 / 100.0,
    });

    let body = html! {
        h1 { "评估 #" (run) "：" (a.portal) }
        p.meta {
            (a.rubric_title) " · 截止 " (a.as_of) " · "
            @if l.published() { span.tag.published { "已发布" } } @else { span.tag { "待发布" } }
            " · 评估时间 " (l.info().created_at)
        }
        @if scoped.is_none() {
            section.cards {
                div.card.total { div.big { (a.total) } div { "总分（满分 " (a.max) "）" } }
                div.card { div.big { (a.counts.deducted) } div { "扣分问题" } }
                a.card href={ "/runs/" (run) "/findings?queue=review" } {
                    div.big { (waiting) } div { "待复核" } }
                div.card { div.big { (a.counts.unverified) } div { "未核实" } }
                a.card href={ "/runs/" (run) "/warnings" } { div.big { (warnings) } div { "即将超期的栏目" } }
            }
        } @else {
            (department_cards(&report, run, waiting, warnings))
        }
        @if scoped.is_none() {
            section {
                h2 { "各部分与指标得分" }
                div #chart-indicators .chart {}
                (indicator_table(a))
            }
        }
        section {
            h2 { @if scoped.is_some() { "本单位扣分" } @else { "各单位扣分排名" } }
            @if scoped.is_none() { div #chart-departments .chart {} }
            table {
                thead { tr { th { "名次" } th { "单位" } th { "实际失分" } th { "扣分合计" } th { "问题数" } th { "涉及指标" } th { "整改通知单" } } }
                tbody {
                    @for (i, d) in report.departments.iter().enumerate() {
                        tr {
                            td { (i + 1) }
                            td { a href={ "/runs/" (run) "/findings?department=" (layout::encode(&d.name)) } { (d.name) } }
                            td.num { (minus(d.lost)) }
                            td.num { (minus(d.deducted)) }
                            td.num { (d.findings) }
                            td { (d.indicators.join("、")) }
                            td { a href={ "/runs/" (run) "/notice/" (layout::encode(&d.name)) ".docx" } { "DOCX" }
                                 " · " a href={ "/runs/" (run) "/notice/" (layout::encode(&d.name)) ".html" } { "网页" } }
                        }
                    }
                }
            }
        }
        @if !trend.is_empty() {
            section {
                h2 { "历次评估总分" }
                div #chart-trend .chart {}
                table {
                    thead { tr { th { "评估" } th { "总分" } } }
                    tbody { @for (n, t) in &trend { tr { td { (n) } td.num { (t) } } } }
                }
            }
        }
        @if access::require_review(&v).is_ok() && !l.published() {
            (manual_form(&v, &l, run))
        }
        @if access::require_admin(&v).is_ok() && !l.published() {
            section {
                h2 { "发布" }
                form method="post" action={ "/runs/" (run) "/publish" } {
                    (layout::csrf(&v))
                    button.danger type="submit" { "发布本次评估（发布后结果冻结，不能再修改）" }
                }
            }
        }
        section {
            h2 { "导出" }
            p {
                a href={ "/runs/" (run) "/export/report.xlsx" } { "表格（XLSX）" } " · "
                a href={ "/runs/" (run) "/export/report.html" } { "网页报告" } " · "
                a href={ "/runs/" (run) "/export/report.json" } { "JSON" }
                @if scoped.is_some() { " （仅含本单位）" }
            }
        }
        script #chart-data type="application/json" { (PreEscaped(script_json(&chart_data))) }
        script src="/assets/echarts.min.js" {}
        script src="/assets/charts.js" {}
    };
    Ok(Html(
        layout::page(&format!("评估 #{run}"), Some(&v), Some(run), body).into_string(),
    ))
}

/// JSON inside a `<script>` block: `<`, `>` and `&` escaped so page text (a department or
/// indicator name) can never close the block.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn indicator_table(a: &assess::Assessment) -> Markup {
    html! {
        table {
            thead { tr { th { "编号" } th { "部分 / 指标" } th { "分值" } th { "得分" } th { "扣分" } th { "待复核" } th { "未核实" } } }
            tbody {
                @for s in &a.scores.sections {
                    tr.section { td { (s.id) } td { (s.name) } td.num { (s.points) } td.num { (s.score) }
                        td.num { (minus(s.points.saturating_deduct(s.score))) } td {} td {} }
                    @for i in &s.indicators {
                        tr {
                            td { (i.id) } td { (i.name) } td.num { (i.points) } td.num { (i.score) }
                            td.num { (minus(i.deducted)) }
                            td.num { (i.needs_review.len()) } td.num { (i.unverified.len()) }
                        }
                    }
                }
                tr.total { td {} td { "合计" } td.num { (a.max) } td.num { (a.total) } td {} td {} td {} }
            }
        }
    }
}

fn department_cards(
    report: &report::Report<'_>,
    run: i64,
    waiting: usize,
    warnings: usize,
) -> Markup {
    let lost: Points = report.departments.iter().map(|d| d.lost).sum();
    let to_fix = report.rows.iter().filter(|r| r.to_fix()).count();
    html! {
        section.cards {
            div.card.total { div.big { (minus(lost)) } div { "本单位失分" } }
            a.card href={ "/runs/" (run) "/findings" } { div.big { (to_fix) } div { "待整改问题" } }
            div.card { div.big { (waiting) } div { "待复核" } }
            a.card href={ "/runs/" (run) "/warnings" } { div.big { (warnings) } div { "即将超期的栏目" } }
        }
    }
}

/// The form for a deduction only a person can judge (the rubric's `manual` rules).
fn manual_form(v: &Viewer, l: &Loaded, run: i64) -> Markup {
    let rules: Vec<(&rubric::Indicator, &rubric::Rule)> = l
        .rubric
        .indicators()
        .flat_map(|i| i.rules.iter().map(move |r| (i, r)))
        .filter(|(_, r)| matches!(r.kind, rubric::RuleKind::Manual { .. }))
        .collect();
    html! {
        section.manual {
            h2 { "添加人工扣分" }
            p.small { "只用于指标体系中需要人工评判的规则（信息准确性等）；机器发现的问题请在问题页确认或撤销。" }
            form method="post" action={ "/runs/" (run) "/manual" } {
                (layout::csrf(v))
                label { "规则" select name="rule" required {
                    @for (i, r) in &rules { option value=(r.id) { (i.id) " " (i.name) " · " (r.name) "（" (minus(r.deduction)) "）" } }
                } }
                label { "单位" select name="department" required {
                    @for d in &l.rubric.departments { option value=(d.name) { (d.name) } }
                } }
                label { "问题" input name="subject" placeholder="如：学前教育收费标准已过时"; }
                label { "网址" input name="url" type="url" placeholder="http://…（可不填）"; }
                label { "理由" textarea name="reason" rows="2" required {} }
                button type="submit" { "添加" }
            }
        }
    }
}
