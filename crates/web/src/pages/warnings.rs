//! Early warning: per department, the columns that go stale within the next N days at their
//! cadence, counted from the run's as-of date (so a run reads the same on any day, and a
//! scheduled run's warning is about its own week). Columns already stale are findings, not
//! warnings.

use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;

use super::Loaded;
use crate::auth::Viewer;
use crate::{AppState, WebError, access, layout};

/// One warning line.
pub struct Warning<'a> {
    pub department: &'a str,
    pub column: &'a str,
    pub url: &'a str,
    pub newest: NaiveDate,
    pub window: &'a str,
    pub stale_on: NaiveDate,
    pub days: i64,
}

/// The warnings this viewer may see, soonest first, within the server's horizon.
pub fn list<'a>(state: &AppState, l: &'a Loaded, v: &Viewer) -> Vec<Warning<'a>> {
    within(l, v, state.config().warn_days)
}

fn within<'a>(l: &'a Loaded, v: &Viewer, days: i64) -> Vec<Warning<'a>> {
    let a = &l.run.assessment;
    let mut out: Vec<Warning<'a>> = a
        .watch
        .iter()
        .filter_map(|w| {
            let (newest, stale_on) = (w.newest?, w.stale_on?);
            let left = (stale_on - a.as_of).num_days();
            let department = w.department.as_deref().unwrap_or("（未定单位）");
            (left > 0 && left <= days && access::sees(v, department)).then_some(Warning {
                department,
                column: &w.column,
                url: &w.url,
                newest,
                window: &w.window,
                stale_on,
                days: left,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.days, a.department, a.column).cmp(&(b.days, b.department, b.column)));
    out
}

#[derive(Deserialize)]
pub struct Horizon {
    days: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(h): Query<Horizon>,
) -> Result<Html<String>, WebError> {
    let l = Loaded::get(&state, run).await?;
    let days = h.days.unwrap_or(state.config().warn_days).clamp(1, 365);
    let warnings = within(&l, &v, days);
    let body = html! {
        h1 { "预警：" (days) " 天内将超期的栏目" }
        p.meta { "自评估截止日 " (l.run.assessment.as_of) " 起算，按各栏目的更新周期。已经超期的栏目见问题清单。" }
        form.filters method="get" {
            label { "天数" input name="days" type="number" min="1" max="365" value=(days); }
            button type="submit" { "查看" }
        }
        @if warnings.is_empty() { p { "没有将在 " (days) " 天内超期的栏目。" } }
        @else {
            ul.warnings {
                @for w in &warnings {
                    li { strong { (w.department) } " · " (w.column) "：" (w.days) " 天后超过" (w.window) "未更新" }
                }
            }
            table {
                thead { tr { th { "单位" } th { "栏目" } th { "最新信息日期" } th { "更新周期" } th { "超期日" } th { "剩余天数" } } }
                tbody {
                    @for w in &warnings {
                        tr {
                            td { (w.department) }
                            td { @if w.url.starts_with("http") { a href=(w.url) rel="noreferrer" { (w.column) } } @else { (w.column) } }
                            td { (w.newest) } td { (w.window) } td { (w.stale_on) } td.num { (w.days) }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(
        layout::page("预警", Some(&v), Some(run), body).into_string(),
    ))
}
