//! The state every handler is given: the store, the rubrics runs may name, the login limiter,
//! a cache of parsed runs, and the server's settings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use assess::run::StoredRun;
use rubric::Rubric;
use store::{RunId, Store};

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
    /// Parsed runs, with the version they were read at (see [`AppState::run`]).
    runs: Mutex<HashMap<i64, (store::RunVersion, Arc<StoredRun>)>>,
    pub config: Config,
}

impl AppState {
    pub fn new(store: Store, extra_rubrics: Vec<Rubric>, config: Config) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                extra_rubrics: extra_rubrics.into_iter().map(Arc::new).collect(),
                limiter: Mutex::new(Limiter::default()),
                runs: Mutex::new(HashMap::new()),
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
    /// large portal; every page reads it, so it is parsed again only when the store's version
    /// of it (state, total, number of decisions and findings) moves — also after a change made
    /// by another process (`kaohe run decide`).
    pub async fn run(&self, id: i64) -> Result<Arc<StoredRun>, WebError> {
        let version = self
            .store()
            .run_version(RunId(id))
            .await?
            .ok_or(WebError::NoSuchRun(id))?;
        if let Some((v, run)) = self.lock_runs().get(&id)
            && *v == version
        {
            return Ok(run.clone());
        }
        let run = Arc::new(assess::run::load(self.store(), RunId(id)).await?);
        self.lock_runs().insert(id, (version, run.clone()));
        Ok(run)
    }

    fn lock_runs(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<i64, (store::RunVersion, Arc<StoredRun>)>> {
        // A panic while holding the lock cannot leave the map half-written (insert and get
        // are single calls), so a poisoned lock is still usable.
        self.inner
            .runs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
