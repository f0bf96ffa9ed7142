//! What every artefact shows, computed once from the stored run: one row per finding with the
//! department charged and the deduction that counts after the decisions, the departments
//! ranked by the points they lost, and the run's metadata. Read from the scoring engine's
//! result; never a score of its own.

use std::collections::HashMap;

use assess::{Assessment, Reported};
use rubric::{Action, Department, Points, Rubric, Status};

/// The stored run a report is made from.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub id: i64,
    pub published: bool,
    /// When the run was stored (RFC 3339).
    pub created_at: String,
}

/// A finding as the reports show it.
#[derive(Clone, Debug)]
pub struct Row<'a> {
    pub finding: &'a Reported,
    /// 1.1 教育服务 (or the section's name for a section rule).
    pub indicator_name: String,
    /// The rule's short name (栏目更新 …).
    pub rule_name: String,
    /// The department charged, after any reassignment (canonical name).
    pub department: String,
    /// The assessor's last confirm or dismiss, if any.
    pub decision: Option<Action>,
    /// Points this finding actually costs in the stored scores (0 when it needs review, is
    /// unverified, dismissed, or counted once with another).
    pub counted: Points,
}

impl Row<'_> {
    pub fn status(&self) -> Status {
        self.finding.finding.status
    }

    /// The status in words, with the decision when there is one (待复核（已确认）).
    pub fn status_zh(&self) -> String {
        let s = self.status().label_zh();
        match self.decision {
            Some(Action::Confirm) => format!("{s}（已确认）"),
            Some(Action::Dismiss) => format!("{s}（已撤销）"),
            Some(Action::Adjust) => format!("{s}（已调整扣分）"),
            _ => s.to_string(),
        }
    }

    /// Something the department must fix: deducted or awaiting review, and not dismissed.
    pub fn to_fix(&self) -> bool {
        self.decision != Some(Action::Dismiss)
            && matches!(self.status(), Status::Deducted | Status::NeedsReview)
    }
}

/// A department's line in the ranking.
#[derive(Clone, Debug)]
pub struct DepartmentRow {
    pub name: String,
    pub full_name: String,
    pub lost: Points,
    pub deducted: Points,
    pub findings: usize,
    /// Indicators it lost points on (id and name), in table order.
    pub indicators: Vec<String>,
}

/// A stored run ready to be written in any format.
pub struct Report<'a> {
    pub run: RunInfo,
    pub assessment: &'a Assessment,
    pub rubric: &'a Rubric,
    /// Only this department's findings and notice (canonical name).
    pub department: Option<String>,
    /// Findings in the rubric's order (section, indicator, rule), then by id.
    pub rows: Vec<Row<'a>>,
    /// Departments with a finding or a lost point, most points lost first.
    pub departments: Vec<DepartmentRow>,
}

impl<'a> Report<'a> {
    /// Builds the rows of a run. `department` limits the findings and notices to one
    /// department (any of its names).
    pub fn new(
        run: RunInfo,
        assessment: &'a Assessment,
        rubric: &'a Rubric,
        department: Option<&str>,
    ) -> Result<Report<'a>, crate::ReportError> {
        let department = match department {
            None => None,
            Some(d) => Some(
                rubric
                    .department(d)
                    .ok_or_else(|| crate::ReportError::NoSuchDepartment(d.to_string()))?
                    .name
                    .clone(),
            ),
        };
        let canonical = |name: &str| {
            rubric
                .department(name)
                .map_or_else(|| name.to_string(), |d| d.name.clone())
        };

        // What each finding counts for, from the stored scores.
        let mut counted: HashMap<&str, Points> = HashMap::new();
        for s in &assessment.scores.sections {
            let charges = s
                .section_deductions
                .iter()
                .chain(s.indicators.iter().flat_map(|i| i.charges.iter()));
            for c in charges {
                *counted.entry(c.finding.as_str()).or_default() += c.deduction;
            }
        }
        // The decisions in force: the last confirm/dismiss, the last reassignment.
        let mut decided: HashMap<&str, Action> = HashMap::new();
        let mut moved: HashMap<&str, &str> = HashMap::new();
        for d in &assessment.decisions {
            match d.action {
                Action::Reassign => {
                    if let Some(to) = &d.department {
                        moved.insert(d.finding.as_str(), to.as_str());
                    }
                }
                a => {
                    decided.insert(d.finding.as_str(), a);
                }
            }
        }

        let order: HashMap<&str, usize> = rubric
            .rules()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let mut rows: Vec<Row<'a>> = assessment
            .findings
            .iter()
            .map(|f| {
                let id = f.finding.id.as_str();
                let dept = moved
                    .get(id)
                    .copied()
                    .unwrap_or(f.finding.department.as_str());
                Row {
                    finding: f,
                    indicator_name: indicator_name(rubric, &f.indicator),
                    rule_name: rubric
                        .rule(&f.finding.rule)
                        .map_or_else(|| f.finding.rule.clone(), |r| r.name.clone()),
                    department: canonical(dept),
                    decision: decided.get(id).copied(),
                    counted: counted.get(id).copied().unwrap_or_default(),
                }
            })
            .filter(|r| department.as_ref().is_none_or(|d| &r.department == d))
            .collect();
        rows.sort_by(|a, b| {
            let key = |r: &Row<'_>| {
                order
                    .get(r.finding.finding.rule.as_str())
                    .copied()
                    .unwrap_or(usize::MAX)
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| a.finding.finding.id.cmp(&b.finding.finding.id))
        });

        let mut departments: Vec<DepartmentRow> = assessment
            .scores
            .departments
            .iter()
            .filter(|d| department.as_ref().is_none_or(|x| &d.name == x))
            .filter(|d| d.findings > 0 || d.lost > Points::ZERO)
            .map(|d| {
                let mut indicators: Vec<String> = Vec::new();
                for r in rows.iter().filter(|r| r.department == d.name) {
                    if r.counted > Points::ZERO && !indicators.contains(&r.indicator_name) {
                        indicators.push(r.indicator_name.clone());
                    }
                }
                DepartmentRow {
                    name: d.name.clone(),
                    full_name: rubric
                        .department(&d.name)
                        .map_or_else(|| d.name.clone(), |x| x.full_name.clone()),
                    lost: d.lost,
                    deducted: d.deducted,
                    findings: d.findings,
                    indicators,
                }
            })
            .collect();
        // Most points lost first; the directory's order among equals (a stable sort).
        departments.sort_by_key(|d| std::cmp::Reverse(d.lost));

        Ok(Report {
            run,
            assessment,
            rubric,
            department,
            rows,
            departments,
        })
    }

    /// The stem of the report's file names: 评估报告-3 (or 评估报告-3-教育局).
    pub fn file_stem(&self) -> String {
        match &self.department {
            None => format!("评估报告-{}", self.run.id),
            Some(d) => crate::text::file_name(&format!("评估报告-{}-{d}", self.run.id)),
        }
    }

    /// The departments that get a notice: each with something to fix, or the report's own
    /// department whatever it has.
    pub fn notice_departments(&self) -> Vec<&'a Department> {
        self.rubric
            .departments
            .iter()
            .filter(|d| match &self.department {
                Some(x) => &d.name == x,
                None => self
                    .rows
                    .iter()
                    .any(|r| r.department == d.name && r.to_fix()),
            })
            .collect()
    }

    /// The rows of one department's notice.
    pub fn to_fix_of(&self, department: &str) -> Vec<&Row<'a>> {
        self.rows
            .iter()
            .filter(|r| r.department == department && r.to_fix())
            .collect()
    }

    /// The run as JSON: the assessment as `kaohe assess --format json` prints it. With a
    /// department, nothing of another department's is left in it: its findings, decisions,
    /// charges, the ids in the scores' lists, its lines of the ranking, its columns.
    pub fn json(&self) -> String {
        let out = match &self.department {
            None => serde_json::to_string_pretty(self.assessment),
            Some(dept) => {
                let mut a = self.assessment.clone();
                let keep: std::collections::HashSet<&str> = self
                    .rows
                    .iter()
                    .map(|r| r.finding.finding.id.as_str())
                    .collect();
                let kept = |id: &String| keep.contains(id.as_str());
                a.findings.retain(|f| kept(&f.finding.id));
                a.decisions.retain(|d| kept(&d.finding));
                for s in &mut a.scores.sections {
                    s.section_deductions.retain(|c| kept(&c.finding));
                    for i in &mut s.indicators {
                        i.charges.retain(|c| kept(&c.finding));
                        i.unverified.retain(kept);
                        i.needs_review.retain(kept);
                        i.dismissed.retain(kept);
                    }
                }
                a.scores.departments.retain(|d| &d.name == dept);
                a.mapping
                    .columns
                    .retain(|c| c.department.as_deref() == Some(dept.as_str()));
                a.watch
                    .retain(|w| w.department.as_deref() == Some(dept.as_str()));
                serde_json::to_string_pretty(&a)
            }
        };
        // Serialising plain data cannot fail; an empty object would be a visible failure.
        out.unwrap_or_else(|_| "{}".to_string()) + "\n"
    }

    /// One line naming the run: 评估 #3（草稿） · 截止 2017-12-20 · 抓取 #2.
    pub fn run_line(&self) -> String {
        format!(
            "评估 #{}（{}） · 截止日期 {} · 抓取 #{}",
            self.run.id,
            if self.run.published {
                "已发布"
            } else {
                "草稿"
            },
            self.assessment.as_of,
            self.assessment.crawl
        )
    }

    /// Metadata rows (label, value) shown by the HTML report and the workbook.
    pub fn metadata(&self) -> Vec<(&'static str, String)> {
        let a = self.assessment;
        vec![
            ("网站", a.portal.clone()),
            ("考核截止日期", a.as_of.to_string()),
            ("指标体系", format!("{}（{}）", a.rubric_title, a.rubric)),
            ("指标体系版本", a.rubric_version.clone()),
            ("评估编号", format!("#{}", self.run.id)),
            (
                "评估状态",
                if self.run.published {
                    "已发布".to_string()
                } else {
                    "草稿".to_string()
                },
            ),
            ("评估时间", self.run.created_at.clone()),
            ("抓取编号", format!("#{}", a.crawl)),
            (
                "对比的上次抓取",
                a.history_crawl
                    .map_or_else(|| "无".to_string(), |c| format!("#{c}")),
            ),
            ("页面读取器版本", a.extractor.clone()),
            ("待复核阈值（置信度低于）", format!("{}", a.review_below)),
            (
                "范围",
                self.department
                    .clone()
                    .unwrap_or_else(|| "全部考核单位".to_string()),
            ),
        ]
    }
}

/// `1.1 教育服务`, or the section's name for a section-scope rule.
pub(crate) fn indicator_name(rubric: &Rubric, id: &str) -> String {
    if let Some(i) = rubric.indicator(id) {
        return format!("{} {}", i.id, i.name);
    }
    rubric
        .sections
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_string(), |s| s.name.clone())
}

/// The seed's scoring text for an indicator or section (计分标准), for the notice.
pub(crate) fn scoring_text(rubric: &Rubric, id: &str) -> Option<String> {
    if let Some(i) = rubric.indicator(id) {
        return Some(i.scoring.clone()).filter(|s| !s.trim().is_empty());
    }
    let s = rubric.sections.iter().find(|s| s.id == id)?;
    let t: Vec<String> = s
        .rules
        .iter()
        .map(|r| format!("{}：每项扣 {} 分", r.name, r.deduction))
        .collect();
    (!t.is_empty()).then(|| t.join("；"))
}
