//! Traditional characters folded to Simplified before a guide is read: copies of government
//! guides circulate in Traditional characters (辦理材料, 收費標準, 聯繫電話), and the rubric's
//! labels are Simplified. The conversion is a real table (the `simplet2s` crate's character
//! and phrase maps), not a list of the labels; it runs only on pages that are written in
//! Traditional characters, so Simplified pages pay nothing.

use std::sync::LazyLock;

use regex::Regex;

use crate::doc::Line;

/// A romanisation gloss after a character, as some copies carry (事項(xiàng)內(nèi)容).
static GLOSS: LazyLock<Regex> =
    LazyLock::new(|| crate::dates::re(r"(\p{Han})[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü?�]{1,8}[)）]"));

/// Glosses on a page before it is taken for a glossed copy.
const MIN_GLOSSES: usize = 3;

/// Whether the lines carry romanisation glosses between their characters.
pub fn has_glosses(lines: &[&Line]) -> bool {
    lines
        .iter()
        .map(|l| GLOSS.find_iter(&l.text).count())
        .sum::<usize>()
        >= MIN_GLOSSES
}

/// `s` without its glosses.
pub fn strip_glosses(s: &str) -> String {
    GLOSS.replace_all(s, "$1").into_owned()
}

/// Characters that exist only in Traditional writing and are common in any administrative
/// text: a page with several of them is written in Traditional characters. (Detection only;
/// the conversion itself is the crate's full table.)
const TRADITIONAL_ONLY: &str = "這們個為來時會說對國與於過還後發實點開關區辦請電話機書號買賣應須單舉處聯繫業網際間條費標準據設經營門縣務戶產醫療證見讓從們場現議題類總統際麼劃範圍歲隨專屬辭";

/// How many Traditional-only characters make a page Traditional.
const MIN_TRADITIONAL: usize = 5;

/// [`TRADITIONAL_ONLY`] as a bitmap over the Basic Multilingual Plane: every character of
/// every page is looked up, and a scan of the string per character was a twentieth of the
/// reader's time.
static TRADITIONAL_BITS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; 0x1_0000 / 64];
    for c in TRADITIONAL_ONLY.chars() {
        let i = c as usize;
        bits[i / 64] |= 1 << (i % 64);
    }
    bits
});

fn is_traditional_only(c: char) -> bool {
    let i = c as usize;
    TRADITIONAL_BITS
        .get(i / 64)
        .is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// Whether the lines are written in Traditional characters.
pub fn looks_traditional(lines: &[&Line]) -> bool {
    let mut n = 0;
    for l in lines {
        n += l.text.chars().filter(|c| is_traditional_only(*c)).count();
        if n >= MIN_TRADITIONAL {
            return true;
        }
    }
    false
}

/// `s` in Simplified characters. 諮 becomes 咨 (the table gives the rarer 谘), as every
/// guide label writes it (咨询电话).
pub fn to_simplified(s: &str) -> String {
    simplet2s::convert(s).replace('谘', "咨")
}

/// A copy of the lines in Simplified characters (`simplified`) and without glosses (`glosses`).
pub fn fold_lines(lines: &[&Line], simplified: bool, glosses: bool) -> Vec<Line> {
    let f = |s: &str| {
        let s = if glosses {
            strip_glosses(s)
        } else {
            s.to_owned()
        };
        if simplified { to_simplified(&s) } else { s }
    };
    lines
        .iter()
        .map(|l| Line {
            text: f(&l.text),
            cells: l.cells.iter().map(|c| f(c)).collect(),
            region: l.region,
            heading: l.heading,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_are_dropped() {
        assert_eq!(
            strip_glosses("事項(xiàng)內(nèi)容 | 機(jī)動(dòng)車"),
            "事項內容 | 機動車"
        );
        assert_eq!(strip_glosses("证明(复印件)"), "证明(复印件)");
    }

    #[test]
    fn labels_fold_to_the_rubrics() {
        assert_eq!(
            to_simplified("辦理材料 收費標準 聯繫電話 諮詢電話 設定依據"),
            "办理材料 收费标准 联系电话 咨询电话 设定依据"
        );
    }
}
