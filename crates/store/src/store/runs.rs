//! Assessment runs: a run with all its findings in one transaction; decisions appended, never
//! edited; a run's result (JSON) replaced when decisions change its scores, refused once the
//! run is published.

use chrono::Utc;
use sqlx::QueryBuilder;
use sqlx::Row;

use super::{Db, Store};
use crate::StoreError;
use crate::model::*;

/// Finding rows per multi-row insert: 9 columns × 500 stays below both backends' limits on
/// bound parameters.
const FINDINGS_PER_STATEMENT: usize = 500;

macro_rules! run_from_row {
    ($row:expr) => {{
        let row = $row;
        let state: String = row.try_get("state")?;
        let created: String = row.try_get("created_at")?;
        RunRow {
            id: RunId(row.try_get("id")?),
            crawl: CrawlId(row.try_get("crawl_id")?),
            history_crawl: row
                .try_get::<Option<i64>, _>("history_crawl_id")?
                .map(CrawlId),
            rubric_id: row.try_get("rubric_id")?,
            rubric_version: row.try_get("rubric_version")?,
            as_of: row.try_get("as_of")?,
            extractor: row.try_get("extractor")?,
            created_at: chrono::DateTime::parse_from_rfc3339(&created)
                .map_err(|e| StoreError::Corrupt(format!("评估时间无法读取：{e}")))?
                .with_timezone(&Utc),
            state: RunState::parse(&state)?,
            profile: row.try_get("profile")?,
            total_hundredths: row.try_get("total_hundredths")?,
            assessment: row.try_get("assessment")?,
        }
    }};
}

macro_rules! run_select {
    () => {
        "SELECT id, crawl_id, history_crawl_id, rubric_id, rubric_version, as_of, extractor, \
         created_at, state, profile, total_hundredths, assessment FROM runs "
    };
}

/// Inside a write transaction: the run exists and is still a draft (a published run is
/// frozen), else return the store's error.
macro_rules! require_draft {
    ($tx:ident, $run:expr) => {{
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM runs WHERE id = $1")
            .bind($run.0)
            .fetch_optional(&mut *$tx)
            .await?;
        match state.as_deref().map(RunState::parse).transpose()? {
            None => return Err(StoreError::NoSuchRun($run)),
            Some(RunState::Published) => return Err(StoreError::RunPublished($run)),
            Some(RunState::Draft) => {}
        }
    }};
}

impl Store {
    /// Stores a run and every one of its findings in one transaction.
    pub async fn create_run(&self, run: &NewRun) -> Result<RunId, StoreError> {
        let now = Utc::now().to_rfc3339();
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO runs (crawl_id, history_crawl_id, rubric_id, rubric_version, as_of, \
                 extractor, created_at, state, profile, total_hundredths, assessment) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10) RETURNING id",
            )
            .bind(run.crawl.0)
            .bind(run.history_crawl.map(|c| c.0))
            .bind(&run.rubric_id)
            .bind(&run.rubric_version)
            .bind(&run.as_of)
            .bind(&run.extractor)
            .bind(&now)
            .bind(run.profile.as_deref())
            .bind(run.total_hundredths)
            .bind(&run.assessment)
            .fetch_one(&mut *tx)
            .await?;
            for chunk in run.findings.chunks(FINDINGS_PER_STATEMENT) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO findings (run_id, finding_id, rule, indicator, department, \
                     status, deduction_hundredths, confidence, body) ",
                );
                q.push_values(chunk, |mut row, f| {
                    row.push_bind(id)
                        .push_bind(f.id.as_str())
                        .push_bind(f.rule.as_str())
                        .push_bind(f.indicator.as_str())
                        .push_bind(f.department.as_str())
                        .push_bind(f.status.as_str())
                        .push_bind(f.deduction_hundredths)
                        .push_bind(f.confidence)
                        .push_bind(f.body.as_str());
                });
                q.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(RunId(id))
        })
    }

    /// One run, if it exists.
    pub async fn run(&self, run: RunId) -> Result<Option<RunRow>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let row = sqlx::query(concat!(run_select!(), "WHERE id = $1"))
                .bind(run.0)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Ok(Some(run_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// Every run without its JSON, oldest first: for lists and trends.
    pub async fn run_summaries(&self) -> Result<Vec<RunSummary>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT r.id, r.crawl_id, c.seed_url, r.rubric_id, r.as_of, r.created_at, \
                 r.state, r.total_hundredths FROM runs r JOIN crawls c ON c.id = r.crawl_id \
                 ORDER BY r.id",
            )
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(RunSummary {
                    id: RunId(row.try_get("id")?),
                    crawl: CrawlId(row.try_get("crawl_id")?),
                    portal: row.try_get("seed_url")?,
                    rubric_id: row.try_get("rubric_id")?,
                    as_of: row.try_get("as_of")?,
                    created_at: row.try_get("created_at")?,
                    state: RunState::parse(&row.try_get::<String, _>("state")?)?,
                    total_hundredths: row.try_get("total_hundredths")?,
                });
            }
            Ok(out)
        })
    }

    /// A run's version, without its JSON: cheap enough to ask on every request.
    pub async fn run_version(&self, run: RunId) -> Result<Option<RunVersion>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let row = sqlx::query(
                "SELECT state, total_hundredths, \
                 (SELECT COUNT(*) FROM decisions WHERE run_id = $1) AS decisions, \
                 (SELECT COUNT(*) FROM findings WHERE run_id = $1) AS findings \
                 FROM runs WHERE id = $1",
            )
            .bind(run.0)
            .fetch_optional(pool)
            .await?;
            match row {
                Some(row) => Ok(Some(RunVersion {
                    state: RunState::parse(&row.try_get::<String, _>("state")?)?,
                    total_hundredths: row.try_get("total_hundredths")?,
                    decisions: row.try_get("decisions")?,
                    findings: row.try_get("findings")?,
                })),
                None => Ok(None),
            }
        })
    }

    /// The runs of one crawl, or of every crawl, oldest first.
    pub async fn list_runs(&self, crawl: Option<CrawlId>) -> Result<Vec<RunRow>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = match crawl {
                Some(c) => {
                    sqlx::query(concat!(run_select!(), "WHERE crawl_id = $1 ORDER BY id"))
                        .bind(c.0)
                        .fetch_all(pool)
                        .await?
                }
                None => {
                    sqlx::query(concat!(run_select!(), "ORDER BY id"))
                        .fetch_all(pool)
                        .await?
                }
            };
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(run_from_row!(row));
            }
            Ok(out)
        })
    }

    /// A run's findings, in id order; only one department's when `department` is given.
    pub async fn findings(
        &self,
        run: RunId,
        department: Option<&str>,
    ) -> Result<Vec<FindingRow>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT finding_id, rule, indicator, department, status, deduction_hundredths, \
                 confidence, body FROM findings \
                 WHERE run_id = $1 AND ($2 IS NULL OR department = $2) ORDER BY finding_id",
            )
            .bind(run.0)
            .bind(department)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(FindingRow {
                    id: row.try_get("finding_id")?,
                    rule: row.try_get("rule")?,
                    indicator: row.try_get("indicator")?,
                    department: row.try_get("department")?,
                    status: row.try_get("status")?,
                    deduction_hundredths: row.try_get("deduction_hundredths")?,
                    confidence: row.try_get("confidence")?,
                    body: row.try_get("body")?,
                });
            }
            Ok(out)
        })
    }

    /// Appends decisions to a run, and replaces its result (JSON and total) with the one the
    /// decisions give, in one transaction. A published run is refused.
    pub async fn add_decisions(
        &self,
        run: RunId,
        decisions: &[DecisionRow],
        total_hundredths: i64,
        assessment: &str,
    ) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            require_draft!(tx, run);
            for d in decisions {
                sqlx::query(
                    "INSERT INTO decisions (run_id, finding_id, action, by_whom, at, reason, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(run.0)
                .bind(&d.finding)
                .bind(&d.action)
                .bind(&d.by)
                .bind(&d.at)
                .bind(&d.reason)
                .bind(&d.body)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE runs SET total_hundredths = $2, assessment = $3 WHERE id = $1")
                .bind(run.0)
                .bind(total_hundredths)
                .bind(assessment)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Adds findings an assessor recorded (manual deductions) to a draft run with their audit
    /// rows, and replaces its result, in one transaction. A published run is refused.
    pub async fn add_findings(
        &self,
        run: RunId,
        findings: &[FindingRow],
        audit: &[DecisionRow],
        total_hundredths: i64,
        assessment: &str,
    ) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            require_draft!(tx, run);
            for f in findings {
                sqlx::query(
                    "INSERT INTO findings (run_id, finding_id, rule, indicator, department, \
                     status, deduction_hundredths, confidence, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(run.0)
                .bind(&f.id)
                .bind(&f.rule)
                .bind(&f.indicator)
                .bind(&f.department)
                .bind(&f.status)
                .bind(f.deduction_hundredths)
                .bind(f.confidence)
                .bind(&f.body)
                .execute(&mut *tx)
                .await?;
            }
            for d in audit {
                sqlx::query(
                    "INSERT INTO decisions (run_id, finding_id, action, by_whom, at, reason, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(run.0)
                .bind(&d.finding)
                .bind(&d.action)
                .bind(&d.by)
                .bind(&d.at)
                .bind(&d.reason)
                .bind(&d.body)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE runs SET total_hundredths = $2, assessment = $3 WHERE id = $1")
                .bind(run.0)
                .bind(total_hundredths)
                .bind(assessment)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Appends one audit row that changes no score (a re-check fetch, say). Allowed on a
    /// draft run only, like every assessor's act.
    pub async fn add_audit(&self, run: RunId, row: &DecisionRow) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            require_draft!(tx, run);
            sqlx::query(
                "INSERT INTO decisions (run_id, finding_id, action, by_whom, at, reason, body) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(run.0)
            .bind(&row.finding)
            .bind(&row.action)
            .bind(&row.by)
            .bind(&row.at)
            .bind(&row.reason)
            .bind(&row.body)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// A run's decisions, in the order they were made.
    pub async fn decisions(&self, run: RunId) -> Result<Vec<DecisionRow>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT finding_id, action, by_whom, at, reason, body FROM decisions \
                 WHERE run_id = $1 ORDER BY id",
            )
            .bind(run.0)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(DecisionRow {
                    finding: row.try_get("finding_id")?,
                    action: row.try_get("action")?,
                    by: row.try_get("by_whom")?,
                    at: row.try_get("at")?,
                    reason: row.try_get("reason")?,
                    body: row.try_get("body")?,
                });
            }
            Ok(out)
        })
    }

    /// Publishes a run: from then on it is frozen.
    pub async fn publish_run(&self, run: RunId) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            let done = sqlx::query("UPDATE runs SET state = 'published' WHERE id = $1")
                .bind(run.0)
                .execute(pool)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NoSuchRun(run));
            }
            Ok(())
        })
    }
}
