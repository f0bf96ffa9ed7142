//! Forms named in a guide's materials (《…表》, …申请表, …登记表) and whether the page offers
//! each for download; whether sample texts and common-error examples are offered.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::dates::re;
use crate::links::{Link, LinkKind};
use crate::text::squeeze;
use crate::vocab::Vocabulary;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// As named on the page, without 《》.
    pub name: String,
    /// The download the page offers for it, if any.
    pub download: Option<Url>,
    /// How the download was matched: "link_text", "file_name" or "forms_column".
    pub matched_by: Option<String>,
}

/// Endings of a document that is a form to fill in (the structure of the names, not labels).
const FORM_ENDINGS: &str = "申请表|登记表|审批表|审核表|申报表|备案表|信息表|情况表|统计表|汇总表|明细表|一览表|表格|表|回执|凭证|委托书|申请书|注册书|登记书|申报书|报告书|确认书|承诺书|声明书|告知书";

static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"《([^《》\n]{{2,40}}?(?:{FORM_ENDINGS}))(?:》|\(|（|$)"
    ))
});
static BARE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([\p{Han}（）()]{2,30}?(?:申请表|登记表|审批表|审核表|申报表|备案表|委托书|申请书|注册书|承诺书))",
    )
});

const MAX_FORMS: usize = 100;
const DOWNLOAD_EXTS: &[&str] = &[
    "doc", "docx", "xls", "xlsx", "wps", "et", "pdf", "zip", "rar", "ofd",
];

pub fn forms(materials: &str, links: &[Link], vocab: &Vocabulary) -> Vec<Form> {
    let mut names: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for c in QUOTED.captures_iter(materials) {
        if let Some(m) = c.get(1) {
            push_name(&mut names, &mut seen, m.as_str());
        }
    }
    // Unquoted names, unless part of a quoted one already taken.
    let stripped = QUOTED.replace_all(materials, " ");
    for c in BARE.captures_iter(&stripped) {
        if let Some(m) = c.get(1) {
            let n = m
                .as_str()
                .trim_start_matches(|ch: char| "填写提交领取附带及和与或的".contains(ch));
            push_name(&mut names, &mut seen, n);
        }
    }
    names.truncate(MAX_FORMS);
    let column_link = links.iter().find(|l| {
        l.kind == LinkKind::A
            && vocab
                .form_columns
                .iter()
                .any(|w| squeeze(&l.text).contains(w.as_str()))
    });
    names
        .into_iter()
        .map(|name| {
            let key = squeeze(&name);
            let by_text = links.iter().find(|l| {
                let t = squeeze(&l.text);
                let n = t.chars().count();
                // A link whose text is only a part of the name (资格认定 in 教师资格认定申请表,
                // a menu item) is the form's download only if it leads to a file or names
                // most of the form.
                let partial_ok =
                    || n * 3 >= key.chars().count() * 2 || has_download_ext(l.url.path());
                l.kind == LinkKind::A
                    && n >= 4
                    && (t.contains(&key) || (key.contains(&t) && partial_ok()))
            });
            let by_file = links.iter().find(|l| {
                let path = percent_decode(l.url.path());
                has_download_ext(&path) && squeeze(&path).contains(&key)
            });
            let (download, matched_by) = match (by_text, by_file, column_link) {
                (Some(l), _, _) => (Some(l.url.clone()), Some("link_text")),
                (_, Some(l), _) => (Some(l.url.clone()), Some("file_name")),
                (_, _, Some(l)) => (Some(l.url.clone()), Some("forms_column")),
                _ => (None, None),
            };
            Form {
                name,
                download,
                matched_by: matched_by.map(str::to_string),
            }
        })
        .collect()
}

fn push_name(names: &mut Vec<String>, seen: &mut BTreeSet<String>, n: &str) {
    let n = n.trim();
    if n.chars().count() >= 3 && seen.insert(squeeze(n)) {
        names.push(n.to_owned());
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// (sample texts offered, common-error examples offered): the rubric's sample words in the
/// page text or a link; words with 错误 are common-error examples.
pub fn samples(text: &str, links: &[Link], vocab: &Vocabulary) -> (bool, bool) {
    let hay = squeeze(text);
    let in_links = |w: &str| links.iter().any(|l| squeeze(&l.text).contains(w));
    let found = |w: &String| hay.contains(w.as_str()) || in_links(w);
    let (errors, samples): (Vec<&String>, Vec<&String>) =
        vocab.sample_words.iter().partition(|w| w.contains("错误"));
    (
        samples.into_iter().any(found),
        errors.into_iter().any(found),
    )
}

/// Whether a URL path ends in a file type forms are offered as.
fn has_download_ext(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    DOWNLOAD_EXTS.iter().any(|e| p.ends_with(&format!(".{e}")))
}
