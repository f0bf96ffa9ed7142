//! An assessment stored as a run: the result, one row per finding, and the decisions made on
//! it afterwards (appended, never edited). Reports and the workbench read runs; when decisions
//! are added, the scores are recomputed by `rubric::score` from the run's own findings and
//! every decision so far, never patched.

use chrono::{DateTime, Utc};
use rubric::{Decision, Finding, Rubric};
use store::{DecisionRow, FindingRow, NewRun, RunId, RunState, Store, StoreError};

use crate::{Assessment, Reported};

/// A run read back from the store.
#[derive(Clone, Debug)]
pub struct StoredRun {
    pub id: RunId,
    pub state: RunState,
    pub created_at: DateTime<Utc>,
    /// The site profile the run was made with (TOML), if any.
    pub profile: Option<String>,
    pub assessment: Assessment,
}

/// Why a run could not be stored, read or changed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("评估 {0} 不存在：请用 kaohe run list 查看已有的评估")]
    NoSuchRun(i64),
    #[error("评估 {run} 的内容无法读取（{why}）：快照库可能来自更新的 kaohe 版本")]
    Unreadable { run: i64, why: String },
    #[error("评估 {run} 用的是指标体系 {run_rubric}，不是 {given}：请用同一指标体系")]
    OtherRubric {
        run: i64,
        run_rubric: String,
        given: String,
    },
    #[error("{0}")]
    Score(#[from] rubric::ScoreError),
    #[error("评估中已有问题 {0}：同一人工扣分不要重复记录")]
    DuplicateFinding(String),
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, RunError> {
    serde_json::to_string(v).map_err(|e| RunError::Unreadable {
        run: 0,
        why: e.to_string(),
    })
}

/// Stores an assessment as a new (draft) run with all its findings, in one transaction.
pub async fn save(
    store: &Store,
    a: &Assessment,
    profile: Option<String>,
) -> Result<RunId, RunError> {
    let mut findings = Vec::with_capacity(a.findings.len());
    for f in &a.findings {
        findings.push(FindingRow {
            id: f.finding.id.clone(),
            rule: f.finding.rule.clone(),
            indicator: f.indicator.clone(),
            department: f.finding.department.clone(),
            status: f.finding.status.as_str().to_string(),
            deduction_hundredths: f.deduction.hundredths(),
            confidence: f.finding.confidence,
            body: json(f)?,
        });
    }
    let run = NewRun {
        crawl: store::CrawlId(a.crawl),
        history_crawl: a.history_crawl.map(store::CrawlId),
        rubric_id: a.rubric.clone(),
        rubric_version: a.rubric_version.clone(),
        as_of: a.as_of.to_string(),
        extractor: a.extractor.clone(),
        profile,
        total_hundredths: a.total.hundredths(),
        assessment: json(a)?,
        findings,
    };
    Ok(store.create_run(&run).await?)
}

/// Reads a run back.
pub async fn load(store: &Store, id: RunId) -> Result<StoredRun, RunError> {
    let row = store.run(id).await?.ok_or(RunError::NoSuchRun(id.0))?;
    let assessment: Assessment =
        serde_json::from_str(&row.assessment).map_err(|e| RunError::Unreadable {
            run: id.0,
            why: e.to_string(),
        })?;
    Ok(StoredRun {
        id,
        state: row.state,
        created_at: row.created_at,
        profile: row.profile,
        assessment,
    })
}

/// Appends decisions to a draft run and rescores it with every decision so far; returns the
/// new result. A published run is refused by the store.
pub async fn decide(
    store: &Store,
    id: RunId,
    rubric: &Rubric,
    new: &[Decision],
) -> Result<Assessment, RunError> {
    let mut run = load_for(store, id, rubric).await?;
    run.decisions.extend(new.iter().cloned());
    rescore(&mut run, rubric)?;
    let mut rows = Vec::with_capacity(new.len());
    for d in new {
        rows.push(DecisionRow {
            finding: d.finding.clone(),
            action: d.action.as_str().to_string(),
            by: d.by.clone(),
            at: d.at.clone(),
            reason: d.reason.clone(),
            body: json(d)?,
        });
    }
    store
        .add_decisions(id, &rows, run.total.hundredths(), &json(&run)?)
        .await?;
    Ok(run)
}

/// The audit log's action for a manual deduction (the `decisions` table is the audit log of
/// everything an assessor does to a run).
pub const AUDIT_MANUAL: &str = "manual";

/// Adds a deduction only a person can judge (a finding of a `manual` rule, origin assessor) to
/// a draft run, rescores it, and writes the audit row; returns the new result. The finding's
/// id must be new in the run.
pub async fn add_manual(
    store: &Store,
    id: RunId,
    rubric: &Rubric,
    finding: Finding,
    at: &str,
) -> Result<Assessment, RunError> {
    let mut run = load_for(store, id, rubric).await?;
    if run.findings.iter().any(|f| f.finding.id == finding.id) {
        return Err(RunError::DuplicateFinding(finding.id));
    }
    let deduction = rubric
        .rule(&finding.rule)
        .map(|r| r.deduction)
        .unwrap_or_default();
    let reported = Reported {
        indicator: crate::indicator_of(&finding.rule).to_string(),
        deduction,
        finding,
    };
    run.findings.push(reported.clone());
    run.findings.sort_by(|a, b| a.finding.id.cmp(&b.finding.id));
    run.counts.deducted += 1;
    run.counts.manual += 1;
    rescore(&mut run, rubric)?;
    let f = &reported.finding;
    let (by, reason) = match &f.origin {
        rubric::Origin::Assessor { name, reason } => (name.clone(), reason.clone()),
        rubric::Origin::Machine => (String::new(), String::new()),
    };
    let row = FindingRow {
        id: f.id.clone(),
        rule: f.rule.clone(),
        indicator: reported.indicator.clone(),
        department: f.department.clone(),
        status: f.status.as_str().to_string(),
        deduction_hundredths: reported.deduction.hundredths(),
        confidence: f.confidence,
        body: json(&reported)?,
    };
    let audit = DecisionRow {
        finding: f.id.clone(),
        action: AUDIT_MANUAL.to_string(),
        by,
        at: at.to_string(),
        reason,
        body: json(&reported)?,
    };
    store
        .add_findings(id, &[row], &[audit], run.total.hundredths(), &json(&run)?)
        .await?;
    Ok(run)
}

async fn load_for(store: &Store, id: RunId, rubric: &Rubric) -> Result<Assessment, RunError> {
    let run = load(store, id).await?.assessment;
    if run.rubric != rubric.id {
        return Err(RunError::OtherRubric {
            run: id.0,
            run_rubric: run.rubric,
            given: rubric.id.clone(),
        });
    }
    Ok(run)
}

/// Recomputes a run's scores from its own findings and every decision, with the engine.
fn rescore(run: &mut Assessment, rubric: &Rubric) -> Result<(), RunError> {
    let findings: Vec<rubric::Finding> = run.findings.iter().map(|f| f.finding.clone()).collect();
    let scores = rubric::score(rubric, &findings, &run.decisions)?;
    run.total = scores.total;
    run.scores = scores;
    Ok(())
}
