//! The ground truth: every finding a correct assessment of this site must produce, the scores
//! the scoring engine gives for them, the site's columns and guides as they really are, and
//! the behaviours a crawler meets (and which of them static files cannot have).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::guide::{self, Value};
use crate::plan::GuideDefect;
use crate::render::{CALENDAR_PATH, CHALLENGE_PATH, REDIRECTS, item_table_rows};
use crate::site::{Site, freshness_rule};
use crate::vocab::{Ctype, INDICATORS};

/// One finding the assessment must produce.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExpectedFinding {
    pub id: String,
    pub indicator: String,
    /// Canonical department name from the rubric.
    pub department: String,
    /// Full rule id, e.g. `1.3/freshness`.
    pub rule: String,
    pub subject: String,
    /// Path on the site (the column's first list page, the guide, the table …).
    pub url: String,
    /// The rule's deduction, from the rubric.
    pub deduction: rubric::Points,
    pub message: String,
    /// What a correct assessment calls it: `deducted`; `needs_review` where a careful reader
    /// cannot be sure from the page; `unverified` where the portal keeps the crawler out.
    pub status: rubric::Status,
}

/// A 公共服务 sub-column as it really is.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnTruth {
    pub url: String,
    pub name: String,
    /// Breadcrumb from 公共服务 down to the column.
    pub path: Vec<String>,
    pub indicator: String,
    pub department: String,
    /// The rubric's column type id (policy, utility_notice, guide …).
    pub column_type: String,
    pub entries: u64,
    pub list_pages: u64,
    /// The newest date the column's list shows (in the current version of the site).
    pub newest: String,
    /// For the re-dated column: the real date of its newest entry (shown in the previous
    /// version of the site); `fresh` follows this date.
    pub redated_from: Option<String>,
    /// The oldest date that still counts as updated at the as-of date.
    pub window_start: String,
    pub fresh: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FormTruth {
    pub name: String,
    pub url: Option<String>,
    pub downloadable: bool,
}

/// A service guide as it really is.
#[derive(Clone, Debug, Serialize)]
pub struct GuideTruth {
    pub url: String,
    pub title: String,
    pub indicator: String,
    pub department: String,
    pub layout: String,
    /// For each of the 9 elements: the label it is given under, or null when missing.
    pub elements: BTreeMap<String, Option<String>>,
    /// Labels on the page that look like an element but are not one (办理时限, 监督电话 …).
    pub traps: Vec<String>,
    pub forms: Vec<FormTruth>,
}

/// Something a crawler meets on this site.
#[derive(Clone, Debug, Serialize)]
pub struct Behaviour {
    pub kind: String,
    pub path: String,
    pub detail: String,
    /// Whether `kaohe demo-site write` reproduces it in static files.
    pub in_static_files: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    pub generator: String,
    pub seed: u64,
    pub size: usize,
    pub county: String,
    pub as_of: String,
    pub rubric: String,
    pub findings: Vec<ExpectedFinding>,
    /// Sum of the deducted findings' deductions, before any floor (needs-review and
    /// unverified findings cost nothing until a person confirms them).
    pub deducted: rubric::Points,
    /// `rubric::score` of the findings (no assessor decisions).
    pub scores: Option<rubric::Scores>,
    pub score_error: Option<String>,
    pub columns: Vec<ColumnTruth>,
    pub guides: Vec<GuideTruth>,
    pub behaviours: Vec<Behaviour>,
}

impl Manifest {
    /// The findings as the scoring engine takes them.
    pub fn rubric_findings(&self) -> Vec<rubric::Finding> {
        self.findings.iter().map(to_rubric).collect()
    }
}

fn to_rubric(f: &ExpectedFinding) -> rubric::Finding {
    rubric::Finding {
        id: f.id.clone(),
        rule: f.rule.clone(),
        department: f.department.clone(),
        subject: f.subject.clone(),
        message: f.message.clone(),
        status: f.status,
        origin: rubric::Origin::Machine,
        confidence: 1.0,
        evidence: vec![rubric::Evidence {
            url: f.url.clone(),
            ..Default::default()
        }],
    }
}

impl Site {
    /// The ground-truth manifest at the as-of date.
    pub fn truth(&self) -> Manifest {
        let rub = rubric::bundled(rubric::BUNDLED_ID);
        let deduction = |rule: &str| {
            rub.as_ref()
                .and_then(|r| r.rule(rule))
                .map(|r| r.deduction)
                .unwrap_or_default()
        };
        let mut findings = Vec::new();
        let mut push = |st: rubric::Status,
                        ind: &str,
                        dept: &str,
                        rule: String,
                        subject: String,
                        url: String,
                        message: String| {
            findings.push(ExpectedFinding {
                id: format!("{rule}:{url}#{subject}"),
                indicator: ind.to_string(),
                department: dept.to_string(),
                deduction: deduction(&rule),
                rule,
                subject,
                url,
                message,
                status: st,
            });
        };
        let mut columns = Vec::new();
        let mut guides = Vec::new();
        for (c, col) in self.cols.iter().enumerate() {
            let (Some(k), Some(ct)) = (col.ind, col.ctype) else {
                continue;
            };
            let ind = INDICATORS[k].id;
            let start = self.window_start(c).unwrap_or(self.as_of);
            let fresh = col.newest >= start;
            let mut path: Vec<String> = col.trail.iter().map(|t| t.0.clone()).collect();
            path.push(col.name.clone());
            let url = self.list_path(c, 0);
            let redated = self.plan.redated == Some(c);
            if !fresh {
                let mut message = format!(
                    "「{}」栏目最新信息为{}，截至{}已超过更新期限（应不早于{}）",
                    col.name, col.newest, self.as_of, start
                );
                if redated {
                    message.push_str(&format!(
                        "；最新一条显示为{}，但与上一版网站中日期为{}的同一条信息内容相同，只改了日期",
                        self.shown_date(c, 0),
                        col.newest
                    ));
                }
                push(
                    rubric::Status::Deducted,
                    ind,
                    col.dept,
                    freshness_rule(ind),
                    path[1..].join(" > "),
                    url.clone(),
                    message,
                );
            }
            columns.push(ColumnTruth {
                url,
                name: col.name.clone(),
                path,
                indicator: ind.into(),
                department: col.dept.into(),
                column_type: ct.rubric_id().into(),
                entries: col.count,
                list_pages: self.pages_of(c),
                newest: self.shown_date(c, 0).to_string(),
                redated_from: redated.then(|| col.newest.to_string()),
                window_start: start.to_string(),
                fresh,
            });
            if ct != Ctype::Guide {
                continue;
            }
            for i in 0..col.count {
                let g = guide::build(self, c, i);
                let url = self.item_path(c, i);
                let mut elements = BTreeMap::new();
                for (e, _) in guide::LABELS {
                    let f = g.fields.iter().find(|f| {
                        f.element == Some(*e) && !matches!(f.value, Value::Empty | Value::Script(_))
                    });
                    elements.insert(e.to_string(), f.map(|f| f.label.clone()));
                }
                let traps = g
                    .fields
                    .iter()
                    .filter(|f| f.element.is_none())
                    .map(|f| f.label.clone())
                    .collect();
                if self.plan.walled == Some((c, i)) {
                    // Behind the firewall: the crawler cannot read it, so nothing on it is
                    // checked and nothing is deducted; it is not a readable guide either.
                    push(
                        rubric::Status::Unverified,
                        ind,
                        col.dept,
                        format!("{ind}/elements"),
                        "网页未能核实".into(),
                        url.clone(),
                        format!(
                            "服务指南「{}」在防火墙质询之后，未能抓取，要素未能核实",
                            g.title
                        ),
                    );
                    continue;
                }
                if ind.starts_with("1.") {
                    if g.defect == Some(GuideDefect::CutShort) {
                        // A machine that reads five elements missing from one page is not
                        // sure of itself: each is for a person to confirm.
                        for (e, label) in &elements {
                            if label.is_none() {
                                push(
                                    rubric::Status::NeedsReview,
                                    ind,
                                    col.dept,
                                    format!("{ind}/elements"),
                                    e.clone(),
                                    url.clone(),
                                    format!(
                                        "服务指南「{}」缺少要素「{e}」：{}",
                                        g.title,
                                        GuideDefect::CutShort.describe()
                                    ),
                                );
                            }
                        }
                    } else if let Some(d) = g.defect {
                        push(
                            rubric::Status::Deducted,
                            ind,
                            col.dept,
                            format!("{ind}/elements"),
                            d.element().into(),
                            url.clone(),
                            format!(
                                "服务指南「{}」缺少要素「{}」：{}",
                                g.title,
                                d.element(),
                                d.describe()
                            ),
                        );
                    }
                    for f in &g.forms {
                        if let Some(d) = f.defect {
                            push(
                                rubric::Status::Deducted,
                                ind,
                                col.dept,
                                format!("{ind}/forms"),
                                f.name.clone(),
                                url.clone(),
                                format!(
                                    "服务指南「{}」办理材料中的{}未提供下载：{}",
                                    g.title,
                                    f.name,
                                    d.describe()
                                ),
                            );
                        }
                    }
                }
                guides.push(GuideTruth {
                    url,
                    title: g.title.clone(),
                    indicator: ind.into(),
                    department: col.dept.into(),
                    layout: g.layout.id().into(),
                    elements,
                    traps,
                    forms: g
                        .forms
                        .iter()
                        .map(|f| FormTruth {
                            name: f.name.clone(),
                            url: f.href.clone(),
                            downloadable: f.defect.is_none(),
                        })
                        .collect(),
                });
            }
        }
        // Key-service content and key-area item tables.
        if let Some(r) = &rub {
            for (ind, item) in &self.plan.content_missing {
                let Some(rule) = r.rule(&format!("{ind}/content")) else {
                    continue;
                };
                if let rubric::RuleKind::RequiredContent { items } = &rule.kind {
                    let name = items.get(*item).map(|x| x.name.clone()).unwrap_or_default();
                    let (dept, url) = self.content_owner(ind, *item);
                    push(
                        rubric::Status::Deducted,
                        ind,
                        &dept,
                        rule.id.clone(),
                        name.clone(),
                        url,
                        format!("重点服务缺少「{name}」内容"),
                    );
                }
            }
            for (ind, entry) in &self.plan.table_missing {
                let Some(rule) = r.rule(&format!("{ind}/item_table")) else {
                    continue;
                };
                if let rubric::RuleKind::ItemTable { entries, .. } = &rule.kind {
                    let name = entries
                        .get(*entry)
                        .map(|x| x.name.clone())
                        .unwrap_or_default();
                    let k = INDICATORS.iter().position(|s| s.id == *ind).unwrap_or(0);
                    let url = format!("/ggfw/{}/sxslb.html", INDICATORS[k].slug);
                    let _ = item_table_rows(ind);
                    push(
                        rubric::Status::Deducted,
                        ind,
                        INDICATORS[k].depts[0],
                        rule.id.clone(),
                        name.clone(),
                        url,
                        format!("事项梳理表缺少「{name}」"),
                    );
                }
            }
        }
        findings.sort_by(|a, b| (&a.rule, &a.url, &a.subject).cmp(&(&b.rule, &b.url, &b.subject)));
        let deducted = findings
            .iter()
            .filter(|f| f.status == rubric::Status::Deducted)
            .map(|f| f.deduction)
            .sum();
        let (scores, score_error) = match &rub {
            Some(r) => {
                match rubric::score(r, &findings.iter().map(to_rubric).collect::<Vec<_>>(), &[]) {
                    Ok(s) => (Some(s), None),
                    Err(e) => (None, Some(e.to_string())),
                }
            }
            None => (None, Some("内置考核指标体系无法加载".to_string())),
        };
        Manifest {
            generator: format!("kaohe-demo {}", env!("CARGO_PKG_VERSION")),
            seed: self.seed,
            size: self.pages,
            county: "耒阳市（示例门户，内容为生成的虚构信息）".into(),
            as_of: self.as_of.to_string(),
            rubric: rubric::BUNDLED_ID.into(),
            findings,
            deducted,
            scores,
            score_error,
            columns,
            guides,
            behaviours: self.behaviours(),
        }
    }

    /// Who owns a key-service content item (the rubric says, for an indicator with several
    /// departments) and where the assessment reports it missing: the key service's own page.
    fn content_owner(&self, ind: &str, item: usize) -> (String, String) {
        let rub = rubric::bundled(rubric::BUNDLED_ID);
        let k = INDICATORS.iter().position(|s| s.id == ind).unwrap_or(0);
        let dept = rub
            .as_ref()
            .and_then(|r| r.rule(&format!("{ind}/content")))
            .and_then(|r| match &r.kind {
                rubric::RuleKind::RequiredContent { items } => {
                    items.get(item).and_then(|i| i.department.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| INDICATORS[k].depts[0].to_string());
        (dept, format!("/ggfw/{}/index.html", INDICATORS[k].slug))
    }

    /// What a crawler meets here besides ordinary pages.
    pub fn behaviours(&self) -> Vec<Behaviour> {
        let b = |kind: &str, path: String, detail: String, s: bool| Behaviour {
            kind: kind.into(),
            path,
            detail,
            in_static_files: s,
        };
        let mut v = vec![
            b("robots", "/robots.txt".into(), "禁止抓取 /e/、/admin/、/d/tmp/、/member/；页面中有指向 /e/search/index.php、/admin/login.html 的链接".into(), true),
            b("firewall_412", CHALLENGE_PATH.into(), "防火墙质询：不带 Cookie 时返回 412 和一段设置 Cookie 后刷新的脚本；带上脚本设置的 Cookie 才返回页面".into(), false),
            b("calendar_trap", CALENDAR_PATH.into(), "政务日历：?ym=年-月 的上一月、下一月链接无穷无尽（静态文件只写出截止日所在月）".into(), false),
            b("conditional_get", "*".into(), "200 响应带 ETag；请求带相同 If-None-Match 时返回 304".into(), false),
            b("directory_redirect", "/ggfw/".into(), "栏目目录不带 index.html 时 301 到 index.html".into(), false),
        ];
        for (from, to) in REDIRECTS {
            v.push(b(
                "redirect_301",
                (*from).into(),
                format!("301 跳转到 {to}（连续跳转，最终到达栏目首页）"),
                false,
            ));
        }
        for (p, d) in self.slow_paths() {
            v.push(b(
                "slow",
                p,
                format!("延迟 {} 毫秒后才响应", d.as_millis()),
                false,
            ));
        }
        for (p, s) in self.flaky_paths() {
            v.push(b(
                "flaky_5xx",
                p,
                format!("服务器启动后对该路径的第一次请求返回 {s}，重试即成功"),
                false,
            ));
        }
        for g in self.guide_form_problems() {
            v.push(g);
        }
        if let Some((c, i)) = self.plan.walled {
            v.push(b(
                "firewall_412",
                self.item_path(c, i),
                "办事指南页在防火墙质询之后：不带 Cookie 时返回 412（抓取时记为未核实，不扣分）"
                    .into(),
                false,
            ));
        }
        if let Some(c) = self.plan.redated {
            v.push(b(
                "redated_entry",
                self.list_path(c, 0),
                format!(
                    "栏目最新一条在当前版本中显示为{}，上一版本（Server::set_previous）中为{}，内容相同，只改了日期",
                    self.shown_date(c, 0),
                    self.item_date(c, 0)
                ),
                false,
            ));
        }
        v.push(b(
            "gbk",
            "/xxgk/".into(),
            "政务公开栏目及部分部门栏目为 GBK 编码，只在 meta 中声明 gb2312，HTTP 头不带 charset"
                .into(),
            true,
        ));
        if let Some(c) = (0..self.cols.len())
            .find(|&c| self.cols[c].charset == crate::site::Charset::Utf8DeclaredGb2312)
        {
            v.push(b(
                "wrong_charset",
                self.cols[c].dir.clone(),
                "该部门栏目的页面 meta 声明 gb2312，实际为 UTF-8".into(),
                true,
            ));
        }
        v
    }

    fn guide_form_problems(&self) -> Vec<Behaviour> {
        let mut v = Vec::new();
        for (&(c, i), d) in &self.plan.forms {
            let g = guide::build(self, c, i);
            let Some(f) = g.forms.first() else { continue };
            let (kind, detail, s) = match d {
                crate::plan::FormDefect::NotLinked => {
                    ("form_not_linked", "办理材料中列出表格但没有下载链接", true)
                }
                crate::plan::FormDefect::NotFound => {
                    ("attachment_404", "表格下载链接返回 404", true)
                }
                crate::plan::FormDefect::Soft404 => (
                    "soft_404",
                    "表格下载链接返回 200 和「页面不存在」网页（静态文件中为同名 HTML 内容）",
                    true,
                ),
            };
            v.push(Behaviour {
                kind: kind.into(),
                path: f.href.clone().unwrap_or_else(|| self.item_path(c, i)),
                detail: format!("{detail}：{}", f.name),
                in_static_files: s,
            });
        }
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v
    }
}
