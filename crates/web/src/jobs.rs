//! Crawls and assessments started from the browser. A job is a row in the store (`jobs`);
//! the work runs on this server's runtime and writes its progress into that row, so the page
//! that shows it is a plain reload. A server stopped mid-crawl leaves the row `running`: the
//! next server resumes it (the crawl continues from its frontier: nothing fetched is fetched
//! again), then assesses.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use store::JobState;

use crate::AppState;

/// What the start form asks for.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobOptions {
    /// Stop after this many fetches.
    pub pages: u64,
    /// The assessment's as-of date (YYYY-MM-DD).
    pub as_of: String,
    pub rubric: String,
    /// Compare with the previous crawl of the same portal.
    #[serde(default)]
    pub history: bool,
}

/// Queues a job and starts it.
pub async fn start(
    state: &AppState,
    seed: &url::Url,
    options: &JobOptions,
    by: &str,
) -> Result<i64, crate::WebError> {
    let opts =
        serde_json::to_string(options).map_err(|e| crate::WebError::BadInput(e.to_string()))?;
    let id = state.store().create_job(seed.as_str(), &opts, by).await?;
    spawn(state.clone(), id, false);
    Ok(id)
}

/// Restarts every job a stopped server left queued or running.
pub async fn resume(state: &AppState) {
    let Ok(jobs) = state.store().list_jobs().await else {
        return;
    };
    for j in jobs {
        if matches!(j.state, JobState::Queued | JobState::Running) {
            spawn(state.clone(), j.id, j.state == JobState::Running);
        }
    }
}

fn spawn(state: AppState, id: i64, restarted: bool) {
    tokio::spawn(async move {
        let store = state.store().clone();
        let outcome = run(&state, id, restarted).await;
        let (st, msg) = match outcome {
            Ok(run) => (JobState::Done, format!("完成：评估 #{}", run.0)),
            Err(e) => (JobState::Failed, e),
        };
        let progress = if st == JobState::Done {
            "完成"
        } else {
            "失败"
        };
        let _ = store.update_job(id, st, progress, &msg, None, None).await;
    });
}

async fn run(state: &AppState, id: i64, restarted: bool) -> Result<store::RunId, String> {
    let store = state.store().clone();
    let job = store
        .job(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("任务 {id} 不存在"))?;
    let options: JobOptions =
        serde_json::from_str(&job.options).map_err(|e| format!("任务参数无法读取：{e}"))?;
    let seed = url::Url::parse(&job.seed_url).map_err(|e| format!("网址无法使用：{e}"))?;
    let rubric = state.rubric(&options.rubric).map_err(|e| e.to_string())?;
    let as_of = chrono::NaiveDate::parse_from_str(&options.as_of, "%Y-%m-%d")
        .map_err(|_| format!("截止日期「{}」无法读取", options.as_of))?;

    let crawl = match job.crawl {
        // The crawl finished before the server stopped: only the assessment is left.
        Some(crawl) if restarted => crawl,
        _ => crawl(state, id, seed, &options, &rubric, restarted).await?,
    };
    let _ = store
        .update_job(id, JobState::Running, "正在评估", "", Some(crawl), None)
        .await;
    let profile = assess::Profile::default();
    let decisions = assess::Decisions::default();
    let version = match rubric::bundled_text(&rubric.id) {
        Some(text) => assess::rubric_version(text),
        None => rubric.id.clone(),
    };
    let setup = assess::load::Setup {
        rubric: &rubric,
        rubric_version: version,
        profile: &profile,
        decisions: &decisions,
        as_of,
        use_history: options.history,
    };
    let a = assess::load::assess_crawl(&store, crawl, &setup)
        .await
        .map_err(|e| e.to_string())?;
    let run = assess::run::save(&store, &a, None)
        .await
        .map_err(|e| e.to_string())?;
    let _ = store
        .update_job(id, JobState::Running, "完成", "", None, Some(run))
        .await;
    Ok(run)
}

/// Crawls the job's portal politely; a restarted job continues its unfinished crawl (nothing
/// fetched is fetched again) or, when the server stopped before one began, starts it.
async fn crawl(
    state: &AppState,
    id: i64,
    seed: url::Url,
    options: &JobOptions,
    rubric: &rubric::Rubric,
    restarted: bool,
) -> Result<store::CrawlId, String> {
    let store = state.store().clone();
    let _ = store
        .update_job(id, JobState::Running, "正在抓取", "", None, None)
        .await;
    let resume = restarted
        && store
            .find_resumable(seed.as_str())
            .await
            .map_err(|e| e.to_string())?
            .is_some();
    let mut opts = crawl::CrawlOptions::new(seed);
    opts.max_pages = Some(options.pages);
    opts.resume = resume;
    opts.fetch.guard.allow_private = state.config().allow_private;
    opts.vocab = Some(std::sync::Arc::new(extract::Vocabulary::from_rubric(
        rubric,
    )));
    let crawler = crawl::Crawler::new(store.clone(), opts).map_err(|e| e.to_string())?;
    let stats = crawler.stats();
    let ticker = {
        let store = store.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(2)).await;
                let p = stats.read();
                let line = format!("正在抓取：已抓取 {}，待抓取 {}", p.fetched, p.queued);
                let _ = store
                    .update_job(id, JobState::Running, &line, "", None, None)
                    .await;
            }
        })
    };
    let report = crawler.run().await;
    ticker.abort();
    Ok(report.map_err(|e| e.to_string())?.crawl)
}
