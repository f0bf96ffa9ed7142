//! The crawl loop: claim URLs from the store's frontier, fetch each in its own task with the
//! [`Fetcher`], find what the page adds to the frontier (`discover.rs`), and hand the fetch,
//! its links and its new URLs to the single writer (`recorder.rs`), which commits them in one
//! transaction — so a crawl killed at any point resumes without refetching what it stored and
//! without losing anything.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use store::{
    CrawlId, CrawlState, FrontierItem, NewUrl, PreparedRecord, Purpose, Store, StoreError,
};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use url::Url;

use crate::canon::{self, Scope, TrapLimits};
use crate::classify::Expect;
use crate::fetch::{FetchConfig, Fetcher};
use crate::outcome::{Outcome, Verdict};
use crate::record;
use crate::robots::origin_key;
use crate::sitemap;

mod discover;
mod recorder;

use recorder::{Done, RECORD_BATCH, record_loop, recorder_error};

/// What to crawl and how.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// The portal's home page.
    pub seed: Url,
    /// Hosts followed besides the seed's: `host` or `*.domain`.
    pub scope: Vec<String>,
    /// In-scope URLs matching any of these are not fetched (the links to them are still
    /// stored): areas the assessor knows are endless or irrelevant (search, a print view).
    pub exclude: Vec<regex::Regex>,
    /// Stop after this many fetches in the crawl (resumed fetches included).
    pub max_pages: Option<u64>,
    /// Fetches in flight across all hosts (each host is further limited by politeness).
    pub workers: usize,
    pub traps: TrapLimits,
    pub fetch: FetchConfig,
    /// Check images, scripts and styles of in-scope pages (fetched, never parsed).
    pub check_assets: bool,
    /// Check attachments linked off scope (one fetch each, never crawled).
    pub check_offsite_attachments: bool,
    /// Continue the newest unfinished crawl of this seed instead of starting a new one.
    pub resume: bool,
    /// Links and new URLs at most waiting for the recorder (~100 bytes each in memory); a
    /// page with more waits until the queue is empty.
    pub max_queued_links: usize,
    /// Ask with the validators of earlier crawls (conditional GET: an unchanged page is a 304
    /// without its body). Off for a re-check, which must keep the page itself as evidence.
    pub conditional: bool,
    /// The rubric's vocabulary the pages are read with (their facts are stored with each
    /// fetch); `None` reads them with the bundled rubric's.
    pub vocab: Option<Arc<extract::Vocabulary>>,
}

impl CrawlOptions {
    /// Defaults for a seed: polite (2 in flight and 2 per second per host), robots.txt obeyed.
    pub fn new(seed: Url) -> CrawlOptions {
        CrawlOptions {
            seed: canon::canonicalize(&seed),
            scope: Vec::new(),
            exclude: Vec::new(),
            max_pages: None,
            workers: 16,
            traps: TrapLimits::default(),
            fetch: FetchConfig::default(),
            check_assets: true,
            check_offsite_attachments: true,
            resume: false,
            max_queued_links: 1_000_000,
            conditional: true,
            vocab: None,
        }
    }
}

/// Why a crawl could not run.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("没有可继续的抓取任务：{seed} 没有未完成的抓取（去掉 --resume 重新开始）")]
    NothingToResume { seed: String },
    #[error("无法创建 HTTP 客户端：{0}")]
    Client(#[from] reqwest::Error),
    #[error("抓取任务异常终止：{0}")]
    Task(String),
}

/// Live counters, read by the command line's progress bar.
#[derive(Debug, Default)]
pub struct Stats {
    fetched: AtomicU64,
    ok: AtomicU64,
    broken: AtomicU64,
    unverified: AtomicU64,
    skipped: AtomicU64,
    queued: AtomicU64,
    trapped: AtomicU64,
    excluded: AtomicU64,
    from_sitemaps: AtomicU64,
}

/// A reading of [`Stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Fetches recorded in this run.
    pub fetched: u64,
    pub ok: u64,
    /// Checked and broken (the site's defects).
    pub broken: u64,
    /// Could not tell (our failure, a challenge, a limit).
    pub unverified: u64,
    /// Not asked, by our own rule: robots.txt, the scope, a private address, a trap.
    pub skipped: u64,
    /// Pending in the frontier.
    pub queued: u64,
    /// Links not followed because they look like traps.
    pub trapped: u64,
    /// Links not followed because they match `--exclude`.
    pub excluded: u64,
    /// URLs queued first from a sitemap (pages no crawled page had linked to yet).
    pub from_sitemaps: u64,
}

impl Stats {
    pub fn read(&self) -> Progress {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Progress {
            fetched: g(&self.fetched),
            ok: g(&self.ok),
            broken: g(&self.broken),
            unverified: g(&self.unverified),
            skipped: g(&self.skipped),
            queued: g(&self.queued),
            trapped: g(&self.trapped),
            excluded: g(&self.excluded),
            from_sitemaps: g(&self.from_sitemaps),
        }
    }

    fn count(&self, v: Verdict) {
        self.fetched.fetch_add(1, Ordering::Relaxed);
        let c = match v {
            Verdict::Ok => &self.ok,
            Verdict::Broken => &self.broken,
            Verdict::Unverified => &self.unverified,
            Verdict::Skipped => &self.skipped,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }
}

/// What a finished run reports (the command line prints it in Chinese).
#[derive(Debug, Clone)]
pub struct Report {
    pub crawl: CrawlId,
    pub resumed: bool,
    /// Fetches recorded before this run (resume only).
    pub done_before: u64,
    pub progress: Progress,
    /// Fetches of this run by outcome kind ([`Outcome::kind`]), with a Chinese label.
    pub by_outcome: BTreeMap<&'static str, (String, u64)>,
    /// Links not followed, by trap kind.
    pub traps: BTreeMap<&'static str, u64>,
    /// robots.txt per origin: status (None = unreachable), Crawl-delay applied.
    pub robots: Vec<(String, Option<u16>, Option<Duration>)>,
    /// What became of the seed (the home page) in this run, when it was fetched in it: its
    /// verdict and what happened, in Chinese. A seed that is not *ok* means the run has no
    /// portal to show for itself.
    pub seed: Option<(Verdict, String)>,
    /// URLs still pending (stopped by --max-pages).
    pub pending: u64,
    /// Hosts whose remaining URLs were not requested after they kept rate-limiting us.
    pub rate_limited_hosts: Vec<String>,
    pub elapsed: Duration,
}

/// One crawl of one portal into a store.
pub struct Crawler {
    store: Store,
    fetcher: Arc<Fetcher>,
    opts: CrawlOptions,
    scope: Scope,
    stats: Arc<Stats>,
}

/// State shared by the fetch tasks of a run.
struct Shared {
    store: Store,
    fetcher: Arc<Fetcher>,
    opts: CrawlOptions,
    /// Grows once: a seed that redirects to another host (`gov.cn` → `www.gov.cn`) brings that
    /// host into scope.
    scope: RwLock<Scope>,
    stats: Arc<Stats>,
    crawl: CrawlId,
    traps: Mutex<BTreeMap<&'static str, u64>>,
    outcomes: Mutex<BTreeMap<&'static str, (String, u64)>>,
    robots_recorded: Mutex<HashSet<String>>,
    seed: Mutex<Option<(Verdict, String)>>,
    /// Whether the store holds other crawls (only then can a URL have validators for a
    /// conditional GET; a first crawl skips the look-up).
    history: bool,
    /// Fetches handed to the recorder and not yet committed.
    unrecorded: AtomicU64,
    to_recorder: mpsc::Sender<Done>,
    /// Links and new URLs waiting for the recorder, as permits: a run of pages with thousands
    /// of links each (an index of every file, a huge sitemap) waits here instead of piling up
    /// in memory while the writer catches up.
    queued_links: Arc<Semaphore>,
    /// URLs this run already handed to the store: the store's insert-if-absent is the truth
    /// (and survives a kill); this only spares it re-inserting the same navigation links from
    /// every page.
    enqueued: Mutex<HashSet<Box<str>>>,
}

impl Crawler {
    pub fn new(store: Store, mut opts: CrawlOptions) -> Result<Crawler, CrawlError> {
        // The hosts the user pointed us at may be on a private network (an intranet portal);
        // any other private address a page or redirect names is refused.
        let seed = opts.seed.clone();
        opts.fetch.guard.trust_seed(&seed);
        let named: Vec<String> = opts
            .scope
            .iter()
            .filter(|h| !h.contains('*'))
            .cloned()
            .collect();
        opts.fetch.guard.trusted_hosts.extend(named);
        let fetcher = Arc::new(Fetcher::new(opts.fetch.clone())?);
        if opts.vocab.is_none() {
            opts.vocab = rubric::bundled(rubric::BUNDLED_ID)
                .map(|r| Arc::new(extract::Vocabulary::from_rubric(&r)));
        }
        let scope = Scope::new(&opts.seed, &opts.scope);
        Ok(Crawler {
            store,
            fetcher,
            opts,
            scope,
            stats: Arc::new(Stats::default()),
        })
    }

    /// Live counters for a progress display.
    pub fn stats(&self) -> Arc<Stats> {
        self.stats.clone()
    }

    /// Runs the crawl to the end (or to `max_pages`).
    pub async fn run(&self) -> Result<Report, CrawlError> {
        let t0 = Instant::now();
        let seed = self.opts.seed.to_string();
        let crawl = if self.opts.resume {
            let Some(id) = self.store.find_resumable(&seed).await? else {
                return Err(CrawlError::NothingToResume { seed });
            };
            self.store.resume(id).await?;
            id
        } else {
            let id = self.store.create_crawl(&seed, &self.config_json()).await?;
            let first = NewUrl {
                url: seed.clone(),
                depth: 0,
                from_fetch: None,
                purpose: Purpose::Crawl,
            };
            self.store.enqueue(id, &[first]).await?;
            id
        };
        let (pending, _, done_before) = self.store.frontier_counts(crawl).await?;
        self.stats.queued.store(pending, Ordering::Relaxed);
        let history = self.opts.conditional && self.store.has_other_crawls(crawl).await?;
        let (to_recorder, from_fetchers) = mpsc::channel(RECORD_BATCH * 4);
        let sh = Arc::new(Shared {
            store: self.store.clone(),
            fetcher: self.fetcher.clone(),
            opts: self.opts.clone(),
            scope: RwLock::new(self.scope.clone()),
            stats: self.stats.clone(),
            crawl,
            traps: Mutex::new(BTreeMap::new()),
            outcomes: Mutex::new(BTreeMap::new()),
            robots_recorded: Mutex::new(HashSet::new()),
            seed: Mutex::new(None),
            enqueued: Mutex::new(HashSet::from([Box::from(seed.as_str())])),
            history,
            unrecorded: AtomicU64::new(0),
            to_recorder,
            queued_links: Arc::new(Semaphore::new(self.opts.max_queued_links.max(1))),
        });
        let mut recorder = tokio::spawn(record_loop(sh.clone(), from_fetchers));

        let workers = self.opts.workers.max(1);
        let mut budget = self.opts.max_pages.map(|m| m.saturating_sub(done_before));
        let mut tasks: JoinSet<Result<(), CrawlError>> = JoinSet::new();
        let mut last_count = Instant::now();
        // Claimed rows waiting for a task. Claims are write transactions on the store's single
        // writer, so they come in chunks, not one per fetch; rows claimed but not fetched when
        // the process dies go back to pending on `--resume`.
        let mut queue: VecDeque<FrontierItem> = VecDeque::new();
        // Recorded-fetch count when a claim last came back short: the frontier cannot grow
        // before the recorder commits more.
        let mut dry_at: Option<u64> = None;
        loop {
            let recorded = self.stats.fetched.load(Ordering::SeqCst);
            if queue.len() < workers && budget != Some(0) && dry_at != Some(recorded) {
                let want = CLAIM_CHUNK.max(workers as u64);
                let want = budget.map_or(want, |b| b.min(want));
                let items = self
                    .store
                    .claim(crawl, u32::try_from(want).unwrap_or(u32::MAX))
                    .await?;
                dry_at = ((items.len() as u64) < want).then_some(recorded);
                if let Some(b) = budget.as_mut() {
                    *b = b.saturating_sub(items.len() as u64);
                }
                queue.extend(items);
            }
            while tasks.len() < workers {
                let Some(item) = queue.pop_front() else { break };
                let sh = sh.clone();
                tasks.spawn(async move { sh.process(item).await });
            }
            if tasks.is_empty() {
                // Nothing in flight: the crawl is over once the recorder has committed every
                // fetch AND the frontier came back dry after the last commit. A commit that
                // landed after the last claim may have queued new URLs: claim again.
                let unrecorded = sh.unrecorded.load(Ordering::SeqCst);
                if unrecorded == 0 {
                    let committed = self.stats.fetched.load(Ordering::SeqCst);
                    if run_is_over(budget, dry_at, committed) {
                        break;
                    }
                    continue;
                }
                if recorder.is_finished() {
                    return Err(recorder_error(&mut recorder).await);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
            let Some(done) = tasks.join_next().await else {
                continue;
            };
            let failed = match done {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(e) => Some(CrawlError::Task(e.to_string())),
            };
            if let Some(e) = failed {
                // Unrecorded items stay in progress; `--resume` hands them out again.
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                // A fetch task fails only when the recorder is gone: report the recorder's error.
                if recorder.is_finished() {
                    return Err(recorder_error(&mut recorder).await);
                }
                recorder.abort();
                return Err(e);
            }
            if last_count.elapsed() > Duration::from_millis(500) {
                last_count = Instant::now();
                let (p, _, _) = self.store.frontier_counts(crawl).await?;
                self.stats.queued.store(p, Ordering::Relaxed);
            }
        }
        recorder.abort();
        let (pending, _, _) = self.store.frontier_counts(crawl).await?;
        self.stats.queued.store(pending, Ordering::Relaxed);
        // Stopped by --max-pages with work left: keep the crawl open so --resume continues it.
        if pending == 0 {
            self.store.finish_crawl(crawl, CrawlState::Finished).await?;
        }
        let mut robots = Vec::new();
        for origin in sh
            .robots_recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            robots.push(origin.clone());
        }
        robots.sort();
        let mut robot_rows = Vec::new();
        for o in robots {
            if let Ok(u) = Url::parse(&o) {
                let e = self.fetcher.robots(&u).await;
                let delay = e.crawl_delay.map(|_| {
                    self.fetcher
                        .hosts()
                        .host(&crate::fetch::host_key(&u))
                        .crawl_delay()
                });
                robot_rows.push((o, e.status, delay));
            }
        }
        Ok(Report {
            crawl,
            resumed: self.opts.resume,
            done_before,
            progress: self.stats.read(),
            by_outcome: sh
                .outcomes
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            traps: sh.traps.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            robots: robot_rows,
            seed: sh.seed.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            pending,
            rate_limited_hosts: self.fetcher.hosts().given_up(),
            elapsed: t0.elapsed(),
        })
    }

    /// The settings, stored with the crawl as evidence of how it was made.
    fn config_json(&self) -> serde_json::Value {
        let o = &self.opts;
        let f = &o.fetch;
        serde_json::json!({
            "seed": o.seed.as_str(),
            "scope": o.scope,
            "exclude": o.exclude.iter().map(regex::Regex::as_str).collect::<Vec<_>>(),
            "max_pages": o.max_pages,
            "workers": o.workers,
            "user_agent": f.user_agent,
            "obey_robots": f.obey_robots,
            "accept_invalid_certs": f.accept_invalid_certs,
            "per_host_concurrency": f.politeness.concurrency,
            "per_host_rate": f.politeness.rate,
            "connect_timeout_ms": f.connect_timeout.as_millis() as u64,
            "read_timeout_ms": f.read_timeout.as_millis() as u64,
            "total_timeout_ms": f.total_timeout.as_millis() as u64,
            "max_redirects": f.max_redirects,
            "max_page_bytes": f.max_page_bytes,
            "max_attachment_bytes": f.max_attachment_bytes,
            "retries": f.retries,
            "max_depth": o.traps.max_depth,
            "check_assets": o.check_assets,
            "check_offsite_attachments": o.check_offsite_attachments,
        })
    }
}

impl Shared {
    /// Fetches one frontier item and records it with its links, in one transaction.
    async fn process(&self, item: FrontierItem) -> Result<(), CrawlError> {
        let Ok(url) = Url::parse(&item.url) else {
            let done = Done {
                rec: PreparedRecord::new(record::unparsable(&item), Vec::new(), Vec::new())?,
                queued: None,
                verdict: Verdict::Unverified,
                kind: store::Outcome::Skipped.as_str(),
                label: store::Outcome::Skipped.label_zh().into(),
            };
            self.unrecorded.fetch_add(1, Ordering::SeqCst);
            self.to_recorder
                .send(done)
                .await
                .map_err(|_| CrawlError::Task("记录任务已停止".into()))?;
            return Ok(());
        };
        let expect = Expect::of(&url);
        let prev = match expect {
            Expect::Page | Expect::Attachment if self.history => {
                self.store.previous_fetch(&item.url).await?
            }
            _ => None,
        };
        let validators = prev.as_ref().map(|p| p.validators.clone());
        // The seed follows its redirects wherever they go; other pages stop at the scope's edge.
        let scope = (item.purpose == Purpose::Crawl && item.depth > 0).then(|| self.scope());
        let f = self
            .fetcher
            .fetch(&url, expect, validators.as_ref(), scope.as_ref())
            .await;
        if item.depth == 0
            && !self.scope().contains(&f.final_url)
            && let Some(h) = f.final_url.host_str()
        {
            self.scope
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .add_host(h);
        }
        self.record_robots_once(&url).await?;
        if item.depth == 0 && item.purpose == Purpose::Crawl {
            *self.seed.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((f.outcome.verdict(), self.seed_story(&url, &f.outcome).await));
        }

        let follow = item.purpose == Purpose::Crawl
            && expect == Expect::Page
            && self.scope().contains(&f.final_url);
        // A 304's body is the one stored before: its links and its facts come from it.
        let unchanged_body = match (&f.outcome, prev.as_ref().and_then(|p| p.body_hash.as_ref())) {
            (Outcome::NotModified, Some(h)) => self.store.body(h).await?,
            _ => None,
        };
        let facts = self.facts(&f, unchanged_body.as_deref());
        let (links, new_urls) = if follow {
            match &f.outcome {
                Outcome::Fetched => match f.body.as_deref().and_then(sitemap::parse) {
                    Some(map) => self.sitemap_links(&map.locs, item.depth),
                    None => self.links(
                        &f,
                        f.decoded.as_ref().map(|d| (d.text.as_str(), d.encoding)),
                        item.depth,
                    ),
                },
                // Unchanged since the last crawl: follow the links of the stored body.
                Outcome::NotModified => match &unchanged_body {
                    Some(body) => {
                        let d = extract::decode(body, f.header("content-type"), Some(&f.final_url));
                        self.links(&f, Some((d.text.as_str(), d.encoding)), item.depth)
                    }
                    None => (Vec::new(), Vec::new()),
                },
                _ => (Vec::new(), Vec::new()),
            }
        } else {
            (Vec::new(), Vec::new())
        };
        let weight = (links.len() + new_urls.len()).clamp(1, self.opts.max_queued_links.max(1));
        let queued = self
            .queued_links
            .clone()
            .acquire_many_owned(u32::try_from(weight).unwrap_or(u32::MAX))
            .await
            .map_err(|_| CrawlError::Task("记录任务已停止".into()))?;
        // Hashing and compressing here, in parallel across fetch tasks, leaves the single
        // writer nothing to do but write.
        let done = Done {
            queued: Some(queued),
            rec: {
                let rec = PreparedRecord::new(
                    record::to_record(Some(item.id), &f, prev.as_ref()),
                    links,
                    new_urls,
                )?;
                match facts {
                    Some(json) => rec.with_facts(extract::VERSION, &json)?,
                    None => rec,
                }
            },
            // Counted by the store's outcome and labelled from its one table, so the crawl's
            // summary, its progress line and `kaohe snapshot show` say the same thing.
            verdict: tally_verdict(record::store_outcome(&f.outcome).0),
            kind: record::store_outcome(&f.outcome).0.as_str(),
            label: record::store_outcome(&f.outcome).0.label_zh().to_string(),
        };
        self.unrecorded.fetch_add(1, Ordering::SeqCst);
        self.to_recorder
            .send(done)
            .await
            .map_err(|_| CrawlError::Task("记录任务已停止".into()))?;
        Ok(())
    }

    fn scope(&self) -> Scope {
        self.scope.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The page's facts as JSON, read once here, in the fetch task, and stored with the
    /// fetch: for a body the site really served (a page, an attachment, a soft 404), or for a
    /// 304 the unchanged body stored before.
    fn facts(&self, f: &crate::fetch::Fetch, unchanged: Option<&[u8]>) -> Option<Vec<u8>> {
        let vocab = self.opts.vocab.as_deref()?;
        let body = match &f.outcome {
            Outcome::Fetched | Outcome::SoftNotFound | Outcome::BadAttachment { .. } => {
                f.body.as_deref()?
            }
            Outcome::NotModified => unchanged?,
            _ => return None,
        };
        let facts = extract::page(&f.final_url, body, f.header("content-type"), vocab);
        serde_json::to_vec(&facts).ok()
    }

    /// What happened to the seed, with the reason robots.txt could not be read when that was
    /// it (the seed's own outcome does not say).
    async fn seed_story(&self, url: &Url, outcome: &Outcome) -> String {
        if *outcome == Outcome::RobotsUnverified
            && let Some(f) = self.fetcher.robots(url).await.fetch.as_ref()
        {
            let why = match &f.outcome {
                Outcome::Unreachable { detail, .. } => detail.clone(),
                other => other.to_string(),
            };
            return format!("robots.txt 无法读取（{why}），按禁止抓取处理，未能核实");
        }
        outcome.to_string()
    }

    /// Stores the robots.txt fetch of `url`'s origin once per run, as evidence of the rules we
    /// followed.
    async fn record_robots_once(&self, url: &Url) -> Result<(), CrawlError> {
        if !self.opts.fetch.obey_robots {
            return Ok(());
        }
        let key = origin_key(url);
        {
            let mut seen = self
                .robots_recorded
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if !seen.insert(key) {
                return Ok(());
            }
        }
        let entry = self.fetcher.robots(url).await;
        if let Some(f) = &entry.fetch {
            // The sitemaps robots.txt names seed the frontier at depth 1, beside the home
            // page's links: orphan pages are reached, and the crawl is wide from the start.
            let (links, new_urls) = self.sitemap_links(&entry.sitemaps, 0);
            let rec = record::to_record(None, f, None);
            self.store
                .record(self.crawl, &rec, &links, &new_urls)
                .await?;
        }
        Ok(())
    }
}

/// The progress counters' group of a stored outcome ([`store::Outcome::tally`]).
fn tally_verdict(o: store::Outcome) -> Verdict {
    match o.tally() {
        store::Tally::Ok => Verdict::Ok,
        store::Tally::Broken => Verdict::Broken,
        store::Tally::Unverified => Verdict::Unverified,
        store::Tally::NotFetched => Verdict::Skipped,
    }
}

/// Whether a run with no fetch in flight and nothing left to commit is over: its budget
/// (`--max-pages`) is spent, or the frontier came back dry (`dry_at`: the commit count when a
/// claim last came back short) and nothing was committed since. A commit after that claim may
/// have queued new URLs, so the loop must claim once more.
fn run_is_over(budget: Option<u64>, dry_at: Option<u64>, committed: u64) -> bool {
    budget == Some(0) || dry_at == Some(committed)
}

/// Frontier rows claimed per store transaction.
const CLAIM_CHUNK: u64 = 256;

#[cfg(test)]
mod tests {
    use super::run_is_over;

    /// The race a 50k-page crawl into PostgreSQL once lost: the claim came back dry, then the
    /// recorder committed a page whose links refilled the frontier, then the loop found
    /// nothing in flight. Stopping there left URLs pending.
    #[test]
    fn a_commit_after_the_last_dry_claim_keeps_the_run_going() {
        assert!(!run_is_over(None, Some(10), 11));
        assert!(!run_is_over(Some(5), Some(10), 11));
        assert!(!run_is_over(None, None, 0), "never claimed yet");
        assert!(run_is_over(None, Some(11), 11));
        assert!(run_is_over(Some(0), Some(10), 11), "--max-pages reached");
    }
}
