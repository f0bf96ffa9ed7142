//! One module per screen. Handlers are thin: they ask `access` who may see what, read the run
//! through `AppState::run`, build a `report::Report` (the same rows the office's reports show)
//! and lay it out with `layout`.

pub mod dashboard;
pub mod evidence;
pub mod finding;
pub mod findings;
pub mod items;
pub mod runs;
pub mod warnings;

use std::sync::Arc;

use assess::run::StoredRun;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use report::{Report, RunInfo};
use rubric::Rubric;

use crate::auth::Viewer;
use crate::{AppState, WebError, access};

/// The files the pages load, compiled in: offices run on intranets, nothing comes from a CDN.
pub async fn assets(Path(file): Path<String>) -> Response {
    let (body, kind): (&'static [u8], &str) = match file.as_str() {
        "app.css" => (
            include_bytes!("../../assets/app.css"),
            "text/css; charset=utf-8",
        ),
        "charts.js" => (
            include_bytes!("../../assets/charts.js"),
            "text/javascript; charset=utf-8",
        ),
        "echarts.min.js" => (
            include_bytes!("../../assets/echarts-5.6.0.min.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// A run with its rubric, as one request needs it.
pub struct Loaded {
    pub run: Arc<StoredRun>,
    pub rubric: Arc<Rubric>,
}

impl Loaded {
    pub async fn get(state: &AppState, id: i64) -> Result<Loaded, WebError> {
        let run = state.run(id).await?;
        let rubric = state.rubric(&run.assessment.rubric)?;
        Ok(Loaded { run, rubric })
    }

    pub fn info(&self) -> RunInfo {
        RunInfo {
            id: self.run.id.0,
            published: self.run.state == store::RunState::Published,
            created_at: self.run.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }

    /// The report rows this viewer may see: a department user's own department only.
    pub fn report(&self, v: &Viewer) -> Result<Report<'_>, WebError> {
        Ok(Report::new(
            self.info(),
            &self.run.assessment,
            &self.rubric,
            access::scope(v),
        )?)
    }

    pub fn published(&self) -> bool {
        self.run.state == store::RunState::Published
    }
}
