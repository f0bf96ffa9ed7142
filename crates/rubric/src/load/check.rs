//! Checks a parsed rubric file and builds the [`Rubric`]: every reference resolved, every
//! rule set expanded, every problem collected with its position and a fix.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;

use super::LoadError;
use super::raw::{
    RawColumnType, RawDepartment, RawElement, RawFile, RawIndicator, RawItem, RawRule, RawSection,
};
use crate::Points;
use crate::model::DEFAULT_REVIEW_BELOW;
use crate::model::{
    ColumnType, ContentItem, Count, Department, Element, ElementRole, Indicator, Placeholders,
    Rubric, Rule, RuleKind, Scope, Section, TypedWindow,
};
use crate::window::Window;

/// The rule kinds and the parameters each accepts (beyond id, kind, name, deduction, scope,
/// once). Kept beside the check so that the message lists what a kind really takes.
const KINDS: &[(&str, &str, &[&str])] = &[
    (
        "column_freshness",
        "栏目更新时效",
        &["default_within", "windows"],
    ),
    ("guide_elements", "服务指南要素齐全", &["elements", "count"]),
    ("forms_downloadable", "办事表格提供下载", &[]),
    ("required_content", "重点事项必备内容", &["items"]),
    ("item_table", "事项梳理表完整", &["entries"]),
    ("manual", "人工评判", &["prompt"]),
];

pub(super) struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    pub(super) errors: Vec<LoadError>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(file: &'a str, text: &'a str) -> Self {
        Checker {
            file,
            text,
            errors: Vec::new(),
        }
    }

    pub(super) fn error(&self, span: Range<usize>, message: &str, hint: &str) -> LoadError {
        let (line, column) = line_col(self.text, span.start);
        LoadError {
            file: self.file.to_string(),
            line,
            column,
            message: message.to_string(),
            hint: hint.to_string(),
        }
    }

    pub(super) fn push(
        &mut self,
        span: Range<usize>,
        message: impl AsRef<str>,
        hint: impl AsRef<str>,
    ) {
        let e = self.error(span, message.as_ref(), hint.as_ref());
        self.errors.push(e);
    }

    pub(super) fn build(&mut self, raw: RawFile) -> Rubric {
        let departments = self.departments(&raw.departments);
        let elements = self.elements(&raw.elements);
        let column_types = self.column_types(&raw.column_types);
        let placeholders = raw
            .placeholders
            .map(|p| Placeholders {
                values: p.values,
                prefixes: p.prefixes,
            })
            .unwrap_or_default();
        let ctx = Context {
            departments: &departments,
            elements: &elements,
            column_types: &column_types,
        };

        let mut rule_sets: HashMap<String, &Vec<Spanned<RawRule>>> = HashMap::new();
        for set in &raw.rule_sets {
            let set = set.get_ref();
            if rule_sets
                .insert(set.id.get_ref().clone(), &set.rules)
                .is_some()
            {
                self.push(
                    set.id.span(),
                    format!("规则集编号「{}」重复。", set.id.get_ref()),
                    "每个 [[rule_sets]] 的 id 必须唯一：请改名或合并这两个规则集。",
                );
            }
        }

        let mut seen_ids: HashSet<String> = HashSet::new();
        let mut sections = Vec::new();
        for s in &raw.sections {
            let (span, s) = (s.span(), s.get_ref());
            let sid = s.id.get_ref().trim().to_string();
            self.check_id(&s.id, "部分", &mut seen_ids);
            let mut indicators = Vec::new();
            for ind in &s.indicators {
                indicators.push(self.indicator(ind.get_ref(), s, &rule_sets, &ctx, &mut seen_ids));
            }
            let mut rules = Vec::new();
            let mut rule_ids = HashSet::new();
            for r in &s.rules {
                if let Some(rule) = self.rule(r, &sid, Scope::Section, &ctx, &mut rule_ids) {
                    rules.push(rule);
                }
            }
            let sum: Points = indicators.iter().map(|i: &Indicator| i.points).sum();
            if sum != *s.points.get_ref() && !indicators.is_empty() {
                let parts: Vec<String> = indicators
                    .iter()
                    .map(|i| format!("{} {}分", i.name, i.points))
                    .collect();
                self.push(
                    s.points.span(),
                    format!(
                        "部分「{}」写的是 {} 分，但其下各指标分值之和是 {} 分（{}）。",
                        s.name,
                        s.points.get_ref(),
                        sum,
                        parts.join("、")
                    ),
                    "请改正该部分的 points，或改正其下某个指标的分值，使二者相等。",
                );
            }
            if indicators.is_empty() {
                self.push(
                    span.clone(),
                    format!("部分「{}」下没有任何指标。", s.name),
                    "请在该部分下添加 [[sections.indicators]]。",
                );
            }
            sections.push(Section {
                id: sid,
                name: s.name.clone(),
                points: *s.points.get_ref(),
                indicators,
                rules,
            });
        }

        let total: Points = sections.iter().map(|s| s.points).sum();
        if total != *raw.rubric.total.get_ref() {
            let parts: Vec<String> = sections
                .iter()
                .map(|s| format!("{} {}分", s.name, s.points))
                .collect();
            self.push(
                raw.rubric.total.span(),
                format!(
                    "总分写的是 {} 分，但各部分分值之和是 {} 分（{}）。",
                    raw.rubric.total.get_ref(),
                    total,
                    parts.join("、")
                ),
                "请改正 [rubric] 的 total，或改正某个部分的 points。",
            );
        }
        if sections.is_empty() {
            self.push(
                0..0,
                "文件中没有任何考核部分（[[sections]]）。",
                "请至少写一个 [[sections]] 及其指标。",
            );
        }
        if raw.rubric.id.get_ref().trim().is_empty() {
            self.push(
                raw.rubric.id.span(),
                "指标体系编号 id 为空。",
                "请写一个简短的编号，例如 id = \"leiyang-2017\"。",
            );
        }

        let review_below = match raw
            .assessment
            .as_ref()
            .and_then(|a| a.review_below.as_ref())
        {
            Some(v) if !(0.0..=1.0).contains(v.get_ref()) => {
                self.push(
                    v.span(),
                    format!(
                        "[assessment] review_below 为 {}，不在 0 到 1 之间",
                        v.get_ref()
                    ),
                    "填写 0 到 1 之间的小数，例如 0.8：机器把握低于它的问题列为「待复核」",
                );
                DEFAULT_REVIEW_BELOW
            }
            Some(v) => *v.get_ref(),
            None => DEFAULT_REVIEW_BELOW,
        };
        Rubric {
            review_below,
            id: raw.rubric.id.get_ref().trim().to_string(),
            title: raw.rubric.title,
            edition: raw.rubric.edition,
            issuer: raw.rubric.issuer,
            total: *raw.rubric.total.get_ref(),
            sections,
            departments,
            elements,
            placeholders,
            column_types,
        }
    }

    fn check_id(&mut self, id: &Spanned<String>, what: &str, seen: &mut HashSet<String>) {
        let v = id.get_ref().trim();
        if v.is_empty() {
            self.push(
                id.span(),
                format!("{what}编号为空。"),
                "请填写编号，例如 \"1\" 或 \"1.1\"。",
            );
        } else if v.contains('/') {
            self.push(
                id.span(),
                format!("{what}编号「{v}」含有「/」。"),
                "编号中不能有「/」，它用来连接指标编号和规则编号。",
            );
        } else if !seen.insert(v.to_string()) {
            self.push(
                id.span(),
                format!("编号「{v}」重复：已有同编号的部分或指标。"),
                "部分和指标的编号在整个文件中必须唯一，请改用未使用的编号。",
            );
        }
    }

    fn departments(&mut self, raw: &[Spanned<RawDepartment>]) -> Vec<Department> {
        let mut names: HashMap<String, String> = HashMap::new();
        let mut out = Vec::new();
        for d in raw {
            let d = d.get_ref();
            let name = d.name.get_ref().trim().to_string();
            let mut all = vec![&d.name];
            all.extend(d.full_name.iter());
            all.extend(d.aliases.iter());
            for n in all {
                let v = n.get_ref().trim();
                if v.is_empty() {
                    self.push(
                        n.span(),
                        "单位名称为空。",
                        "请删除这个空名称，或填写单位名称。",
                    );
                    continue;
                }
                if let Some(owner) = names.insert(v.to_string(), name.clone())
                    && (owner != name || n.get_ref().trim() != name)
                {
                    self.push(
                        n.span(),
                        format!("单位名称「{v}」重复：它已是「{owner}」的名称或别名。"),
                        "一个名称只能指一个单位：请删除重复的名称，或把两个条目合并为一个单位。",
                    );
                }
            }
            out.push(Department {
                name: name.clone(),
                full_name: d
                    .full_name
                    .as_ref()
                    .map(|f| f.get_ref().trim().to_string())
                    .unwrap_or_else(|| name.clone()),
                aliases: d
                    .aliases
                    .iter()
                    .map(|a| a.get_ref().trim().to_string())
                    .collect(),
            });
        }
        out
    }

    fn elements(&mut self, raw: &[Spanned<RawElement>]) -> Vec<Element> {
        let mut seen = HashSet::new();
        let mut roles = HashSet::new();
        let mut out = Vec::new();
        for e in raw {
            let e = e.get_ref();
            let name = e.name.get_ref().trim().to_string();
            let role = e.role.as_ref().and_then(|r| {
                let known = ElementRole::parse(r.get_ref().trim());
                let all = || {
                    ElementRole::ALL
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                };
                match known {
                    None => self.push(
                        r.span(),
                        format!("要素「{name}」的 role「{}」不认识。", r.get_ref()),
                        format!("role 只能是：{}。", all()),
                    ),
                    Some(k) if !roles.insert(k) => self.push(
                        r.span(),
                        format!("role「{}」被两个要素使用。", k.as_str()),
                        "每种 role 只能给一个要素：请删除其中一个的 role。",
                    ),
                    Some(_) => {}
                }
                known
            });
            if !seen.insert(name.clone()) {
                self.push(
                    e.name.span(),
                    format!("要素「{name}」重复。"),
                    "每个 [[elements]] 的 name 必须唯一：请删除或合并重复的要素。",
                );
            }
            let mut labels = vec![name.clone()];
            labels.extend(
                e.labels
                    .iter()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty() && *l != name),
            );
            out.push(Element {
                name,
                role,
                labels,
                // An empty entry would be contained in, and end, every label.
                not: non_empty(&e.not),
                weak: non_empty(&e.weak),
            });
        }
        out
    }

    fn column_types(&mut self, raw: &[Spanned<RawColumnType>]) -> Vec<ColumnType> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for t in raw {
            let t = t.get_ref();
            let id = t.id.get_ref().trim().to_string();
            if !seen.insert(id.clone()) {
                self.push(
                    t.id.span(),
                    format!("栏目类型编号「{id}」重复。"),
                    "每个 [[column_types]] 的 id 必须唯一。",
                );
            }
            out.push(ColumnType {
                id,
                name: t.name.clone(),
                labels: t.labels.clone(),
            });
        }
        out
    }

    fn indicator(
        &mut self,
        ind: &RawIndicator,
        section: &RawSection,
        rule_sets: &HashMap<String, &Vec<Spanned<RawRule>>>,
        ctx: &Context<'_>,
        seen_ids: &mut HashSet<String>,
    ) -> Indicator {
        let id = ind.id.get_ref().trim().to_string();
        self.check_id(&ind.id, "指标", seen_ids);
        if *ind.points.get_ref() <= Points::ZERO {
            self.push(
                ind.points.span(),
                format!("指标「{}」的分值必须大于 0。", ind.name),
                "请写正的分值，例如 points = 4。",
            );
        }
        let mut departments = Vec::new();
        if ind.departments.get_ref().is_empty() {
            self.push(
                ind.departments.span(),
                format!("指标「{}」没有考核单位。", ind.name),
                "请在 departments 中写至少一个单位，例如 departments = [\"教育局\"]。",
            );
        }
        for d in ind.departments.get_ref() {
            match ctx.department(d.get_ref()) {
                Some(canonical) => {
                    if departments.contains(&canonical) {
                        self.push(
                            d.span(),
                            format!(
                                "考核单位「{}」在指标「{}」中重复出现。",
                                d.get_ref(),
                                ind.name
                            ),
                            "请删除重复的单位（别名也算同一个单位）。",
                        );
                    } else {
                        departments.push(canonical);
                    }
                }
                None => {
                    let near = ctx.similar_departments(d.get_ref());
                    let hint = if near.is_empty() {
                        "请在文件的 [[departments]] 中添加该单位（或把它作为已有单位的别名写入 aliases），或改用名录中的名称。".to_string()
                    } else {
                        format!(
                            "是否指「{}」？若是另一个单位，请在 [[departments]] 中添加它。",
                            near.join("」或「")
                        )
                    };
                    self.push(
                        d.span(),
                        format!(
                            "未知的考核单位「{}」（指标「{}」）。",
                            d.get_ref(),
                            ind.name
                        ),
                        hint,
                    );
                }
            }
        }

        let mut rules = Vec::new();
        let mut rule_ids = HashSet::new();
        for set_ref in &ind.rule_sets {
            match rule_sets.get(set_ref.get_ref()) {
                Some(set) => {
                    for r in set.iter() {
                        if let Some(rule) = self.rule(r, &id, Scope::Indicator, ctx, &mut rule_ids)
                        {
                            rules.push(rule);
                        }
                    }
                }
                None => {
                    let known: Vec<&String> = rule_sets
                        .keys()
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    self.push(
                        set_ref.span(),
                        format!("未知的规则集「{}」。", set_ref.get_ref()),
                        if known.is_empty() {
                            "文件中没有定义任何 [[rule_sets]]：请先定义该规则集，或删除这个引用。"
                                .to_string()
                        } else {
                            format!(
                                "已定义的规则集有：{}。请改用其中之一，或新增一个 [[rule_sets]]。",
                                known
                                    .iter()
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>()
                                    .join("、")
                            )
                        },
                    );
                }
            }
        }
        for r in &ind.rules {
            if let Some(rule) = self.rule(r, &id, Scope::Indicator, ctx, &mut rule_ids) {
                rules.push(rule);
            }
        }

        let mut labels = vec![ind.name.trim().to_string()];
        for l in &ind.labels {
            let l = l.trim();
            if !l.is_empty() && !labels.iter().any(|x| x == l) {
                labels.push(l.to_string());
            }
        }
        Indicator {
            id,
            name: ind.name.clone(),
            points: *ind.points.get_ref(),
            departments,
            labels,
            explanation: ind
                .explanation
                .clone()
                .unwrap_or_else(|| section.explanation.trim().to_string()),
            scoring: ind
                .scoring
                .clone()
                .unwrap_or_else(|| section.scoring.trim().to_string()),
            rules,
        }
    }

    /// Checks one rule as used by `owner` (an indicator or section id).
    fn rule(
        &mut self,
        raw: &Spanned<RawRule>,
        owner: &str,
        default_scope: Scope,
        ctx: &Context<'_>,
        ids: &mut HashSet<String>,
    ) -> Option<Rule> {
        let r = raw.get_ref();
        let errors_before = self.errors.len();
        let rid = r.id.get_ref().trim();
        if rid.is_empty() || rid.contains('/') {
            self.push(
                r.id.span(),
                format!("规则编号「{rid}」无效。"),
                "规则编号不能为空，也不能含「/」，例如 id = \"freshness\"。",
            );
        } else if !ids.insert(rid.to_string()) {
            self.push(
                r.id.span(),
                format!("规则编号「{rid}」在「{owner}」中重复（可能来自它引用的规则集）。"),
                "同一指标的规则编号必须唯一：请给其中一条规则改名。",
            );
        }
        if *r.deduction.get_ref() <= Points::ZERO {
            self.push(
                r.deduction.span(),
                format!("规则「{rid}」的扣分必须大于 0。"),
                "请写每次扣的分数，例如 deduction = 2。",
            );
        }

        let kind_name = r.kind.get_ref().as_str();
        let Some((_, _, accepted)) = KINDS.iter().find(|(k, _, _)| *k == kind_name) else {
            let list: Vec<String> = KINDS
                .iter()
                .map(|(k, cn, _)| format!("{k}（{cn}）"))
                .collect();
            self.push(
                r.kind.span(),
                format!("未知的规则类型「{kind_name}」。"),
                format!("可用的规则类型：{}。", list.join("、")),
            );
            return None;
        };
        let given: [(&str, Option<Range<usize>>); 7] = [
            ("prompt", r.prompt.as_ref().map(|v| v.span())),
            (
                "default_within",
                r.default_within.as_ref().map(|v| v.span()),
            ),
            ("windows", r.windows.as_ref().map(|v| v.span())),
            ("count", r.count.as_ref().map(|v| v.span())),
            ("elements", r.elements.as_ref().map(|v| v.span())),
            ("items", r.items.as_ref().map(|v| v.span())),
            ("entries", r.entries.as_ref().map(|v| v.span())),
        ];
        for (param, span) in given {
            if let Some(span) = span
                && !accepted.contains(&param)
            {
                self.push(
                    span,
                    format!("规则类型 {kind_name} 不接受参数 {param}（规则「{rid}」）。"),
                    if accepted.is_empty() {
                        format!("{kind_name} 只需 id、kind、name、deduction：请删除 {param}。")
                    } else {
                        format!(
                            "{kind_name} 可用的参数是：{}。请删除 {param} 或改正拼写。",
                            accepted.join("、")
                        )
                    },
                );
            }
        }

        let scope = match r.scope.as_ref() {
            None => default_scope,
            Some(s) => match s.get_ref().as_str() {
                "indicator" => Scope::Indicator,
                "section" => Scope::Section,
                other => {
                    self.push(s.span(), format!("未知的作用范围 scope = \"{other}\"。"), "scope 只能是 \"indicator\"（作用于所属指标）或 \"section\"（作用于整个部分）。");
                    default_scope
                }
            },
        };
        if scope != default_scope {
            let (span, msg, hint) = match default_scope {
                Scope::Indicator => (
                    r.scope.as_ref().map(|s| s.span()).unwrap_or(raw.span()),
                    format!("规则「{rid}」写在指标或规则集中，却声明 scope = \"section\"。"),
                    "作用于整个部分的规则请写在 [[sections.rules]] 中。",
                ),
                Scope::Section => (
                    r.scope.as_ref().map(|s| s.span()).unwrap_or(raw.span()),
                    format!(
                        "规则「{rid}」写在 [[sections.rules]] 中，却声明 scope = \"indicator\"。"
                    ),
                    "作用于单个指标的规则请写在该指标下的 [[sections.indicators.rules]] 中。",
                ),
            };
            self.push(span, msg, hint);
        }

        let kind = match kind_name {
            "column_freshness" => {
                let default_within = match &r.default_within {
                    Some(w) => self.window(w),
                    None => {
                        self.push(
                            raw.span(),
                            format!("规则「{rid}」（column_freshness）缺少 default_within。"),
                            "请写其他栏目的更新期限，例如 default_within = \"1年\"。",
                        );
                        None
                    }
                };
                let mut windows = Vec::new();
                if let Some(ws) = &r.windows {
                    for w in ws.get_ref() {
                        let w = w.get_ref();
                        for t in &w.column_types {
                            if ctx.column_types.iter().all(|c| c.id != *t.get_ref()) {
                                let known: Vec<&str> =
                                    ctx.column_types.iter().map(|c| c.id.as_str()).collect();
                                self.push(t.span(), format!("未知的栏目类型「{}」。", t.get_ref()), format!("已定义的栏目类型：{}。请改用其中之一，或在 [[column_types]] 中定义它。", known.join("、")));
                            }
                        }
                        if let Some(within) = self.window(&w.within) {
                            windows.push(TypedWindow {
                                column_types: w
                                    .column_types
                                    .iter()
                                    .map(|t| t.get_ref().clone())
                                    .collect(),
                                within,
                            });
                        }
                    }
                }
                default_within.map(|default_within| RuleKind::ColumnFreshness {
                    default_within,
                    windows,
                })
            }
            "guide_elements" => {
                let count = match r.count.as_ref() {
                    None => Some(Count::PerItem),
                    Some(c) => match c.get_ref().as_str() {
                        "per_item" => Some(Count::PerItem),
                        "per_class" => Some(Count::PerClass),
                        other => {
                            self.push(c.span(), format!("未知的计数方式 count = \"{other}\"。"), "count 只能是 \"per_item\"（每个事项每缺一个要素扣一次，本市细则）或 \"per_class\"（同一类要素缺失只扣一次，2015年全国普查规则）。");
                            None
                        }
                    },
                };
                let elements: Vec<String> = match &r.elements {
                    None => ctx.elements.iter().map(|e| e.name.clone()).collect(),
                    Some(list) => {
                        for e in list.get_ref() {
                            if ctx.elements.iter().all(|x| x.name != *e.get_ref()) {
                                let known: Vec<&str> =
                                    ctx.elements.iter().map(|x| x.name.as_str()).collect();
                                self.push(e.span(), format!("未知的服务指南要素「{}」。", e.get_ref()), format!("已定义的要素：{}。请改用其中之一，或在 [[elements]] 中定义它。", known.join("、")));
                            }
                        }
                        list.get_ref().iter().map(|e| e.get_ref().clone()).collect()
                    }
                };
                count.map(|count| RuleKind::GuideElements { elements, count })
            }
            "forms_downloadable" => Some(RuleKind::FormsDownloadable),
            "required_content" => self
                .items(r.items.as_ref(), rid, "items", ctx)
                .map(|items| RuleKind::RequiredContent { items }),
            "item_table" => self
                .items(r.entries.as_ref(), rid, "entries", ctx)
                .map(|entries| RuleKind::ItemTable {
                    entries,
                    titles: r
                        .titles
                        .clone()
                        .unwrap_or_else(|| vec![r.name.trim().to_string()])
                        .into_iter()
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect(),
                }),
            "manual" => match &r.prompt {
                Some(p) if !p.get_ref().trim().is_empty() => Some(RuleKind::Manual {
                    prompt: p.get_ref().trim().to_string(),
                }),
                _ => {
                    self.push(
                        raw.span(),
                        format!("规则「{rid}」（manual）缺少 prompt。"),
                        "请用一句话写明评审人员要判断什么，例如 prompt = \"内容是否准确\"。",
                    );
                    None
                }
            },
            _ => None,
        };

        if self.errors.len() > errors_before {
            return None;
        }
        Some(Rule {
            id: format!("{owner}/{rid}"),
            name: if r.name.trim().is_empty() {
                rid.to_string()
            } else {
                r.name.trim().to_string()
            },
            deduction: *r.deduction.get_ref(),
            scope,
            once: r.once.as_ref().map(|o| *o.get_ref()).unwrap_or(false),
            kind: kind?,
        })
    }

    fn items(
        &mut self,
        raw: Option<&Spanned<Vec<Spanned<RawItem>>>>,
        rid: &str,
        param: &str,
        ctx: &Context<'_>,
    ) -> Option<Vec<ContentItem>> {
        let Some(list) = raw else {
            self.push(0..0, format!("规则「{rid}」缺少 {param}。"), format!("请列出必备的各项，例如 {param} = [{{ name = \"办理依据\", element = \"设定依据\" }}]。"));
            return None;
        };
        if list.get_ref().is_empty() {
            self.push(
                list.span(),
                format!("规则「{rid}」的 {param} 为空。"),
                "请至少列出一项。",
            );
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for item in list.get_ref() {
            let (span, it) = (item.span(), item.get_ref());
            if !seen.insert(it.name.trim().to_string()) {
                self.push(
                    span.clone(),
                    format!("规则「{rid}」中的「{}」重复。", it.name),
                    "请删除重复的一项。",
                );
            }
            let mut labels = vec![it.name.trim().to_string()];
            let mut not = it.not.clone();
            if let Some(el) = &it.element {
                match ctx.elements.iter().find(|e| e.name == *el.get_ref()) {
                    Some(e) => {
                        labels.extend(e.labels.iter().cloned());
                        not.extend(e.not.iter().cloned());
                    }
                    None => {
                        let known: Vec<&str> =
                            ctx.elements.iter().map(|x| x.name.as_str()).collect();
                        self.push(
                            el.span(),
                            format!("未知的服务指南要素「{}」。", el.get_ref()),
                            format!("element 只能引用已定义的要素：{}。", known.join("、")),
                        );
                    }
                }
            } else if it.labels.is_empty() {
                self.push(
                    span,
                    format!("「{}」既没有 element 也没有 labels。", it.name),
                    "请用 element 引用一个服务指南要素，或用 labels 列出页面上表示它的词语。",
                );
            }
            labels.extend(it.labels.iter().map(|l| l.trim().to_string()));
            let mut dedup = HashSet::new();
            labels.retain(|l| !l.is_empty() && dedup.insert(l.clone()));
            let department = it.department.as_ref().and_then(|d| {
                let found = ctx.departments.iter().find(|x| {
                    x.name == d.get_ref().trim()
                        || x.full_name == d.get_ref().trim()
                        || x.aliases.iter().any(|a| a == d.get_ref().trim())
                });
                if found.is_none() {
                    self.push(
                        d.span(),
                        format!(
                            "「{}」的 department「{}」不在单位名录中。",
                            it.name,
                            d.get_ref()
                        ),
                        "请用 [[departments]] 中的名称或别名。",
                    );
                }
                found.map(|x| x.name.clone())
            });
            out.push(ContentItem {
                name: it.name.trim().to_string(),
                element: it.element.as_ref().map(|e| e.get_ref().trim().to_string()),
                department,
                labels,
                not,
            });
        }
        Some(out)
    }

    fn window(&mut self, w: &Spanned<String>) -> Option<Window> {
        let parsed = Window::parse(w.get_ref());
        if parsed.is_none() {
            self.push(
                w.span(),
                format!("无法识别的期限「{}」。", w.get_ref()),
                "期限写成正整数加单位：\"6个月\"（半年）、\"1年\"、\"2周\"、\"30天\"。",
            );
        }
        parsed
    }
}

struct Context<'a> {
    departments: &'a [Department],
    elements: &'a [Element],
    column_types: &'a [ColumnType],
}

impl Context<'_> {
    fn department(&self, any: &str) -> Option<String> {
        let n = any.trim();
        self.departments
            .iter()
            .find(|d| d.name == n || d.full_name == n || d.aliases.iter().any(|a| a == n))
            .map(|d| d.name.clone())
    }

    /// Departments whose names share the most characters with `any` (leaving out the
    /// generic 局/市/县), to suggest what a misspelt name meant.
    fn similar_departments(&self, any: &str) -> Vec<String> {
        let wanted: HashSet<char> = any
            .chars()
            .filter(|c| !"局市县中心大队".contains(*c))
            .collect();
        let mut scored: Vec<(usize, usize, &str)> = Vec::new();
        for (i, d) in self.departments.iter().enumerate() {
            let names = std::iter::once(&d.name)
                .chain(&d.aliases)
                .chain(std::iter::once(&d.full_name));
            let best = names
                .map(|n| wanted.iter().filter(|c| n.contains(**c)).count())
                .max()
                .unwrap_or(0);
            if best > 0 {
                scored.push((best, i, &d.name));
            }
        }
        let top = scored.iter().map(|s| s.0).max().unwrap_or(0);
        scored
            .into_iter()
            .filter(|s| s.0 == top)
            .take(3)
            .map(|s| s.2.to_string())
            .collect()
    }
}

/// 1-based line and character column of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The entries of a word list, trimmed, without empty ones.
fn non_empty(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}
