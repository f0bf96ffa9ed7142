//! Pass 1 of guide reading: the page's lines cut into (label, value) pairs, from every layout
//! real guides use — label/value table rows, tables whose header row names elements (spans
//! already expanded by [`crate::doc`]), headings (`一、` `（一）` `1.` `【】`, `<h*>`, `<dt>`,
//! a label alone on its line) with the lines under them, and `标签：值` runs in a paragraph.
//! Labels are classified here ([`Vocabulary::match_label`]); what they mean is judged in
//! [`super`].

use crate::doc::Line;
use crate::text::squeeze;
use crate::vocab::{LabelMatch, MAX_LABEL_CHARS, Vocabulary};

use super::How;

/// The most segments one page yields.
const MAX_SEGS: usize = 5_000;

/// One (label, value) pair found on the page.
#[derive(Clone, Debug)]
pub(super) struct Seg {
    pub(super) label: Option<String>,
    /// One match, or several for a merged label ("办理时间 办理地点").
    pub(super) matches: Vec<LabelMatch>,
    pub(super) value: Vec<String>,
    pub(super) how: How,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Numbering {
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
pub(super) fn numbering(s: &str) -> (Numbering, &str) {
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

pub(super) fn strip_colon(s: &str) -> String {
    s.trim()
        .trim_end_matches([':', '：', ' '])
        .trim()
        .to_owned()
}

const SENTENCE_PUNCT: &[char] = &['，', '。', '；', ';', ',', '！', '？', '《'];
/// A long heading may quote the certificate it is about (…婴儿《出生医学证明》办理程序).
const LONG_HEADING_PUNCT: &[char] = &['，', '。', '；', ';', ',', '！', '？'];

/// Labels found in a line: (label start, value start, match, label text). Known labels may
/// sit anywhere before a colon; an unknown one only at the start of the line.
pub(super) fn inline_splits(
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
                Some(l) => {
                    let m = vocab.match_label(l);
                    // A sentence ending with a colon, then the list it introduces on the next
                    // lines: not a label if it names another element before its last words.
                    if hw[value_start..].trim().is_empty()
                        && m.is_some_and(|m| {
                            names_another(&cand[..cand.len() - l.len()], m.element(), vocab)
                        })
                    {
                        continue;
                    }
                    (trimmed.len() - l.len(), l.clone(), m)
                }
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
pub(super) fn segment(lines: &[&Line], vocab: &Vocabulary) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    // The open section, which takes the lines that follow it.
    let mut open: Option<usize> = None;
    let mut open_numbering = Numbering::None;
    // The open section is an empty field written with its colon (`- 办理地址:`), one of a list
    // of fields, rather than a heading.
    let mut open_is_field = false;
    // Header of a table whose columns are elements: per grid column, its label match.
    let mut columns: Option<Vec<(String, Option<LabelMatch>)>> = None;
    // Inside a table flattened one cell a line under an open section (序号, 提交材料名称, 原件
    // 份数, 1, 经办人身份证明 …): its column names are not headings of their own.
    let mut flat_table = false;

    for line in lines {
        if segs.len() >= MAX_SEGS {
            break;
        }
        if !line.cells.is_empty() {
            flat_table = false;
            // A table under an open heading whose rows are not label/value pairs (四、申请材料
            // then 序号 | 申请材料名称 | 要求, then one row per document) is that section's
            // content, not a new section.
            let first_is_label = line
                .cells
                .first()
                .is_some_and(|c| vocab.match_label(&strip_colon(c)).is_some());
            if columns.is_none() && !first_is_label && open.is_some() {
                let text = line
                    .cells
                    .iter()
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                push_value(&mut segs, open, &text);
                continue;
            }
            open = None;
            table_row(line, vocab, &mut columns, &mut segs);
            continue;
        }
        columns = None;
        // Values keep the page's own characters (full-width brackets in form names); matching
        // normalises where it compares.
        let hw = line.text.clone();
        let (num, rest) = numbering(&hw);
        if std::mem::take(&mut flat_table)
            && !line.heading
            && !matches!(num, Numbering::Chinese | Numbering::Bracket)
        {
            push_value(&mut segs, open, hw.trim());
            flat_table = true;
            continue;
        }
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
        // "序号 材料名称 材料依据": the header of a list written as text, not a heading (its
        // last word may end like a label).
        let table_header = whole.starts_with("序号") || whole.starts_with("编号");
        let heading_matches = if whole.contains([':', '：']) || table_header {
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
                    // "收费标准：" with its colon is a label of its own, empty too.
                    && !hw.trim_end().ends_with([':', '：'])
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
            open_is_field = hw.trim_end().ends_with([':', '：']);
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
                    open_is_field = value.is_empty();
                } else if m.is_some() && open_is_field {
                    // In a list of fields, a field with its value on its line ends the empty
                    // one before it: `- 办理地址:` does not take its siblings' lines. (A heading
                    // keeps its lines: 办理地点, then 上班时间:…, then the place.)
                    open = None;
                }
            }
            continue;
        }

        // An unknown heading: numbered 一、 / 【】 (or the open section's own numbering), or a
        // heading tag; short and without sentence punctuation.
        let short = whole.chars().count() <= MAX_LABEL_CHARS && !whole.contains(SENTENCE_PUNCT);
        let guide_heading = short && {
            let squeezed = squeeze(&whole);
            vocab
                .guide_columns
                .iter()
                .chain(&vocab.form_columns)
                .chain(&vocab.sample_words)
                .any(|w| squeezed == *w)
                || whole == "常见问题"
        };
        let numbered_heading = matches!(num, Numbering::Chinese | Numbering::Bracket)
            || (num != Numbering::None && num == open_numbering && open.is_some());
        if short && (numbered_heading || line.heading || guide_heading) {
            segs.push(Seg::new(Some(whole), Vec::new(), "", How::Heading));
            open = Some(segs.len() - 1);
            open_numbering = num;
            open_is_field = false;
            continue;
        }

        // Content: goes to the open section, else forms an unlabelled group (a numbered
        // list continues the group; "1." starts a new one).
        flat_table = table_header && open.is_some();
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
    // A label the rubric names whole (收费标准及依据, 办理对象及条件) is one element, never
    // split at its 及 into two (收费标准 + 依据 would send a fee's legal basis to 设定依据).
    if let Some(m @ LabelMatch::Exact(_)) = vocab.match_label(whole) {
        return vec![m];
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
    if let Some(m) = vocab.match_label(whole) {
        return vec![m];
    }
    // A heading longer than a label that ends with one (申请民办非企业单位应当具备的条件,
    // 社会保障卡注销事项受理材料清单) names that element: a heading, not a sentence.
    let n = whole.chars().count();
    if (MAX_LABEL_CHARS + 1..=LONG_HEADING_CHARS).contains(&n)
        && !whole.contains(LONG_HEADING_PUNCT)
    {
        for label in vocab.all_labels() {
            if label.chars().count() >= 3
                && whole.ends_with(label.as_str())
                && let Some(m @ (LabelMatch::Exact(_) | LabelMatch::Suffix(_))) =
                    vocab.match_label(label)
            {
                if names_another(&whole[..whole.len() - label.len()], m.element(), vocab) {
                    return Vec::new();
                }
                return vec![LabelMatch::Suffix(m.element())];
            }
        }
        // …应当具备的条件: its last words share their head word with one element's labels
        // (a weak label: the value's shape must agree).
        let chars: Vec<char> = whole.chars().collect();
        let tail: String = chars[chars.len().saturating_sub(MAX_LABEL_CHARS)..]
            .iter()
            .collect();
        let before_head: String = chars[..chars.len().saturating_sub(2)].iter().collect();
        if let Some(m @ LabelMatch::Head(_)) = vocab.match_label(&tail)
            && !names_another(&before_head, m.element(), vocab)
        {
            return vec![m];
        }
    }
    Vec::new()
}

/// Whether `head` (the words before a label at the end of a sentence-long heading) names an
/// element other than `element` by one of its labels: a sentence introducing a list names two
/// things (申请人把下列申请材料送交办理窗口:), and which one it heads is not for its last words
/// to say.
fn names_another(head: &str, element: usize, vocab: &Vocabulary) -> bool {
    vocab.all_labels().iter().enumerate().any(|(i, x)| {
        x.chars().count() >= 4
            && head.contains(x.as_str())
            && vocab
                .all_labels_match(i)
                .is_some_and(|o| o.element() != element)
    })
}

/// The longest heading read as naming the element its last words name.
const LONG_HEADING_CHARS: usize = 30;

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
