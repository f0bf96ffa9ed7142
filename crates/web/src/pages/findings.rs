//! The findings of a run, filtered by indicator, department, rule and status; what waits for
//! review first (needs review without a decision, then unverified, then the rest). A
//! department user's list is its own department's, whatever the filter says.

use axum::extract::{Path, Query, State};
use axum::response::Html;
use maud::html;
use report::Row;
use rubric::Status;
use serde::Deserialize;

use super::Loaded;
use crate::auth::Viewer;
use crate::layout::{self, minus};
use crate::{AppState, WebError, access};

/// Rows per page: the list of a large portal's run stays quick to render and to read.
const PER_PAGE: usize = 100;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    rule: String,
    /// deducted | needs_review | unverified | dismissed | decided
    #[serde(default)]
    status: String,
    /// `review`: only what waits for an assessor.
    #[serde(default)]
    queue: String,
    #[serde(default)]
    page: usize,
}

fn waiting(r: &Row<'_>) -> bool {
    r.decision.is_none() && r.status() == Status::NeedsReview
}

/// Review queue first, then unverified, then the rest; the report's order within each.
fn rank(r: &Row<'_>) -> u8 {
    if waiting(r) {
        0
    } else if r.decision.is_none() && r.status() == Status::Unverified {
        1
    } else {
        2
    }
}

pub async fn list(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(f): Query<Filter>,
) -> Result<Html<String>, WebError> {
    let l = Loaded::get(&state, run).await?;
    let report = l.report(&v)?;
    let mut rows: Vec<&Row<'_>> = report
        .rows
        .iter()
        .filter(|r| f.indicator.is_empty() || r.finding.indicator == f.indicator)
        .filter(|r| f.department.is_empty() || r.department == f.department)
        .filter(|r| f.rule.is_empty() || r.finding.finding.rule == f.rule)
        .filter(|r| match f.status.as_str() {
            "" => true,
            "dismissed" => r.decision == Some(rubric::Action::Dismiss),
            "decided" => r.decision.is_some(),
            s => r.status().as_str() == s,
        })
        .filter(|r| f.queue != "review" || waiting(r))
        .collect();
    rows.sort_by_key(|r| rank(r));
    let total = rows.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = f.page.clamp(1, pages);
    let shown = rows.iter().skip((page - 1) * PER_PAGE).take(PER_PAGE);

    let departments: Vec<&str> = if access::scope(&v).is_some() {
        Vec::new()
    } else {
        l.rubric
            .departments
            .iter()
            .map(|d| d.name.as_str())
            .collect()
    };
    let link = |p: usize| {
        format!(
            "/runs/{run}/findings?indicator={}&department={}&rule={}&status={}&queue={}&page={p}",
            layout::encode(&f.indicator),
            layout::encode(&f.department),
            layout::encode(&f.rule),
            layout::encode(&f.status),
            layout::encode(&f.queue),
        )
    };
    let body = html! {
        h1 { "问题清单" @if f.queue == "review" { "：待复核" } }
        form.filters method="get" action={ "/runs/" (run) "/findings" } {
            label { "指标" select name="indicator" {
                option value="" { "全部" }
                @for i in l.rubric.indicators() {
                    option value=(i.id) selected[i.id == f.indicator] { (i.id) " " (i.name) }
                }
            } }
            @if !departments.is_empty() {
                label { "单位" select name="department" {
                    option value="" { "全部" }
                    @for d in &departments { option value=(d) selected[*d == f.department] { (d) } }
                } }
            }
            label { "规则" select name="rule" {
                option value="" { "全部" }
                @for r in l.rubric.rules() { option value=(r.id) selected[r.id == f.rule] { (r.id) " " (r.name) } }
            } }
            label { "状态" select name="status" {
                @for (val, name) in [("", "全部"), ("deducted", "扣分"), ("needs_review", "待复核"), ("unverified", "未核实"), ("dismissed", "已撤销"), ("decided", "已有决定")] {
                    option value=(val) selected[val == f.status] { (name) }
                }
            } }
            label.check { input type="checkbox" name="queue" value="review" checked[f.queue == "review"]; "只看待复核" }
            button type="submit" { "筛选" }
        }
        p.meta { "共 " (total) " 条" @if pages > 1 { "，第 " (page) " / " (pages) " 页" } }
        table.findings {
            thead { tr { th { "指标" } th { "规则" } th { "单位" } th { "问题" } th { "状态" } th { "计扣" } th { "置信度" } } }
            tbody {
                @for r in shown {
                    tr class=[waiting(r).then_some("waiting")] {
                        td { (r.indicator_name) }
                        td { (r.rule_name) }
                        td { (r.department) }
                        td { a href=(layout::finding_href(run, &r.finding.finding.id)) {
                            (r.finding.finding.subject) }
                            div.small { (r.finding.finding.message) } }
                        td { (layout::status_tag(r.status()))
                             @if let Some(d) = r.decision { " " span.tag.decided { (d.label_zh()) } } }
                        td.num { (minus(r.counted)) }
                        td.num { (format!("{:.2}", r.finding.finding.confidence)) }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pager {
                @if page > 1 { a href=(link(page - 1)) { "上一页" } }
                @if page < pages { a href=(link(page + 1)) { "下一页" } }
            }
        }
    };
    Ok(Html(
        layout::page("问题清单", Some(&v), Some(run), body).into_string(),
    ))
}
