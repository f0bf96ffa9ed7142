//! The recorder: the single writer of a run. Fetch tasks hand it prepared records; it commits
//! them in batches and counts them only after the commit, so the progress bar shows what is
//! stored.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use store::PreparedRecord;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use super::{CrawlError, Shared};
use crate::outcome::Verdict;

/// Fetches committed per store transaction at most. Every commit rewrites the index pages it
/// touched (the frontier's and the link graph's URL indexes are keyed at random), so fewer,
/// larger commits write less: 64 → 256 took the 50k-page crawl from ~23 s to ~19 s. What a
/// kill loses is only what was not committed, and `--resume` fetches that again.
pub(super) const RECORD_BATCH: usize = 256;

/// A fetch ready to be recorded.
pub(super) struct Done {
    pub(super) rec: PreparedRecord,
    /// Released when the record is committed (or dropped).
    pub(super) queued: Option<OwnedSemaphorePermit>,
    pub(super) verdict: Verdict,
    pub(super) kind: &'static str,
    pub(super) label: String,
}

/// The single writer of a run: takes finished fetches as they come and records them — each
/// with its links, its new URLs and its frontier row's "done" — up to [`RECORD_BATCH`] per
/// transaction (`Store::record_prepared`). Counting happens here, after the commit, so the
/// progress bar shows what is stored.
pub(super) async fn record_loop(
    sh: Arc<Shared>,
    mut rx: mpsc::Receiver<Done>,
) -> Result<(), CrawlError> {
    let mut batch: Vec<Done> = Vec::with_capacity(RECORD_BATCH);
    while let Some(d) = rx.recv().await {
        batch.push(d);
        while batch.len() < RECORD_BATCH {
            match rx.try_recv() {
                Ok(d) => batch.push(d),
                Err(_) => break,
            }
        }
        let mut items = Vec::with_capacity(batch.len());
        let mut meta = Vec::with_capacity(batch.len());
        let mut queued = Vec::with_capacity(batch.len());
        for d in batch.drain(..) {
            items.push(d.rec);
            meta.push((d.verdict, d.kind, d.label));
            queued.push(d.queued);
        }
        // One transaction for the batch: all of it or none of it survives a kill.
        sh.store.record_prepared(sh.crawl, &items).await?;
        let n = meta.len() as u64;
        {
            let mut o = sh.outcomes.lock().unwrap_or_else(|e| e.into_inner());
            for (verdict, kind, label) in meta {
                sh.stats.count(verdict);
                o.entry(kind).or_insert_with(|| (label, 0)).1 += 1;
            }
        }
        sh.unrecorded.fetch_sub(n, Ordering::SeqCst);
        drop(queued);
    }
    Ok(())
}

pub(super) async fn recorder_error(
    h: &mut tokio::task::JoinHandle<Result<(), CrawlError>>,
) -> CrawlError {
    match h.await {
        Ok(Err(e)) => e,
        Ok(Ok(())) => CrawlError::Task("记录任务提前结束".into()),
        Err(e) => CrawlError::Task(e.to_string()),
    }
}
