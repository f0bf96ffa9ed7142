//! The decisions file: what assessors decided about the machine's findings, and the
//! deductions only a person can make. Applied by the scoring engine beside the findings;
//! findings are never edited.
//!
//! ```toml
//! [[decisions]]
//! finding = "1.1/freshness:/ggfw/jyfw/zcfg/index.html#教育服务 > 相关政策"
//! action = "dismiss"            # confirm | dismiss | reassign
//! reason = "该栏目 12 月已更新，抓取早于更新"
//! by = "张三"
//! at = "2017-12-21"
//!
//! [[decisions]]
//! finding = "…"
//! action = "reassign"
//! department = "民政局"          # reassign: the department charged instead
//! reason = "该栏目由民政局维护"
//! by = "张三"
//! at = "2017-12-21"
//!
//! [[manual]]                    # a deduction only a person can judge (a `manual` rule)
//! rule = "1.1/accuracy"
//! department = "教育局"
//! subject = "学前教育收费标准"
//! url = "http://…/t20171102_1.html"
//! reason = "收费标准仍为 2012 年标准，已于 2016 年调整"
//! by = "张三"
//! at = "2017-12-21"
//! ```

use std::fmt;
use std::path::Path;

use rubric::{Action, Decision, Evidence, Finding, Origin, Rubric, RuleKind, Status};
use serde::Deserialize;

/// The decisions and manual findings of one file, checked against the rubric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decisions {
    pub decisions: Vec<Decision>,
    pub manual: Vec<Finding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    decisions: Vec<RawDecision>,
    #[serde(default)]
    manual: Vec<RawManual>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecision {
    finding: String,
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    department: Option<String>,
    /// For `adjust`: what the finding costs instead (0 ≤ amount ≤ the rule's deduction).
    #[serde(default)]
    deduction: Option<f64>,
    by: String,
    at: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManual {
    rule: String,
    department: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    url: Option<String>,
    reason: String,
    by: String,
    at: String,
}

/// A decisions file that cannot be used, in Chinese with what to do.
#[derive(Debug)]
pub struct DecisionsError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for DecisionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "评审决定文件 {}：{}", self.file, self.message)
    }
}

impl std::error::Error for DecisionsError {}

impl Decisions {
    pub fn load(path: &Path, rubric: &Rubric) -> Result<Decisions, DecisionsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DecisionsError {
            file: file.clone(),
            message: format!("无法读取（{}）：请检查路径和读取权限", crate::io_reason(&e)),
        })?;
        Decisions::parse(&file, &text, rubric)
    }

    pub fn parse(file: &str, text: &str, rubric: &Rubric) -> Result<Decisions, DecisionsError> {
        let err = |message: String| DecisionsError {
            file: file.to_string(),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("第 {line} 行：")
                })
                .unwrap_or_default();
            err(format!(
                "{at}格式不对（{}）。格式见 docs/assess.md「评审决定文件」",
                crate::toml_reason(e.message())
            ))
        })?;
        let mut out = Decisions::default();
        for (i, d) in raw.decisions.into_iter().enumerate() {
            let n = i + 1;
            let action = match d.action.trim() {
                "confirm" => Action::Confirm,
                "dismiss" => Action::Dismiss,
                "reassign" => Action::Reassign,
                "adjust" => Action::Adjust,
                other => {
                    return Err(err(format!(
                        "第 {n} 个 [[decisions]] 的 action = \"{other}\" 无法识别：可用 confirm（确认）、dismiss（撤销）、reassign（改记单位）、adjust（调整扣分）"
                    )));
                }
            };
            if d.reason.trim().is_empty() {
                match action {
                    Action::Dismiss => {
                        return Err(err(format!(
                            "第 {n} 个 [[decisions]] 撤销问题却没有写 reason：撤销须写明理由"
                        )));
                    }
                    Action::Adjust => {
                        return Err(err(format!(
                            "第 {n} 个 [[decisions]] 调整扣分却没有写 reason：调整扣分须写明理由"
                        )));
                    }
                    _ => {}
                }
            }
            let deduction = match (action, d.deduction) {
                (Action::Adjust, None) => {
                    return Err(err(format!(
                        "第 {n} 个 [[decisions]] 调整扣分却没有写 deduction：请写明扣多少分，如 deduction = 0.5"
                    )));
                }
                (Action::Adjust, Some(v)) => match rubric::Points::from_f64(v) {
                    Some(p) if p >= rubric::Points::ZERO => Some(p),
                    _ => {
                        return Err(err(format!(
                            "第 {n} 个 [[decisions]] 的 deduction = {v} 无法使用：应为不小于 0、最多两位小数的分值"
                        )));
                    }
                },
                (_, _) => None,
            };
            let department = match (action, d.department) {
                (Action::Reassign, None) => {
                    return Err(err(format!(
                        "第 {n} 个 [[decisions]] 改记单位却没有写 department：请写明改记到哪个单位"
                    )));
                }
                (Action::Reassign, Some(dep)) => match rubric.department(&dep) {
                    Some(x) => Some(x.name.clone()),
                    None => {
                        return Err(err(format!(
                            "第 {n} 个 [[decisions]] 的 department = \"{dep}\" 不在单位名录中"
                        )));
                    }
                },
                (_, _) => None,
            };
            if d.by.trim().is_empty() {
                return Err(err(format!(
                    "第 {n} 个 [[decisions]] 没有写 by：请写明是谁作出的决定"
                )));
            }
            out.decisions.push(Decision {
                finding: d.finding.trim().to_string(),
                action,
                by: d.by.trim().to_string(),
                at: d.at.trim().to_string(),
                reason: d.reason.trim().to_string(),
                department,
                deduction,
            });
        }
        for (i, m) in raw.manual.into_iter().enumerate() {
            let n = i + 1;
            let Some(rule) = rubric.rule(m.rule.trim()) else {
                return Err(err(format!(
                    "第 {n} 个 [[manual]] 的 rule = \"{}\" 不在指标体系中：人工扣分须引用一条规则，例如 1.1/accuracy",
                    m.rule
                )));
            };
            if !matches!(rule.kind, RuleKind::Manual { .. }) {
                return Err(err(format!(
                    "第 {n} 个 [[manual]] 引用的规则 {} 不是人工评判规则（manual）：机器规则的问题请用 [[decisions]] 确认或撤销",
                    rule.id
                )));
            }
            let Some(dept) = rubric.department(&m.department) else {
                return Err(err(format!(
                    "第 {n} 个 [[manual]] 的 department = \"{}\" 不在单位名录中",
                    m.department
                )));
            };
            if m.reason.trim().is_empty() {
                return Err(err(format!(
                    "第 {n} 个 [[manual]] 没有写 reason：人工扣分须写明理由"
                )));
            }
            let subject = if m.subject.trim().is_empty() {
                rule.name.clone()
            } else {
                m.subject.trim().to_string()
            };
            let url = m.url.unwrap_or_default();
            out.manual.push(Finding {
                id: format!("{}:{}#{}", rule.id, url, subject),
                rule: rule.id.clone(),
                department: dept.name.clone(),
                subject,
                message: m.reason.trim().to_string(),
                status: Status::Deducted,
                origin: Origin::Assessor {
                    name: m.by.trim().to_string(),
                    reason: m.reason.trim().to_string(),
                },
                confidence: 1.0,
                evidence: if url.is_empty() {
                    vec![]
                } else {
                    vec![Evidence {
                        url,
                        fetched_at: Some(m.at.trim().to_string()),
                        ..Default::default()
                    }]
                },
            });
        }
        Ok(out)
    }
}
