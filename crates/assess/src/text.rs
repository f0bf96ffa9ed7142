//! The visible text of a page, for the few rules that read a page whole (an item table, a
//! key service's labelled lines, the content of a re-dated entry).

use extract::doc::{Doc, Region};

/// The main-content lines of a fetched body (navigation, sidebars and footers left out, so
/// a menu item never counts as content).
pub fn main_lines(bytes: &[u8], content_type: Option<&str>, url: Option<&url::Url>) -> Vec<String> {
    let d = extract::decode(bytes, content_type, url);
    let doc = if extract::facts::looks_like_html(&d.text) {
        Doc::from_html(&d.text)
    } else {
        Doc::from_text(&d.text)
    };
    doc.lines
        .into_iter()
        .filter(|l| l.region == Region::Main)
        .map(|l| {
            if l.cells.is_empty() {
                l.text
            } else {
                l.cells.join("|")
            }
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// The text with every run of digits masked as one `#`, so that two copies of a page that
/// differ only in their dates (a re-dated entry: 10月20日 → 12月8日) compare equal.
pub fn masked(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        let mut in_digits = false;
        for ch in l.chars() {
            let digit = ch.is_ascii_digit() || ('０'..='９').contains(&ch);
            if !digit {
                out.push(ch);
            } else if !in_digits {
                out.push('#');
            }
            in_digits = digit;
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_of_any_length_mask_alike() {
        let a = vec!["发布时间：2016年10月20日".to_string()];
        let b = vec!["发布时间：2017年12月8日".to_string()];
        assert_eq!(super::masked(&a), super::masked(&b));
        let c = vec!["发布时间：2017年12月8日 第二版".to_string()];
        assert_ne!(super::masked(&a), super::masked(&c));
    }
}
