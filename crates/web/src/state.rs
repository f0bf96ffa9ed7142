//! The state every handler is given: the store, the rubrics runs may name, the login limiter,
//! a cache of parsed runs, and the server's settings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use assess::run::StoredRun;
use rubric::Rubric;
use store::{RunId, RunSummary, Store, User};

use crate::WebError;
use crate::auth::Limiter;

/// Settings of one server (`kaohe serve` flags).
#[derive(Clone, Debug)]
pub struct Config {
    /// Mark the session cookie `Secure` (the server is reached through HTTPS).
    pub secure_cookie: bool,
    /// How long a session lasts without logging in again.
    pub session_hours: i64,
    /// The early warning looks this many days ahead.
    pub warn_days: i64,
    /// Failed logins allowed per account (and 4× per address) before a pause.
    pub login_failures: u32,
    /// How long that pause lasts, in seconds.
    pub login_pause_secs: u64,
    /// Crawls started from the browser may reach private addresses (an intranet portal).
    pub allow_private: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookie: false,
            session_hours: 12,
            warn_days: 30,
            login_failures: 5,
            login_pause_secs: 15 * 60,
            allow_private: false,
        }
    }
}

/// Cheap to clone: everything is shared.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub store: Store,
    /// Rubrics given with `--rubric` beside the bundled ones.
    pub extra_rubrics: Vec<Arc<Rubric>>,
    pub limiter: Mutex<Limiter>,
    /// Parsed runs, with the version they were read at and when that was last checked (see
    /// [`AppState::run`]).
    runs: Mutex<HashMap<i64, CachedRun>>,
    /// Live sessions by token hash, with when they were read.
    sessions: Mutex<HashMap<String, (Instant, User, String)>>,
    /// The list of runs, with when it was read.
    summaries: Mutex<Option<(Instant, Arc<Vec<RunSummary>>)>>,
    pub config: Config,
}

/// A parsed run: when its version was last checked, that version, the run.
type CachedRun = (Instant, store::RunVersion, Arc<StoredRun>);

/// How long what was read from the store is used without asking again. Every change made
/// through this server clears the caches at once (see [`AppState::changed`]); a change made
/// by another process (`kaohe run decide`, `kaohe user disable`) is seen within this long.
const FRESH: Duration = Duration::from_secs(1);
/// Sessions kept in memory at most (an office has dozens of users; a flood of logins must not
/// grow the map without bound).
const MAX_CACHED_SESSIONS: usize = 10_000;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded maps are changed by single calls (insert, remove, clear): a panic elsewhere
    // while the lock was held cannot leave one half-written, so a poisoned lock is usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    pub fn new(store: Store, extra_rubrics: Vec<Rubric>, config: Config) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                extra_rubrics: extra_rubrics.into_iter().map(Arc::new).collect(),
                limiter: Mutex::new(Limiter::default()),
                runs: Mutex::new(HashMap::new()),
                sessions: Mutex::new(HashMap::new()),
                summaries: Mutex::new(None),
                config,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The rubric a run was made with: a bundled one, or one given at start.
    pub fn rubric(&self, id: &str) -> Result<Arc<Rubric>, WebError> {
        if let Some(r) = self.inner.extra_rubrics.iter().find(|r| r.id == id) {
            return Ok(r.clone());
        }
        rubric::bundled(id)
            .map(Arc::new)
            .ok_or_else(|| WebError::NoRubric(id.to_string()))
    }

    /// A run, parsed once and kept while it does not change. A run's JSON can be megabytes on a
    /// large portal and every page reads it, so it is parsed again only when the store's version
    /// of it (state, total, number of decisions and findings) moves; the version itself is
    /// asked at most once per [`FRESH`].
    pub async fn run(&self, id: i64) -> Result<Arc<StoredRun>, WebError> {
        if let Some((at, _, run)) = lock(&self.inner.runs).get(&id)
            && at.elapsed() < FRESH
        {
            return Ok(run.clone());
        }
        let version = self
            .store()
            .run_version(RunId(id))
            .await?
            .ok_or(WebError::NoSuchRun(id))?;
        if let Some((at, v, run)) = lock(&self.inner.runs).get_mut(&id)
            && *v == version
        {
            *at = Instant::now();
            return Ok(run.clone());
        }
        let run = Arc::new(assess::run::load(self.store(), RunId(id)).await?);
        lock(&self.inner.runs).insert(id, (Instant::now(), version, run.clone()));
        Ok(run)
    }

    /// Every run without its JSON (lists, trends).
    pub async fn run_summaries(&self) -> Result<Arc<Vec<RunSummary>>, WebError> {
        if let Some((at, list)) = lock(&self.inner.summaries).as_ref()
            && at.elapsed() < FRESH
        {
            return Ok(list.clone());
        }
        let list = Arc::new(self.store().run_summaries().await?);
        *lock(&self.inner.summaries) = Some((Instant::now(), list.clone()));
        Ok(list)
    }

    /// The account and CSRF secret of a live session (by the hash of its token).
    pub async fn session(&self, token_hash: &str) -> Result<Option<(User, String)>, WebError> {
        if let Some((at, user, csrf)) = lock(&self.inner.sessions).get(token_hash)
            && at.elapsed() < FRESH
        {
            return Ok(Some((user.clone(), csrf.clone())));
        }
        let now = chrono::Utc::now().timestamp();
        let found = self.store().session(token_hash, now).await?;
        let mut cache = lock(&self.inner.sessions);
        match &found {
            Some((user, csrf)) => {
                if cache.len() >= MAX_CACHED_SESSIONS {
                    cache.clear();
                }
                cache.insert(
                    token_hash.to_string(),
                    (Instant::now(), user.clone(), csrf.clone()),
                );
            }
            None => {
                cache.remove(token_hash);
            }
        }
        Ok(found)
    }

    /// Something may have changed through this server (any POST): what was cached is read
    /// again on the next request.
    pub fn changed(&self) {
        lock(&self.inner.runs).clear();
        lock(&self.inner.sessions).clear();
        *lock(&self.inner.summaries) = None;
    }
}
