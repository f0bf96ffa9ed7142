//! The I/O edge: a crawl read from the snapshot store into a [`Snapshot`], and the few page
//! texts the rules ask for. Nothing here fetches; everything comes from stored fetches.

use std::collections::HashMap;

use extract::Vocabulary;
use store::{CrawlId, FetchId, Outcome, Store, StoreError};

use crate::snapshot::{Page, Snapshot};

/// Fetches read per store query.
const BATCH: u32 = 500;

/// Reads one crawl: the latest fetch of every URL, with its facts — those stored with the
/// fetch when this reader made them, else read from the stored body now (an older crawl, or
/// facts of another reader version: `kaohe reread` stores them anew).
pub async fn snapshot(
    store: &Store,
    crawl: CrawlId,
    vocab: &Vocabulary,
) -> Result<Snapshot, StoreError> {
    snapshot_with(store, crawl, vocab, compact).await
}

/// An earlier crawl, for comparison: its lists whole; of any other page, only its kind and
/// column path (what the mapping reads). Cut down as each batch is read, so a large portal's
/// two crawls are never both in memory whole.
pub async fn earlier_snapshot(
    store: &Store,
    crawl: CrawlId,
    vocab: &Vocabulary,
) -> Result<Snapshot, StoreError> {
    snapshot_with(store, crawl, vocab, |mut f| {
        if f.kind == extract::Kind::List {
            compact(f)
        } else {
            extract::PageFacts {
                column_path: std::mem::take(&mut f.column_path),
                ..extract::PageFacts::empty(f.kind)
            }
        }
    })
    .await
}

async fn snapshot_with(
    store: &Store,
    crawl: CrawlId,
    vocab: &Vocabulary,
    keep: fn(extract::PageFacts) -> extract::PageFacts,
) -> Result<Snapshot, StoreError> {
    let meta = store
        .crawl(crawl)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("快照库中没有编号为 {crawl} 的抓取")))?;
    let mut snap = Snapshot::new(crawl.0, meta.seed_url.clone(), Some(meta.started_at));
    let mut after: Option<FetchId> = None;
    loop {
        let batch = store.fetches_after(crawl, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        // The facts stored with each fetch by this reader; pages without them (an older
        // crawl, another reader) are read from their stored bodies, in parallel.
        let ids: Vec<FetchId> = batch.iter().map(|f| f.id).collect();
        let mut stored: HashMap<i64, extract::PageFacts> = HashMap::new();
        for sf in store.facts_of(&ids).await? {
            if sf.extractor == extract::VERSION
                && let Ok(f) = serde_json::from_slice::<extract::PageFacts>(&sf.json)
            {
                stored.insert(sf.fetch.0, f);
            }
        }
        let mut bodies: Vec<Option<Vec<u8>>> = Vec::with_capacity(batch.len());
        for f in &batch {
            let readable = matches!(
                f.outcome,
                Outcome::Fetched | Outcome::NotModified | Outcome::Soft404 | Outcome::Broken
            );
            bodies.push(
                match (&f.body_hash, readable && !stored.contains_key(&f.id.0)) {
                    (Some(h), true) => store.body(h).await?,
                    _ => None,
                },
            );
        }
        let read = read_all(&batch, &bodies, vocab);
        for (f, read) in batch.into_iter().zip(read) {
            let facts = stored.remove(&f.id.0).or(read).map(keep);
            snap.push(Page {
                fetch: f.id.0,
                warc_record: Some(store::warc::response_record_id(&meta, f.id)),
                url: f.url,
                final_url: f.final_url,
                fetched_at: f.timing.started_at,
                outcome: f.outcome,
                status: f.status,
                detail: f.detail,
                body_hash: f.body_hash,
                attachment_ok: f
                    .attachment
                    .map(|a| a.verdict == store::AttachmentVerdict::Ok),
                facts,
            });
        }
    }
    Ok(snap)
}

/// Keeps what the rules read of a page's facts: the dated links on a page that is not a list
/// (an article's sidebar of newest news) are read by no rule, and on a large portal they are
/// most of the facts' memory.
fn compact(mut f: extract::PageFacts) -> extract::PageFacts {
    if f.kind != extract::Kind::List {
        f.entries = Vec::new();
    }
    f
}

/// Reads a batch of stored bodies into page facts on every core (reading is pure and the
/// heaviest part of loading a crawl whose facts were not stored with it).
fn read_all(
    batch: &[store::StoredFetch],
    bodies: &[Option<Vec<u8>>],
    vocab: &Vocabulary,
) -> Vec<Option<extract::PageFacts>> {
    let read = |f: &store::StoredFetch, body: &Option<Vec<u8>>| {
        let body = body.as_ref()?;
        let u = url::Url::parse(&f.final_url).ok()?;
        Some(extract::page(
            &u,
            body,
            f.headers.content_type.as_deref(),
            vocab,
        ))
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = batch.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = batch
            .chunks(chunk)
            .zip(bodies.chunks(chunk))
            .map(|(fs, bs)| {
                let n = fs.len();
                let h = s.spawn(move || {
                    fs.iter()
                        .zip(bs)
                        .map(|(f, b)| read(f, b))
                        .collect::<Vec<_>>()
                });
                (n, h)
            })
            .collect();
        // A reader that panicked (it must not) leaves its pages unread, never misaligned.
        handles
            .into_iter()
            .flat_map(|(n, h)| h.join().unwrap_or_else(|_| vec![None; n]))
            .collect()
    })
}

/// The finished crawl of the same portal (same seed URL) just before this one, if any.
pub async fn previous_crawl(store: &Store, crawl: CrawlId) -> Result<Option<CrawlId>, StoreError> {
    let Some(this) = store.crawl(crawl).await? else {
        return Ok(None);
    };
    let all = store.list_crawls().await?;
    Ok(all
        .iter()
        .map(|s| &s.crawl)
        .filter(|c| {
            c.seed_url == this.seed_url && c.id < crawl && c.state == store::CrawlState::Finished
        })
        .map(|c| c.id)
        .max())
}

/// Fills in the visible main text of the given fetches.
pub async fn texts(store: &Store, snap: &mut Snapshot, fetches: &[i64]) -> Result<(), StoreError> {
    let by_fetch: HashMap<i64, usize> = snap
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.fetch, i))
        .collect();
    for f in fetches {
        let Some(&i) = by_fetch.get(f) else { continue };
        let Some(h) = snap.pages[i].body_hash.clone() else {
            continue;
        };
        let Some(body) = store.body(&h).await? else {
            continue;
        };
        let u = url::Url::parse(&snap.pages[i].final_url).ok();
        let stored = store.fetch(FetchId(*f)).await?;
        let ct = stored.as_ref().and_then(|s| s.headers.content_type.clone());
        let lines = crate::text::main_lines(&body, ct.as_deref(), u.as_ref());
        snap.texts.insert(*f, lines);
    }
    Ok(())
}

/// Why an assessment of a stored crawl could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("快照库中没有编号为 {0} 的抓取：请用 kaohe snapshot list 查看已有的抓取")]
    NoSuchCrawl(i64),
    #[error("{0}")]
    Score(#[from] rubric::ScoreError),
}

/// What an assessment of a stored crawl is made with.
pub struct Setup<'a> {
    pub rubric: &'a rubric::Rubric,
    pub rubric_version: String,
    pub profile: &'a crate::Profile,
    pub decisions: &'a crate::Decisions,
    pub as_of: chrono::NaiveDate,
    /// Compare with the previous finished crawl of the same portal (when there is one).
    pub use_history: bool,
}

/// Loads a crawl (and the one before it), reads the texts the rules need, and assesses.
pub async fn assess_crawl(
    store: &Store,
    crawl: CrawlId,
    setup: &Setup<'_>,
) -> Result<crate::Assessment, AssessError> {
    if store.crawl(crawl).await?.is_none() {
        return Err(AssessError::NoSuchCrawl(crawl.0));
    }
    let vocab = Vocabulary::from_rubric(setup.rubric);
    let mut snap = snapshot(store, crawl, &vocab).await?;
    let mut history = match previous_crawl(store, crawl).await? {
        Some(prev) if setup.use_history => {
            let h = earlier_snapshot(store, prev, &vocab).await?;
            Some(h)
        }
        _ => None,
    };
    let mapping = crate::mapping::map(setup.rubric, setup.profile, &snap);
    let hmap = history
        .as_ref()
        .map(|h| crate::mapping::map(setup.rubric, setup.profile, h));
    let (now, then) = crate::texts_needed(
        setup.rubric,
        &mapping,
        &snap,
        history.as_ref().zip(hmap.as_ref()),
    );
    texts(store, &mut snap, &now).await?;
    if let Some(h) = history.as_mut() {
        texts(store, h, &then).await?;
    }
    Ok(crate::assess(&crate::Input {
        rubric: setup.rubric,
        rubric_version: setup.rubric_version.clone(),
        profile: setup.profile,
        snapshot: &snap,
        history: history.as_ref(),
        decisions: setup.decisions,
        as_of: setup.as_of,
    })?)
}

/// What `kaohe reread` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reread {
    /// Pages read and whose facts were stored anew.
    pub read: u64,
    /// Pages whose facts this reader had already made (left alone).
    pub current: u64,
    /// Of the pages read, those whose kind (list, guide, article …) changed.
    pub changed_kind: u64,
}

/// Re-reads a crawl's stored bodies whose facts are missing or from another reader version
/// (every page with `all`), and stores the new facts. No network.
pub async fn reread(
    store: &Store,
    crawl: CrawlId,
    vocab: &Vocabulary,
    all: bool,
) -> Result<Reread, AssessError> {
    if store.crawl(crawl).await?.is_none() {
        return Err(AssessError::NoSuchCrawl(crawl.0));
    }
    let mut out = Reread::default();
    let mut after: Option<FetchId> = None;
    loop {
        let batch = store.fetches_after(crawl, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        let ids: Vec<FetchId> = batch.iter().map(|f| f.id).collect();
        let old: HashMap<i64, (String, Vec<u8>)> = store
            .facts_of(&ids)
            .await?
            .into_iter()
            .map(|f| (f.fetch.0, (f.extractor, f.json)))
            .collect();
        let mut bodies: Vec<Option<Vec<u8>>> = Vec::with_capacity(batch.len());
        for f in &batch {
            let readable = matches!(
                f.outcome,
                Outcome::Fetched | Outcome::NotModified | Outcome::Soft404 | Outcome::Broken
            );
            let current = old.get(&f.id.0).is_some_and(|(v, _)| v == extract::VERSION);
            out.current += u64::from(readable && current && !all);
            bodies.push(match (&f.body_hash, readable && (all || !current)) {
                (Some(h), true) => store.body(h).await?,
                _ => None,
            });
        }
        for (f, facts) in batch.iter().zip(read_all(&batch, &bodies, vocab)) {
            let Some(facts) = facts else { continue };
            let kind_before = old.get(&f.id.0).and_then(|(_, json)| {
                serde_json::from_slice::<serde_json::Value>(json)
                    .ok()
                    .and_then(|v| v.get("kind").cloned())
            });
            let json = serde_json::to_vec(&facts)
                .map_err(|e| StoreError::Corrupt(format!("网页事实无法序列化：{e}")))?;
            if kind_before.is_some_and(|k| serde_json::to_value(facts.kind).ok() != Some(k)) {
                out.changed_kind += 1;
            }
            store.replace_facts(f.id, extract::VERSION, &json).await?;
            out.read += 1;
        }
    }
    Ok(out)
}
