//! The record path: a fetch, its body, attachment check, links, new URLs and frontier mark,
//! written in one transaction — for one fetch or a batch of them.
//!
//! Two things keep the single writer fast, and both were measured (docs/crawl.md):
//! - [`PreparedRecord::new`] does the CPU work (sha256, zstd, JSON) wherever the caller has
//!   CPU to spare; the crawler calls it in each fetch task, in parallel, so the writer only
//!   writes.
//! - A batch costs a handful of statements, not a handful per fetch: bodies, fetch rows,
//!   attachment checks, links, new URLs and frontier marks are each one multi-row statement.
//!   Every statement is a round trip to sqlx's SQLite worker thread (or to the PostgreSQL
//!   server); per-row statements made those round trips, not SQLite, the crawl's bottleneck.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use sqlx::Row;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;

use super::{Db, Store, i32_sat, to_json};
use crate::StoreError;
use crate::body;
use crate::model::*;

/// Rows per multi-row `INSERT … VALUES`: 27 columns × 64 stays far below both SQLite's (32,766)
/// and PostgreSQL's (65,535) limits on bound parameters.
const ROWS_PER_STATEMENT: usize = 64;

/// A fetch made ready for the writer: its body hashed and compressed, its JSON fields
/// serialised. Build it wherever CPU is free; [`Store::record_prepared`] only writes.
#[derive(Debug)]
pub struct PreparedRecord {
    /// The record without its raw body (the compressed copy is in `body`).
    fetch: FetchRecord,
    links: Vec<NewLink>,
    new_urls: Vec<NewUrl>,
    body: Option<PreparedBody>,
    facts: Option<PreparedFacts>,
    request_headers: String,
    redirects: String,
}

/// A page's facts made ready for the writer: compressed JSON and the reader's version.
#[derive(Debug)]
struct PreparedFacts {
    extractor: String,
    raw_size: i64,
    data: Vec<u8>,
}

#[derive(Debug)]
struct PreparedBody {
    /// sha256 hex of the raw bytes.
    hash: String,
    raw_size: i64,
    codec: Codec,
    data: Vec<u8>,
}

impl PreparedRecord {
    /// Hashes and compresses `fetch`'s body and serialises its JSON fields. The raw body is
    /// dropped here: a batch waiting for the writer holds compressed bytes only.
    pub fn new(
        mut fetch: FetchRecord,
        links: Vec<NewLink>,
        new_urls: Vec<NewUrl>,
    ) -> Result<PreparedRecord, StoreError> {
        let body = match fetch.body.take() {
            Some(raw) => {
                let (codec, data) = body::compress(&raw)?;
                Some(PreparedBody {
                    hash: body::sha256_hex(&raw),
                    raw_size: i64::try_from(raw.len()).unwrap_or(i64::MAX),
                    codec,
                    data,
                })
            }
            None => None,
        };
        Ok(PreparedRecord {
            request_headers: to_json(&fetch.request_headers)?,
            redirects: to_json(&fetch.redirects)?,
            fetch,
            links,
            new_urls,
            body,
            facts: None,
        })
    }

    /// Adds the page's facts (JSON, as the reader `extractor` made them), compressed here so
    /// the writer only writes; they are stored in the fetch's own transaction.
    pub fn with_facts(
        mut self,
        extractor: &str,
        json: &[u8],
    ) -> Result<PreparedRecord, StoreError> {
        let (_, data) = body::compress(json)?;
        self.facts = Some(PreparedFacts {
            extractor: extractor.to_string(),
            raw_size: i64::try_from(json.len()).unwrap_or(i64::MAX),
            data,
        });
        Ok(self)
    }

    /// The frontier row this record completes.
    pub fn frontier(&self) -> Option<FrontierId> {
        self.fetch.frontier
    }

    /// The body this fetch points at: its own, or for a 304 the unchanged one.
    fn body_hash(&self) -> Option<&str> {
        match &self.body {
            Some(b) => Some(&b.hash),
            None => self.fetch.unchanged_hash.as_deref(),
        }
    }
}

impl Store {
    /// Records one fetch in ONE transaction: its body (deduplicated by sha256), the fetch row,
    /// its attachment check, its `links`, the `new_urls` it discovered (inserted if absent,
    /// `from_fetch` set to this fetch), and its frontier row marked done. Either all of it is
    /// stored or none of it.
    pub async fn record(
        &self,
        crawl: CrawlId,
        fetch: &FetchRecord,
        links: &[NewLink],
        new_urls: &[NewUrl],
    ) -> Result<FetchId, StoreError> {
        let prepared = PreparedRecord::new(fetch.clone(), links.to_vec(), new_urls.to_vec())?;
        let ids = self.record_prepared(crawl, &[prepared]).await?;
        ids.into_iter()
            .next()
            .ok_or_else(|| StoreError::Corrupt("记录未返回编号".into()))
    }

    /// [`Store::record`] for many fetches in ONE transaction: all are stored or none (a
    /// `NotOpen` item fails the whole batch).
    pub async fn record_batch(
        &self,
        crawl: CrawlId,
        items: &[(FetchRecord, Vec<NewLink>, Vec<NewUrl>)],
    ) -> Result<Vec<FetchId>, StoreError> {
        let mut prepared = Vec::with_capacity(items.len());
        for (fetch, links, new_urls) in items {
            prepared.push(PreparedRecord::new(
                fetch.clone(),
                links.clone(),
                new_urls.clone(),
            )?);
        }
        self.record_prepared(crawl, &prepared).await
    }

    /// [`Store::record_batch`] for records prepared beforehand. Returns the fetch ids in the
    /// order of `items`.
    ///
    /// Rows other transactions may also touch (bodies by hash, frontier URLs) are written in
    /// one global order — sorted by key — so concurrent batches on PostgreSQL wait for each
    /// other instead of deadlocking; the frontier rows are marked done last, so a refusal
    /// there rolls back everything.
    pub async fn record_prepared(
        &self,
        crawl: CrawlId,
        items: &[PreparedRecord],
    ) -> Result<Vec<FetchId>, StoreError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let now = Utc::now();
        let mut bodies: Vec<&PreparedBody> = items.iter().filter_map(|p| p.body.as_ref()).collect();
        bodies.sort_by(|a, b| a.hash.cmp(&b.hash));
        bodies.dedup_by(|a, b| a.hash == b.hash);
        let mut frontier: Vec<FrontierId> = items.iter().filter_map(|p| p.frontier()).collect();
        frontier.sort();
        // One frontier row gets exactly one record, inside a batch too.
        if let Some(w) = frontier.windows(2).find(|w| w[0] == w[1]) {
            return Err(StoreError::NotOpen {
                crawl,
                frontier: w[0],
            });
        }
        // Fetch ids come back matched by frontier row when those identify the items (the
        // crawler's batches); otherwise (robots.txt, hand-made batches) one row at a time.
        let by_frontier = frontier.len() == items.len();
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            for chunk in bodies.chunks(ROWS_PER_STATEMENT) {
                let mut q = QueryBuilder::new("INSERT INTO bodies (hash, codec, raw_size, data) ");
                q.push_values(chunk, |mut row, b| {
                    row.push_bind(b.hash.as_str())
                        .push_bind(b.codec.as_str())
                        .push_bind(b.raw_size)
                        .push_bind(b.data.as_slice());
                });
                q.push(" ON CONFLICT (hash) DO NOTHING");
                q.build().execute(&mut *tx).await?;
            }

            let mut ids: Vec<FetchId> = Vec::with_capacity(items.len());
            let chunk_len = if by_frontier { ROWS_PER_STATEMENT } else { 1 };
            for chunk in items.chunks(chunk_len) {
                let mut q = QueryBuilder::new(FETCH_INSERT);
                q.push_values(chunk, |mut row, p| {
                    let f = &p.fetch;
                    let h = &f.headers;
                    row.push_bind(crawl.0)
                        .push_bind(f.frontier.map(|f| f.0))
                        .push_bind(f.url.as_str())
                        .push_bind(f.final_url.as_str())
                        .push_bind(f.method.as_str());
                    if pg {
                        row.push("CAST(")
                            .push_bind_unseparated(p.request_headers.as_str())
                            .push_unseparated(" AS JSONB)")
                            .push("CAST(")
                            .push_bind_unseparated(p.redirects.as_str())
                            .push_unseparated(" AS JSONB)");
                    } else {
                        row.push_bind(p.request_headers.as_str())
                            .push_bind(p.redirects.as_str());
                    }
                    row.push_bind(f.status.map(i32::from))
                        .push_bind(h.content_type.as_deref())
                        .push_bind(h.etag.as_deref())
                        .push_bind(h.last_modified.as_deref())
                        .push_bind(h.retry_after.as_deref())
                        .push_bind(h.content_length.as_deref())
                        .push_bind(h.server.as_deref())
                        .push_bind(h.content_disposition.as_deref())
                        .push_bind(f.timing.started_at)
                        .push_bind(f.timing.connect_ms.map(i32_sat))
                        .push_bind(f.timing.ttfb_ms.map(i32_sat))
                        .push_bind(f.timing.total_ms.map(i32_sat))
                        .push_bind(f.outcome.as_str())
                        .push_bind(f.detail.as_deref())
                        .push_bind(f.encoding.as_ref().map(|e| e.name.as_str()))
                        .push_bind(f.encoding.as_ref().map(|e| e.source.as_str()))
                        .push_bind(f.encoding.as_ref().map(|e| e.had_errors))
                        .push_bind(p.body_hash())
                        .push_bind(p.body.as_ref().map(|b| b.raw_size))
                        .push_bind(f.body_truncated);
                });
                q.push(" RETURNING id, frontier_id");
                let rows = q.build().fetch_all(&mut *tx).await?;
                let mut got = Vec::with_capacity(rows.len());
                for row in &rows {
                    let frontier: Option<i64> = row.try_get("frontier_id")?;
                    got.push((frontier, FetchId(row.try_get("id")?)));
                }
                if got.len() != chunk.len() {
                    return Err(StoreError::Corrupt(
                        "写入的抓取记录数与返回的编号数不符".into(),
                    ));
                }
                if chunk.len() == 1 {
                    ids.push(got[0].1);
                } else {
                    // RETURNING's row order is unspecified: match on the frontier row.
                    got.sort();
                    for p in chunk {
                        let key = p.frontier().map(|f| f.0);
                        let i = got
                            .binary_search_by(|(f, _)| f.cmp(&key))
                            .map_err(|_| StoreError::Corrupt("抓取记录编号无法对应".into()))?;
                        ids.push(got[i].1);
                    }
                }
            }

            let checks: Vec<(FetchId, &AttachmentCheck)> = ids
                .iter()
                .zip(items)
                .filter_map(|(id, p)| p.fetch.attachment.as_ref().map(|a| (*id, a)))
                .collect();
            for chunk in checks.chunks(ROWS_PER_STATEMENT) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO attachment_checks (fetch_id, declared_type, magic_type, size, \
                     verdict) ",
                );
                q.push_values(chunk, |mut row, (id, a)| {
                    row.push_bind(id.0)
                        .push_bind(a.declared_type.as_deref())
                        .push_bind(a.magic_type.as_deref())
                        .push_bind(i64::try_from(a.size).unwrap_or(i64::MAX))
                        .push_bind(a.verdict.as_str());
                });
                q.build().execute(&mut *tx).await?;
            }

            let facts: Vec<(FetchId, &PreparedFacts)> = ids
                .iter()
                .zip(items)
                .filter_map(|(id, p)| p.facts.as_ref().map(|f| (*id, f)))
                .collect();
            for chunk in facts.chunks(ROWS_PER_STATEMENT) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO page_facts (fetch_id, extractor, raw_size, codec, data) ",
                );
                q.push_values(chunk, |mut row, (id, f)| {
                    row.push_bind(id.0)
                        .push_bind(f.extractor.as_str())
                        .push_bind(f.raw_size)
                        .push_bind(Codec::Zstd.as_str())
                        .push_bind(f.data.as_slice());
                });
                q.build().execute(&mut *tx).await?;
            }

            let links: Vec<(FetchId, &NewLink)> = ids
                .iter()
                .zip(items)
                .flat_map(|(id, p)| p.links.iter().map(move |l| (*id, l)))
                .collect();
            Batch::insert_links(&mut *tx, crawl, &links).await?;

            let mut found: Vec<NewUrl> = Vec::new();
            for (id, p) in ids.iter().zip(items) {
                found.extend(p.new_urls.iter().map(|u| NewUrl {
                    from_fetch: Some(*id),
                    ..u.clone()
                }));
            }
            // stable: for a URL found twice, the first finder stays its discoverer
            found.sort_by(|a, b| a.url.cmp(&b.url));
            Batch::insert_new_urls(&mut *tx, crawl, &found, None, now).await?;

            let marked = Batch::mark_done(&mut *tx, crawl, &frontier, now).await?;
            if let Some(row) = frontier.iter().find(|f| !marked.contains(f)) {
                // Dropping `tx` rolls back: one frontier row gets exactly one record.
                return Err(StoreError::NotOpen {
                    crawl,
                    frontier: *row,
                });
            }
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// Adds URLs to the crawl's frontier as pending, skipping any the crawl already has
    /// (whatever their state). Returns how many were new.
    pub async fn enqueue(&self, crawl: CrawlId, urls: &[NewUrl]) -> Result<u64, StoreError> {
        let now = Utc::now();
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            let n = Batch::insert_new_urls(&mut *tx, crawl, urls, None, now).await?;
            tx.commit().await?;
            Ok(n)
        })
    }
}

/// The fetch row's columns, in the order `record_prepared` binds them.
const FETCH_INSERT: &str = "INSERT INTO fetches (crawl_id, frontier_id, url, final_url, method, \
     request_headers, redirects, status, content_type, etag, last_modified, retry_after, \
     content_length, server, content_disposition, started_at, connect_ms, ttfb_ms, total_ms, \
     outcome, detail, encoding, encoding_source, encoding_errors, body_hash, body_size, \
     body_truncated) ";

/// Marks frontier rows done by id. The unary `+` keeps SQLite off the (crawl_id, state, …)
/// claim index: without statistics it would scan every open row of the crawl per batch instead
/// of looking the ids up by primary key (measured: the single-record path lost 20 % to it; a
/// test below pins the plan).
const SQLITE_MARK_DONE: &str = "UPDATE frontier SET state = 'done', done_at = $3 \
     WHERE id IN (SELECT value FROM json_each($2)) AND +crawl_id = $1 AND +state <> 'done' \
     RETURNING id";

/// The statements whose best form differs per backend: on SQLite the rows travel as one JSON
/// array unpacked by `json_each` (built into SQLite), on PostgreSQL as `UNNEST`ed arrays. Either
/// way one statement, so one round trip, per batch.
trait Batch {
    async fn insert_new_urls(
        &mut self,
        crawl: CrawlId,
        urls: &[NewUrl],
        from_override: Option<FetchId>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    async fn insert_links(
        &mut self,
        crawl: CrawlId,
        links: &[(FetchId, &NewLink)],
    ) -> Result<(), StoreError>;

    /// Marks the open ones of `rows` done; returns those it marked.
    async fn mark_done(
        &mut self,
        crawl: CrawlId,
        rows: &[FrontierId],
        now: DateTime<Utc>,
    ) -> Result<Vec<FrontierId>, StoreError>;
}

impl Batch for SqliteConnection {
    async fn insert_new_urls(
        &mut self,
        crawl: CrawlId,
        urls: &[NewUrl],
        from_override: Option<FetchId>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        if urls.is_empty() {
            return Ok(0);
        }
        let rows: Vec<(&str, i32, Option<i64>, &str)> = urls
            .iter()
            .map(|u| {
                (
                    u.url.as_str(),
                    i32_sat(u.depth),
                    from_override.or(u.from_fetch).map(|f| f.0),
                    u.purpose.as_str(),
                )
            })
            .collect();
        let done = sqlx::query(
            "INSERT INTO frontier (crawl_id, url, depth, from_fetch, purpose, state, added_at) \
             SELECT $1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, 'pending', $3 \
             FROM json_each($2) WHERE true ORDER BY key \
             ON CONFLICT (crawl_id, url) DO NOTHING",
        )
        .bind(crawl.0)
        .bind(to_json(&rows)?)
        .bind(now)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected())
    }

    async fn insert_links(
        &mut self,
        crawl: CrawlId,
        links: &[(FetchId, &NewLink)],
    ) -> Result<(), StoreError> {
        if links.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, &str, Option<&str>, &str)> = links
            .iter()
            .map(|(f, l)| (f.0, l.to_url.as_str(), l.text.as_deref(), l.kind.as_str()))
            .collect();
        sqlx::query(
            "INSERT INTO links (crawl_id, from_fetch, to_url, text, kind) \
             SELECT $1, value ->> 0, value ->> 1, value ->> 2, value ->> 3 \
             FROM json_each($2) ORDER BY key",
        )
        .bind(crawl.0)
        .bind(to_json(&rows)?)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn mark_done(
        &mut self,
        crawl: CrawlId,
        rows: &[FrontierId],
        now: DateTime<Utc>,
    ) -> Result<Vec<FrontierId>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|f| f.0).collect();
        let marked: Vec<i64> = sqlx::query_scalar(SQLITE_MARK_DONE)
            .bind(crawl.0)
            .bind(to_json(&ids)?)
            .bind(now)
            .fetch_all(&mut *self)
            .await?;
        Ok(marked.into_iter().map(FrontierId).collect())
    }
}

impl Batch for PgConnection {
    async fn insert_new_urls(
        &mut self,
        crawl: CrawlId,
        urls: &[NewUrl],
        from_override: Option<FetchId>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        if urls.is_empty() {
            return Ok(0);
        }
        let mut url = Vec::with_capacity(urls.len());
        let mut depth = Vec::with_capacity(urls.len());
        let mut from = Vec::with_capacity(urls.len());
        let mut purpose = Vec::with_capacity(urls.len());
        for u in urls {
            url.push(u.url.as_str());
            depth.push(i32_sat(u.depth));
            from.push(from_override.or(u.from_fetch).map(|f| f.0));
            purpose.push(u.purpose.as_str());
        }
        let done = sqlx::query(
            "INSERT INTO frontier (crawl_id, url, depth, from_fetch, purpose, state, added_at) \
             SELECT $1, u.url, u.depth, u.from_fetch, u.purpose, 'pending', $6 \
             FROM UNNEST($2::text[], $3::int4[], $4::int8[], $5::text[]) WITH ORDINALITY \
                  AS u(url, depth, from_fetch, purpose, n) \
             ORDER BY u.n \
             ON CONFLICT (crawl_id, url) DO NOTHING",
        )
        .bind(crawl.0)
        .bind(&url)
        .bind(&depth)
        .bind(&from)
        .bind(&purpose)
        .bind(now)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected())
    }

    async fn insert_links(
        &mut self,
        crawl: CrawlId,
        links: &[(FetchId, &NewLink)],
    ) -> Result<(), StoreError> {
        if links.is_empty() {
            return Ok(());
        }
        let n = links.len();
        let (mut from, mut to, mut text, mut kind) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (f, l) in links {
            from.push(f.0);
            to.push(l.to_url.as_str());
            text.push(l.text.as_deref());
            kind.push(l.kind.as_str());
        }
        sqlx::query(
            "INSERT INTO links (crawl_id, from_fetch, to_url, text, kind) \
             SELECT $1, l.from_fetch, l.to_url, l.text, l.kind \
             FROM UNNEST($2::int8[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY \
                  AS l(from_fetch, to_url, text, kind, n) ORDER BY l.n",
        )
        .bind(crawl.0)
        .bind(&from)
        .bind(&to)
        .bind(&text)
        .bind(&kind)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn mark_done(
        &mut self,
        crawl: CrawlId,
        rows: &[FrontierId],
        now: DateTime<Utc>,
    ) -> Result<Vec<FrontierId>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|f| f.0).collect();
        let marked: Vec<i64> = sqlx::query_scalar(
            "UPDATE frontier SET state = 'done', done_at = $3 \
             WHERE crawl_id = $1 AND state <> 'done' AND id = ANY($2::int8[]) \
             RETURNING id",
        )
        .bind(crawl.0)
        .bind(&ids)
        .bind(now)
        .fetch_all(&mut *self)
        .await?;
        Ok(marked.into_iter().map(FrontierId).collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test
    use super::*;

    /// The frontier grows to every URL of a portal; marking a batch done must cost the
    /// batch's size, not the frontier's.
    #[tokio::test]
    async fn marking_rows_done_looks_them_up_by_primary_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("k.sqlite").to_str().unwrap())
            .await
            .unwrap();
        let Db::Sqlite { writer, .. } = &store.db else {
            panic!("a file path opens SQLite");
        };
        let plan: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {SQLITE_MARK_DONE}"
        )))
        .bind(1_i64)
        .bind("[1,2,3]")
        .bind("2026-11-28T00:00:00Z")
        .fetch_all(writer)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect();
        assert!(
            plan.iter().any(|d| d.contains("INTEGER PRIMARY KEY")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|d| d.contains("frontier_claim")),
            "{plan:?}"
        );
        store.close().await;
    }
}
