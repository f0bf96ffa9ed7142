//! kaohe-assess: from a stored snapshot to findings with evidence, the department charged,
//! and scores.
//!
//! Map (top down):
//! - [`load`] (load.rs): the I/O edge. Reads one crawl from the store into a [`Snapshot`]
//!   (the latest fetch of each URL, its outcome, its page facts), finds the earlier crawl of
//!   the same portal, and fills in the visible text of the few pages a rule reads whole.
//! - [`mapping`]: the portal's columns → the rubric's indicators, sub-column types and owning
//!   departments, each call with its reason; a [`Profile`] (the site profile, TOML)
//!   overrides any of it.
//! - [`rules`]: every machine rule kind → [`rubric::Finding`]s, each with an id
//!   (`rule:url#subject`), its evidence (URL, fetch id and time, body sha256, WARC record,
//!   excerpt, matched label), a confidence and a status: *deducted*, *needs review*
//!   (confidence under the rubric's `review_below`) or *unverified* (our fetch failed).
//! - [`Decisions`] (decisions.rs): the assessors' decisions file — confirm, dismiss,
//!   reassign, manual deductions — applied by the scoring engine, never by editing findings.
//! - [`assess`]: ties them together and scores with [`rubric::score`] into an [`Assessment`],
//!   whose JSON is the documented shape of `kaohe assess --format json` (docs/assess.md).
//! - [`run`] (run.rs): an assessment stored as a run (runs, findings, decisions tables).
//!
//! Must NOT: fetch anything (an assessment of a stored crawl never touches the network),
//! print, or compute a score any other way than `rubric::score`.
//!
//! Architecture invariant: `assess` is a pure function of (rubric, profile, snapshot, earlier
//! snapshot, decisions, as-of date): the same inputs give the same JSON byte for byte.

pub mod decisions;
pub mod load;
pub mod mapping;
pub mod profile;
pub mod rules;
pub mod run;

pub mod snapshot;
pub mod text;

use chrono::NaiveDate;
use rubric::{Decision, Finding, Points, Rubric, Scores, Status};
use serde::{Deserialize, Serialize};

pub use decisions::{Decisions, DecisionsError};
pub use mapping::{Column, Mapping};
pub use profile::{Profile, ProfileError};
pub use snapshot::{Page, Snapshot};

/// Everything one assessment reads.
pub struct Input<'a> {
    pub rubric: &'a Rubric,
    /// The rubric file's version (sha256 of its text, shortened), recorded with the run.
    pub rubric_version: String,
    pub profile: &'a Profile,
    pub snapshot: &'a Snapshot,
    /// An earlier crawl of the same portal (for columns without dates, and re-dated entries).
    pub history: Option<&'a Snapshot>,
    pub decisions: &'a Decisions,
    pub as_of: NaiveDate,
}

/// A finding as reported: the scoring engine's finding plus what a reader wants beside it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Reported {
    #[serde(flatten)]
    pub finding: Finding,
    /// The indicator (or section, for a section-scope rule) the rule belongs to.
    pub indicator: String,
    /// The rule's deduction (what the finding costs if it counts).
    pub deduction: Points,
}

/// How many findings of each status.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub deducted: usize,
    pub needs_review: usize,
    pub unverified: usize,
    /// Of all findings, those recorded by an assessor.
    pub manual: usize,
}

/// The result of one assessment. Its JSON is the documented, stable shape of
/// `kaohe assess --format json` and of a stored run (docs/assess.md).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Assessment {
    /// The portal's seed URL.
    pub portal: String,
    pub crawl: i64,
    /// The earlier crawl compared with, if any.
    pub history_crawl: Option<i64>,
    pub rubric: String,
    pub rubric_title: String,
    pub rubric_version: String,
    pub as_of: NaiveDate,
    pub extractor: String,
    pub review_below: f64,
    pub total: Points,
    pub max: Points,
    pub counts: Counts,
    pub scores: Scores,
    pub findings: Vec<Reported>,
    pub decisions: Vec<Decision>,
    pub mapping: Mapping,
    /// The columns the freshness rules watch and when each goes stale (the early warning).
    /// Absent in runs stored before it existed.
    #[serde(default)]
    pub watch: Vec<rules::ColumnWatch>,
}

/// The indicator a rule id belongs to (`1.1/freshness` → `1.1`).
pub fn indicator_of(rule: &str) -> &str {
    rule.split('/').next().unwrap_or(rule)
}

/// The page ids whose visible text the rules need: (this crawl's, the earlier crawl's).
/// The loader reads these bodies before [`assess`] runs.
pub fn texts_needed(
    rubric: &Rubric,
    mapping: &Mapping,
    snap: &Snapshot,
    history: Option<(&Snapshot, &Mapping)>,
) -> (Vec<i64>, Vec<i64>) {
    let mut now = Vec::new();
    let mut then = Vec::new();
    for ind in rubric.indicators() {
        for rule in &ind.rules {
            match &rule.kind {
                rubric::RuleKind::ItemTable { titles, .. } => now.extend(
                    rules::table_pages(mapping, snap, &ind.id, titles)
                        .iter()
                        .map(|p| p.fetch),
                ),
                rubric::RuleKind::RequiredContent { .. } => now.extend(
                    mapping
                        .of_indicator(&ind.id)
                        .flat_map(|c| c.lists.iter().chain(c.items.iter()))
                        .map(|&i| snap.pages[i].fetch),
                ),
                _ => {}
            }
        }
    }
    // Re-dated entries: an entry of a column whose date differs from the earlier crawl's.
    if let Some((hist, hmap)) = history {
        for c in &mapping.columns {
            let Some(hc) = hmap.columns.iter().find(|h| h.key == c.key) else {
                continue;
            };
            let old: std::collections::HashMap<String, NaiveDate> = hc
                .lists
                .iter()
                .filter_map(|&i| hist.pages[i].facts.as_ref())
                .flat_map(|f| f.entries.iter())
                .filter_map(|e| e.url.as_ref().map(|u| (u.to_string(), e.date)))
                .collect();
            for f in c.lists.iter().filter_map(|&i| snap.pages[i].facts.as_ref()) {
                for e in &f.entries {
                    let Some(u) = e.url.as_ref().map(|u| u.to_string()) else {
                        continue;
                    };
                    if old.get(&u).is_some_and(|d| *d < e.date) {
                        if let Some(p) = snap.page(&u) {
                            now.push(p.fetch);
                        }
                        if let Some(p) = hist.page(&u) {
                            then.push(p.fetch);
                        }
                    }
                }
            }
        }
    }
    now.sort_unstable();
    now.dedup();
    then.sort_unstable();
    then.dedup();
    (now, then)
}

/// Runs every rule on the snapshot and scores the findings with the decisions applied.
pub fn assess(input: &Input<'_>) -> Result<Assessment, rubric::ScoreError> {
    let mapping = mapping::map(input.rubric, input.profile, input.snapshot);
    let history_mapping = input
        .history
        .map(|h| mapping::map(input.rubric, input.profile, h));
    let ctx = rules::Ctx {
        rubric: input.rubric,
        profile: input.profile,
        snap: input.snapshot,
        history: input.history,
        history_mapping: history_mapping.as_ref(),
        mapping: &mapping,
        as_of: input.as_of,
    };
    let mut findings = rules::findings(&ctx);
    let watch = rules::watch(&ctx);
    findings.extend(input.decisions.manual.iter().cloned());
    findings.sort_by(|a, b| a.id.cmp(&b.id));
    let scores = rubric::score(input.rubric, &findings, &input.decisions.decisions)?;
    let mut counts = Counts::default();
    let reported: Vec<Reported> = findings
        .into_iter()
        .map(|f| {
            match f.status {
                Status::Deducted => counts.deducted += 1,
                Status::NeedsReview => counts.needs_review += 1,
                Status::Unverified => counts.unverified += 1,
            }
            if f.origin != rubric::Origin::Machine {
                counts.manual += 1;
            }
            let deduction = input
                .rubric
                .rule(&f.rule)
                .map(|r| r.deduction)
                .unwrap_or_default();
            Reported {
                indicator: indicator_of(&f.rule).to_string(),
                deduction,
                finding: f,
            }
        })
        .collect();
    Ok(Assessment {
        portal: input.snapshot.seed_url.clone(),
        crawl: input.snapshot.crawl,
        history_crawl: input.history.map(|h| h.crawl),
        rubric: input.rubric.id.clone(),
        rubric_title: input.rubric.title.clone(),
        rubric_version: input.rubric_version.clone(),
        as_of: input.as_of,
        extractor: extract_version(),
        review_below: input.rubric.review_below,
        total: scores.total,
        max: scores.max,
        counts,
        scores,
        findings: reported,
        decisions: input.decisions.decisions.clone(),
        mapping,
        watch,
    })
}

/// The reader's version tag, recorded with every run.
pub fn extract_version() -> String {
    extract::VERSION.to_string()
}

/// The version of a rubric file's text: the first 12 hex digits of its sha256.
pub fn rubric_version(text: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(text.as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// A file-system error in Chinese.
pub(crate) fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在",
        std::io::ErrorKind::PermissionDenied => "没有读取权限",
        std::io::ErrorKind::InvalidData => "不是 UTF-8 文本",
        std::io::ErrorKind::IsADirectory => "这是一个目录",
        _ => "读取失败",
    }
}

/// The TOML parser's message, in Chinese where we know what it says.
pub(crate) fn toml_reason(msg: &str) -> String {
    let m = msg.trim();
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!("不认识的字段「{field}」");
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!("缺少字段「{field}」");
    }
    if m.starts_with("invalid type") {
        return "取值类型不对（例如应为文字却写了数字）".into();
    }
    if m.contains("expected") || m.contains("invalid") {
        return "TOML 语法错误（引号、等号或方括号不配对）".into();
    }
    "TOML 语法错误".into()
}
