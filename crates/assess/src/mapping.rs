//! Column mapping: which of the portal's columns is which indicator, which sub-column type,
//! and which department owns it — with the reason for each call, so an assessor can check it
//! (`kaohe map`) and override it (the site profile).
//!
//! A column is the set of pages that share a column path (the breadcrumb, or the CMS meta
//! tags, as the reader found it). Its path is read top-down: the first segment that names an
//! indicator (its name, or one of the rubric's labels for it) places the column under that
//! indicator; a segment below it that names a department makes that department the owner;
//! the last segment, matched against the rubric's sub-column types, gives the type. A column
//! whose path ends at the indicator (or at a department level) is an *overview*: it is the
//! indicator's column only where the indicator has no sub-columns.

use std::collections::{BTreeMap, HashMap};

use extract::Kind;
use rubric::Rubric;
use serde::{Deserialize, Serialize};

use crate::profile::Profile;
use crate::snapshot::Snapshot;

/// How sure a placement is, by how it was made.
pub const PLACED_BY_NAME: f64 = 1.0;
pub const PLACED_BY_LABEL: f64 = 0.95;
/// The segment only contains the indicator's name (教育服务专栏): likely, to be looked at.
pub const PLACED_BY_CONTAINMENT: f64 = 0.7;
pub const PLACED_BY_PROFILE: f64 = 1.0;

/// A column of the portal and where it was placed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Column {
    /// The column path joined with " > " (the key a profile uses).
    pub key: String,
    pub path: Vec<String>,
    /// The column's first list page (or its first page when it has no list).
    pub url: String,
    /// List pages (indices into the snapshot's pages), first page first.
    #[serde(skip, default)]
    pub lists: Vec<usize>,
    /// Other pages (guides, articles) filed under the column.
    #[serde(skip, default)]
    pub items: Vec<usize>,
    pub indicator: Option<String>,
    /// The index in `path` of the segment that named the indicator.
    #[serde(default)]
    pub indicator_at: Option<usize>,
    /// A rubric column type id (policy, guide …).
    pub column_type: Option<String>,
    pub department: Option<String>,
    /// The column is the indicator's own page (or a department's level), not a sub-column.
    pub overview: bool,
    pub ignored: bool,
    /// How sure the placement under the indicator is.
    pub confidence: f64,
    /// Why, in Chinese, one line per decision.
    pub reasons: Vec<String>,
}

impl Column {
    /// The path from the indicator's segment down (教育服务 > 相关政策), as findings name it.
    pub fn subject(&self) -> String {
        let from = self.indicator_at.unwrap_or(0);
        self.path[from.min(self.path.len())..].join(" > ")
    }

    /// The column's name (its last segment).
    pub fn name(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }
}

/// The whole mapping of one snapshot.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<Column>,
}

impl Mapping {
    /// The columns placed under an indicator (not ignored).
    pub fn of_indicator<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Column> + 'a {
        self.columns
            .iter()
            .filter(move |c| !c.ignored && c.indicator.as_deref() == Some(id))
    }

    /// The columns the freshness rule looks at: the sub-columns, or the overviews where the
    /// indicator has no sub-column.
    pub fn freshness_columns<'a>(&'a self, id: &'a str) -> Vec<&'a Column> {
        let subs: Vec<&Column> = self.of_indicator(id).filter(|c| !c.overview).collect();
        if subs.is_empty() {
            self.of_indicator(id).collect()
        } else {
            subs
        }
    }

    /// The indicator's own column: its shallowest overview, else its first column.
    pub fn top<'a>(&'a self, id: &'a str) -> Option<&'a Column> {
        self.of_indicator(id)
            .min_by_key(|c| (!c.overview, c.path.len(), c.url.len(), c.url.clone()))
    }
}

/// Builds the mapping from the pages' column paths, then applies the profile.
pub fn map(rubric: &Rubric, profile: &Profile, snap: &Snapshot) -> Mapping {
    let mut groups: BTreeMap<Vec<String>, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, p) in snap.pages.iter().enumerate() {
        let Some(f) = &p.facts else { continue };
        let path: Vec<String> = f
            .column_path
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if path.is_empty() {
            continue;
        }
        let g = groups.entry(path).or_default();
        match f.kind {
            // A navigation page with a column path (a column's own page listing its
            // sub-columns) is a list without entries: it places the column.
            Kind::List | Kind::Other => g.0.push(i),
            Kind::Guide | Kind::Article => g.1.push(i),
            Kind::Attachment => {}
        }
    }
    let url_key = |i: &usize| {
        let u = &snap.pages[*i].final_url;
        (u.len(), u.clone())
    };
    let mut columns = Vec::new();
    for (path, (mut lists, mut items)) in groups {
        if lists.is_empty() && items.is_empty() {
            continue;
        }
        lists.sort_by_key(url_key);
        items.sort_by_key(url_key);
        let first = lists.first().or(items.first()).copied().unwrap_or(0);
        let mut c = Column {
            key: path.join(" > "),
            url: snap.pages[first].final_url.clone(),
            path,
            lists,
            items,
            indicator: None,
            indicator_at: None,
            column_type: None,
            department: None,
            overview: false,
            ignored: false,
            confidence: 0.0,
            reasons: Vec::new(),
        };
        place(rubric, &mut c);
        apply_profile(rubric, profile, &mut c);
        columns.push(c);
    }
    Mapping { columns }
}

/// The automatic placement of one column.
fn place(rubric: &Rubric, c: &mut Column) {
    // Indicator: the first segment, top-down, with one best match.
    for (at, seg) in c.path.iter().enumerate() {
        let mut best: Vec<(&rubric::Indicator, f64, String)> = Vec::new();
        for ind in rubric.indicators() {
            let hit = if *seg == ind.name {
                Some((PLACED_BY_NAME, format!("栏目名「{seg}」即指标名")))
            } else if ind.labels.iter().any(|l| l == seg) {
                Some((
                    PLACED_BY_LABEL,
                    format!("栏目名「{seg}」是指标「{}」的常用名", ind.name),
                ))
            } else if ind.name.chars().count() >= 3 && seg.contains(ind.name.as_str()) {
                Some((
                    PLACED_BY_CONTAINMENT,
                    format!("栏目名「{seg}」含指标名「{}」", ind.name),
                ))
            } else {
                None
            };
            if let Some((conf, why)) = hit {
                match best.first() {
                    Some((_, b, _)) if *b > conf => {}
                    Some((_, b, _)) if *b < conf => best = vec![(ind, conf, why)],
                    _ => best.push((ind, conf, why)),
                }
            }
        }
        if let [(ind, conf, why)] = best.as_slice() {
            c.indicator = Some(ind.id.clone());
            c.indicator_at = Some(at);
            c.confidence = *conf;
            c.reasons
                .push(format!("指标 {} {}：{why}", ind.id, ind.name));
            break;
        }
        if best.len() > 1 {
            let names: Vec<&str> = best.iter().map(|(i, _, _)| i.name.as_str()).collect();
            c.reasons.push(format!(
                "栏目名「{seg}」可对应多个指标（{}），未定",
                names.join("、")
            ));
        }
    }
    let Some(at) = c.indicator_at else {
        c.reasons.push("路径中没有指标名或其常用名".into());
        return;
    };
    let last = c.path.len() - 1;
    // Department: a segment below the indicator that names one.
    for seg in &c.path[at + 1..] {
        if let Some(d) = department_in(rubric, seg) {
            c.reasons
                .push(format!("责任单位 {}：路径中的「{seg}」", d.name));
            c.department = Some(d.name.clone());
            break;
        }
    }
    let last_is_dept = last > at && department_in(rubric, &c.path[last]).is_some();
    if last == at || last_is_dept {
        c.overview = true;
        c.reasons
            .push("指标（或单位）本身的栏目页，不是子栏目".into());
    } else {
        let seg = &c.path[last];
        match column_type_of(rubric, seg) {
            Some((t, exact)) => {
                let how = if exact { "即" } else { "含" };
                c.reasons.push(format!(
                    "子栏目类型 {}：栏目名「{seg}」{how}类型名或其常用名",
                    t.name
                ));
                c.column_type = Some(t.id.clone());
            }
            None => c
                .reasons
                .push(format!("子栏目「{seg}」的类型未识别：按默认更新周期考核")),
        }
    }
    if c.department.is_none()
        && let Some(ind) = c.indicator.as_deref().and_then(|i| rubric.indicator(i))
        && let [only] = ind.departments.as_slice()
    {
        c.department = Some(only.clone());
        c.reasons
            .push(format!("责任单位 {only}：该指标只有这一个考核单位"));
    }
}

/// A department named by a path segment (exactly, or a segment that contains its full name
/// or its short name, such as 市公安局交警大队).
fn department_in<'a>(rubric: &'a Rubric, seg: &str) -> Option<&'a rubric::Department> {
    if let Some(d) = rubric.department(seg) {
        return Some(d);
    }
    // The longest name contained wins (交警大队 over 公安局 in 公安局交警大队).
    rubric
        .departments
        .iter()
        .flat_map(|d| {
            std::iter::once(&d.full_name)
                .chain(std::iter::once(&d.name))
                .chain(d.aliases.iter())
                .filter(|n| n.chars().count() >= 3 && seg.contains(n.as_str()))
                .map(move |n| (n.chars().count(), d))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, d)| d)
}

/// A sub-column type named by a segment: exactly (true) or by the longest label it contains.
fn column_type_of<'a>(rubric: &'a Rubric, seg: &str) -> Option<(&'a rubric::ColumnType, bool)> {
    for t in &rubric.column_types {
        if t.name == seg || t.labels.iter().any(|l| l == seg) {
            return Some((t, true));
        }
    }
    rubric
        .column_types
        .iter()
        .flat_map(|t| {
            std::iter::once(&t.name)
                .chain(t.labels.iter())
                .filter(|l| l.chars().count() >= 2 && seg.contains(l.as_str()))
                .map(move |l| (l.chars().count(), t))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, t)| (t, false))
}

fn apply_profile(rubric: &Rubric, profile: &Profile, c: &mut Column) {
    for r in profile.rules_for(&c.key, &c.url) {
        let by = match (&r.path, &r.url_prefix) {
            (Some(p), _) => format!("站点配置 path = \"{p}\""),
            (None, Some(u)) => format!("站点配置 url_prefix = \"{u}\""),
            _ => "站点配置".to_string(),
        };
        if r.ignore {
            c.ignored = true;
            c.reasons.push(format!("{by}：不考核此栏目"));
        }
        if let Some(id) = &r.indicator {
            // A column moved to another indicator is one of its sub-columns.
            if c.indicator.as_deref() != Some(id) {
                c.indicator_at = c.indicator_at.or(Some(0));
                c.overview = false;
            }
            c.indicator = Some(id.clone());
            c.confidence = PLACED_BY_PROFILE;
            c.reasons.push(format!("{by}：指标 {id}"));
        }
        if let Some(t) = &r.column_type {
            c.column_type = Some(t.clone());
            c.overview = false;
            c.reasons.push(format!("{by}：子栏目类型 {t}"));
        }
        if let Some(o) = r.overview {
            c.overview = o;
            c.reasons.push(format!(
                "{by}：{}",
                if o {
                    "指标本身的栏目页"
                } else {
                    "指标的子栏目"
                }
            ));
        }
        if let Some(d) = r.department.as_deref().and_then(|d| rubric.department(d)) {
            c.department = Some(d.name.clone());
            c.reasons.push(format!("{by}：责任单位 {}", d.name));
        }
    }
}

/// The mapping written out as a profile to edit (`kaohe map --write-profile`): one
/// `[[columns]]` per placed column, with the reasons as comments, and the columns that could
/// not be placed commented out.
pub fn to_profile_toml(rubric: &Rubric, mapping: &Mapping, portal: &str) -> String {
    let q = |s: &str| toml_string(s);
    let mut out = String::new();
    out.push_str(
        "# kaohe 站点配置（site profile）：由 kaohe map --write-profile 生成，可直接修改。\n",
    );
    out.push_str("# 每个 [[columns]] 按 path（栏目路径）或 url_prefix（网址前缀）找到栏目，\n");
    out.push_str("# 其中的 indicator（指标编号）、type（子栏目类型）、department（责任单位）覆盖自动判断；\n");
    out.push_str(
        "# ignore = true 表示不考核该栏目。[[items]] 写明重点服务内容由哪个单位负责。\n\n",
    );
    out.push_str(&format!("[portal]\nname = {}\n", q(portal)));
    let mut unplaced = Vec::new();
    for c in &mapping.columns {
        let Some(ind) = &c.indicator else {
            unplaced.push(c);
            continue;
        };
        out.push('\n');
        for r in &c.reasons {
            out.push_str(&format!("# {r}\n"));
        }
        out.push_str("[[columns]]\n");
        out.push_str(&format!("path = {}\n", q(&c.key)));
        out.push_str(&format!("indicator = {}\n", q(ind)));
        if let Some(t) = &c.column_type {
            out.push_str(&format!("type = {}\n", q(t)));
        }
        if c.overview {
            out.push_str("overview = true\n");
        }
        if let Some(d) = &c.department {
            out.push_str(&format!("department = {}\n", q(d)));
        }
        if c.ignored {
            out.push_str("ignore = true\n");
        }
    }
    let placed: HashMap<&str, ()> = mapping
        .columns
        .iter()
        .filter_map(|c| c.indicator.as_deref().map(|i| (i, ())))
        .collect();
    let missing: Vec<String> = rubric
        .indicators()
        .filter(|i| !placed.contains_key(i.id.as_str()))
        .map(|i| format!("{} {}", i.id, i.name))
        .collect();
    if !missing.is_empty() {
        out.push_str(&format!(
            "\n# 未找到栏目的指标：{}。请在下面为它们写上 [[columns]]。\n",
            missing.join("，")
        ));
    }
    if !unplaced.is_empty() {
        out.push_str("\n# 未能对应到指标的栏目（如需考核，去掉 # 并填写 indicator）：\n");
        for c in unplaced.iter().take(200) {
            out.push_str(&format!(
                "# [[columns]]\n# path = {}\n# indicator = \"\"\n",
                q(&c.key)
            ));
        }
    }
    out
}

fn toml_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if c.is_control() => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}
