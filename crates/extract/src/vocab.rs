//! The words the extractor reads pages with, taken from the rubric: element labels and their
//! look-alikes (traps), placeholder values, and the column types for forms and sample texts.
//! A new rubric edition changes what is recognised without a code change.
//!
//! Label matching, strongest first: the label itself; a trap contained in the label (办理时限
//! in 办理时限及费用 is not 办理时间); a rubric label at the end of a longer label (办事依据 ends
//! with 依据); the label's head word shared with exactly one element's labels (许可条件 and
//! 申请条件 share 条件), which is only trusted when the value has the element's shape; so is
//! a label ending with one of the element's weak endings (服务对象, 补贴对象 for the conditions:
//! the conditions only when it says who qualifies).

use serde::Serialize;

use crate::text::{halfwidth, squeeze};

#[derive(Clone, Debug, Serialize)]
pub struct ElementWords {
    /// The element's name in the rubric, e.g. 办理时间.
    pub name: String,
    /// What kind of element it is, from the rubric (`None`: known by its labels only).
    pub role: Option<rubric::ElementRole>,
    pub labels: Vec<String>,
    pub not: Vec<String>,
    /// Endings of labels that are this element only when the value has its shape (对象).
    pub weak: Vec<String>,
}

/// Everything the extractor needs from a rubric.
#[derive(Clone, Debug, Serialize)]
pub struct Vocabulary {
    pub elements: Vec<ElementWords>,
    pub placeholder_values: Vec<String>,
    pub placeholder_prefixes: Vec<String>,
    /// Names of form-download columns (表格下载 …).
    pub form_columns: Vec<String>,
    /// Sample texts and common-error examples (示范文本, 常见错误 …).
    pub sample_words: Vec<String>,
    /// Names of service-guide columns (办事指南 …).
    pub guide_columns: Vec<String>,
    /// Every label and trap, longest first (computed once: run-on text is searched with it).
    #[serde(skip)]
    longest_first: Vec<String>,
    /// How each of `longest_first` matches (`match_label`), computed once.
    #[serde(skip)]
    longest_first_matches: Vec<Option<LabelMatch>>,
    /// Finds every occurrence of every one of `longest_first` in one pass over a text.
    #[serde(skip)]
    finder: Option<aho_corasick::AhoCorasick>,
    /// Each head word (a label's last [`HEAD_CHARS`] characters, of labels longer than that)
    /// and the elements whose labels end with it.
    #[serde(skip)]
    head_owners: std::collections::HashMap<String, Vec<usize>>,
}

/// How a label names an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelMatch {
    /// A rubric label, exactly.
    Exact(usize),
    /// A longer label ending with a rubric label.
    Suffix(usize),
    /// Shares its head word with one element's labels; needs the value's shape to agree.
    Head(usize),
    /// Ends with one of the element's weak endings (服务对象 for the conditions): needs the
    /// value's shape to agree, and never makes a page a guide (a service list's cells end so).
    Weak(usize),
    /// A look-alike: the label is another thing than element `usize` (a trap).
    Not(usize),
}

impl LabelMatch {
    pub fn element(self) -> usize {
        match self {
            LabelMatch::Exact(i)
            | LabelMatch::Suffix(i)
            | LabelMatch::Head(i)
            | LabelMatch::Weak(i)
            | LabelMatch::Not(i) => i,
        }
    }
}

/// Length of the head word (the last characters of a label) shared between labels.
const HEAD_CHARS: usize = 2;
/// A label longer than this (after squeezing) is a sentence, not a label.
pub const MAX_LABEL_CHARS: usize = 14;

impl Vocabulary {
    pub fn from_rubric(r: &rubric::Rubric) -> Vocabulary {
        let norm = |s: &String| squeeze(&halfwidth(s));
        let col = |id: &str| -> Vec<String> {
            r.column_type(id)
                .map(|c| c.labels.iter().map(norm).collect())
                .unwrap_or_default()
        };
        let mut v = Vocabulary {
            elements: r
                .elements
                .iter()
                .map(|e| ElementWords {
                    name: e.name.clone(),
                    role: e.role,
                    labels: e.labels.iter().map(norm).collect(),
                    not: e.not.iter().map(norm).collect(),
                    weak: e.weak.iter().map(norm).collect(),
                })
                .collect(),
            placeholder_values: r.placeholders.values.iter().map(norm).collect(),
            placeholder_prefixes: r.placeholders.prefixes.iter().map(norm).collect(),
            form_columns: col("forms"),
            sample_words: col("samples"),
            guide_columns: col("guide"),
            longest_first: Vec::new(),
            longest_first_matches: Vec::new(),
            finder: None,
            head_owners: std::collections::HashMap::new(),
        };
        for (i, e) in v.elements.iter().enumerate() {
            for x in &e.labels {
                if x.chars().count() > HEAD_CHARS {
                    let owners = v
                        .head_owners
                        .entry(last_chars(x, HEAD_CHARS).to_owned())
                        .or_default();
                    if !owners.contains(&i) {
                        owners.push(i);
                    }
                }
            }
        }
        let mut all: Vec<String> = v
            .elements
            .iter()
            .flat_map(|e| e.labels.iter().chain(&e.not).cloned())
            .collect();
        all.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        all.dedup();
        v.longest_first_matches = all.iter().map(|l| v.match_label(l)).collect();
        v.finder = aho_corasick::AhoCorasick::new(&all).ok();
        v.longest_first = all;
        v
    }

    /// Every occurrence in `text` of every label and trap, as (index into
    /// [`Vocabulary::all_labels`], byte offset), in the order of `all_labels` (longest first),
    /// then of the text. Overlapping occurrences are all reported.
    pub fn labels_in(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = match &self.finder {
            Some(ac) => ac
                .find_overlapping_iter(text)
                .map(|m| (m.pattern().as_usize(), m.start()))
                .collect(),
            None => self
                .longest_first
                .iter()
                .enumerate()
                .flat_map(|(i, l)| text.match_indices(l.as_str()).map(move |(at, _)| (i, at)))
                .collect(),
        };
        out.sort_unstable();
        out
    }

    /// How the `i`th of [`Vocabulary::all_labels`] matches, as `match_label` says.
    pub fn all_labels_match(&self, i: usize) -> Option<LabelMatch> {
        self.longest_first_matches.get(i).copied().flatten()
    }

    /// The vocabulary of the bundled rubric.
    pub fn bundled() -> Option<Vocabulary> {
        rubric::bundled(rubric::BUNDLED_ID).map(|r| Vocabulary::from_rubric(&r))
    }

    pub fn element_index(&self, name: &str) -> Option<usize> {
        self.elements.iter().position(|e| e.name == name)
    }

    /// The element of a kind, if the rubric names one.
    pub fn role_index(&self, role: rubric::ElementRole) -> Option<usize> {
        self.elements.iter().position(|e| e.role == Some(role))
    }

    /// The kind of element `i`.
    pub fn role(&self, i: usize) -> Option<rubric::ElementRole> {
        self.elements.get(i).and_then(|e| e.role)
    }

    /// Classifies a label (already stripped of numbering and colons).
    pub fn match_label(&self, label: &str) -> Option<LabelMatch> {
        // Most lines are sentences: reject them before normalising.
        if label
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(2 * MAX_LABEL_CHARS + 1)
            .count()
            > 2 * MAX_LABEL_CHARS
        {
            return None;
        }
        // Most candidates need no normalising: borrow them as they are.
        let needs_norm = label
            .chars()
            .any(|c| c.is_whitespace() || c == '\u{a0}' || ('\u{FF01}'..='\u{FF5E}').contains(&c));
        let normalised;
        let l: &str = if needs_norm {
            normalised = squeeze(&halfwidth(label));
            &normalised
        } else {
            label
        };
        let l = l.trim_matches(|c: char| matches!(c, ':' | '：' | '*' | '★'));
        if l.is_empty() || l.chars().count() > MAX_LABEL_CHARS {
            return None;
        }
        if let Some(i) = self
            .elements
            .iter()
            .position(|e| e.labels.iter().any(|x| x == l))
        {
            return Some(LabelMatch::Exact(i));
        }
        if let Some(i) = self
            .elements
            .iter()
            .position(|e| e.weak.iter().any(|x| l.ends_with(x.as_str())))
        {
            return Some(LabelMatch::Weak(i));
        }
        if let Some(i) = self
            .elements
            .iter()
            .position(|e| e.not.iter().any(|x| l.contains(x.as_str())))
        {
            return Some(LabelMatch::Not(i));
        }
        // Longest rubric label the candidate ends with.
        let mut best: Option<(usize, usize)> = None;
        for (i, e) in self.elements.iter().enumerate() {
            for x in &e.labels {
                if l.ends_with(x.as_str()) && best.is_none_or(|(_, n)| x.len() > n) {
                    best = Some((i, x.len()));
                }
            }
        }
        let head = last_chars(l, HEAD_CHARS);
        let candidate = match best {
            Some((i, n)) => Some((LabelMatch::Suffix(i), &l[..l.len() - n])),
            None => match self.head_owners.get(head).map(Vec::as_slice) {
                Some([i]) => Some((LabelMatch::Head(*i), &l[..l.len() - head.len()])),
                _ => None,
            },
        };
        let (m, prefix) = candidate?;
        // A trap's qualifier (监督 in 监督电话, 举报 in 投诉举报电话) makes a look-alike a trap.
        let i = m.element();
        let head = last_chars(l, HEAD_CHARS);
        let trap = self.elements[i].not.iter().any(|x| {
            if last_chars(x, HEAD_CHARS) != head {
                return false;
            }
            let q: Vec<char> = x.chars().collect();
            let q = &q[..q.len().saturating_sub(HEAD_CHARS)];
            q.windows(2)
                .any(|w| prefix.contains(&w.iter().collect::<String>()))
        });
        Some(if trap { LabelMatch::Not(i) } else { m })
    }

    /// Every label and trap, longest first (for finding labels inside run-on text).
    pub fn all_labels(&self) -> &[String] {
        &self.longest_first
    }

    /// The value says nothing: empty, a placeholder (无, 暂无, 详见…), or a script template.
    pub fn is_placeholder(&self, value: &str) -> bool {
        let v = squeeze(&halfwidth(value));
        let v = v.trim_matches(|c: char| {
            matches!(
                c,
                '。' | '.' | ';' | '；' | ',' | '，' | '、' | '|' | ':' | '：'
            )
        });
        if v.is_empty() {
            return true;
        }
        // A placeholder with template syntax ({{, ${) marks a value a script fills in: anywhere
        // in the value it means the page shows the template, not the value.
        let template = |p: &str| p.contains(['{', '$', '<', '[']);
        if self
            .placeholder_values
            .iter()
            .any(|p| p == v || (template(p) && v.contains(p.as_str())))
        {
            return true;
        }
        // 详见附件 / 见窗口: a pointer elsewhere, when that is all the value says.
        if self
            .placeholder_prefixes
            .iter()
            .any(|p| v.starts_with(p.as_str()) && v.chars().count() <= 12)
        {
            return true;
        }
        is_blank_template(v)
    }
}

/// A value left as a blank template's filler (XXXX, 德州市XX区XX街XX号, 周X至周X 上午XX:XX),
/// maybe followed by the drafter's note (XXXX //对申请条件的详细描述): nothing of a real
/// service is said. Two runs of X (or ×) in the value before the note, or nothing but them.
fn is_blank_template(v: &str) -> bool {
    let v = v.split("//").next().unwrap_or(v);
    let mut runs = 0;
    let mut run = 0;
    for c in v.chars().chain(std::iter::once(' ')) {
        if matches!(c, 'X' | 'x' | '×') {
            run += 1;
        } else {
            if run >= 2 {
                runs += 1;
            }
            run = 0;
        }
    }
    let rest = v
        .chars()
        .filter(|c| {
            !matches!(c, 'X' | 'x' | '×') && !c.is_ascii_punctuation() && !c.is_whitespace()
        })
        .count();
    runs >= 2 || (runs == 1 && rest == 0)
}

fn last_chars(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    match s.char_indices().nth(count - n) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Vocabulary {
        Vocabulary::bundled().unwrap()
    }

    #[test]
    fn labels_and_traps_from_the_rubric() {
        let v = v();
        let idx = |n: &str| v.element_index(n).unwrap();
        assert_eq!(
            v.match_label("办理时间"),
            Some(LabelMatch::Exact(idx("办理时间")))
        );
        assert_eq!(
            v.match_label("办理时限"),
            Some(LabelMatch::Not(idx("办理时间")))
        );
        assert_eq!(
            v.match_label("办理时限及费用"),
            Some(LabelMatch::Not(idx("办理时间")))
        );
        assert_eq!(
            v.match_label("监督电话"),
            Some(LabelMatch::Not(idx("联系电话")))
        );
        assert_eq!(
            v.match_label("举报电话"),
            Some(LabelMatch::Not(idx("联系电话")))
        );
        assert_eq!(
            v.match_label("受理范围"),
            Some(LabelMatch::Weak(idx("申请条件")))
        );
        assert_eq!(
            v.match_label("补贴对象"),
            Some(LabelMatch::Weak(idx("申请条件")))
        );
        assert_eq!(
            v.match_label("行政依据"),
            Some(LabelMatch::Suffix(idx("设定依据")))
        );
        assert_eq!(
            v.match_label("许可条件"),
            Some(LabelMatch::Head(idx("申请条件")))
        );
        assert_eq!(
            v.match_label("上班时间"),
            Some(LabelMatch::Head(idx("办理时间")))
        );
        assert_eq!(
            v.match_label("收费依据"),
            Some(LabelMatch::Exact(idx("收费标准及依据")))
        );
        assert_eq!(v.match_label("受理单位"), None);
    }

    #[test]
    fn placeholders() {
        let v = v();
        for p in [
            "无",
            "暂无",
            "详见附件",
            "  ",
            "{{item.address}}",
            "${addr}",
            "见窗口",
        ] {
            assert!(v.is_placeholder(p), "{p}");
        }
        for p in ["不收费", "免费", "县政务服务中心2楼", "工作日 9:00-17:00"] {
            assert!(!v.is_placeholder(p), "{p}");
        }
    }
}
