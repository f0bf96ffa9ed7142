//! [`Store`]: one interface over two backends.
//!
//! Most statements are written once: SQLite accepts PostgreSQL's `$N` placeholders, and the
//! `on_db!` macro expands a body once per backend so each copy is type-checked against its own
//! driver. Where the dialects differ (JSON casts, `UNNEST` batches, `SKIP LOCKED`) the code
//! says so with two SQL strings or two functions.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::Utc;
use sqlx::Row;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::StoreError;
use crate::body;
use crate::model::*;

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");
static PG_MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// How long a writer waits for the SQLite file lock held by another process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// The writer connection's page cache: 32 MiB (negative = KiB, SQLite's convention).
const WRITER_CACHE: &str = "-32768";
/// WAL pages between automatic checkpoints: 8192 × 4 KiB = 32 MiB of WAL at most (SQLite's
/// default is 1000). Measured on the 50k-page crawl: 8% faster, 400 MB less written.
const WAL_CHECKPOINT_PAGES: &str = "8192";
/// How long a task waits for the single writer connection (many crawl tasks queue on it).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(300);

/// The snapshot store. Cheap to clone (pools are shared); safe to use from many tasks.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
}

#[derive(Clone, Debug)]
enum Db {
    /// One writer connection (SQLite allows one writer; a pool of one makes tasks queue in
    /// process instead of failing with SQLITE_BUSY), several readers (WAL lets them read
    /// while the writer writes, so an export never stalls a crawl).
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Pg(PgPool),
}

/// Expands `$body` once per backend with `$pool` bound to that backend's pool (the writer or
/// a reader on SQLite) and `$pg` to whether the dialect is PostgreSQL.
macro_rules! on_db {
    ($self:ident, $role:ident, |$pool:ident, $pg:ident| $body:expr) => {
        match &$self.db {
            Db::Sqlite { $role: $pool, .. } => {
                #[allow(unused_variables)]
                let $pg = false;
                $body
            }
            Db::Pg($pool) => {
                #[allow(unused_variables)]
                let $pg = true;
                $body
            }
        }
    };
}

/// Starts a write transaction: `BEGIN IMMEDIATE` on SQLite takes the write lock up front so a
/// transaction never fails half-way on a lock upgrade.
macro_rules! begin_write {
    ($pool:ident, $pg:ident) => {
        if $pg {
            $pool.begin().await?
        } else {
            $pool.begin_with("BEGIN IMMEDIATE").await?
        }
    };
}

/// The columns of a [`StoredFetch`] (fetch joined with its attachment check).
macro_rules! fetch_select {
    () => {
        "SELECT f.id, f.crawl_id, f.frontier_id, f.url, f.final_url, f.method, \
         CAST(f.request_headers AS TEXT) AS request_headers, \
         CAST(f.redirects AS TEXT) AS redirects, f.status, f.content_type, f.etag, \
         f.last_modified, f.retry_after, f.content_length, f.server, f.content_disposition, \
         f.started_at, f.connect_ms, f.ttfb_ms, f.total_ms, f.outcome, f.detail, f.encoding, \
         f.encoding_source, f.encoding_errors, f.body_hash, f.body_size, f.body_truncated, \
         a.declared_type, a.magic_type, a.size AS att_size, a.verdict AS att_verdict \
         FROM fetches f LEFT JOIN attachment_checks a ON a.fetch_id = f.id "
    };
}

/// Decodes a row of `fetch_select!` (a macro so it works on both backends' row types).
macro_rules! fetch_from_row {
    ($row:expr) => {{
        let row = $row;
        let status: Option<i32> = row.try_get("status")?;
        let encoding: Option<String> = row.try_get("encoding")?;
        let encoding_source: Option<String> = row.try_get("encoding_source")?;
        let encoding_errors: Option<bool> = row.try_get("encoding_errors")?;
        let att_verdict: Option<String> = row.try_get("att_verdict")?;
        let request_headers: String = row.try_get("request_headers")?;
        let redirects: String = row.try_get("redirects")?;
        let body_size: Option<i64> = row.try_get("body_size")?;
        StoredFetch {
            id: FetchId(row.try_get("id")?),
            crawl: CrawlId(row.try_get("crawl_id")?),
            frontier: row
                .try_get::<Option<i64>, _>("frontier_id")?
                .map(FrontierId),
            url: row.try_get("url")?,
            final_url: row.try_get("final_url")?,
            method: row.try_get("method")?,
            request_headers: from_json(&request_headers)?,
            redirects: from_json(&redirects)?,
            status: status.map(u16_from).transpose()?,
            headers: ResponseHeaders {
                content_type: row.try_get("content_type")?,
                etag: row.try_get("etag")?,
                last_modified: row.try_get("last_modified")?,
                retry_after: row.try_get("retry_after")?,
                content_length: row.try_get("content_length")?,
                server: row.try_get("server")?,
                content_disposition: row.try_get("content_disposition")?,
            },
            timing: Timing {
                started_at: row.try_get("started_at")?,
                connect_ms: opt_u32(row.try_get("connect_ms")?)?,
                ttfb_ms: opt_u32(row.try_get("ttfb_ms")?)?,
                total_ms: opt_u32(row.try_get("total_ms")?)?,
            },
            outcome: Outcome::parse(&row.try_get::<String, _>("outcome")?)?,
            detail: row.try_get("detail")?,
            encoding: match (encoding, encoding_source) {
                (Some(name), Some(source)) => Some(EncodingInfo {
                    name,
                    source: EncodingSource::parse(&source)?,
                    had_errors: encoding_errors.unwrap_or(false),
                }),
                _ => None,
            },
            body_hash: row.try_get("body_hash")?,
            body_size: body_size.map(u64_from).transpose()?,
            body_truncated: row.try_get("body_truncated")?,
            attachment: match att_verdict {
                Some(v) => Some(AttachmentCheck {
                    declared_type: row.try_get("declared_type")?,
                    magic_type: row.try_get("magic_type")?,
                    size: u64_from(row.try_get("att_size")?)?,
                    verdict: AttachmentVerdict::parse(&v)?,
                }),
                None => None,
            },
        }
    }};
}

macro_rules! crawl_from_row {
    ($row:expr) => {{
        let row = $row;
        let config: String = row.try_get("config")?;
        Crawl {
            id: CrawlId(row.try_get("id")?),
            seed_url: row.try_get("seed_url")?,
            config: from_json(&config)?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            state: CrawlState::parse(&row.try_get::<String, _>("state")?)?,
        }
    }};
}

mod runs;
mod workbench;
mod write;
pub use write::PreparedRecord;

impl Store {
    /// Opens (creating if needed) the store at `target`: a SQLite file path (or `sqlite:` URL)
    /// or a `postgres://` / `postgresql://` URL. Applies pending migrations.
    pub async fn open(target: &str) -> Result<Store, StoreError> {
        Self::open_with(target, true).await
    }

    /// Like [`Store::open`] but never creates a SQLite file: for read-only commands, where a
    /// mistyped path must be an error rather than a new empty store.
    pub async fn open_existing(target: &str) -> Result<Store, StoreError> {
        Self::open_with(target, false).await
    }

    async fn open_with(target: &str, create: bool) -> Result<Store, StoreError> {
        let open_err = |e: sqlx::Error| StoreError::Open {
            target: crate::redact(target),
            reason: crate::open_error::redact_in(&crate::open_error::reason(&e), target),
        };
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(target).map_err(open_err)?;
            // One direct connection first: the pool retries a refused connection until its
            // acquire timeout, which would keep a user with a mistyped URL waiting minutes.
            use sqlx::Connection as _;
            PgConnection::connect_with(&opts)
                .await
                .map_err(open_err)?
                .close()
                .await
                .map_err(open_err)?;
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(opts)
                .await
                .map_err(open_err)?;
            PG_MIGRATOR.run(&pool).await?;
            return Ok(Store { db: Db::Pg(pool) });
        }
        let path = target
            .strip_prefix("sqlite://")
            .or_else(|| target.strip_prefix("sqlite:"))
            .unwrap_or(target);
        if path.is_empty() || path.contains("://") {
            return Err(StoreError::BadTarget {
                target: target.to_string(),
            });
        }
        if Path::new(path).is_dir() {
            return Err(StoreError::IsDirectory {
                path: path.to_string(),
            });
        }
        if !create && !Path::new(path).exists() {
            return Err(StoreError::Missing {
                path: path.to_string(),
            });
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        if !create && !is_kaohe_store(path).await {
            // A read-only command must not turn someone's file into a snapshot store.
            return Err(StoreError::NotAStore {
                path: path.to_string(),
            });
        }
        // The writer's page cache holds the frontier and link indexes a crawl keeps updating;
        // at SQLite's default (2 MB) every insert re-read index pages from the file. A longer
        // WAL between checkpoints copies a hot index page into the file once, not once per
        // few commits.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(
                opts.clone()
                    .pragma("cache_size", WRITER_CACHE)
                    .pragma("wal_autocheckpoint", WAL_CHECKPOINT_PAGES),
            )
            .await
            .map_err(open_err)?;
        SQLITE_MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(opts.create_if_missing(false))
            .await
            .map_err(open_err)?;
        Ok(Store {
            db: Db::Sqlite { writer, reader },
        })
    }

    /// "sqlite" or "postgres", for messages and tests.
    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite { .. } => "sqlite",
            Db::Pg(_) => "postgres",
        }
    }

    /// Closes the pools, flushing SQLite's WAL into the main file.
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Db::Pg(pool) => pool.close().await,
        }
    }

    // ---- crawls -------------------------------------------------------------------------

    /// Starts a crawl of `seed_url` in state running; `config` is the crawler's settings.
    pub async fn create_crawl(
        &self,
        seed_url: &str,
        config: &serde_json::Value,
    ) -> Result<CrawlId, StoreError> {
        let config = serde_json::to_string(config)
            .map_err(|e| StoreError::Corrupt(format!("配置无法序列化：{e}")))?;
        let now = Utc::now();
        on_db!(self, writer, |pool, pg| {
            let sql = if pg {
                "INSERT INTO crawls (seed_url, config, started_at, state) \
                 VALUES ($1, CAST($2 AS JSONB), $3, 'running') RETURNING id"
            } else {
                "INSERT INTO crawls (seed_url, config, started_at, state) \
                 VALUES ($1, $2, $3, 'running') RETURNING id"
            };
            let id: i64 = sqlx::query_scalar(sql)
                .bind(seed_url)
                .bind(&config)
                .bind(now)
                .fetch_one(pool)
                .await?;
            Ok(CrawlId(id))
        })
    }

    /// The newest crawl of `seed_url` still marked running (its process died or was killed).
    pub async fn find_resumable(&self, seed_url: &str) -> Result<Option<CrawlId>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let id: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM crawls WHERE seed_url = $1 AND state = 'running' \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(seed_url)
            .fetch_optional(pool)
            .await?;
            Ok(id.map(CrawlId))
        })
    }

    /// Reopens a crawl after a crash: rows claimed but never recorded go back to pending (what
    /// was recorded stays done, so nothing is fetched twice), and the crawl is running again.
    /// Returns how many rows were reset.
    pub async fn resume(&self, crawl: CrawlId) -> Result<u64, StoreError> {
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            let found = sqlx::query(
                "UPDATE crawls SET state = 'running', finished_at = NULL WHERE id = $1",
            )
            .bind(crawl.0)
            .execute(&mut *tx)
            .await?;
            if found.rows_affected() == 0 {
                return Err(StoreError::NoSuchCrawl(crawl));
            }
            let reset = sqlx::query(
                "UPDATE frontier SET state = 'pending', claimed_at = NULL \
                 WHERE crawl_id = $1 AND state = 'in_progress'",
            )
            .bind(crawl.0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(reset.rows_affected())
        })
    }

    /// Marks a crawl finished or aborted, with the finishing time.
    pub async fn finish_crawl(&self, crawl: CrawlId, state: CrawlState) -> Result<(), StoreError> {
        let now = Utc::now();
        on_db!(self, writer, |pool, pg| {
            let done = sqlx::query("UPDATE crawls SET state = $2, finished_at = $3 WHERE id = $1")
                .bind(crawl.0)
                .bind(state.as_str())
                .bind(now)
                .execute(pool)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NoSuchCrawl(crawl));
            }
            Ok(())
        })
    }

    /// One crawl, if it exists.
    pub async fn crawl(&self, crawl: CrawlId) -> Result<Option<Crawl>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let row = sqlx::query(concat!(
                "SELECT id, seed_url, CAST(config AS TEXT) AS config, started_at, ",
                "finished_at, state FROM crawls WHERE id = $1"
            ))
            .bind(crawl.0)
            .fetch_optional(pool)
            .await?;
            match row {
                Some(row) => Ok(Some(crawl_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// Whether the store holds a crawl other than `crawl` (only then can a URL have an
    /// earlier fetch to send a conditional GET for). One indexed look-up, unlike
    /// [`Store::list_crawls`], which counts every crawl's rows.
    pub async fn has_other_crawls(&self, crawl: CrawlId) -> Result<bool, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let found: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM crawls WHERE id <> $1 LIMIT 1")
                    .bind(crawl.0)
                    .fetch_optional(pool)
                    .await?;
            Ok(found.is_some())
        })
    }

    /// Every crawl, oldest first, with its fetch and frontier counts.
    pub async fn list_crawls(&self) -> Result<Vec<CrawlSummary>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT c.id, c.seed_url, CAST(c.config AS TEXT) AS config, c.started_at, \
                 c.finished_at, c.state, \
                 (SELECT COUNT(*) FROM fetches f WHERE f.crawl_id = c.id) AS n_fetches, \
                 (SELECT COUNT(*) FROM frontier r WHERE r.crawl_id = c.id \
                    AND r.state = 'pending') AS n_pending, \
                 (SELECT COUNT(*) FROM frontier r WHERE r.crawl_id = c.id \
                    AND r.state = 'in_progress') AS n_in_progress, \
                 (SELECT COUNT(*) FROM frontier r WHERE r.crawl_id = c.id \
                    AND r.state = 'done') AS n_done \
                 FROM crawls c ORDER BY c.id",
            )
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(CrawlSummary {
                    crawl: crawl_from_row!(row),
                    fetches: u64_from(row.try_get("n_fetches")?)?,
                    pending: u64_from(row.try_get("n_pending")?)?,
                    in_progress: u64_from(row.try_get("n_in_progress")?)?,
                    done: u64_from(row.try_get("n_done")?)?,
                });
            }
            Ok(out)
        })
    }

    // ---- frontier -----------------------------------------------------------------------

    /// Takes up to `n` pending rows (shallowest first, then in discovery order) and marks them
    /// in progress. On PostgreSQL concurrent claimers skip each other's rows (`SKIP LOCKED`).
    pub async fn claim(&self, crawl: CrawlId, n: u32) -> Result<Vec<FrontierItem>, StoreError> {
        let now = Utc::now();
        on_db!(self, writer, |pool, pg| {
            let sql = if pg {
                "UPDATE frontier f SET state = 'in_progress', claimed_at = $3 \
                 FROM (SELECT id FROM frontier WHERE crawl_id = $1 AND state = 'pending' \
                       ORDER BY depth, id LIMIT $2 FOR UPDATE SKIP LOCKED) c \
                 WHERE f.id = c.id \
                 RETURNING f.id, f.url, f.depth, f.from_fetch, f.purpose"
            } else {
                "UPDATE frontier SET state = 'in_progress', claimed_at = $3 \
                 WHERE id IN (SELECT id FROM frontier WHERE crawl_id = $1 AND state = 'pending' \
                              ORDER BY depth, id LIMIT $2) \
                 RETURNING id, url, depth, from_fetch, purpose"
            };
            let rows = sqlx::query(sql)
                .bind(crawl.0)
                .bind(i64::from(n))
                .bind(now)
                .fetch_all(pool)
                .await?;
            let mut items = Vec::with_capacity(rows.len());
            for row in &rows {
                items.push(FrontierItem {
                    id: FrontierId(row.try_get("id")?),
                    url: row.try_get("url")?,
                    depth: u32_from(row.try_get("depth")?)?,
                    from_fetch: row.try_get::<Option<i64>, _>("from_fetch")?.map(FetchId),
                    purpose: Purpose::parse(&row.try_get::<String, _>("purpose")?)?,
                });
            }
            items.sort_by_key(|i| (i.depth, i.id));
            Ok(items)
        })
    }

    /// Puts a claimed row back to pending without a record (e.g. to retry after a
    /// Retry-After pause). Recording is the normal way to finish a row.
    pub async fn release(&self, crawl: CrawlId, item: FrontierId) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            sqlx::query(
                "UPDATE frontier SET state = 'pending', claimed_at = NULL \
                 WHERE id = $1 AND crawl_id = $2 AND state = 'in_progress'",
            )
            .bind(item.0)
            .bind(crawl.0)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Frontier counts (pending, in progress, done) of a crawl.
    pub async fn frontier_counts(&self, crawl: CrawlId) -> Result<(u64, u64, u64), StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT state, COUNT(*) AS n FROM frontier WHERE crawl_id = $1 GROUP BY state",
            )
            .bind(crawl.0)
            .fetch_all(pool)
            .await?;
            let (mut p, mut i, mut d) = (0, 0, 0);
            for row in &rows {
                let n = u64_from(row.try_get("n")?)?;
                match FrontierState::parse(&row.try_get::<String, _>("state")?)? {
                    FrontierState::Pending => p = n,
                    FrontierState::InProgress => i = n,
                    FrontierState::Done => d = n,
                }
            }
            Ok((p, i, d))
        })
    }

    // ---- fetches ------------------------------------------------------------------------

    /// The fetch a conditional GET of `url` refers to: its newest fetch, in any crawl, that
    /// got the page (`fetched`) or confirmed it unchanged (`not_modified`; for a 304 the
    /// crawler stores in `headers.etag/last_modified` the validators still in force).
    pub async fn previous_fetch(&self, url: &str) -> Result<Option<PreviousFetch>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let row = sqlx::query(
                "SELECT id, crawl_id, started_at, etag, last_modified, body_hash FROM fetches \
                 WHERE url = $1 AND outcome IN ('fetched', 'not_modified') \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(url)
            .fetch_optional(pool)
            .await?;
            match row {
                None => Ok(None),
                Some(row) => Ok(Some(PreviousFetch {
                    fetch: FetchId(row.try_get("id")?),
                    crawl: CrawlId(row.try_get("crawl_id")?),
                    fetched_at: row.try_get("started_at")?,
                    validators: Validators {
                        etag: row.try_get("etag")?,
                        last_modified: row.try_get("last_modified")?,
                    },
                    body_hash: row.try_get("body_hash")?,
                })),
            }
        })
    }

    /// One fetch record.
    pub async fn fetch(&self, id: FetchId) -> Result<Option<StoredFetch>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let row = sqlx::query(concat!(fetch_select!(), "WHERE f.id = $1"))
                .bind(id.0)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Ok(Some(fetch_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// The first fetch (in any crawl) that stored the body with this sha256: what a 304
    /// revisit refers to.
    pub async fn first_fetch_with_body(
        &self,
        hash: &str,
    ) -> Result<Option<StoredFetch>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let row = sqlx::query(concat!(
                fetch_select!(),
                "WHERE f.body_hash = $1 AND f.body_size IS NOT NULL ORDER BY f.id LIMIT 1"
            ))
            .bind(hash)
            .fetch_optional(pool)
            .await?;
            match row {
                Some(row) => Ok(Some(fetch_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// A page of a crawl's fetches in record order, after `after` (exclusive), at most
    /// `limit`, bodies not loaded: loop with the last id to stream a whole crawl in bounded
    /// memory.
    pub async fn fetches_after(
        &self,
        crawl: CrawlId,
        after: Option<FetchId>,
        limit: u32,
    ) -> Result<Vec<StoredFetch>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(concat!(
                fetch_select!(),
                "WHERE f.crawl_id = $1 AND f.id > $2 ORDER BY f.id LIMIT $3"
            ))
            .bind(crawl.0)
            .bind(after.map_or(0, |f| f.0))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(fetch_from_row!(row));
            }
            Ok(out)
        })
    }

    /// The fetches of a crawl whose requested or final URL is `url`, oldest first.
    pub async fn fetches_of_url(
        &self,
        crawl: CrawlId,
        url: &str,
    ) -> Result<Vec<StoredFetch>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(concat!(
                fetch_select!(),
                "WHERE f.crawl_id = $1 AND (f.url = $2 OR f.final_url = $2) ORDER BY f.id"
            ))
            .bind(crawl.0)
            .bind(url)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(fetch_from_row!(row));
            }
            Ok(out)
        })
    }

    /// How many fetches of a crawl's URLs ended in each outcome (outcomes with none are left
    /// out). robots.txt fetches are not among them: they are the rules, not the portal's pages,
    /// and the crawl's summary does not count them either.
    pub async fn outcome_counts(&self, crawl: CrawlId) -> Result<Vec<(Outcome, u64)>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT outcome, COUNT(*) AS n FROM fetches \
                 WHERE crawl_id = $1 AND frontier_id IS NOT NULL \
                 GROUP BY outcome ORDER BY outcome",
            )
            .bind(crawl.0)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push((
                    Outcome::parse(&row.try_get::<String, _>("outcome")?)?,
                    u64_from(row.try_get("n")?)?,
                ));
            }
            out.sort_by_key(|(o, _)| Outcome::ALL.iter().position(|x| x == o));
            Ok(out)
        })
    }

    /// Bodies across all crawls: (distinct bodies, raw bytes, stored compressed bytes).
    pub async fn body_stats(&self) -> Result<(u64, u64, u64), StoreError> {
        on_db!(self, reader, |pool, pg| {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(raw_size), 0) AS BIGINT) AS raw, \
                 CAST(COALESCE(SUM(LENGTH(data)), 0) AS BIGINT) AS stored FROM bodies",
            )
            .fetch_one(pool)
            .await?;
            Ok((
                u64_from(row.try_get("n")?)?,
                u64_from(row.try_get("raw")?)?,
                u64_from(row.try_get("stored")?)?,
            ))
        })
    }

    /// The stored facts of these fetches (those that have any): (fetch, reader version, JSON).
    pub async fn facts_of(&self, fetches: &[FetchId]) -> Result<Vec<StoredFacts>, StoreError> {
        let mut out = Vec::with_capacity(fetches.len());
        for chunk in fetches.chunks(500) {
            let rows = on_db!(self, reader, |pool, pg| {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT fetch_id, extractor, raw_size, codec, data FROM page_facts \
                     WHERE fetch_id IN (",
                );
                let mut sep = q.separated(", ");
                for f in chunk {
                    sep.push_bind(f.0);
                }
                q.push(")");
                let rows = q.build().fetch_all(pool).await?;
                let mut got = Vec::with_capacity(rows.len());
                for row in &rows {
                    got.push((
                        row.try_get::<i64, _>("fetch_id")?,
                        row.try_get::<String, _>("extractor")?,
                        row.try_get::<i64, _>("raw_size")?,
                        row.try_get::<String, _>("codec")?,
                        row.try_get::<Vec<u8>, _>("data")?,
                    ));
                }
                got
            });
            for (id, extractor, raw_size, codec, data) in rows {
                out.push(StoredFacts {
                    fetch: FetchId(id),
                    extractor,
                    json: body::decompress(Codec::parse(&codec)?, &data, u64_from(raw_size)?)?,
                });
            }
        }
        Ok(out)
    }

    /// Stores (or replaces) a fetch's facts, as `kaohe reread` does when the reader changed.
    pub async fn replace_facts(
        &self,
        fetch: FetchId,
        extractor: &str,
        json: &[u8],
    ) -> Result<(), StoreError> {
        let (codec, data) = body::compress(json)?;
        let raw_size = i64::try_from(json.len()).unwrap_or(i64::MAX);
        on_db!(self, writer, |pool, pg| {
            sqlx::query(
                "INSERT INTO page_facts (fetch_id, extractor, raw_size, codec, data) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (fetch_id) DO UPDATE SET \
                 extractor = excluded.extractor, raw_size = excluded.raw_size, \
                 codec = excluded.codec, data = excluded.data",
            )
            .bind(fetch.0)
            .bind(extractor)
            .bind(raw_size)
            .bind(codec.as_str())
            .bind(data.as_slice())
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The raw bytes of a stored body, if the store has that hash.
    pub async fn body(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = on_db!(self, reader, |pool, pg| {
            match sqlx::query("SELECT codec, raw_size, data FROM bodies WHERE hash = $1")
                .bind(hash)
                .fetch_optional(pool)
                .await?
            {
                Some(row) => Some((
                    row.try_get::<String, _>("codec")?,
                    row.try_get::<i64, _>("raw_size")?,
                    row.try_get::<Vec<u8>, _>("data")?,
                )),
                None => None,
            }
        });
        match row {
            None => Ok(None),
            Some((codec, raw_size, data)) => {
                let raw = body::decompress(Codec::parse(&codec)?, &data, u64_from(raw_size)?)?;
                if body::sha256_hex(&raw) != hash {
                    return Err(StoreError::Corrupt(format!("正文 {hash} 的内容与哈希不符")));
                }
                Ok(Some(raw))
            }
        }
    }

    /// The links a fetched page contained, in page order.
    pub async fn links_from(&self, fetch: FetchId) -> Result<Vec<StoredLink>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT from_fetch, to_url, text, kind FROM links WHERE from_fetch = $1 \
                 ORDER BY id",
            )
            .bind(fetch.0)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(StoredLink {
                    from_fetch: FetchId(row.try_get("from_fetch")?),
                    to_url: row.try_get("to_url")?,
                    text: row.try_get("text")?,
                    kind: LinkKind::parse(&row.try_get::<String, _>("kind")?)?,
                });
            }
            Ok(out)
        })
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("无法序列化：{e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("JSON 字段无法读取：{e}")))
}

fn i32_sat(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn u16_from(v: i32) -> Result<u16, StoreError> {
    u16::try_from(v).map_err(|_| StoreError::Corrupt(format!("状态码超出范围：{v}")))
}

fn u32_from(v: i32) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("数值超出范围：{v}")))
}

fn opt_u32(v: Option<i32>) -> Result<Option<u32>, StoreError> {
    v.map(u32_from).transpose()
}

fn u64_from(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("数值超出范围：{v}")))
}

/// Whether the SQLite file at `path` is one kaohe made (it has our migrations table), read
/// without writing a byte.
async fn is_kaohe_store(path: &str) -> bool {
    use sqlx::Connection as _;
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        return false;
    }
    // Fresh options: no journal-mode pragma, which would rewrite another program's file.
    let opts = SqliteConnectOptions::new().filename(path).read_only(true);
    let Ok(mut conn) = sqlx::SqliteConnection::connect_with(&opts).await else {
        return false;
    };
    let found: Result<Option<i64>, _> = sqlx::query_scalar(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut conn)
    .await;
    let _ = conn.close().await;
    matches!(found, Ok(Some(_)))
}
