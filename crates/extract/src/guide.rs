//! Service-guide elements: for each element the rubric names, whether the page really has it,
//! under which label, its value, and how sure we are.
//!
//! Two passes over the page's lines ([`crate::doc`]):
//! 1. Segmentation into (label, value) pairs from every layout real guides use: label/value
//!    table rows, tables with the elements as column headers (spans already expanded),
//!    headings (`一、` `（一）` `1.` `【】`, `<h*>`, `<dt>`, a label alone on its line) with the
//!    lines under them, and `标签：值` runs inside a paragraph.
//! 2. Judgement: a label names an element ([`Vocabulary::match_label`]); traps are dropped;
//!    an empty or placeholder value is missing (but 不收费 is a fee); a value whose shape
//!    ([`crate::cues`]) belies its label is moved to the element it is; sections without a
//!    known label are recognised from content, but only on a page already shown to be a guide.
//!
//! A catalogue, a template or a news item names elements without giving them: a page is a
//! guide only if it gives at least one element's value under a label and shows several.

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::cues;
use crate::doc::{Doc, Line, Region};
use crate::text::{halfwidth, squeeze};
use crate::vocab::{LabelMatch, MAX_LABEL_CHARS, Vocabulary};

/// How an element's value was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Debug, Serialize)]
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

impl Guide {
    pub fn element(&self, name: &str) -> Option<&ElementFact> {
        self.elements
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
    }
}

/// One (label, value) pair found on the page.
#[derive(Clone, Debug)]
struct Seg {
    label: Option<String>,
    /// One match, or several for a merged label ("办理时间 办理地点").
    matches: Vec<LabelMatch>,
    value: Vec<String>,
    how: How,
}

impl Seg {
    fn new(label: Option<String>, matches: Vec<LabelMatch>, value: &str, how: How) -> Seg {
        let value = if value.trim().is_empty() {
            Vec::new()
        } else {
            vec![value.trim().to_owned()]
        };
        Seg {
            label,
            matches,
            value,
            how,
        }
    }
}

/// The most segments one page yields.
const MAX_SEGS: usize = 5_000;
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
        .collect();
    if is_catalogue(title, &lines) || is_notice(title) {
        return None;
    }
    let segs = segment(&lines, vocab);
    let n = vocab.elements.len();
    let mut facts: Vec<Option<ElementFact>> = vec![None; n];
    let mut seen = vec![false; n];
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
            let name = vocab.elements[i].name.as_str();
            let shape = cues::score(name, &value);
            if matches!(m, LabelMatch::Head(_)) && shape.is_none_or(|s| s == 0) {
                // A head-word label (许可条件) only counts when its value agrees.
                if !vocab.is_placeholder(&value) {
                    continue;
                }
            }
            seen[i] |= !matches!(m, LabelMatch::Head(_));
            let base = match m {
                LabelMatch::Exact(_) => 0.95,
                LabelMatch::Suffix(_) => 0.85,
                _ => 0.75,
            };
            if vocab.is_placeholder(&value) {
                offer(
                    &mut facts[i],
                    ElementFact {
                        present: false,
                        label: seg.label.clone(),
                        value: (!value.is_empty()).then_some(value),
                        confidence: 0.85,
                        how: seg.how,
                    },
                );
                continue;
            }
            if shape == Some(0)
                && value.chars().count() >= 10
                && let Some(j) = best_shape(&value, vocab, Some(i), |j, s| {
                    cues::alone(&vocab.elements[j].name).is_some_and(|a| s >= a.min(4) - 1)
                })
            {
                // The heading says one element, the text is another (申报条件 over documents).
                seen[j] = true;
                labelled_present[j] = true;
                offer(
                    &mut facts[j],
                    ElementFact {
                        present: true,
                        label: seg.label.clone(),
                        value: Some(clip(&value)),
                        confidence: 0.6,
                        how: How::Content,
                    },
                );
                continue;
            }
            // A head-word label (上班时间, 地址) is a weak sign: it fills an element on a page
            // shown to be a guide, but does not make a contact page a guide.
            labelled_present[i] |= !matches!(m, LabelMatch::Head(_));
            let conf = if shape == Some(0) { base - 0.2 } else { base };
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

    // Every way of being a guide needs one element given under its own label; most pages
    // stop here, before the content pass (the costly part).
    if !labelled_present.iter().any(|p| *p) {
        return None;
    }

    // Sections without a known label, recognised from their content.
    let mut by_content = 0;
    for seg in unlabelled {
        let value = seg.value.join("\n");
        let Some(j) = best_shape(&value, vocab, None, |j, s| {
            cues::alone(&vocab.elements[j].name).is_some_and(|a| s >= a)
        }) else {
            continue;
        };
        if facts[j].as_ref().is_some_and(|f| f.present) || labelled_seen_absent(&facts[j]) {
            continue;
        }
        offer(
            &mut facts[j],
            ElementFact {
                present: true,
                label: seg.label.clone(),
                value: Some(clip(&value)),
                confidence: 0.6,
                how: How::Content,
            },
        );
        by_content += 1;
    }

    let strong = labelled_present.iter().filter(|p| **p).count();
    let n_seen = seen.iter().filter(|p| **p).count();
    if !(strong >= 2 || (strong >= 1 && (n_seen >= 3 || strong + by_content >= 3))) {
        return None;
    }

    // The item name: a labelled 事项名称, else a title that names a service.
    if let Some(i) = item_name_index(vocab)
        && !facts[i].as_ref().is_some_and(|f| f.present)
        && let Some(t) = title_candidate(title, &lines, vocab)
    {
        facts[i] = Some(ElementFact {
            present: true,
            label: None,
            value: Some(t),
            confidence: 0.7,
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
                    confidence: 0.8,
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
        .filter(|(n, f)| f.present && (n == "办理材料" || n == "办理流程"))
        .filter_map(|(_, f)| f.value.clone())
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
        .filter_map(|(i, e)| Some((i, cues::score(&e.name, value)?)))
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
                let s = cues::score(&vocab.elements[m.element()].name, line).unwrap_or(0);
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
    // The rubric's first element is the item name (事项名称) in every edition seen; look it
    // up by the shape-less role rather than position when the name is known.
    vocab
        .element_index("事项名称")
        .or_else(|| (!vocab.elements.is_empty()).then_some(0))
}

/// A title naming a service: the page title, or a short line at the top before any label.
fn title_candidate(title: Option<&str>, lines: &[&Line], vocab: &Vocabulary) -> Option<String> {
    let names_service = |t: &str| {
        let n = t.chars().count();
        (4..=60).contains(&n)
            && !t.contains([':', '：', ',', '，', '。', ';', '；'])
            && cues::SERVICE_NAME_WORDS.iter().any(|w| t.contains(w))
            && t.chars().filter(|c| c.is_ascii_digit()).count() * 4 < n
            && numbering(t).0 == Numbering::None
            && vocab.match_label(t).is_none()
    };
    if let Some(t) = title
        && names_service(t)
    {
        return Some(t.to_owned());
    }
    for l in lines.iter().take(TITLE_WINDOW) {
        let t = l.text.as_str();
        if vocab.match_label(&strip_colon(t)).is_some() || has_known_inline(t, vocab) {
            break;
        }
        if names_service(t) {
            return Some(t.to_owned());
        }
    }
    None
}

fn has_known_inline(t: &str, vocab: &Vocabulary) -> bool {
    inline_splits(&halfwidth(t), vocab, true)
        .iter()
        .any(|s| s.2.is_some())
}

fn is_notice(title: Option<&str>) -> bool {
    let Some(t) = title else { return false };
    let mut t = t.trim();
    // "…的公告（征求意见稿）": the genre word sits before a trailing note in brackets.
    if t.ends_with([')', '）'])
        && let Some(i) = t.rfind(['(', '（'])
    {
        t = t[..i].trim_end();
    }
    cues::NOTICE_TITLE_ENDINGS.iter().any(|e| t.ends_with(e))
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Numbering {
    None,
    /// 一、 二、
    Chinese,
    /// （一） (一)
    Paren,
    /// 1. 1、
    Arabic,
    /// 【…】
    Bracket,
}

/// The numbering at the start of a line and the rest.
fn numbering(s: &str) -> (Numbering, &str) {
    let t = s.trim_start();
    let cn = |c: char| "一二三四五六七八九十".contains(c);
    let mut chars = t.char_indices();
    if t.starts_with('【')
        && let Some(end) = t.find('】')
    {
        let inner = &t['【'.len_utf8()..end];
        if !inner.is_empty() && inner.chars().count() <= MAX_LABEL_CHARS {
            return (Numbering::Bracket, t);
        }
    }
    if let Some((_, c)) = chars.next() {
        if cn(c) {
            let rest = t.trim_start_matches(cn);
            if let Some(r) = rest.strip_prefix(['、', '.', '．']) {
                return (Numbering::Chinese, r.trim_start());
            }
        } else if c == '(' || c == '（' {
            let rest = t[c.len_utf8()..].trim_start_matches(|c: char| cn(c) || c.is_ascii_digit());
            if rest.len() < t.len() - c.len_utf8()
                && let Some(r) = rest.strip_prefix([')', '）'])
            {
                return (
                    Numbering::Paren,
                    r.trim_start_matches(['、', '.']).trim_start(),
                );
            }
        } else if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            let rest =
                t.trim_start_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
            if let Some(r) = rest.strip_prefix(['、', '.', '．'])
                && !r.starts_with(|c: char| c.is_ascii_digit())
            {
                return (Numbering::Arabic, r.trim_start());
            }
        }
    }
    (Numbering::None, t)
}

fn strip_colon(s: &str) -> String {
    s.trim()
        .trim_end_matches([':', '：', ' '])
        .trim()
        .to_owned()
}

const SENTENCE_PUNCT: &[char] = &['，', '。', '；', ';', ',', '！', '？', '《'];

/// Labels found in a line: (label start, value start, match, label text). Known labels may
/// sit anywhere before a colon; an unknown one only at the start of the line.
fn inline_splits(
    hw: &str,
    vocab: &Vocabulary,
    known_only: bool,
) -> Vec<(usize, usize, Option<LabelMatch>, String)> {
    let mut out = Vec::new();
    let all = vocab.all_labels();
    for (p, c) in hw.char_indices() {
        if c != ':' && c != '：' {
            continue;
        }
        // Walk back over the label's characters.
        let before = &hw[..p];
        let trimmed = before.trim_end();
        let start = trimmed
            .char_indices()
            .rev()
            .take_while(|(_, ch)| {
                crate::listing::is_han(*ch) || matches!(ch, '(' | ')' | '（' | '）' | '、' | '/')
            })
            .last()
            .map_or(trimmed.len(), |(i, _)| i);
        let cand = &trimmed[start..];
        if cand.is_empty() {
            continue;
        }
        let value_start = p + c.len_utf8();
        // "（一）申请：…" is a numbered step whose first word ends in a colon.
        let (_, bare) = numbering(cand);
        let cand = if bare.is_empty() { cand } else { bare };
        let start = trimmed.len() - cand.len();
        let (label_start, label, m) = if cand.chars().count() <= MAX_LABEL_CHARS {
            match vocab.match_label(cand) {
                Some(m) => (start, cand.to_owned(), Some(m)),
                None => (start, cand.to_owned(), None),
            }
        } else {
            match all.iter().find(|l| cand.ends_with(l.as_str())) {
                Some(l) => (trimmed.len() - l.len(), l.clone(), vocab.match_label(l)),
                None => continue,
            }
        };
        let at_line_start = hw[..label_start]
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '【' | '】' | '*' | '|'))
            .is_empty();
        match m {
            Some(m) => out.push((label_start, value_start, Some(m), label)),
            None if !known_only && at_line_start && (2..=8).contains(&label.chars().count()) => {
                out.push((label_start, value_start, None, label));
            }
            None => {}
        }
    }
    out
}

/// Pass 1: the page's (label, value) pairs.
fn segment(lines: &[&Line], vocab: &Vocabulary) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    // The open section, which takes the lines that follow it.
    let mut open: Option<usize> = None;
    let mut open_numbering = Numbering::None;
    // Header of a table whose columns are elements: per grid column, its label match.
    let mut columns: Option<Vec<(String, Option<LabelMatch>)>> = None;

    for line in lines {
        if segs.len() >= MAX_SEGS {
            break;
        }
        if !line.cells.is_empty() {
            open = None;
            table_row(line, vocab, &mut columns, &mut segs);
            continue;
        }
        columns = None;
        // Values keep the page's own characters (full-width brackets in form names); matching
        // normalises where it compares.
        let hw = line.text.clone();
        let (num, rest) = numbering(&hw);
        let rest_label = strip_colon(
            rest.trim_start_matches('【')
                .split('】')
                .next()
                .unwrap_or(rest),
        );
        let bracket_value = (num == Numbering::Bracket)
            .then(|| rest.split_once('】').map(|(_, v)| v.trim().to_owned()))
            .flatten()
            .filter(|v| !v.is_empty());

        // A heading: the whole line (numbering and colon aside) is a label, or a merged label.
        let whole = if num == Numbering::Bracket {
            rest_label.clone()
        } else {
            strip_colon(rest)
        };
        let heading_matches = if whole.contains([':', '：']) {
            Vec::new()
        } else {
            heading_labels(&whole, vocab)
        };
        // "收费标准" then "不收费": a line that only ends like a label of the open, still empty
        // section's own element is its value.
        let value_of_open = match (heading_matches.as_slice(), open.and_then(|i| segs.get(i))) {
            ([m @ (LabelMatch::Suffix(_) | LabelMatch::Head(_))], Some(s)) => {
                s.value.is_empty()
                    && num == Numbering::None
                    && s.matches.iter().any(|o| o.element() == m.element())
            }
            _ => false,
        };
        if value_of_open {
            push_value(&mut segs, open, hw.trim());
            continue;
        }
        if !heading_matches.is_empty() && bracket_value.is_none() {
            segs.push(Seg::new(Some(whole), heading_matches, "", How::Heading));
            open = Some(segs.len() - 1);
            open_numbering = num;
            continue;
        }
        if let Some(v) = bracket_value {
            let m: Vec<LabelMatch> = vocab.match_label(&rest_label).into_iter().collect();
            segs.push(Seg::new(Some(rest_label), m, &v, How::Heading));
            continue;
        }

        // `标签：值` runs. A line whose only label is unknown ("（一）申请：…", "注：…")
        // belongs to the open section when it has a value.
        let splits = inline_splits(&hw, vocab, false);
        let unknown_only = splits.len() == 1 && splits[0].2.is_none();
        let unknown_with_value =
            unknown_only && !hw[splits[0].1..].trim().is_empty() && open.is_some();
        if unknown_with_value {
            push_value(&mut segs, open, hw.trim());
            continue;
        }
        if !splits.is_empty() {
            let head = hw[..splits[0].0].trim();
            if !head.is_empty() {
                push_value(&mut segs, open, head);
            }
            for (k, (_, vstart, m, label)) in splits.iter().enumerate() {
                let vend = splits.get(k + 1).map_or(hw.len(), |s| s.0);
                let value = hw[*vstart..vend.max(*vstart)].trim();
                segs.push(Seg::new(
                    Some(label.clone()),
                    m.iter().copied().collect(),
                    value,
                    How::Inline,
                ));
                // An empty value: the label heads the lines that follow (an unknown one such as
                // 附件下载： ends the section before it). So does a value that starts a numbered
                // list ("入学流程：1. …", then "2. …" on the next lines).
                let starts_list = m.is_some()
                    && k + 1 == splits.len()
                    && matches!(numbering(value).0, Numbering::Arabic | Numbering::Paren);
                if value.is_empty() || starts_list {
                    open = Some(segs.len() - 1);
                    open_numbering = Numbering::None;
                }
            }
            continue;
        }

        // An unknown heading: numbered 一、 / 【】 (or the open section's own numbering), or a
        // heading tag; short and without sentence punctuation.
        let short = whole.chars().count() <= MAX_LABEL_CHARS && !whole.contains(SENTENCE_PUNCT);
        let guide_heading = vocab
            .guide_columns
            .iter()
            .chain(&vocab.form_columns)
            .chain(&vocab.sample_words)
            .any(|w| squeeze(&whole) == *w)
            || whole == "常见问题";
        let numbered_heading = matches!(num, Numbering::Chinese | Numbering::Bracket)
            || (num != Numbering::None && num == open_numbering && open.is_some());
        if short && (numbered_heading || line.heading || guide_heading) {
            segs.push(Seg::new(Some(whole), Vec::new(), "", How::Heading));
            open = Some(segs.len() - 1);
            open_numbering = num;
            continue;
        }

        // Content: goes to the open section, else forms an unlabelled group (a numbered
        // list continues the group; "1." starts a new one).
        match open {
            Some(i) => segs[i].value.push(hw.trim().to_owned()),
            None => {
                let continues = num == Numbering::Arabic
                    && !rest.is_empty()
                    && !hw.trim_start().starts_with(['1', '１'])
                    && segs
                        .last()
                        .is_some_and(|s| s.label.is_none() && s.matches.is_empty());
                if continues {
                    if let Some(s) = segs.last_mut() {
                        s.value.push(hw.trim().to_owned());
                    }
                } else {
                    segs.push(Seg::new(None, Vec::new(), hw.trim(), How::Content));
                }
            }
        }
    }
    segs
}

fn push_value(segs: &mut [Seg], open: Option<usize>, text: &str) {
    if let Some(s) = open.and_then(|i| segs.get_mut(i)) {
        s.value.push(text.to_owned());
    }
}

/// The element labels of a heading line: one label, or several merged ("办理时间 办理地点",
/// "办理地点/时间" where 时间 borrows 办理 from its neighbour).
fn heading_labels(whole: &str, vocab: &Vocabulary) -> Vec<LabelMatch> {
    if whole.is_empty() {
        return Vec::new();
    }
    let parts: Vec<&str> = whole
        .split([' ', '/', '、', '及', '和', '与'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() >= 2 && parts.iter().all(|p| p.chars().count() <= 8) {
        let ms: Vec<Option<LabelMatch>> = parts.iter().map(|p| vocab.match_label(p)).collect();
        if ms.iter().all(Option::is_some) {
            return ms.into_iter().flatten().collect();
        }
    }
    vocab.match_label(whole).into_iter().collect()
}

/// A table row: a header of element columns, a row under such a header, or label/value pairs.
fn table_row(
    line: &Line,
    vocab: &Vocabulary,
    columns: &mut Option<Vec<(String, Option<LabelMatch>)>>,
    segs: &mut Vec<Seg>,
) {
    let cells: Vec<String> = line.cells.clone();
    let matches: Vec<Option<LabelMatch>> = cells
        .iter()
        .map(|c| vocab.match_label(&strip_colon(c)))
        .collect();
    let labelled = matches.iter().filter(|m| m.is_some()).count();
    let all_short = cells
        .iter()
        .all(|c| c.chars().count() <= MAX_LABEL_CHARS && !c.contains(SENTENCE_PUNCT));
    // A header names at least two different elements ("收费标准 | 不收费" is a label and
    // its value, both about the fee).
    let distinct = matches
        .iter()
        .flatten()
        .map(|m| m.element())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if labelled >= 2
        && distinct >= 2
        && all_short
        && matches.windows(2).any(|w| w[0].is_some() && w[1].is_some())
    {
        // A header row: the elements are the columns. With fewer than three element
        // columns it is some other table (a project list with 项目名称 and 联系电话), whose
        // cells count only as weak labels.
        let elements = matches
            .iter()
            .flatten()
            .filter(|m| matches!(m, LabelMatch::Exact(_) | LabelMatch::Suffix(_)))
            .map(|m| m.element())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let matches: Vec<Option<LabelMatch>> = matches
            .into_iter()
            .map(|m| match m {
                Some(LabelMatch::Exact(i) | LabelMatch::Suffix(i)) if elements < 3 => {
                    Some(LabelMatch::Head(i))
                }
                m => m,
            })
            .collect();
        for (c, m) in cells.iter().zip(&matches) {
            if let Some(m) = m {
                segs.push(Seg::new(Some(c.clone()), vec![*m], "", How::ItemsTable));
            }
        }
        *columns = Some(cells.into_iter().zip(matches).collect());
        return;
    }
    if let Some(cols) = columns.as_ref()
        && cols.len() == cells.len()
    {
        for ((label, m), value) in cols.iter().zip(&cells) {
            if let Some(m) = m
                && value != label
            {
                segs.push(Seg::new(
                    Some(label.clone()),
                    vec![*m],
                    value,
                    How::ItemsTable,
                ));
            }
        }
        return;
    }
    *columns = None;
    // Label/value pairs (a label cell, then its value cell).
    let mut i = 0;
    while i < cells.len() {
        let c = &cells[i];
        let label = strip_colon(c);
        let is_label = matches[i].is_some()
            || (label.chars().count() <= 8
                && !label.contains(SENTENCE_PUNCT)
                && label.chars().all(crate::listing::is_han)
                && i + 1 < cells.len());
        if is_label && i + 1 < cells.len() {
            let value = cells[i + 1].trim();
            let m: Vec<LabelMatch> = matches[i].into_iter().collect();
            segs.push(Seg::new(Some(label), m, value, How::Table));
            i += 2;
        } else {
            // A cell on its own: may hold `标签：值` runs.
            let splits = inline_splits(c, vocab, false);
            if splits.is_empty() {
                segs.push(Seg::new(None, Vec::new(), c, How::Content));
            }
            for (k, (_, vstart, m, lab)) in splits.iter().enumerate() {
                let vend = splits.get(k + 1).map_or(c.len(), |s| s.0);
                let value = c[*vstart..vend.max(*vstart)].trim();
                segs.push(Seg::new(
                    Some(lab.clone()),
                    m.iter().copied().collect(),
                    value,
                    How::Inline,
                ));
            }
            i += 1;
        }
    }
}
