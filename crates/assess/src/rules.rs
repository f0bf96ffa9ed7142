//! Every machine rule kind → findings. Pure: reads the snapshot, the mapping and the rubric.
//!
//! Each finding says how sure it is. The rule: a deduction is taken only where a careful
//! person would take it. What our fetch could not check is *unverified*; what the machine is
//! unsure of (a low-confidence reading, a column it placed by a guess, an owner it could not
//! tell) is *needs review*; silence of the reader alone never deducts.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use extract::{Kind, PageFacts};
use rubric::{ContentItem, Evidence, Finding, Indicator, Origin, Rubric, Rule, RuleKind, Status};

use crate::mapping::{Column, Mapping};
use crate::snapshot::{Page, Snapshot};

/// Confidence of a stale column read from dated entries.
pub const STALE_BY_DATES: f64 = 0.95;
/// A column whose list says it has nothing (此栏目暂无信息): certainly not updated.
pub const STALE_EMPTY_LIST: f64 = 0.95;
/// A column with entries but no date the reader could read: the reader may be at fault.
pub const STALE_NO_DATES: f64 = 0.5;
/// The sub-column type is unknown and the verdict depends on it.
pub const STALE_TYPE_UNKNOWN: f64 = 0.6;
/// The newest entry was re-dated: the same content was there, with an older date, before.
pub const STALE_REDATED: f64 = 0.9;
/// An indicator whose column could not be found: maybe our mapping's fault.
pub const COLUMN_NOT_FOUND: f64 = 0.3;
/// A form named in the materials with no download link on the page or in a forms column.
pub const FORM_NOT_LINKED: f64 = 0.85;
/// A form link that the site answered with an error, a soft 404 or a false file.
pub const FORM_BROKEN: f64 = 0.95;
/// A required item not found on any page of the key service.
pub const CONTENT_MISSING: f64 = 0.9;
/// An item-table entry missing from the published table.
pub const TABLE_ENTRY_MISSING: f64 = 0.95;
/// No page publishing the item table was found.
pub const TABLE_NOT_FOUND: f64 = 0.4;

/// Everything a rule reads.
pub struct Ctx<'a> {
    pub rubric: &'a Rubric,
    pub profile: &'a crate::Profile,
    pub snap: &'a Snapshot,
    /// An earlier crawl of the same portal, when there is one.
    pub history: Option<&'a Snapshot>,
    pub history_mapping: Option<&'a Mapping>,
    pub mapping: &'a Mapping,
    pub as_of: NaiveDate,
}

/// All machine findings of the snapshot, in canonical order.
/// A column the freshness rule watches, with the date it goes stale at its cadence: what the
/// workbench's early warning lists (「法规文件：12 天后超过半年未更新」).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnWatch {
    pub indicator: String,
    /// The column as findings name it (教育服务 > 相关政策).
    pub column: String,
    pub url: String,
    /// The department charged if it goes stale (the column's, or the indicator's only one).
    pub department: Option<String>,
    /// The newest dated entry found.
    pub newest: Option<NaiveDate>,
    /// The cadence (6个月 …), as the rubric writes it.
    pub window: String,
    /// The first day on which the newest entry is outside the window; `None` when there is
    /// no dated entry or it is more than a year away.
    pub stale_on: Option<NaiveDate>,
}

/// Every column the freshness rules watch, with when each goes stale.
pub fn watch(ctx: &Ctx<'_>) -> Vec<ColumnWatch> {
    let mut out = Vec::new();
    for ind in ctx.rubric.indicators() {
        for rule in &ind.rules {
            let RuleKind::ColumnFreshness {
                default_within,
                windows,
            } = &rule.kind
            else {
                continue;
            };
            for c in ctx.mapping.freshness_columns(&ind.id) {
                let typed = c
                    .column_type
                    .as_ref()
                    .and_then(|t| windows.iter().find(|w| w.column_types.contains(t)))
                    .map_or(*default_within, |w| w.within);
                let newest = newest_of(ctx.snap, c, &HashSet::new()).map(|n| n.0);
                let stale_on = newest.and_then(|n| {
                    ctx.as_of
                        .iter_days()
                        .take(366)
                        .find(|&day| typed.start(day) > n)
                });
                let department =
                    c.department
                        .clone()
                        .or_else(|| match ind.departments.as_slice() {
                            [one] => Some(one.clone()),
                            _ => None,
                        });
                out.push(ColumnWatch {
                    indicator: ind.id.clone(),
                    column: c.subject(),
                    url: c.url.clone(),
                    department,
                    newest,
                    window: typed.to_string(),
                    stale_on,
                });
            }
        }
    }
    out
}

pub fn findings(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for section in &ctx.rubric.sections {
        for ind in &section.indicators {
            for rule in &ind.rules {
                match &rule.kind {
                    RuleKind::ColumnFreshness { .. } => freshness(ctx, ind, rule, &mut out),
                    RuleKind::GuideElements { elements, .. } => {
                        guide_elements(ctx, ind, rule, elements, &mut out);
                    }
                    RuleKind::FormsDownloadable => forms(ctx, ind, rule, &mut out),
                    RuleKind::RequiredContent { items } => {
                        content(ctx, ind, rule, items, &mut out);
                    }
                    RuleKind::ItemTable { entries, titles } => {
                        item_table(ctx, ind, rule, entries, titles, &mut out);
                    }
                    RuleKind::Manual { .. } => {}
                }
            }
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// What a finding is about, before its id, status and department are settled.
struct Draft<'a> {
    rule: &'a Rule,
    indicator: &'a Indicator,
    /// The URL the id is built on (the column's first page, the guide …).
    url: String,
    subject: String,
    department: Option<String>,
    message: String,
    confidence: f64,
    unverified: bool,
    evidence: Vec<Evidence>,
}

fn emit(ctx: &Ctx<'_>, d: Draft<'_>, out: &mut Vec<Finding>) {
    let mut message = d.message;
    let mut confidence = d.confidence;
    let department = match d.department {
        Some(x) => x,
        None => {
            let first = d.indicator.departments.first().cloned().unwrap_or_default();
            message.push_str(&format!(
                "（未能确定责任单位，暂记在{first}名下，请复核后改记）"
            ));
            confidence = confidence.min(ctx.rubric.review_below / 2.0);
            first
        }
    };
    let status = if d.unverified {
        Status::Unverified
    } else if confidence < ctx.rubric.review_below {
        Status::NeedsReview
    } else {
        Status::Deducted
    };
    out.push(Finding {
        id: format!("{}:{}#{}", d.rule.id, ctx.snap.short(&d.url), d.subject),
        rule: d.rule.id.clone(),
        department,
        subject: d.subject,
        message,
        status,
        origin: Origin::Machine,
        confidence: (confidence * 100.0).round() / 100.0,
        evidence: d.evidence,
    });
}

/// The evidence a fetched page gives.
pub fn evidence(page: &Page, excerpt: Option<String>, label: Option<String>) -> Evidence {
    Evidence {
        url: page.final_url.clone(),
        fetch: Some(page.fetch),
        fetched_at: Some(page.fetched_at.to_rfc3339()),
        content_hash: page.body_hash.clone(),
        warc_record: page.warc_record.clone(),
        excerpt: excerpt.map(|e| clip(&e, 300)),
        label,
        note: None,
    }
}

fn clip(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn facts(p: &Page) -> Option<&PageFacts> {
    p.facts.as_ref()
}

// ------------------------------------------------------------------------------------------
// column_freshness
// ------------------------------------------------------------------------------------------

/// The newest dated thing of a column: (date, page index, excerpt).
fn newest_of(
    snap: &Snapshot,
    c: &Column,
    exclude: &HashSet<String>,
) -> Option<(NaiveDate, usize, String)> {
    let mut best: Option<(NaiveDate, usize, String)> = None;
    let mut consider = |d: NaiveDate, i: usize, ex: String| {
        if best.as_ref().is_none_or(|b| d > b.0) {
            best = Some((d, i, ex));
        }
    };
    for &i in &c.lists {
        let Some(f) = facts(&snap.pages[i]) else {
            continue;
        };
        for e in f.entries.iter().filter(|e| e.main) {
            let key = e
                .url
                .as_ref()
                .map_or_else(|| e.title.clone(), |u| u.to_string());
            if exclude.contains(&key) {
                continue;
            }
            consider(e.date, i, format!("{}  {}", e.title, e.date));
        }
    }
    for &i in &c.items {
        let p = &snap.pages[i];
        let Some(f) = facts(p) else { continue };
        if exclude.contains(&p.final_url) {
            continue;
        }
        if let Some(d) = f.published {
            let t = f.title.clone().unwrap_or_default();
            consider(d, i, format!("{t}  {d}"));
        }
    }
    best
}

fn freshness(ctx: &Ctx<'_>, ind: &Indicator, rule: &Rule, out: &mut Vec<Finding>) {
    let RuleKind::ColumnFreshness {
        default_within,
        windows,
    } = &rule.kind
    else {
        return;
    };
    let cols = ctx.mapping.freshness_columns(&ind.id);
    if cols.is_empty() {
        let only = match ind.departments.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
        emit(
            ctx,
            Draft {
                rule,
                indicator: ind,
                url: ctx.snap.seed_url.clone(),
                subject: "栏目未找到".into(),
                department: only,
                message: format!(
                    "未在网站上找到「{}」栏目：可能是栏目名称与指标不同，请用 kaohe map 查看并在站点配置中指定",
                    ind.name
                ),
                confidence: COLUMN_NOT_FOUND,
                unverified: false,
                evidence: vec![],
            },
            out,
        );
        return;
    }
    for c in cols {
        let typed = c
            .column_type
            .as_ref()
            .and_then(|t| windows.iter().find(|w| w.column_types.contains(t)))
            .map_or(*default_within, |w| w.within);
        let start = typed.start(ctx.as_of);
        let type_name = c
            .column_type
            .as_deref()
            .and_then(|t| ctx.rubric.column_type(t))
            .map_or("栏目".to_string(), |t| t.name.clone());
        let first_page = c
            .lists
            .first()
            .or(c.items.first())
            .map(|&i| &ctx.snap.pages[i]);
        let Some(first_page) = first_page else {
            continue;
        };
        let mut redated: Vec<Evidence> = Vec::new();
        let mut excluded: HashSet<String> = HashSet::new();
        let mut real_dates: Vec<(NaiveDate, usize, String)> = Vec::new();
        // Entries that were there before with an older date and the same content are not
        // updates: they count with their earlier date; look again for the newest.
        let newest = loop {
            let n = newest_of(ctx.snap, c, &excluded);
            match redated_entry(ctx, c, n.as_ref(), start) {
                Some(r) if !excluded.contains(&r.key) => {
                    excluded.insert(r.key);
                    redated.extend(r.evidence);
                    real_dates.push(r.real);
                }
                _ => break n,
            }
        };
        let newest = newest
            .into_iter()
            .chain(real_dates)
            .max_by(|a, b| a.0.cmp(&b.0));
        let empty = c
            .lists
            .iter()
            .any(|&i| facts(&ctx.snap.pages[i]).is_some_and(|f| f.empty_list));
        let mut conf = c.confidence.min(1.0);
        let (stale, excerpt, message) = match &newest {
            Some((d, _, ex)) if *d >= start => {
                if c.column_type.is_none() && !windows.is_empty() {
                    // Fresh under the window used; it could be stale under a shorter one.
                    let shortest = windows
                        .iter()
                        .map(|w| w.within.start(ctx.as_of))
                        .max()
                        .unwrap_or(start);
                    if *d < shortest {
                        conf = conf.min(STALE_TYPE_UNKNOWN);
                        (
                            true,
                            Some(ex.clone()),
                            format!(
                                "「{}」最新信息为{d}；子栏目类型未识别，若属{}则已超过更新期限（应不早于{shortest}），请确认类型",
                                c.name(),
                                window_names(ctx.rubric, windows)
                            ),
                        )
                    } else {
                        (false, None, String::new())
                    }
                } else {
                    (false, None, String::new())
                }
            }
            Some((d, _, ex)) => {
                conf = conf.min(if redated.is_empty() {
                    STALE_BY_DATES
                } else {
                    STALE_REDATED
                });
                let mut m = format!(
                    "「{}」{type_name}最新信息为{d}，截至{}已超过更新期限（应不早于{start}）",
                    c.name(),
                    ctx.as_of
                );
                if !redated.is_empty() {
                    m.push_str("；较新日期的信息与上次抓取时内容相同、只改了日期，不算更新");
                }
                if c.column_type.is_none() && !windows.is_empty() {
                    let longest = windows
                        .iter()
                        .map(|w| w.within.start(ctx.as_of))
                        .chain(std::iter::once(default_within.start(ctx.as_of)))
                        .min()
                        .unwrap_or(start);
                    if *d >= longest {
                        conf = conf.min(STALE_TYPE_UNKNOWN);
                        m.push_str("；子栏目类型未识别，请确认其更新周期");
                    }
                }
                (true, Some(ex.clone()), m)
            }
            None if empty => {
                conf = conf.min(STALE_EMPTY_LIST);
                (
                    true,
                    Some("此栏目暂无信息".to_string()),
                    format!("「{}」为空白栏目，没有任何信息", c.name()),
                )
            }
            None => match changed_since(ctx, c) {
                Some((true, when)) if when >= start => (false, None, String::new()),
                Some((changed, when)) => {
                    conf = conf.min(STALE_NO_DATES);
                    (
                        true,
                        None,
                        if changed {
                            format!(
                                "「{}」未标日期；与 {when} 的抓取相比内容有变化，但变化时间早于更新期限（应不早于{start}），请核实",
                                c.name()
                            )
                        } else {
                            format!(
                                "「{}」未标日期，与 {when} 的抓取相比内容没有变化，请核实是否更新",
                                c.name()
                            )
                        },
                    )
                }
                None => {
                    conf = conf.min(STALE_NO_DATES);
                    (
                        true,
                        None,
                        format!(
                            "「{}」未能读出任何日期，无法判断是否在期限内更新（应不早于{start}），请人工核实",
                            c.name()
                        ),
                    )
                }
            },
        };
        if !stale {
            continue;
        }
        let page = newest
            .as_ref()
            .map_or(first_page, |(_, i, _)| &ctx.snap.pages[*i]);
        let mut ev = vec![evidence(page, excerpt, Some(c.name().to_string()))];
        if page.fetch != first_page.fetch {
            ev.insert(0, evidence(first_page, None, Some(c.name().to_string())));
        }
        ev.extend(redated);
        emit(
            ctx,
            Draft {
                rule,
                indicator: ind,
                url: c.url.clone(),
                subject: c.subject(),
                department: c.department.clone(),
                message,
                confidence: conf,
                unverified: false,
                evidence: ev,
            },
            out,
        );
    }
}

fn window_names(rubric: &Rubric, windows: &[rubric::TypedWindow]) -> String {
    windows
        .iter()
        .flat_map(|w| w.column_types.iter())
        .map(|t| {
            rubric
                .column_type(t)
                .map_or(t.as_str(), |c| c.name.as_str())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// A re-dated entry: shown with a newer date than the earlier crawl showed it, content
/// unchanged.
struct Redated {
    /// Its URL (the key `newest_of` leaves out).
    key: String,
    /// Both fetches.
    evidence: Vec<Evidence>,
    /// Its real date, with the page it now appears on and an excerpt.
    real: (NaiveDate, usize, String),
}

/// Whether the newest entry is a re-dated copy of an entry the earlier crawl had with an
/// older date. Only entries that would make the column fresh are looked at.
fn redated_entry(
    ctx: &Ctx<'_>,
    c: &Column,
    newest: Option<&(NaiveDate, usize, String)>,
    start: NaiveDate,
) -> Option<Redated> {
    let (date, list_i, _) = newest?;
    if *date < start {
        return None;
    }
    let hist = ctx.history?;
    let hmap = ctx.history_mapping?;
    // The entry behind the newest date: in one of the column's lists, or the item page itself.
    let from_list = c.lists.iter().find_map(|&i| {
        facts(&ctx.snap.pages[i])?
            .entries
            .iter()
            .find(|e| e.main && e.date == *date && e.url.is_some())
            .cloned()
    });
    let (url, title) = match from_list {
        Some(e) => (e.url.map(|u| u.to_string())?, e.title),
        None => {
            let p = &ctx.snap.pages[*list_i];
            (
                p.final_url.clone(),
                facts(p).and_then(|f| f.title.clone()).unwrap_or_default(),
            )
        }
    };
    let hc = hmap.columns.iter().find(|h| h.key == c.key)?;
    let old = hc.lists.iter().find_map(|&i| {
        facts(&hist.pages[i])?
            .entries
            .iter()
            .find(|e| e.main && e.url.as_ref().is_some_and(|u| u.as_str() == url))
            .map(|e| (e.date, i))
    })?;
    if old.0 >= *date {
        return None;
    }
    // Same content: the item page's text, dates masked, is the same in both crawls.
    let now_page = ctx.snap.page(&url)?;
    let then_page = hist.page(&url)?;
    let now_text = ctx.snap.texts.get(&now_page.fetch)?;
    let then_text = hist.texts.get(&then_page.fetch)?;
    if crate::text::masked(now_text) != crate::text::masked(then_text) {
        return None;
    }
    let mut a = evidence(
        now_page,
        Some(format!("{title}  {date}")),
        Some(c.name().to_string()),
    );
    a.note = Some(format!("本次抓取：日期为{date}"));
    let mut b = evidence(
        then_page,
        Some(format!("{title}  {}", old.0)),
        Some(c.name().to_string()),
    );
    b.note = Some(format!(
        "上次抓取（{}）：同一条信息日期为{}，内容相同",
        then_page.fetched_at.format("%Y-%m-%d"),
        old.0
    ));
    Some(Redated {
        key: url,
        evidence: vec![a, b],
        real: (
            old.0,
            *list_i,
            format!("{title}  {}（重新标为{date}）", old.0),
        ),
    })
}

/// For a column without dates: whether its content changed since the earlier crawl, and
/// the date of this crawl (the latest the change can be dated).
fn changed_since(ctx: &Ctx<'_>, c: &Column) -> Option<(bool, NaiveDate)> {
    let hist = ctx.history?;
    let hc = ctx
        .history_mapping?
        .columns
        .iter()
        .find(|h| h.key == c.key)?;
    let titles = |snap: &Snapshot, col: &Column| -> BTreeSet<String> {
        col.lists
            .iter()
            .filter_map(|&i| facts(&snap.pages[i]))
            .flat_map(|f| f.entries.iter().map(|e| e.title.clone()))
            .chain(col.items.iter().map(|&i| snap.pages[i].final_url.clone()))
            .collect()
    };
    let hashes = |snap: &Snapshot, col: &Column| -> BTreeSet<Option<String>> {
        col.lists
            .iter()
            .map(|&i| snap.pages[i].body_hash.clone())
            .collect()
    };
    let changed =
        titles(ctx.snap, c) != titles(hist, hc) || hashes(ctx.snap, c) != hashes(hist, hc);
    let when = ctx.snap.started_at?.date_naive();
    let then = hist.started_at?.date_naive();
    // A change seen now happened after the earlier crawl: it counts from that date.
    Some((changed, if changed { then } else { when }))
}

// ------------------------------------------------------------------------------------------
// guide_elements
// ------------------------------------------------------------------------------------------

fn guide_pages<'a>(ctx: &'a Ctx<'_>, ind: &'a Indicator) -> Vec<(&'a Column, &'a Page)> {
    let mut v = Vec::new();
    for c in ctx.mapping.of_indicator(&ind.id) {
        for &i in &c.items {
            let p = &ctx.snap.pages[i];
            if facts(p).is_some_and(|f| f.kind == Kind::Guide && f.guide.is_some()) {
                v.push((c, p));
            }
        }
    }
    v
}

/// How much to trust the reader's "missing" on a page where it found `missing` elements
/// missing: one or two gaps are what real guides have; many at once are more often a page
/// the reader did not read whole (a template it does not know, a guide cut short), so each
/// needs a person's look.
pub const SILENCE_FEW: usize = 2;
pub fn silence_doubt(missing: usize) -> f64 {
    match missing {
        0..=SILENCE_FEW => 1.0,
        3..=4 => 0.75,
        _ => 0.6,
    }
}

/// Pages a column lists that our fetch could not read (so nothing on them was checked).
fn unverified_items<'a>(ctx: &'a Ctx<'_>, c: &'a Column) -> Vec<&'a Page> {
    let mut seen = HashSet::new();
    let mut v = Vec::new();
    for &i in &c.lists {
        let Some(f) = facts(&ctx.snap.pages[i]) else {
            continue;
        };
        for e in f.entries.iter().filter(|e| e.main) {
            let Some(u) = &e.url else { continue };
            if let Some(p) = ctx.snap.page(u.as_str())
                && p.unverified()
                && seen.insert(p.fetch)
            {
                v.push(p);
            }
        }
    }
    v
}

fn guide_elements(
    ctx: &Ctx<'_>,
    ind: &Indicator,
    rule: &Rule,
    elements: &[String],
    out: &mut Vec<Finding>,
) {
    for (c, p) in guide_pages(ctx, ind) {
        let Some(g) = facts(p).and_then(|f| f.guide.as_ref()) else {
            continue;
        };
        let title = facts(p).and_then(|f| f.title.clone()).unwrap_or_default();
        let missing = elements
            .iter()
            .filter(|n| g.elements.iter().any(|(m, e)| m == *n && !e.present))
            .count();
        let doubt = silence_doubt(missing);
        for name in elements {
            let Some((_, ef)) = g.elements.iter().find(|(n, _)| n == name) else {
                continue;
            };
            if ef.present {
                continue;
            }
            let (excerpt, why) = match (&ef.label, &ef.value) {
                (Some(l), Some(v)) => (
                    Some(format!("{l}：{v}")),
                    format!("「{l}」一项的内容不是有效信息"),
                ),
                (Some(l), None) => (Some(l.clone()), format!("有「{l}」标签但没有内容")),
                _ => (None, "页面上没有这一要素".to_string()),
            };
            emit(
                ctx,
                Draft {
                    rule,
                    indicator: ind,
                    url: p.final_url.clone(),
                    subject: name.clone(),
                    department: c.department.clone(),
                    message: if doubt < 1.0 {
                        format!(
                            "服务指南「{title}」缺少要素「{name}」：{why}（本页读出缺少 {missing} 项要素，可能是网页读取不全，请人工核对）"
                        )
                    } else {
                        format!("服务指南「{title}」缺少要素「{name}」：{why}")
                    },
                    confidence: (f64::from(ef.confidence) * doubt).min(c.confidence),
                    unverified: false,
                    evidence: vec![evidence(p, excerpt, ef.label.clone())],
                },
                out,
            );
        }
    }
    // Guides the columns list but our fetch could not read: never a deduction.
    for c in ctx.mapping.of_indicator(&ind.id) {
        if c.column_type.as_deref() != Some("guide") {
            continue;
        }
        for p in unverified_items(ctx, c) {
            emit(
                ctx,
                Draft {
                    rule,
                    indicator: ind,
                    url: p.final_url.clone(),
                    subject: "网页未能核实".into(),
                    department: c.department.clone(),
                    message: format!(
                        "「{}」栏目中的这一页未能抓取（{}），其要素未能核实；不作扣分依据，可人工核对",
                        c.name(),
                        p.detail.as_deref().unwrap_or(p.outcome.label_zh())
                    ),
                    confidence: 1.0,
                    unverified: true,
                    evidence: vec![evidence(p, p.detail.clone(), None)],
                },
                out,
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// forms_downloadable
// ------------------------------------------------------------------------------------------

/// Strips 《》 and spaces for comparing form names.
fn form_key(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '《' | '》' | ' ' | '　'))
        .collect()
}

fn forms(ctx: &Ctx<'_>, ind: &Indicator, rule: &Rule, out: &mut Vec<Finding>) {
    // Forms are named in the materials element, whatever this rubric calls it.
    let materials_name = ctx
        .rubric
        .elements
        .iter()
        .find(|e| e.role == Some(rubric::ElementRole::Materials))
        .map_or("办理材料", |e| e.name.as_str());
    // The indicator's forms columns: name → download URL, from their list entries.
    let mut offered: Vec<(String, String, Option<String>)> = Vec::new();
    for c in ctx.mapping.of_indicator(&ind.id) {
        if c.column_type.as_deref() != Some("forms") {
            continue;
        }
        for &i in &c.lists {
            if let Some(f) = facts(&ctx.snap.pages[i]) {
                for e in &f.entries {
                    if let Some(u) = &e.url {
                        offered.push((form_key(&e.title), u.to_string(), c.department.clone()));
                    }
                }
            }
        }
    }
    for (c, p) in guide_pages(ctx, ind) {
        let Some(g) = facts(p).and_then(|f| f.guide.as_ref()) else {
            continue;
        };
        let title = facts(p).and_then(|f| f.title.clone()).unwrap_or_default();
        let materials = g
            .elements
            .iter()
            .filter_map(|(_, e)| e.value.as_deref())
            .collect::<Vec<_>>()
            .join("\n");
        for form in &g.forms {
            let key = form_key(&form.name);
            let subject = format!("《{key}》");
            // A document the page neither quotes as a title (《…》) nor links is not presented
            // as a form to download (家庭经济状况核查授权委托书 may be one written by hand):
            // not checked, rather than a deduction a careful person would not make.
            if form.download.is_none() && !materials.contains(&subject) {
                continue;
            }
            let link = form.download.as_ref().map(|u| u.to_string()).or_else(|| {
                offered
                    .iter()
                    .find(|(n, _, _)| {
                        !n.is_empty() && (n.contains(&key) || key.contains(n.as_str()))
                    })
                    .map(|(_, u, _)| u.clone())
            });
            let draft =
                |message: String, confidence: f64, unverified: bool, ev: Vec<Evidence>| Draft {
                    rule,
                    indicator: ind,
                    url: p.final_url.clone(),
                    subject: subject.clone(),
                    department: c.department.clone(),
                    message,
                    confidence,
                    unverified,
                    evidence: ev,
                };
            let Some(link) = link else {
                emit(
                    ctx,
                    draft(
                        format!(
                            "服务指南「{title}」{materials_name}中的{subject}未提供下载：页面和表格下载栏目中都没有它的下载链接"
                        ),
                        FORM_NOT_LINKED,
                        false,
                        vec![evidence(
                            p,
                            Some(subject.clone()),
                            Some(materials_name.into()),
                        )],
                    ),
                    out,
                );
                continue;
            };
            let target = ctx.snap.page(&link);
            let Some(t) = target else {
                emit(
                    ctx,
                    draft(
                        format!(
                            "服务指南「{title}」中{subject}的下载链接未被抓取，无法核实能否下载"
                        ),
                        1.0,
                        true,
                        vec![evidence(p, Some(link.clone()), Some(materials_name.into()))],
                    ),
                    out,
                );
                continue;
            };
            if t.unverified() {
                emit(
                    ctx,
                    draft(
                        format!(
                            "服务指南「{title}」中{subject}的下载未能核实（{}）；不作扣分依据",
                            t.detail.as_deref().unwrap_or(t.outcome.label_zh())
                        ),
                        1.0,
                        true,
                        vec![
                            evidence(p, Some(subject.clone()), None),
                            evidence(t, t.detail.clone(), None),
                        ],
                    ),
                    out,
                );
                continue;
            }
            let soft404 =
                t.outcome == store::Outcome::Soft404 || facts(t).is_some_and(|f| f.soft_404);
            let bad = match t.outcome {
                store::Outcome::Fetched | store::Outcome::NotModified => {
                    soft404
                        || t.attachment_ok == Some(false)
                        || facts(t).is_some_and(|f| {
                            f.kind != Kind::Attachment
                                && f.attachment.as_ref().is_none_or(|a| !a.genuine)
                        })
                }
                _ => true,
            };
            if !bad {
                continue;
            }
            let why = if soft404 {
                "链接打开的是「页面不存在」网页（软 404）".to_string()
            } else if let Some(s) = t.status.filter(|s| *s >= 400) {
                format!("下载链接返回 HTTP {s}")
            } else if t.outcome == store::Outcome::Fetched {
                "下载到的不是表格文件".to_string()
            } else {
                t.outcome.label_zh().to_string()
            };
            emit(
                ctx,
                draft(
                    format!("服务指南「{title}」{materials_name}中的{subject}未提供下载：{why}"),
                    FORM_BROKEN,
                    false,
                    vec![
                        evidence(p, Some(subject.clone()), Some(materials_name.into())),
                        evidence(t, Some(why.clone()), None),
                    ],
                ),
                out,
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// required_content and item_table
// ------------------------------------------------------------------------------------------

/// The pages of an indicator (lists and items), in column order.
fn indicator_pages<'a>(ctx: &'a Ctx<'_>, ind: &'a Indicator) -> Vec<&'a Page> {
    ctx.mapping
        .of_indicator(&ind.id)
        .flat_map(|c| c.lists.iter().chain(c.items.iter()))
        .map(|&i| &ctx.snap.pages[i])
        .collect()
}

/// Whether a key service offers an item: a guide of the service has the element, or a page
/// title, list entry, column name or labelled line names it.
fn offers(ctx: &Ctx<'_>, ind: &Indicator, item: &ContentItem) -> bool {
    let not_trap = |s: &str| !item.not.iter().any(|n| s.contains(n.as_str()));
    let named = |s: &str| not_trap(s) && item.labels.iter().any(|l| s.contains(l.as_str()));
    for p in indicator_pages(ctx, ind) {
        let Some(f) = facts(p) else { continue };
        if let (Some(el), Some(g)) = (&item.element, &f.guide) {
            if g.elements.iter().any(|(n, e)| n == el && e.present) {
                return true;
            }
            continue;
        }
        if item.element.is_some() {
            continue;
        }
        if f.title.as_deref().is_some_and(named)
            || f.entries.iter().any(|e| named(&e.title))
            || f.guide.as_ref().is_some_and(|g| {
                g.elements
                    .iter()
                    .any(|(_, e)| e.present && e.label.as_deref().is_some_and(named))
            })
        {
            return true;
        }
        if let Some(lines) = ctx.snap.texts.get(&p.fetch)
            && lines.iter().enumerate().any(|(k, l)| {
                not_trap(l) && labelled(l, lines.get(k + 1).map(String::as_str), &item.labels)
            })
        {
            return true;
        }
    }
    ctx.mapping.of_indicator(&ind.id).any(|c| {
        c.path
            .iter()
            .skip(c.indicator_at.unwrap_or(0) + 1)
            .any(|s| named(s))
    })
}

/// A line that gives a value under one of the labels: `label：value`, a table row
/// `label|value`, or the label alone on its line (a heading, numbered or not) with the value
/// on the next line.
fn labelled(line: &str, next: Option<&str>, labels: &[String]) -> bool {
    let bare = line
        .trim()
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || "一二三四五六七八九十（）()、.．【】[] 　".contains(c)
        })
        .trim_end_matches(['：', ':', '】', ']', ' ', '　']);
    labels.iter().any(|l| {
        if bare == l.as_str() {
            return next.is_some_and(|n| n.trim().chars().count() >= 2);
        }
        line.match_indices(l.as_str()).any(|(at, _)| {
            let after = line[at + l.len()..].trim_start_matches([' ', '　']);
            if let Some(rest) = after.strip_prefix(['：', ':', '|']) {
                return rest.trim_start_matches('|').trim().chars().count() >= 2;
            }
            // A bracketed label: "【入学流程】1. 网上报名…".
            if line[..at].trim_end().ends_with(['【', '['])
                && let Some(rest) = after.strip_prefix(['】', ']'])
            {
                return rest.trim().chars().count() >= 2;
            }
            // A run-on guide numbers its labels instead of giving them a colon:
            // "三、入学流程 网上报名、资格审核…".
            numbered_before(&line[..at])
                && line[at + l.len()..].starts_with([' ', '　'])
                && after.trim().chars().count() >= 2
        })
    })
}

/// Whether `before` ends with a numbering token (一、 （三） 2.), as a numbered label's does.
fn numbered_before(before: &str) -> bool {
    let t = before.trim_end_matches([' ', '　']);
    let Some(last) = t.chars().next_back() else {
        return false;
    };
    let head = t[..t.len() - last.len_utf8()].chars().next_back();
    match last {
        '、' | '.' | '．' => {
            head.is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        }
        ')' | '）' => t.contains(['(', '（']),
        _ => false,
    }
}

fn owner(ctx: &Ctx<'_>, ind: &Indicator, item: &ContentItem) -> Option<String> {
    ctx.profile
        .item_owner(&ind.id, &item.name)
        .and_then(|d| ctx.rubric.department(d))
        .map(|d| d.name.clone())
        .or_else(|| item.department.clone())
        .or_else(|| match ind.departments.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        })
}

fn content(
    ctx: &Ctx<'_>,
    ind: &Indicator,
    rule: &Rule,
    items: &[ContentItem],
    out: &mut Vec<Finding>,
) {
    let Some(top) = ctx.mapping.top(&ind.id) else {
        return; // the freshness rule already says the column was not found
    };
    let Some(&first) = top.lists.first().or(top.items.first()) else {
        return;
    };
    let page = &ctx.snap.pages[first];
    for item in items {
        if offers(ctx, ind, item) {
            continue;
        }
        emit(
            ctx,
            Draft {
                rule,
                indicator: ind,
                url: top.url.clone(),
                subject: item.name.clone(),
                department: owner(ctx, ind, item),
                message: format!(
                    "「{}」栏目中没有找到「{}」的内容（查找了各页面的标题、列表、服务指南要素和标注的内容）",
                    top.name(),
                    item.name
                ),
                confidence: CONTENT_MISSING.min(top.confidence),
                unverified: false,
                evidence: vec![evidence(page, None, Some(item.name.clone()))],
            },
            out,
        );
    }
}

/// The pages that publish an indicator's item table.
pub fn table_pages<'a>(
    ctx_mapping: &'a Mapping,
    snap: &'a Snapshot,
    ind: &str,
    titles: &[String],
) -> Vec<&'a Page> {
    ctx_mapping
        .of_indicator(ind)
        .flat_map(|c| c.lists.iter().chain(c.items.iter()))
        .map(|&i| &snap.pages[i])
        .filter(|p| {
            p.facts
                .as_ref()
                .and_then(|f| f.title.as_deref())
                .is_some_and(|t| titles.iter().any(|w| t.contains(w.as_str())))
        })
        .collect()
}

fn item_table(
    ctx: &Ctx<'_>,
    ind: &Indicator,
    rule: &Rule,
    entries: &[ContentItem],
    titles: &[String],
    out: &mut Vec<Finding>,
) {
    let pages = table_pages(ctx.mapping, ctx.snap, &ind.id, titles);
    let Some(page) = pages.first() else {
        if let Some(top) = ctx.mapping.top(&ind.id) {
            emit(
                ctx,
                Draft {
                    rule,
                    indicator: ind,
                    url: top.url.clone(),
                    subject: rule.name.clone(),
                    department: match ind.departments.as_slice() {
                        [one] => Some(one.clone()),
                        _ => None,
                    },
                    message: format!(
                        "网站「{}」栏目中未找到{}：如已另行报送，请撤销本条",
                        top.name(),
                        rule.name
                    ),
                    confidence: TABLE_NOT_FOUND,
                    unverified: false,
                    evidence: vec![],
                },
                out,
            );
        }
        return;
    };
    let Some(lines) = ctx.snap.texts.get(&page.fetch) else {
        return;
    };
    for e in entries {
        let there = lines.iter().any(|l| {
            e.labels.iter().any(|x| l.contains(x.as_str()))
                && !e.not.iter().any(|n| l.contains(n.as_str()))
        });
        if there {
            continue;
        }
        emit(
            ctx,
            Draft {
                rule,
                indicator: ind,
                url: page.final_url.clone(),
                subject: e.name.clone(),
                department: owner(ctx, ind, e),
                message: format!("{}缺少「{}」", rule.name, e.name),
                confidence: TABLE_ENTRY_MISSING,
                unverified: false,
                evidence: vec![evidence(page, None, Some(e.name.clone()))],
            },
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::labelled;

    #[test]
    fn a_required_item_is_offered_under_its_label_in_every_layout() {
        let labels = vec!["入学流程".to_string()];
        for (line, next) in [
            ("入学流程：网上报名、资格审核", None),
            ("入学流程|网上报名", None),
            ("三、入学流程", Some("网上报名、资格审核")),
            ("【入学流程】1. 网上报名", None),
            (
                "二、事项名称 随迁子女入学 三、入学流程 网上报名、资格审核 四、证件要求 户口簿",
                None,
            ),
        ] {
            assert!(labelled(line, next, &labels), "{line}");
        }
        for line in ["今年的入学流程有所调整。", "【入学流程】", "入学流程"] {
            assert!(!labelled(line, None, &labels), "{line}");
        }
    }
}
