//! Service-guide elements: for each element the rubric names, whether the page really has it,
//! under which label, its value, and how sure we are.
//!
//! Two passes over the page's lines ([`crate::doc`]):
//! 1. Segmentation (segment.rs) into (label, value) pairs from every layout real guides use: label/value
//!    table rows, tables with the elements as column headers (spans already expanded),
//!    headings (`一、` `（一）` `1.` `【】`, `<h*>`, `<dt>`, a label alone on its line) with the
//!    lines under them, and `标签：值` runs inside a paragraph.
//! 2. Judgement (here): a label names an element ([`Vocabulary::match_label`]); traps are dropped;
//!    an empty or placeholder value is missing (but 不收费 is a fee); a value whose shape
//!    (cues.rs) belies its label is moved to the element it is; sections without a
//!    known label are recognised from content, but only on a page already shown to be a guide.
//!
//! A catalogue, a template or a news item names elements without giving them: a page is a
//! guide only if it gives at least one element's value under a label and shows several.

mod runon;
mod segment;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use segment::{Numbering, Seg, inline_splits, numbering, segment, strip_colon};

use rubric::ElementRole;

use crate::cues;
use crate::doc::{Doc, Line, Region};
use crate::text::halfwidth;
use crate::vocab::{LabelMatch, Vocabulary};

/// How an element's value was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// A label cell beside a value cell.
    Table,
    /// A column of a table whose header row names elements.
    ItemsTable,
    /// A heading line and the lines under it.
    Heading,
    /// `标签：值` inside a line.
    Inline,
    /// Recognised from the value alone (the label was unknown, lost or wrong).
    Content,
    /// The page title (for the item name).
    Title,
    /// Not found.
    Missing,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ElementFact {
    pub present: bool,
    /// The label as written on the page.
    pub label: Option<String>,
    pub value: Option<String>,
    /// 0..1; below [`DOUBTFUL`] the workbench should ask a person.
    pub confidence: f32,
    pub how: How,
}

/// Confidence below which a call should be checked by a person.
pub const DOUBTFUL: f32 = 0.7;

// How sure each way of reading an element is. Ordered so that a better reading of the same
// element replaces a worse one (`offer`); the assessment turns them into finding confidence.
/// The section's label is one of the rubric's labels, exactly.
const BY_EXACT_LABEL: f32 = 0.95;
/// The label ends with a rubric label (办事依据 ends with 依据).
const BY_SUFFIX_LABEL: f32 = 0.85;
/// The element's label is there with a placeholder value (无, 暂无): the page says it is absent.
const SAID_ABSENT: f32 = 0.85;
/// The label shares only its head word with the element's labels; the value agreed.
const BY_HEAD_WORD: f32 = 0.75;
/// Taken off when the value has none of the element's shape (a label over the wrong text).
const SHAPE_DISAGREES: f32 = 0.2;
/// Recognised from its content alone (no label, or a label naming another element).
const BY_CONTENT: f32 = 0.6;
/// How much of an element's shape a section under a head-word heading needs to count as
/// that element's own section.
const HEAD_SECTION_SHAPE: u32 = 2;
/// The item name read from the page title.
const BY_TITLE: f32 = 0.7;
/// Not found on a page read as a guide: fairly sure, since the reader finds most labels.
const MISSING: f32 = 0.8;

/// The guide facts of a page.
#[derive(Clone, Debug)]
pub struct Guide {
    /// One entry per rubric element, in rubric order, keyed by the element's name.
    pub elements: Vec<(String, ElementFact)>,
    pub forms: Vec<crate::forms::Form>,
    pub sample_text: bool,
    pub common_errors: bool,
}

impl Serialize for Guide {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Elements<'a>(&'a [(String, ElementFact)]);
        impl Serialize for Elements<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("elements", &Elements(&self.elements))?;
        m.serialize_entry("forms", &self.forms)?;
        m.serialize_entry("sample_text", &self.sample_text)?;
        m.serialize_entry("common_errors", &self.common_errors)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Guide {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Guide, D::Error> {
        /// The elements as a JSON object, in the order written (rubric order).
        struct Elements(Vec<(String, ElementFact)>);
        impl<'de> Deserialize<'de> for Elements {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Elements, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = Elements;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a map of element name to element fact")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut m: A,
                    ) -> Result<Elements, A::Error> {
                        let mut v = Vec::new();
                        while let Some((k, e)) = m.next_entry::<String, ElementFact>()? {
                            v.push((k, e));
                        }
                        Ok(Elements(v))
                    }
                }
                d.deserialize_map(V)
            }
        }
        #[derive(Deserialize)]
        struct Repr {
            elements: Elements,
            forms: Vec<crate::forms::Form>,
            sample_text: bool,
            common_errors: bool,
        }
        let r = Repr::deserialize(d)?;
        Ok(Guide {
            elements: r.elements.0,
            forms: r.forms,
            sample_text: r.sample_text,
            common_errors: r.common_errors,
        })
    }
}

impl Guide {
    pub fn element(&self, name: &str) -> Option<&ElementFact> {
        self.elements
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
    }
}

/// How many lines at the top of a page may hold its title.
const TITLE_WINDOW: usize = 6;
const MAX_VALUE_CHARS: usize = 2_000;

/// The guide facts of a page, or `None` when the page is not a service guide.
pub fn guide(
    doc: &Doc,
    title: Option<&str>,
    links: &[crate::Link],
    vocab: &Vocabulary,
) -> Option<Guide> {
    let lines: Vec<&Line> = doc
        .lines
        .iter()
        .filter(|l| !matches!(l.region, Region::Footer | Region::Nav | Region::Header))
        .filter(|l| !is_disclosure_metadata(&l.text))
        .collect();
    // A Traditional copy is read in Simplified, as the rubric's labels are written, and a
    // copy glossed with romanisation without its glosses.
    let folded: Vec<Line>;
    let folded_title: Option<String>;
    let traditional = crate::fold::looks_traditional(&lines);
    let glossed = crate::fold::has_glosses(&lines);
    let (lines, title) = if traditional || glossed {
        folded = crate::fold::fold_lines(&lines, traditional, glossed);
        folded_title = title.map(|t| {
            let t = if glossed {
                crate::fold::strip_glosses(t)
            } else {
                t.to_owned()
            };
            if traditional {
                crate::fold::to_simplified(&t)
            } else {
                t
            }
        });
        (
            folded.iter().collect::<Vec<&Line>>(),
            folded_title.as_deref(),
        )
    } else {
        (lines, title)
    };
    // A guide run on in one paragraph is cut at its labels first.
    let expanded: Vec<Line>;
    let lines = match runon::expand(&lines, vocab) {
        Some(cut) => {
            expanded = cut;
            expanded.iter().collect::<Vec<&Line>>()
        }
        None => lines,
    };
    if is_catalogue(title, &lines) || is_notice(title) || is_template(title, &lines) {
        return None;
    }
    // A title made of a service and one of its sections (道路挖掘审批所需要件): the title line
    // is read as the service's name over a heading of that section.
    let section_title = title.and_then(|t| title_section(t, vocab));
    let split: Vec<Line>;
    let lines = match (section_title, title) {
        (Some((stem, label)), Some(t)) => {
            let t = crate::text::squeeze(t);
            match lines
                .iter()
                .take(TITLE_WINDOW)
                .position(|l| crate::text::squeeze(&l.text) == t)
            {
                Some(k) => {
                    let mut out: Vec<Line> = lines.iter().map(|l| (*l).clone()).collect();
                    let head = |text: &str| Line {
                        text: text.to_owned(),
                        cells: Vec::new(),
                        region: lines[k].region,
                        heading: true,
                    };
                    out.splice(k..=k, [head(stem), head(label)]);
                    split = out;
                    split.iter().collect()
                }
                None => lines,
            }
        }
        _ => lines,
    };
    let segs = segment(&lines, vocab);
    let n = vocab.elements.len();
    let mut facts: Vec<Option<ElementFact>> = vec![None; n];
    let mut seen = vec![false; n];
    // Elements only a guide states whose weak label agreed with its value on the same line
    // (救助范围: 国家对…人均收入低于…的家庭). Not a weak label alone on its line: in a table
    // flattened one cell a line, a cell's value (优抚对象) looks like one.
    let mut weak_agreed = vec![false; n];
    let mut labelled_present = vec![false; n];

    // Labelled segments.
    let mut unlabelled: Vec<&Seg> = Vec::new();
    for seg in &segs {
        let real: Vec<LabelMatch> = seg
            .matches
            .iter()
            .copied()
            .filter(|m| !matches!(m, LabelMatch::Not(_)))
            .collect();
        if seg.matches.is_empty() {
            unlabelled.push(seg);
            continue;
        }
        if real.is_empty() {
            continue;
        }
        let parts = distribute(seg, &real, vocab);
        for (m, value) in parts {
            let i = m.element();
            let shape = cues::score(vocab.role(i), &value);
            let weak = matches!(m, LabelMatch::Head(_) | LabelMatch::Weak(_));
            if weak && shape.is_none_or(|s| s == 0) {
                // A head-word label (许可条件) only counts when its value agrees. When it does
                // not, it was no label (权责清单 over phone numbers and an address whose own
                // labels were lost): its text is read as text without one.
                if !vocab.is_placeholder(&value) {
                    if real.len() == 1 {
                        unlabelled.push(seg);
                    }
                    continue;
                }
            }
            seen[i] |= !weak;
            let base = match m {
                LabelMatch::Exact(_) => BY_EXACT_LABEL,
                LabelMatch::Suffix(_) => BY_SUFFIX_LABEL,
                _ => BY_HEAD_WORD,
            };
            // A deadline under an hours label (婴儿出生1月内) is not opening hours.
            let deadline = vocab.role(i) == Some(ElementRole::Hours)
                && shape.is_none_or(|s| s == 0)
                && cues::is_deadline(&value);
            if vocab.is_placeholder(&value)
                || (shape.is_none_or(|s| s == 0) && is_another_field(&value))
                || (shape.is_none_or(|s| s <= 1) && is_icon_row(&value))
                || deadline
                || cues::is_chrome_only(&value)
            {
                offer(
                    &mut facts[i],
                    ElementFact {
                        present: false,
                        label: seg.label.clone(),
                        value: (!value.is_empty()).then_some(value),
                        confidence: SAID_ABSENT,
                        how: seg.how,
                    },
                );
                continue;
            }
            if shape == Some(0)
                && value.chars().count() >= 10
                && let Some(j) = best_shape(&value, vocab, Some(i), |j, s| {
                    cues::alone(vocab.role(j)).is_some_and(|a| s >= a.min(4) - 1)
                })
            {
                // The heading says one element, the text is another (申报条件 over documents).
                seen[j] = true;
                labelled_present[j] = true;
                offer(&mut facts[j], read_by_content(seg.label.clone(), &value));
                continue;
            }
            // What only a guide states; a contact page has an address and hours too.
            let guide_only = matches!(
                vocab.role(i),
                Some(
                    ElementRole::LegalBasis
                        | ElementRole::Conditions
                        | ElementRole::Materials
                        | ElementRole::Process
                )
            );
            weak_agreed[i] |= weak
                && guide_only
                && seg.how == How::Inline
                && shape.is_some_and(|s| s >= HEAD_SECTION_SHAPE);
            // A head-word label (上班时间, 地址) is a weak sign: it fills an element on a page
            // shown to be a guide, but does not make a contact page a guide — unless it heads
            // a section of its own with a value of the element's shape (三、办证材料 over a
            // list of documents), or is the key of a key-value row that states what only a
            // guide states (条件 | 一、…应当…): the page is then built of sections or fields as
            // guides are. A contact table (地址 | …, 电话 | …) stays weak.
            labelled_present[i] |= !weak
                || (matches!(m, LabelMatch::Head(_))
                    && (seg.how == How::Heading || (seg.how == How::Table && guide_only))
                    && shape.is_some_and(|s| s >= HEAD_SECTION_SHAPE));
            let conf = if shape == Some(0) {
                base - SHAPE_DISAGREES
            } else {
                base
            };
            offer(
                &mut facts[i],
                ElementFact {
                    present: true,
                    label: seg.label.clone(),
                    value: Some(clip(&value)),
                    confidence: conf,
                    how: seg.how,
                },
            );
        }
    }

    // A title that names a service and the page's genre (残疾证申领程序, 出生医学证明办理指南)
    // says guide by itself, as a guide column does: such pages often carry no label at all,
    // only numbered steps. Every other way of being a guide needs one element given under its
    // own label; most pages stop here, before the content pass (the costly part).
    let name_from_title = match section_title {
        Some((stem, _)) => Some(stem.to_owned()),
        None => title_candidate(title, &lines, vocab),
    };
    let titled = section_title.is_some()
        || name_from_title.as_deref().is_some_and(says_guide)
        || title.is_some_and(issues_guide);
    if !titled && !labelled_present.iter().any(|p| *p) {
        return None;
    }

    // Sections without a known label, recognised from their content.
    let mut by_content = 0;
    let by_shape = |value: &str| {
        best_shape(value, vocab, None, |j, s| {
            cues::alone(vocab.role(j)).is_some_and(|a| s >= a)
        })
    };
    for seg in unlabelled {
        let value = seg.value.join("\n");
        // A section is one element; when its lines together say none clearly, they may be
        // several fields whose labels were lost (a phone line, an address line, an hours
        // line), each read alone.
        let found: Vec<(usize, String)> = match by_shape(&value) {
            Some(j) => vec![(j, value)],
            None => seg
                .value
                .iter()
                .filter_map(|l| Some((by_shape(l)?, l.clone())))
                .collect(),
        };
        for (j, value) in found {
            if facts[j].as_ref().is_some_and(|f| f.present) || labelled_seen_absent(&facts[j]) {
                continue;
            }
            offer(&mut facts[j], read_by_content(seg.label.clone(), &value));
            by_content += 1;
        }
    }

    // The fee and the documents are often said in passing, inside the steps or a note
    // (一律免收工本费; 持《评定表》及二寸照片、本人身份证到县残联办理).
    for (role, said) in [
        (ElementRole::Fee, cues::fee_in_passing as fn(&str) -> bool),
        (ElementRole::Materials, cues::materials_in_passing),
    ] {
        let Some(j) = vocab.role_index(role) else {
            continue;
        };
        if facts[j].as_ref().is_some_and(|f| f.present) || labelled_seen_absent(&facts[j]) {
            continue;
        }
        if let Some(line) = lines.iter().find(|l| said(&l.text)) {
            facts[j] = Some(read_by_content(None, &line.text));
            by_content += 1;
        }
    }

    let strong = labelled_present.iter().filter(|p| **p).count();
    let n_seen = seen.iter().filter(|p| **p).count();
    let read = facts
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            Some(*i) != item_name_index(vocab) && f.as_ref().is_some_and(|f| f.present)
        })
        .count();
    // One element under its own label and another under a weak label that its value bears
    // out (救助范围: 人均收入低于…的家庭 beside 办事流程) are two of a guide's sections.
    let agreed = (0..n)
        .filter(|i| labelled_present[*i] || weak_agreed[*i])
        .count();
    // A contact block (办公地址, 办公时间, 联系电话) is on every 联系我们 page: without a guide
    // title, a page is a guide only if it states something beyond where, when and whom to
    // call.
    let beyond_contact = facts.iter().enumerate().any(|(i, f)| {
        f.as_ref().is_some_and(|f| f.present)
            && !matches!(
                vocab.role(i),
                Some(
                    ElementRole::ItemName
                        | ElementRole::Location
                        | ElementRole::Hours
                        | ElementRole::Phone
                )
            )
    });
    if !((beyond_contact
        && (strong >= 2
            || (strong >= 1 && (n_seen >= 3 || strong + by_content >= 3 || agreed >= 2))))
        || (titled && (read >= 2 || strong >= 1)))
    {
        return None;
    }

    // The item name: a labelled 事项名称, else a title that names a service.
    if let Some(i) = item_name_index(vocab)
        && !facts[i].as_ref().is_some_and(|f| f.present)
        && let Some(t) = name_from_title
    {
        facts[i] = Some(ElementFact {
            present: true,
            label: None,
            value: Some(t),
            confidence: BY_TITLE,
            how: How::Title,
        });
    }

    let elements = vocab
        .elements
        .iter()
        .zip(facts)
        .map(|(e, f)| {
            (
                e.name.clone(),
                f.unwrap_or(ElementFact {
                    present: false,
                    label: None,
                    value: None,
                    confidence: MISSING,
                    how: How::Missing,
                }),
            )
        })
        .collect::<Vec<_>>();
    let text: String = lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let material_text: String = elements
        .iter()
        .enumerate()
        .filter(|(i, (_, f))| {
            f.present
                && matches!(
                    vocab.role(*i),
                    Some(ElementRole::Materials | ElementRole::Process)
                )
        })
        .filter_map(|(_, (_, f))| f.value.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let forms = crate::forms::forms(
        if material_text.is_empty() {
            &text
        } else {
            &material_text
        },
        links,
        vocab,
    );
    let (sample_text, common_errors) = crate::forms::samples(&text, links, vocab);
    Some(Guide {
        elements,
        forms,
        sample_text,
        common_errors,
    })
}

/// A label was seen with an empty or placeholder value: the page says the element is not there.
fn labelled_seen_absent(f: &Option<ElementFact>) -> bool {
    f.as_ref()
        .is_some_and(|f| !f.present && f.how != How::Missing)
}

/// An element recognised from its text alone (the label, if any, named something else).
fn read_by_content(label: Option<String>, value: &str) -> ElementFact {
    ElementFact {
        present: true,
        label,
        value: Some(clip(value)),
        confidence: BY_CONTENT,
        how: How::Content,
    }
}

fn clip(s: &str) -> String {
    crate::text::clip(s, MAX_VALUE_CHARS).to_owned()
}

/// Keeps the better of two findings for one element: present over absent, then confidence.
fn offer(slot: &mut Option<ElementFact>, f: ElementFact) {
    let better = match slot {
        None => true,
        Some(old) => {
            (f.present && !old.present)
                || (f.present == old.present && f.confidence > old.confidence)
        }
    };
    if better {
        *slot = Some(f);
    }
}

/// The element whose shape `value` has most, clearly ahead of the others.
fn best_shape(
    value: &str,
    vocab: &Vocabulary,
    except: Option<usize>,
    enough: impl Fn(usize, u32) -> bool,
) -> Option<usize> {
    let mut scored: Vec<(usize, u32)> = vocab
        .elements
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != except)
        .filter_map(|(i, e)| Some((i, cues::score(e.role, value)?)))
        .collect();
    scored.sort_by_key(|(_, s)| std::cmp::Reverse(*s));
    let (j, top) = *scored.first()?;
    let second = scored.get(1).map_or(0, |x| x.1);
    (enough(j, top) && top >= second + 2).then_some(j)
}

/// Splits a merged label's value lines among its elements by shape.
fn distribute(seg: &Seg, real: &[LabelMatch], vocab: &Vocabulary) -> Vec<(LabelMatch, String)> {
    if real.len() == 1 {
        return vec![(real[0], seg.value.join("\n"))];
    }
    let mut parts: Vec<Vec<&str>> = vec![Vec::new(); real.len()];
    for line in &seg.value {
        let k = real
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let s = cues::score(vocab.role(m.element()), line).unwrap_or(0);
                (k, s)
            })
            .max_by_key(|(k, s)| (*s, std::cmp::Reverse(*k)))
            .map_or(0, |(k, _)| k);
        parts[k].push(line);
    }
    real.iter()
        .zip(parts)
        .map(|(m, p)| (*m, p.join("\n")))
        .collect()
}

fn item_name_index(vocab: &Vocabulary) -> Option<usize> {
    vocab.role_index(ElementRole::ItemName)
}

/// A title naming a service: the page title, or a short line at the top before any label.
fn title_candidate(title: Option<&str>, lines: &[&Line], vocab: &Vocabulary) -> Option<String> {
    let names_service = |t: &str| {
        let n = t.chars().count();
        // A heading that names the genre may carry the office before it and the service after
        // it (永兴县政务服务中心 城市管理行政执法局窗口业务办理服务指南(三) 设置大型户外广告…审批).
        let longest = if names_genre(t) { 100 } else { 60 };
        (4..=longest).contains(&n)
            && !t.contains([':', '：', ',', '，', '。', ';', '；'])
            && (cues::SERVICE_NAME_WORDS.iter().any(|w| t.contains(w)) || is_guide_title(t))
            && t.chars().filter(|c| c.is_ascii_digit()).count() * 4 < n
            && numbering(t).0 == Numbering::None
            // A label is not a title, unless it is a service's name followed by the genre of
            // the page (城乡最低生活保障办事流程 ends with the label 办事流程).
            && (vocab.match_label(t).is_none() || is_guide_title(t))
    };
    if let Some(t) = title
        && names_service(t)
    {
        return Some(t.to_owned());
    }
    let mut field_value_next = false;
    for l in lines.iter().take(TITLE_SEARCH) {
        let t = l.text.trim();
        // The index block of a 政务公开 template comes before the title, one field a line
        // (• 发布机构: / • 县人力资源和社会保障局, 归档时间:2020-06-24): look past it, the
        // values on their own lines too.
        if std::mem::take(&mut field_value_next) {
            continue;
        }
        let squeezed = crate::text::squeeze(t);
        if cues::DISCLOSURE_META_LABELS
            .iter()
            .chain(["索引号"].iter())
            .any(|w| squeezed.contains(w))
        {
            field_value_next = squeezed.ends_with([':', '：']);
            continue;
        }
        if vocab.match_label(&strip_colon(t)).is_some() || has_known_inline(t, vocab) {
            break;
        }
        if names_service(t) {
            return Some(t.to_owned());
        }
        // The breadcrumb's last step names the page (当前位置：首页 > 服务 > 生育服务登记).
        if t.contains("位置")
            && let Some(last) = t.rsplit(['>', '»', '＞']).next()
            && t.contains(['>', '»', '＞'])
        {
            let last = last.trim();
            if names_service(last) && cues::SERVICE_NAME_WORDS.iter().any(|w| last.contains(w)) {
                return Some(last.to_owned());
            }
        }
    }
    None
}

/// How many lines at the top are searched for the page's title (a guide in an article
/// template has its index block and breadcrumb first).
const TITLE_SEARCH: usize = 20;

/// A title made of a service's name and the page's genre: 社会团体名称预登记办事指南,
/// 城乡最低生活保障办事流程, …收费许可证办理规程.
fn is_guide_title(t: &str) -> bool {
    guide_title_stem(t).is_some()
}

/// The service's name before the genre of a guide title (残疾证申领 in 残疾证申领程序).
fn guide_title_stem(t: &str) -> Option<&str> {
    let t = t.trim_end_matches(|c: char| {
        matches!(c, '(' | ')' | '（' | '）')
            || c.is_ascii_digit()
            || "一二三四五六七八九十".contains(c)
    });
    cues::GUIDE_TITLE_ENDINGS
        .iter()
        .find(|e| t.ends_with(*e) && t.chars().count() >= e.chars().count() + 3)
        .map(|e| &t[..t.len() - e.len()])
}

/// A guide title whose name is a service's (出生医学证明办理指南), not a guide to something
/// else (政府信息公开指南).
fn says_guide(t: &str) -> bool {
    guide_title_stem(t).is_some_and(|stem| {
        cues::SERVICE_NAME_WORDS
            .iter()
            .any(|w| *w != "指南" && stem.contains(w))
    })
}

/// A value that is only another field, name and value (`办件类型 承诺件`, `办件类型: 即办件`,
/// `是否网办 是`): the label before it was left empty on a page of key-value rows, and its
/// neighbour's value is not its own. Field names are recognised by how such names are made
/// (是否…, …类型, …时限, …方式 …), not from a list of one site's fields.
fn is_another_field(value: &str) -> bool {
    static FIELD: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:是否\p{Han}{1,8}|\p{Han}{1,6}(?:类型|时限|期限|方式|形式|对象|数量|名称|编码|层级|主体|性质|样本))(?:\s*[:：]\s*|\s+)\S",
        )
        .ok()
    });
    let v = value.trim();
    !v.contains('\n') && v.chars().count() <= 30 && FIELD.as_ref().is_some_and(|re| re.is_match(v))
}

/// A row of other fields' names between icon residue (`乘车路线? ?在线申报?? ?状态查询??`):
/// the tabs or links after an empty field, not its value. Only names of a few characters,
/// at least three, separated by the `?` an icon font leaves; a name may carry one word of
/// an element's shape (路 in 乘车路线), an address split by icons carries more.
fn is_icon_row(v: &str) -> bool {
    let icon = |c: char| matches!(c, '?' | '？' | '\u{FFFD}');
    if v.chars().filter(|c| icon(*c)).count() < 2 {
        return false;
    }
    let names: Vec<&str> = v
        .split(|c: char| icon(c) || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    names.len() >= 3
        && names
            .iter()
            .all(|t| (2..=6).contains(&t.chars().count()) && t.chars().all(crate::listing::is_han))
}

/// A title naming a service and one section of its guide (道路挖掘审批所需要件及具体时限,
/// 居住证办理所需材料): the service's name, and the section's label. The label is the
/// title's tail before any 及/和 that joins a second section, a rubric label exactly once a
/// leading 所需/需要/需 is set aside; the name must name a service.
fn title_section<'t>(t: &'t str, vocab: &Vocabulary) -> Option<(&'t str, &'t str)> {
    let t = t.trim();
    if t.chars().count() > 40 {
        return None;
    }
    for (p, _) in t.char_indices().skip(4) {
        let (stem, tail) = t.split_at(p);
        let first = tail.split(['及', '和', '与']).next().unwrap_or(tail);
        let bare = ["所需", "需要", "需"]
            .iter()
            .find_map(|w| first.strip_prefix(w))
            .unwrap_or(first);
        let exact = [first, bare]
            .into_iter()
            .filter(|l| l.chars().count() >= 2)
            .find_map(|l| match vocab.match_label(l) {
                Some(LabelMatch::Exact(i)) => Some(i),
                _ => None,
            });
        let Some(i) = exact else {
            continue;
        };
        if vocab.role(i) == Some(ElementRole::ItemName) {
            continue;
        }
        if cues::SERVICE_NAME_WORDS.iter().any(|w| stem.contains(w)) {
            return Some((stem, tail));
        }
        return None;
    }
    None
}

/// A notice that issues a guide (关于印发《社会组织登记办事指南(试行)》的通知): it carries the
/// guide as its body, and its title says guide as a guide's own title does.
fn issues_guide(title: &str) -> bool {
    title
        .split_once('《')
        .and_then(|(_, quoted)| quoted.split_once('》'))
        .is_some_and(|(name, _)| names_genre(name))
}

/// Whether a line names the page's genre anywhere (…服务指南(三) 设置…审批).
fn names_genre(t: &str) -> bool {
    cues::GUIDE_TITLE_ENDINGS.iter().any(|e| t.contains(e))
}

fn has_known_inline(t: &str, vocab: &Vocabulary) -> bool {
    inline_splits(&halfwidth(t), vocab, true)
        .iter()
        .any(|s| s.2.is_some())
}

/// The index block of a 政务公开 article template (索引号, 发布机构, 成文日期 …) describes the
/// page, not the service: a guide published through that template must not have its
/// publisher read as the place, or its dates as anything.
fn is_disclosure_metadata(text: &str) -> bool {
    let t = crate::text::squeeze(text);
    t.contains("索引号")
        || cues::DISCLOSURE_META_LABELS
            .iter()
            .filter(|w| t.contains(*w))
            .count()
            >= 2
}

fn is_notice(title: Option<&str>) -> bool {
    let Some(t) = title else { return false };
    let mut t = t.trim();
    if issues_guide(t) {
        return false;
    }
    // "…的公告（征求意见稿）": the genre word sits before a trailing note in brackets.
    if t.ends_with([')', '）'])
        && let Some(i) = t.rfind(['(', '（'])
    {
        t = t[..i].trim_end();
    }
    cues::NOTICE_TITLE_ENDINGS.iter().any(|e| t.ends_with(e))
}

/// A page about how to write guides, by its title or its first lines (格式范本, 规范表 …).
fn is_template(title: Option<&str>, lines: &[&Line]) -> bool {
    title
        .into_iter()
        .chain(lines.iter().take(TITLE_WINDOW).map(|l| l.text.as_str()))
        .any(|t| {
            let t = crate::text::squeeze(t);
            cues::TEMPLATE_WORDS.iter().any(|w| t.contains(w))
        })
}

fn is_catalogue(title: Option<&str>, lines: &[&Line]) -> bool {
    let top: String = title
        .into_iter()
        .map(str::to_owned)
        .chain(lines.iter().take(TITLE_WINDOW).map(|l| l.text.clone()))
        .collect();
    if !top.contains("目录") {
        return false;
    }
    let all: String = lines.iter().take(400).map(|l| l.text.as_str()).collect();
    cues::CATALOGUE_WORDS
        .iter()
        .filter(|w| all.contains(*w))
        .count()
        >= 3
}
