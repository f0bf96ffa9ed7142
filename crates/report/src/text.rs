//! Making crawled text safe for each format. Excerpts, titles and URLs come from pages anyone
//! could have written: in HTML they are escaped, in XML (DOCX) escaped with the characters XML
//! forbids dropped, and in a spreadsheet they are text cells that can never become a formula.

use unicode_width::UnicodeWidthStr;

/// Characters XML 1.0 cannot carry at all (most C0 controls); a page's NUL or form feed would
/// make Word refuse the whole file.
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Escaped for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars().filter(|c| xml_allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped for XML text (the same rules: HTML's escapes are XML's).
pub fn xml(s: &str) -> String {
    esc(s)
}

/// A URL safe to put in an `href`: only http and https, so a `javascript:` link on a page
/// never becomes a link in a report.
pub fn href(url: &str) -> Option<String> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| esc(url.trim_start()))
}

/// Excel's limit on the characters in one cell.
const MAX_CELL_CHARS: usize = 32_000;

/// Text for a spreadsheet cell: forbidden characters dropped, clipped to what a cell holds.
pub fn cell(s: &str) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| xml_allowed(*c))
        .take(MAX_CELL_CHARS)
        .collect();
    if s.chars().count() > MAX_CELL_CHARS {
        out.push('…');
    }
    out
}

/// Text that a spreadsheet program would take for a formula or a command if it were typed in
/// or pasted (=, +, -, @ first; a tab or carriage return first does the same in some). Such
/// cells are written with Excel's quote prefix, so they stay text even when edited.
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'])
}

/// Column width for a spreadsheet, in Excel's character units: East Asian characters count
/// double, as they are drawn.
pub fn display_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// A name usable as a file name on every system the office has (Windows included).
pub fn file_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    let t = cleaned.trim().trim_matches('.').to_string();
    if t.is_empty() { "_".to_string() } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_inert() {
        assert_eq!(
            esc("<script>alert('x')</script>&"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
        assert_eq!(xml("a\u{0}b\u{c}c"), "abc");
        assert_eq!(href("javascript:alert(1)"), None);
        assert_eq!(
            href("http://a.gov.cn/?q=\"x\"").as_deref(),
            Some("http://a.gov.cn/?q=&quot;x&quot;")
        );
        assert!(looks_like_formula("=HYPERLINK(\"http://evil\",\"点我\")"));
        assert!(looks_like_formula("+cmd|' /C calc'!A0"));
        assert!(!looks_like_formula("办理材料"));
    }

    #[test]
    fn widths_and_names() {
        assert_eq!(display_width("教育局"), 6);
        assert_eq!(display_width("abc\n教育"), 4);
        assert_eq!(file_name("人社/局:?"), "人社_局__");
        assert_eq!(file_name(".."), "_");
    }
}
