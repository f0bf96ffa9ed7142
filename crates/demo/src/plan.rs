//! The seeded defects: which columns are stale, which guides lack which element, which forms
//! cannot be downloaded, which key-item content and item-table entries are missing. The plan
//! has the same shape for every seed; the seed chooses the targets. `truth` turns it into the
//! ground-truth manifest; the renderers consult it to put each defect into the pages.

use std::collections::HashMap;

use crate::rng::{below, hs};
use crate::site::{ProtoView, window_months};
use crate::vocab::{Ctype, INDICATORS, dept};

/// How a service guide is defective; each removes exactly one of the 9 elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideDefect {
    /// 办理时间 absent; only 办理时限 (a deadline) is given.
    DeadlineNotHours,
    /// 联系电话 absent; only 监督电话/投诉电话 are given.
    SupervisionPhoneOnly,
    /// 申请条件 absent; only 受理范围 (who may apply) is given.
    ScopeNotConditions,
    /// 办理流程 is a heading with nothing under it.
    EmptyProcessHeading,
    /// 办理地点 says only 详见窗口.
    PlaceholderLocation,
    /// 收费标准及依据 says only 无.
    PlaceholderFee,
    /// 联系电话 is an empty element a script would fill in.
    ScriptPhone,
    /// 办理材料 says only 其他材料.
    PlaceholderMaterials,
    /// 设定依据 is not on the page at all.
    NoBasis,
    /// The guide stops after its first four elements (a page cut short): the other five are
    /// missing, and a careful reader of a machine's reading wants a person to look.
    CutShort,
}

impl GuideDefect {
    /// The rubric element this defect removes.
    pub fn element(self) -> &'static str {
        match self {
            GuideDefect::DeadlineNotHours => "办理时间",
            GuideDefect::SupervisionPhoneOnly | GuideDefect::ScriptPhone => "联系电话",
            GuideDefect::ScopeNotConditions => "申请条件",
            GuideDefect::EmptyProcessHeading => "办理流程",
            GuideDefect::PlaceholderLocation => "办理地点",
            GuideDefect::PlaceholderFee => "收费标准及依据",
            GuideDefect::PlaceholderMaterials => "办理材料",
            GuideDefect::NoBasis => "设定依据",
            GuideDefect::CutShort => "收费标准及依据",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            GuideDefect::DeadlineNotHours => "只有「办理时限」（期限），没有办理时间（办公时间）",
            GuideDefect::SupervisionPhoneOnly => "只有「监督电话」「投诉电话」，没有咨询或联系电话",
            GuideDefect::ScopeNotConditions => "只有「受理范围」，没有申请条件",
            GuideDefect::EmptyProcessHeading => "「办理流程」标题下没有内容",
            GuideDefect::PlaceholderLocation => "办理地点只写「详见窗口」",
            GuideDefect::PlaceholderFee => "收费标准只写「无」",
            GuideDefect::ScriptPhone => "联系电话由脚本填写，页面上为空",
            GuideDefect::PlaceholderMaterials => "办理材料只写「其他材料」",
            GuideDefect::NoBasis => "页面上没有设定依据",
            GuideDefect::CutShort => "指南只写了前四项，后面的要素都没有",
        }
    }
}

const GUIDE_DEFECTS: &[GuideDefect] = &[
    GuideDefect::DeadlineNotHours,
    GuideDefect::SupervisionPhoneOnly,
    GuideDefect::ScopeNotConditions,
    GuideDefect::EmptyProcessHeading,
    GuideDefect::PlaceholderLocation,
    GuideDefect::PlaceholderFee,
    GuideDefect::ScriptPhone,
    GuideDefect::PlaceholderMaterials,
];

/// How a form named in a guide's materials fails to be downloadable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormDefect {
    /// Named, but no link anywhere.
    NotLinked,
    /// Linked; the link answers 404.
    NotFound,
    /// Linked; the link answers 200 with a 「页面不存在」 HTML page.
    Soft404,
}

impl FormDefect {
    pub fn describe(self) -> &'static str {
        match self {
            FormDefect::NotLinked => "办理材料中列出的表格没有提供下载链接",
            FormDefect::NotFound => "表格下载链接返回 404",
            FormDefect::Soft404 => "表格下载链接返回「页面不存在」网页（软 404）",
        }
    }
}

/// A stale column: why, and how many days old its newest entry is.
#[derive(Clone, Copy, Debug)]
pub struct Stale {
    pub age: u64,
}

pub struct Plan {
    pub stale: HashMap<usize, Stale>,
    pub guides: HashMap<(usize, u64), GuideDefect>,
    pub forms: HashMap<(usize, u64), FormDefect>,
    /// Missing content items of key services: indicator id → item index in the rubric rule.
    pub content_missing: HashMap<&'static str, usize>,
    /// Missing item-table entries: indicator id → entry index in the rubric rule.
    pub table_missing: HashMap<&'static str, usize>,
    /// A guide behind the firewall challenge: the crawler cannot read it (*unverified*).
    pub walled: Option<(usize, u64)>,
    /// A stale column whose newest entry is re-dated: shown with a recent date now, with its
    /// real (old) date in the previous version of the site, same content.
    pub redated: Option<usize>,
}

/// Days before the as-of date that a re-dated entry claims.
pub const REDATED_AGE: u64 = 12;

/// Number of content items of the key services' `content` rules (checked against the
/// rubric by a test): 2.1 has 9, 2.3 has 5.
pub const CONTENT_ITEMS_2_1: usize = 9;
pub const CONTENT_ITEMS_2_3: usize = 5;

impl Plan {
    pub fn choose(seed: u64, cols: &[ProtoView]) -> Plan {
        let mut p = Plan {
            stale: HashMap::new(),
            guides: HashMap::new(),
            forms: HashMap::new(),
            content_missing: HashMap::new(),
            table_missing: HashMap::new(),
            walled: None,
            redated: None,
        };
        let ind_of = |c: &ProtoView| c.ind.map(|k| INDICATORS[k].id).unwrap_or("");
        let sec1 = |c: &ProtoView| ind_of(c).starts_with("1.") && ind_of(c) != "1.10";
        let r = |tag: &str| hs(seed, tag, &[]);
        let choose = |tag: &str, ok: &dyn Fn(&ProtoView) -> bool| -> Option<usize> {
            let cands: Vec<usize> = (0..cols.len()).filter(|&i| ok(&cols[i])).collect();
            (!cands.is_empty()).then(|| cands[below(r(tag), cands.len() as u64) as usize])
        };
        // Stale columns, one of each window kind, plus two in 1.10 so that its deductions
        // exceed its points (扣完为止).
        if let Some(c) = choose("stale-policy", &|c| {
            sec1(c) && c.ctype == Some(Ctype::Policy)
        }) {
            p.stale.insert(
                c,
                Stale {
                    age: 215 + below(r("a1"), 40),
                },
            );
        }
        // Seven months: stale under the 6-month window of 水电气 notices, fresh under 1 year.
        if let Some(c) = choose("stale-utility", &|c| c.ctype == Some(Ctype::Utility)) {
            p.stale.insert(
                c,
                Stale {
                    age: 200 + below(r("a2"), 30),
                },
            );
        }
        if let Some(c) = choose("stale-yearly", &|c| {
            sec1(c)
                && matches!(
                    c.ctype,
                    Some(Ctype::Forms | Ctype::Faq | Ctype::Convenience | Ctype::Samples)
                )
        }) {
            p.stale.insert(
                c,
                Stale {
                    age: 400 + below(r("a3"), 60),
                },
            );
        }
        if let Some(c) = choose("stale-monthly", &|c| ind_of(c) == "2.2") {
            p.stale.insert(
                c,
                Stale {
                    age: 40 + below(r("a4"), 20),
                },
            );
        }
        if let Some(c) = choose("stale-area", &|c| {
            ind_of(c).starts_with('3') && c.ctype != Some(Ctype::Policy)
        }) {
            p.stale.insert(
                c,
                Stale {
                    age: 380 + below(r("a5"), 60),
                },
            );
        }
        let q: Vec<usize> = (0..cols.len())
            .filter(|&i| ind_of(&cols[i]) == "1.10" && cols[i].ctype != Some(Ctype::Guide))
            .collect();
        for (k, c) in q.iter().take(2).enumerate() {
            let age = match cols[*c].ctype {
                Some(ct) if window_months("1.10", ct) == 6 => 230,
                _ => 420,
            };
            p.stale.insert(
                *c,
                Stale {
                    age: age + k as u64,
                },
            );
        }

        // Guide defects: each on item 0 or 1 of a distinct section-1 guide column.
        let mut guide_cols: Vec<usize> = (0..cols.len())
            .filter(|&i| sec1(&cols[i]) && cols[i].ctype == Some(Ctype::Guide))
            .collect();
        shuffle(&mut guide_cols, r("shuffle-guides"));
        let mut it = guide_cols.into_iter();
        for (k, d) in GUIDE_DEFECTS.iter().enumerate() {
            if let Some(c) = it.next() {
                p.guides
                    .insert((c, below(hs(seed, "gi", &[k as u64]), 2)), *d);
            }
        }
        if let Some(c) = (0..cols.len())
            .find(|&i| ind_of(&cols[i]) == "1.10" && cols[i].ctype == Some(Ctype::Guide))
        {
            p.guides.insert((c, 1), GuideDefect::NoBasis);
        }
        // Form defects: on guides whose service names a form, in the remaining columns.
        for (k, d) in [
            FormDefect::NotLinked,
            FormDefect::NotFound,
            FormDefect::Soft404,
        ]
        .into_iter()
        .enumerate()
        {
            for c in it.by_ref() {
                let slug = dept(cols[c].dept).slug;
                let start = below(hs(seed, "fi", &[k as u64]), 2);
                if let Some(i) = (0..2u64).map(|j| (start + j) % 2).find(|&i| {
                    !crate::guide::forms_of(crate::guide::service_of(slug, ind_of(&cols[c]), i))
                        .is_empty()
                }) {
                    p.forms.insert((c, i), d);
                    break;
                }
            }
        }
        // A guide cut short (needs review) and a guide behind the firewall (unverified), in
        // guide columns no other defect uses.
        if let Some(c) = it.next() {
            p.guides.insert((c, 0), GuideDefect::CutShort);
        }
        p.walled = it.next().map(|c| (c, 0));
        // (Its forms' attachments are reachable only through it: `Site::paths` leaves them
        // out.)
        // A yearly column, stale, whose newest entry is re-dated.
        let stale_now: Vec<usize> = p.stale.keys().copied().collect();
        if let Some(c) = choose("redated", &|c| {
            sec1(c) && matches!(c.ctype, Some(Ctype::Faq | Ctype::Convenience))
        })
        .filter(|c| !stale_now.contains(c))
        {
            p.stale.insert(
                c,
                Stale {
                    age: 420 + below(r("a6"), 40),
                },
            );
            p.redated = Some(c);
        }
        p.content_missing
            .insert("2.1", below(r("c21"), CONTENT_ITEMS_2_1 as u64) as usize);
        p.content_missing
            .insert("2.3", below(r("c23"), CONTENT_ITEMS_2_3 as u64) as usize);
        // 3.4's entries share the label 生育服务证, so a missing entry there would not be
        // detectable from the table: it is never chosen.
        p.table_missing.insert("3.1", below(r("t31"), 4) as usize);
        let other = crate::rng::pick(&["3.2", "3.3", "3.5"], r("t3x"));
        let n = match other {
            "3.2" => 6,
            _ => 4,
        };
        p.table_missing.insert(other, below(r("t3xe"), n) as usize);
        p
    }

    pub fn stale_age(&self, col: usize) -> Option<u64> {
        self.stale.get(&col).map(|s| s.age)
    }
}

fn shuffle(v: &mut [usize], seed: u64) {
    for i in (1..v.len()).rev() {
        let j = below(hs(seed, "sh", &[i as u64]), i as u64 + 1) as usize;
        v.swap(i, j);
    }
}
