//! Run-on guides: a whole guide in one paragraph, its labels glued to their values with no
//! colon — `一、事项名称 … 二、办理依据《…》第…条 三、受理单位及办理地点 …`, or
//! `2设定依据X财综字… 4申报材料4.1…`. Such a line is cut at its labels into `label：value`
//! lines before segmentation, so the rest of the reader sees an ordinary guide.
//!
//! A label counts only where a label may start (the line's start, after a numbering token,
//! punctuation, a space or a digit) and only when the line holds labels of at least
//! [`MIN_ELEMENTS`] different elements: a sentence that mentions 申请材料 once is not a guide.

use std::sync::LazyLock;

use regex::Regex;

use crate::doc::Line;
use crate::vocab::{LabelMatch, Vocabulary};

/// Labels of this many different elements make a line a run-on guide.
const MIN_ELEMENTS: usize = 3;
/// Labels of this many different elements, each starting a field, make a page one whose
/// lines may be cut at a single label.
const MIN_PAGE_ELEMENTS: usize = 4;
/// Lines starting with labels of this many different elements, each glued to a word, make a
/// page a flattened table (see `is_glued_table`).
const MIN_GLUED_ELEMENTS: usize = 3;
/// Shorter lines are never run-on guides.
const MIN_CHARS: usize = 40;
/// Shorter labels (电话, 依据, 收费) are words of ordinary sentences: not searched for inside
/// a line.
const MIN_LABEL_CHARS: usize = 4;

/// A numbering token at the end of a value: it belongs to the label that follows.
static TRAILING_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    crate::dates::re(
        r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}(?:\.\d{1,2})?[、.．]?)\s*$",
    )
});

/// The lines with every run-on line cut at its labels; `None` when there is none.
///
/// Two strengths: a line holding labels of [`MIN_ELEMENTS`] elements is cut at all of them;
/// on a page whose lines together hold labels of [`MIN_PAGE_ELEMENTS`] elements, a line is
/// also cut at a label that starts a field (after a space, a numbering token or a separator
/// glyph, never inside a sentence after a comma).
pub(super) fn expand(lines: &[&Line], vocab: &Vocabulary) -> Option<Vec<Line>> {
    let glued_page = is_glued_table(lines, vocab);
    let found: Vec<Vec<Hit>> = lines
        .iter()
        .map(|l| {
            if l.cells.is_empty() {
                hits(&l.text, vocab, glued_page)
            } else {
                Vec::new()
            }
        })
        .collect();
    let page: std::collections::HashSet<usize> = found
        .iter()
        .flatten()
        .filter(|h| h.field_start)
        .map(|h| h.element)
        .filter(|e| *e != usize::MAX)
        .collect();
    let page_is_guide = page.len() >= MIN_PAGE_ELEMENTS;
    let mut out: Option<Vec<Line>> = None;
    for (i, (line, hs)) in lines.iter().zip(found).enumerate() {
        let in_line: std::collections::HashSet<usize> = hs
            .iter()
            .map(|h| h.element)
            .filter(|e| *e != usize::MAX)
            .collect();
        let chosen: Vec<Hit> =
            if in_line.len() >= MIN_ELEMENTS && line.text.chars().count() >= MIN_CHARS {
                hs
            } else if page_is_guide {
                // A label that already leads its line (【办理材料】…, 三、办理材料 …) is the
                // segmenter's to read, with the lines under it: only labels further in are cut —
                // and a leading label glued to its value (申请材料1、…), which it cannot read.
                hs.into_iter()
                    .filter(|h| {
                        h.field_start
                            && (glued_page || field_end(&line.text, h))
                            && (!leads(&line.text, h)
                                || glued(&line.text, h)
                                || (glued_page && glued_to_words(&line.text, h)))
                    })
                    .collect()
            } else if let [h] = hs.as_slice()
                && short_glued(&line.text, h, vocab)
            {
                vec![*h]
            } else {
                Vec::new()
            };
        // A line that is only its label (and maybe a colon) needs no cutting.
        let cut = if chosen.is_empty()
            || (chosen.len() == 1
                && chosen[0].start == 0
                && !glued(&line.text, &chosen[0])
                && !((glued_page || short_glued(&line.text, &chosen[0], vocab))
                    && glued_to_words(&line.text, &chosen[0]))
                && leads(&line.text, &chosen[0]))
        {
            None
        } else {
            Some(cut_at(&line.text, &chosen))
        };
        match (cut, &mut out) {
            (Some(parts), o) => {
                let o = o.get_or_insert_with(|| lines[..i].iter().map(|l| (*l).clone()).collect());
                o.extend(parts.into_iter().map(|text| Line {
                    text,
                    cells: Vec::new(),
                    region: line.region,
                    heading: false,
                }));
            }
            (None, Some(o)) => o.push((*line).clone()),
            (None, None) => {}
        }
    }
    out
}

/// Whether the label leads its line in a form the segmenter reads: only a numbering token,
/// brackets or separators before it, and after it nothing, a colon or a closing bracket
/// (`三、办理材料`, `【办理材料】…`, `办理材料：…`). A leading label followed by a space and
/// its value (`办理时间 全年：周一至周五…`, `二、事项名称 随迁子女入学`) is cut like any other.
fn leads(text: &str, h: &Hit) -> bool {
    let before_clear = TRAILING_NUMBER
        .replace(&text[..h.start], "")
        .trim_matches(|c: char| c.is_whitespace() || "【】[]|?？\u{FFFD}·•*★".contains(c))
        .is_empty();
    let after = text[h.end..].trim_start_matches([' ', '\u{3000}']);
    let read_by_segmenter = after.is_empty()
        || after.starts_with([':', '：', '】', ']'])
        || !text[h.end..].starts_with([' ', '\u{3000}']);
    before_clear && read_by_segmenter
}

/// A label found inside a line.
#[derive(Clone, Copy, Debug)]
struct Hit {
    start: usize,
    end: usize,
    /// The element it names (`usize::MAX` for a look-alike such as 办理时限).
    element: usize,
    /// It starts a field: at the line's start or after a space, a numbering token or a
    /// separator glyph (not after sentence punctuation).
    field_start: bool,
}

/// The label runs straight into its value (`办事依据2《…》`, `申请材料1、…`): a number, a
/// title mark or a bracket follows, not a colon or a space. (A Chinese character after it
/// means the label's words run on into a sentence: 申请材料齐全.)
fn glued(text: &str, h: &Hit) -> bool {
    text[h.end..].chars().next().is_some_and(value_opener)
}

fn value_opener(c: char) -> bool {
    c.is_ascii_digit() || "《(（[【?？\u{FFFD}".contains(c)
}

/// What may follow a label that starts a field: the end, a colon, a space, or a value opener.
fn field_end(text: &str, h: &Hit) -> bool {
    text[h.end..]
        .chars()
        .next()
        .is_none_or(|c| matches!(c, ':' | '：') || c.is_whitespace() || value_opener(c))
}

/// Where a label may start: after one of these (or at the line's start).
fn boundary_before(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_digit() || "、.．。；;，,)）】]|?？!！\u{FFFD}·•-—".contains(c)
}

/// A numbering token, a space or a separator glyph: what stands before a field's label.
fn field_boundary(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_digit()
        || "、.．)）】]|?？\u{FFFD}·•".contains(c)
        || "一二三四五六七八九十".contains(c)
}

/// A table flattened into text with no separators: on several lines a label runs straight
/// into its value (受理地点社旗县行政审批服务中心, 受理时间工作日上午8:00, 实施依据《…》).
/// Lines that start with labels of [`MIN_GLUED_ELEMENTS`] different elements, each glued to
/// a word, make such a page; one line starting 申请材料齐全的 is an ordinary sentence.
fn is_glued_table(lines: &[&Line], vocab: &Vocabulary) -> bool {
    let labels: Vec<(&String, usize)> = vocab
        .all_labels()
        .iter()
        .enumerate()
        .filter(|(_, l)| l.chars().count() >= MIN_LABEL_CHARS)
        .filter_map(|(i, l)| match vocab.all_labels_match(i)? {
            LabelMatch::Exact(e) | LabelMatch::Suffix(e) => Some((l, e)),
            _ => None,
        })
        .collect();
    let mut elements = std::collections::HashSet::new();
    for line in lines {
        let t = line
            .text
            .trim_start_matches(|c: char| c.is_whitespace() || "?？\u{FFFD}·•*".contains(c));
        for (label, e) in &labels {
            if let Some(rest) = t.strip_prefix(label.as_str())
                && rest
                    .chars()
                    .next()
                    .is_some_and(|c| crate::listing::is_han(c) || value_opener(c))
            {
                elements.insert(*e);
            }
        }
    }
    elements.len() >= MIN_GLUED_ELEMENTS
}

/// Most characters in a short line that is a label glued to its value.
const SHORT_GLUED_CHARS: usize = 24;

/// A short line that is a label run straight into its value, on any page (a bold label and
/// its value saved without the space: 办理地点新生儿出生的医院): the label leads the line,
/// no sentence punctuation follows, and what follows has some of the element's shape
/// (办理时间说明 is a heading, not hours).
fn short_glued(text: &str, h: &Hit, vocab: &Vocabulary) -> bool {
    let rest = &text[h.end..];
    h.start == 0
        && h.element != usize::MAX
        && text.chars().count() <= SHORT_GLUED_CHARS
        && glued_to_words(text, h)
        && !rest.contains(|c: char| "，,。；;：:！!？?".contains(c))
        && crate::cues::score(vocab.role(h.element), rest).is_some_and(|s| s >= 1)
}

/// The label runs straight on into a word (受理地点社旗县…): on a glued table, its value.
fn glued_to_words(text: &str, h: &Hit) -> bool {
    text[h.end..]
        .chars()
        .next()
        .is_some_and(crate::listing::is_han)
}

/// Every label in `text` that may start a section, longest first where two overlap. On a
/// glued table a label may also start straight after a word (办件类型承诺件咨询电话0377…).
fn hits(text: &str, vocab: &Vocabulary, glued_page: bool) -> Vec<Hit> {
    if !text.chars().any(crate::listing::is_han) {
        return Vec::new();
    }
    let mut out: Vec<Hit> = Vec::new();
    let labels = vocab.all_labels();
    // Longest label first, then left to right: where two overlap, the longer one stands.
    for (i, at) in vocab.labels_in(text) {
        let label = &labels[i];
        if label.chars().count() < MIN_LABEL_CHARS {
            continue;
        }
        let element = match vocab.all_labels_match(i) {
            Some(LabelMatch::Exact(e) | LabelMatch::Suffix(e)) => e,
            // A look-alike (办理时限) still marks where a section starts: kept so that the
            // value before it does not run on into it, but it names no element.
            Some(LabelMatch::Not(_)) => usize::MAX,
            _ => continue,
        };
        let before = text[..at].chars().next_back();
        let after_word = glued_page && before.is_some_and(crate::listing::is_han);
        if !before.is_none_or(boundary_before) && !after_word {
            continue;
        }
        // 、 and . end a numbering token (一、 2.) but also separate the items of a list
        // (办理依据、办理条件): only the first starts a field.
        let numbered = || {
            let mut back = text[..at].chars().rev();
            back.next();
            back.next()
                .is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        };
        let field_start = match before {
            None => true,
            Some('、' | '.' | '．') => numbered(),
            Some(_) if after_word => true,
            Some(c) => field_boundary(c),
        };
        let end = composite_end(text, at + label.len(), vocab);
        if out.iter().any(|h| at < h.end && end > h.start) {
            continue;
        }
        out.push(Hit {
            start: at,
            end,
            element,
            field_start,
        });
    }
    out.sort_by_key(|h| h.start);
    // Labels listed one after another (主动公示办理依据、办理条件、办理程序) are names in a
    // sentence, not fields: a label whose neighbour is only punctuation away is dropped.
    let only_punct = |a: usize, b: usize| {
        text.get(a..b).is_some_and(|g| {
            g.chars()
                .all(|c| c.is_whitespace() || "、，,；;和及与或/".contains(c))
        })
    };
    let listed: Vec<bool> = (0..out.len())
        .map(|i| {
            (i > 0 && only_punct(out[i - 1].end, out[i].start))
                || (i + 1 < out.len() && only_punct(out[i].end, out[i + 1].start))
        })
        .collect();
    out.into_iter()
        .zip(listed)
        .filter(|(_, l)| !l)
        .map(|(h, _)| h)
        .collect()
}

/// Where a label ends that names a second element after 及/和/与 (办公时间及地址): the
/// whole composite is the label, so the second name does not open the value.
fn composite_end(text: &str, end: usize, vocab: &Vocabulary) -> usize {
    let rest = &text[end..];
    let Some(conj) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '及' | '和' | '与'))
    else {
        return end;
    };
    let word: Vec<(usize, char)> = rest[conj.len_utf8()..]
        .char_indices()
        .take_while(|(_, c)| crate::listing::is_han(*c))
        .take(6)
        .collect();
    for n in (2..=word.len()).rev() {
        let (i, c) = word[n - 1];
        let w = &rest[conj.len_utf8()..conj.len_utf8() + i + c.len_utf8()];
        if vocab
            .match_label(w)
            .is_some_and(|m| !matches!(m, LabelMatch::Not(_)))
        {
            return end + conj.len_utf8() + w.len();
        }
    }
    end
}

/// The line cut into `label：value` parts at `hits` (sorted by position).
fn cut_at(text: &str, hits: &[Hit]) -> Vec<String> {
    let mut parts = Vec::new();
    let head = TRAILING_NUMBER
        .replace(&text[..hits[0].start], "")
        .trim()
        .to_string();
    if !head.is_empty() {
        parts.push(head);
    }
    for (k, h) in hits.iter().enumerate() {
        let next = hits.get(k + 1).map_or(text.len(), |n| n.start);
        let value = text[h.end..next]
            .trim_start_matches([':', '：', ' ', '\u{3000}', '?', '？', '\u{FFFD}']);
        // A numbering token at the end belongs to the next label; the last value has none
        // after it (a phone number ending …26 keeps its digits).
        let value = if k + 1 < hits.len() {
            TRAILING_NUMBER.replace(value, "")
        } else {
            value.into()
        };
        parts.push(format!("{}：{}", &text[h.start..h.end], value.trim()));
    }
    parts
}

/// The line cut into `label：value` parts, or `None` if it is not a run-on guide (for tests:
/// the line alone, as if on a page of its own).
#[cfg(test)]
fn split(text: &str, vocab: &Vocabulary) -> Option<Vec<String>> {
    let hs = hits(text, vocab, false);
    let elements: std::collections::HashSet<usize> = hs
        .iter()
        .map(|h| h.element)
        .filter(|e| *e != usize::MAX)
        .collect();
    (elements.len() >= MIN_ELEMENTS && text.chars().count() >= MIN_CHARS).then(|| cut_at(text, &hs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::bundled().unwrap_or_else(|| panic!("bundled rubric"))
    }

    #[test]
    fn a_numbered_run_on_guide_is_cut_at_its_labels() {
        let line = "一、事项名称 最低生活保障金给付 二、办理依据 《社会救助暂行办法》第九条 三、受理单位及办理地点 县民政局一楼窗口 四、办理条件 家庭人均收入低于当地低保标准 五、申请材料 身份证、户口簿 六、基本流程 申请、审核、审批 七、收费依据及标准 不收费。";
        let parts = split(line, &vocab()).unwrap_or_default();
        assert!(
            parts.contains(&"事项名称：最低生活保障金给付".to_string()),
            "{parts:?}"
        );
        assert!(
            parts.iter().any(|p| p.starts_with("申请材料：身份证")),
            "{parts:?}"
        );
        assert!(
            parts
                .iter()
                .any(|p| p.starts_with("办理依据：《社会救助暂行办法》")),
            "{parts:?}"
        );
        // The next label's numbering is not left at the end of a value.
        assert!(parts.iter().all(|p| !p.ends_with('、')), "{parts:?}");
    }

    #[test]
    fn glued_arabic_numbered_labels() {
        let line = "1适用范围本规程适用于窗口。2设定依据财综字2012号3受理范围市直单位4申报材料4.1合法有效的收费文件;4.2相关资质证明5办理程序5.1申请单位携带材料到窗口提交";
        let parts = split(line, &vocab()).unwrap_or_default();
        assert!(
            parts
                .iter()
                .any(|p| p.starts_with("设定依据：财综字2012号")),
            "{parts:?}"
        );
        assert!(
            parts
                .iter()
                .any(|p| p.starts_with("申报材料：4.1合法有效的收费文件")),
            "{parts:?}"
        );
        assert!(
            parts.iter().any(|p| p.starts_with("办理程序：5.1申请单位")),
            "{parts:?}"
        );
    }

    #[test]
    fn a_sentence_naming_two_labels_is_not_cut() {
        let line = "申请人应当按照办理流程提交申请材料，窗口工作人员当场审核，材料齐全的予以受理并告知后续安排。";
        assert_eq!(split(line, &vocab()), None);
    }
}
