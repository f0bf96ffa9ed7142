//! The scoring engine: (rubric, findings, assessor decisions) → scores.
//!
//! Architecture invariant: [`score`] is a pure function. The same rubric, findings and
//! decisions give the same [`Scores`], byte for byte once serialised, whatever order the
//! findings come in. Reports and the workbench show these numbers; they never recompute them.
//!
//! The semantics (DESIGN.md, "Scoring semantics"):
//! - a finding costs its rule's `deduction`; the amount lives in the rubric, never in the
//!   finding, so a finding cannot disagree with the rubric it was scored against;
//! - an *unverified* finding (our fetch failed, a firewall answered) costs nothing until an
//!   assessor confirms it; a dismissed finding costs nothing; a manual finding counts;
//! - an indicator never goes below 0 (扣完为止); a section-scope rule (the −22) acts on the
//!   whole section, which also never goes below 0; the total is the sum of the sections;
//! - each deduction is charged to the finding's department. Where deductions exceed what an
//!   indicator has, the points actually lost are shared out in proportion to what each
//!   department was charged (largest remainder, ties by name), so the parts add up exactly.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Points;
use crate::model::{Count, Rubric, RuleKind, Scope};

/// One thing found wrong, by the machine or by an assessor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id, unique within an assessment (the producer derives it from what was found,
    /// so re-running the same assessment gives the same ids).
    pub id: String,
    /// Full rule id, e.g. `1.1/freshness`.
    pub rule: String,
    /// The department charged (any of its names; scores use the canonical one).
    pub department: String,
    /// What is missing or stale, e.g. an element name or a column name. Findings of a
    /// `per_class` rule with the same subject count once.
    pub subject: String,
    /// One sentence in Chinese for the department.
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub origin: Origin,
    /// How sure the machine is, from 0 to 1 (1 for manual findings).
    #[serde(default = "one")]
    pub confidence: f64,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

fn one() -> f64 {
    1.0
}

/// How far a finding can be trusted, and so whether it is scored.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked and sure: the defect is on the site; scored.
    #[default]
    #[serde(alias = "found")]
    Deducted,
    /// The machine is unsure (low confidence, a column it could not place, an owner it could
    /// not tell): shown, scored only once an assessor confirms it.
    NeedsReview,
    /// Could not be checked (timeout, firewall challenge, our own failure): never scored
    /// unless an assessor checks it by hand and confirms it.
    Unverified,
}

impl Status {
    /// The stored and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Deducted => "deducted",
            Status::NeedsReview => "needs_review",
            Status::Unverified => "unverified",
        }
    }

    /// The Chinese label used in tables and reports.
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Deducted => "扣分",
            Status::NeedsReview => "待复核",
            Status::Unverified => "未核实",
        }
    }
}

/// Who produced a finding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Origin {
    #[default]
    Machine,
    /// Recorded by an assessor (manual rules: accuracy, non-cooperation …).
    Assessor { name: String, reason: String },
}

/// What a finding rests on: one fetched page (or one URL we tried to fetch).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub url: String,
    /// The snapshot store's fetch id (`kaohe snapshot show CRAWL URL` shows it whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// sha256 (hex) of the body as fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// The WARC record (`<urn:uuid:…>`) this fetch becomes in `kaohe snapshot export-warc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warc_record: Option<String>,
    /// The page's words that show the defect (the stale entry, the empty element …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// The label the reader matched (设定依据, 相关政策 …), where one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What this piece of evidence shows, in Chinese (e.g. 「上次抓取时的同一条信息」).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An assessor's decision on a machine finding. Findings are never edited; decisions are
/// kept beside them. The last confirm/dismiss on a finding (in list order) is the one in
/// force, and so is the last reassignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub finding: String,
    pub action: Action,
    pub by: String,
    pub at: String,
    #[serde(default)]
    pub reason: String,
    /// For [`Action::Reassign`]: the department the finding is charged to instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// For [`Action::Adjust`]: what the finding costs instead of its rule's deduction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduction: Option<Points>,
}

/// What an assessor decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The finding stands (a needs-review or unverified finding then counts).
    Confirm,
    /// The finding is wrong and costs nothing.
    Dismiss,
    /// The finding is charged to `department` instead (whether it counts is unchanged).
    Reassign,
    /// The finding stands but costs `deduction` instead of its rule's amount: an assessor's
    /// judgement of degree, always with a reason, and kept in the audit like every decision.
    Adjust,
}

impl Action {
    /// The stored and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Confirm => "confirm",
            Action::Dismiss => "dismiss",
            Action::Reassign => "reassign",
            Action::Adjust => "adjust",
        }
    }

    /// The Chinese name used in the workbench and the audit log.
    pub fn label_zh(self) -> &'static str {
        match self {
            Action::Confirm => "确认",
            Action::Dismiss => "撤销",
            Action::Reassign => "改记单位",
            Action::Adjust => "调整扣分",
        }
    }
}

/// The result of scoring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    pub rubric: String,
    pub total: Points,
    pub max: Points,
    pub sections: Vec<SectionScore>,
    /// Every department of the rubric, in directory order.
    pub departments: Vec<DepartmentScore>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionScore {
    pub id: String,
    pub name: String,
    pub points: Points,
    pub score: Points,
    pub indicators: Vec<IndicatorScore>,
    /// Deductions of section-scope rules (the −22), before the floor.
    pub section_deductions: Vec<Charge>,
    /// Points the section-scope rules actually took.
    pub section_lost: Points,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub id: String,
    pub name: String,
    pub points: Points,
    pub score: Points,
    /// Sum of the counted deductions, before the floor at 0.
    pub deducted: Points,
    /// The deductions that count, one per finding (or per class / per department where the
    /// rule says so).
    pub charges: Vec<Charge>,
    /// Findings that cost nothing because they could not be verified.
    pub unverified: Vec<String>,
    /// Findings that cost nothing until a person confirms them.
    pub needs_review: Vec<String>,
    /// Findings an assessor dismissed.
    pub dismissed: Vec<String>,
}

/// One deduction that counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub finding: String,
    pub rule: String,
    pub department: String,
    pub deduction: Points,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentScore {
    pub name: String,
    /// Sum of the deductions charged to it, before any floor.
    pub deducted: Points,
    /// Its share of the points actually lost; the shares add up to `max - total`.
    pub lost: Points,
    pub findings: usize,
}

/// Findings that cannot be scored against this rubric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreError {
    UnknownRule {
        finding: String,
        rule: String,
    },
    UnknownDepartment {
        finding: String,
        department: String,
    },
    NotResponsible {
        finding: String,
        department: String,
        owner: String,
    },
    /// A reassignment without the department to reassign to.
    ReassignWithoutDepartment {
        finding: String,
    },
    /// A deduction adjustment without the amount.
    AdjustWithoutAmount {
        finding: String,
    },
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoreError::UnknownRule { finding, rule } => write!(
                f,
                "问题 {finding} 引用的规则 {rule} 不在本指标体系中：请核对规则编号（形如 1.1/freshness），或换用产生该问题时的指标体系。"
            ),
            ScoreError::UnknownDepartment {
                finding,
                department,
            } => write!(
                f,
                "问题 {finding} 的责任单位「{department}」不在本指标体系的单位名录中：请改用名录中的名称，或在指标体系文件的 [[departments]] 中为它加上别名。"
            ),
            ScoreError::NotResponsible {
                finding,
                department,
                owner,
            } => write!(
                f,
                "问题 {finding} 记在「{department}」名下，但该单位不是「{owner}」的考核单位：请把问题记到该指标的考核单位之一。"
            ),
            ScoreError::ReassignWithoutDepartment { finding } => write!(
                f,
                "对问题 {finding} 的改记单位决定没有写明改记到哪个单位：请在该决定中加上 department = \"单位名称\"。"
            ),
            ScoreError::AdjustWithoutAmount { finding } => write!(
                f,
                "对问题 {finding} 的调整扣分决定没有写明扣多少分：请在该决定中加上 deduction = \"0.5\"。"
            ),
        }
    }
}

impl std::error::Error for ScoreError {}

/// Scores the findings against the rubric, with the assessors' decisions applied.
pub fn score(
    rubric: &Rubric,
    findings: &[Finding],
    decisions: &[Decision],
) -> Result<Scores, ScoreError> {
    // Canonical order first: nothing below may depend on the order findings came in.
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.id, &a.rule, &a.department, &a.subject).cmp(&(
            &b.id,
            &b.rule,
            &b.department,
            &b.subject,
        ))
    });
    sorted.dedup_by(|a, b| a.id == b.id);

    let mut decided: HashMap<&str, Action> = HashMap::new();
    let mut reassigned: HashMap<&str, &str> = HashMap::new();
    let mut adjusted: HashMap<&str, Points> = HashMap::new();
    for d in decisions {
        match (d.action, &d.department) {
            (Action::Adjust, _) => {
                let amount = d.deduction.ok_or_else(|| ScoreError::AdjustWithoutAmount {
                    finding: d.finding.clone(),
                })?;
                adjusted.insert(d.finding.as_str(), amount);
                decided.insert(d.finding.as_str(), Action::Adjust);
            }
            (Action::Reassign, Some(to)) => {
                reassigned.insert(d.finding.as_str(), to.as_str());
            }
            (Action::Reassign, None) => {
                return Err(ScoreError::ReassignWithoutDepartment {
                    finding: d.finding.clone(),
                });
            }
            (action, _) => {
                decided.insert(d.finding.as_str(), action);
            }
        }
    }

    // Resolve every finding to (owner id, rule, canonical department), or fail.
    let mut by_owner: BTreeMap<&str, Vec<(&Finding, &crate::Rule, String)>> = BTreeMap::new();
    for f in &sorted {
        let rule = rubric
            .rule(&f.rule)
            .ok_or_else(|| ScoreError::UnknownRule {
                finding: f.id.clone(),
                rule: f.rule.clone(),
            })?;
        let charged = reassigned
            .get(f.id.as_str())
            .copied()
            .unwrap_or(f.department.as_str());
        let dept = rubric
            .department(charged)
            .ok_or_else(|| ScoreError::UnknownDepartment {
                finding: f.id.clone(),
                department: charged.to_string(),
            })?;
        let owner = rule.id.split('/').next().unwrap_or_default();
        let (owner_name, responsible) = match rule.scope {
            Scope::Indicator => {
                let ind = rubric.indicator(owner);
                (
                    ind.map(|i| i.name.clone()).unwrap_or_default(),
                    ind.is_some_and(|i| i.departments.contains(&dept.name)),
                )
            }
            Scope::Section => {
                let sec = rubric.sections.iter().find(|s| s.id == owner);
                (
                    sec.map(|s| s.name.clone()).unwrap_or_default(),
                    sec.is_some_and(|s| {
                        s.indicators
                            .iter()
                            .any(|i| i.departments.contains(&dept.name))
                    }),
                )
            }
        };
        if !responsible {
            return Err(ScoreError::NotResponsible {
                finding: f.id.clone(),
                department: dept.name.clone(),
                owner: owner_name,
            });
        }
        by_owner
            .entry(owner)
            .or_default()
            .push((f, rule, dept.name.clone()));
    }

    let mut dept_deducted: BTreeMap<String, Points> = BTreeMap::new();
    let mut dept_lost: BTreeMap<String, Points> = BTreeMap::new();
    let mut dept_findings: BTreeMap<String, usize> = BTreeMap::new();
    let empty = Vec::new();

    let mut sections = Vec::new();
    for section in &rubric.sections {
        let mut indicators = Vec::new();
        for ind in &section.indicators {
            let list = by_owner.get(ind.id.as_str()).unwrap_or(&empty);
            let tally = tally(list, &decided, &adjusted);
            let deducted: Points = tally.charges.iter().map(|c| c.deduction).sum();
            let lost = deducted.min(ind.points);
            share(&tally.charges, lost, &mut dept_lost);
            for c in &tally.charges {
                *dept_deducted.entry(c.department.clone()).or_default() += c.deduction;
                *dept_findings.entry(c.department.clone()).or_default() += 1;
            }
            indicators.push(IndicatorScore {
                id: ind.id.clone(),
                name: ind.name.clone(),
                points: ind.points,
                score: ind.points.saturating_deduct(deducted),
                deducted,
                charges: tally.charges,
                unverified: tally.unverified,
                needs_review: tally.needs_review,
                dismissed: tally.dismissed,
            });
        }
        let list = by_owner.get(section.id.as_str()).unwrap_or(&empty);
        let tally = tally(list, &decided, &adjusted);
        let before: Points = indicators.iter().map(|i| i.score).sum();
        let section_deducted: Points = tally.charges.iter().map(|c| c.deduction).sum();
        let section_lost = section_deducted.min(before);
        share(&tally.charges, section_lost, &mut dept_lost);
        for c in &tally.charges {
            *dept_deducted.entry(c.department.clone()).or_default() += c.deduction;
            *dept_findings.entry(c.department.clone()).or_default() += 1;
        }
        sections.push(SectionScore {
            id: section.id.clone(),
            name: section.name.clone(),
            points: section.points,
            score: before.saturating_deduct(section_deducted),
            indicators,
            section_deductions: tally.charges,
            section_lost,
        });
    }

    let departments = rubric
        .departments
        .iter()
        .map(|d| DepartmentScore {
            name: d.name.clone(),
            deducted: dept_deducted.get(&d.name).copied().unwrap_or_default(),
            lost: dept_lost.get(&d.name).copied().unwrap_or_default(),
            findings: dept_findings.get(&d.name).copied().unwrap_or_default(),
        })
        .collect();

    Ok(Scores {
        rubric: rubric.id.clone(),
        total: sections.iter().map(|s| s.score).sum(),
        max: rubric.total,
        sections,
        departments,
    })
}

struct Tally {
    charges: Vec<Charge>,
    unverified: Vec<String>,
    needs_review: Vec<String>,
    dismissed: Vec<String>,
}

/// Turns the findings on one indicator (or one section's own rules) into the deductions
/// that count, applying decisions, `per_class` and `once`.
fn tally(
    list: &[(&Finding, &crate::Rule, String)],
    decided: &HashMap<&str, Action>,
    adjusted: &HashMap<&str, Points>,
) -> Tally {
    let mut out = Tally {
        charges: Vec::new(),
        unverified: Vec::new(),
        needs_review: Vec::new(),
        dismissed: Vec::new(),
    };
    // Keys already charged for rules that count a thing once; `list` is in canonical order,
    // so the finding that carries a shared deduction is always the same one.
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for (f, rule, dept) in list {
        let counts = match decided.get(f.id.as_str()) {
            Some(Action::Dismiss) => {
                out.dismissed.push(f.id.clone());
                false
            }
            Some(Action::Confirm) | Some(Action::Adjust) => true,
            Some(Action::Reassign) | None if f.origin != Origin::Machine => true,
            Some(Action::Reassign) | None => match f.status {
                Status::Deducted => true,
                Status::Unverified => {
                    out.unverified.push(f.id.clone());
                    false
                }
                Status::NeedsReview => {
                    out.needs_review.push(f.id.clone());
                    false
                }
            },
        };
        if !counts {
            continue;
        }
        let per_class = matches!(
            rule.kind,
            RuleKind::GuideElements {
                count: Count::PerClass,
                ..
            }
        );
        let key = if rule.once {
            Some((rule.id.clone(), dept.clone()))
        } else if per_class {
            Some((rule.id.clone(), f.subject.clone()))
        } else {
            None
        };
        if let Some(k) = key
            && !seen.insert(k)
        {
            continue;
        }
        out.charges.push(Charge {
            finding: f.id.clone(),
            rule: rule.id.clone(),
            department: dept.clone(),
            deduction: adjusted
                .get(f.id.as_str())
                .copied()
                .unwrap_or(rule.deduction),
        });
    }
    out
}

/// Shares `lost` among the charged departments in proportion to their charges, exactly,
/// in hundredths (largest remainder; ties go to the name that sorts first).
fn share(charges: &[Charge], lost: Points, into: &mut BTreeMap<String, Points>) {
    let mut by_dept: BTreeMap<&str, i64> = BTreeMap::new();
    for c in charges {
        *by_dept.entry(&c.department).or_default() += c.deduction.hundredths();
    }
    let total: i64 = by_dept.values().sum();
    if total == 0 {
        return;
    }
    let lost = lost.hundredths();
    let mut parts: Vec<(&str, i64, i64)> = by_dept
        .iter()
        .map(|(d, v)| (*d, lost * v / total, lost * v % total))
        .collect();
    let mut left = lost - parts.iter().map(|p| p.1).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| parts[b].2.cmp(&parts[a].2).then(parts[a].0.cmp(parts[b].0)));
    for i in order {
        if left == 0 {
            break;
        }
        parts[i].1 += 1;
        left -= 1;
    }
    for (d, v, _) in parts {
        *into.entry(d.to_string()).or_default() += Points::from_hundredths(v);
    }
}
