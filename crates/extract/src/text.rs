//! Small text helpers shared by every extractor: whitespace and full-width normalisation.

/// Collapses runs of whitespace (incl. U+3000 and NBSP) to one ASCII space and trims.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' {
            pending = !out.is_empty();
        } else {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push(c);
        }
    }
    out
}

/// Full-width ASCII (０-９, Ａ-Ｚ, ：, ／ …) → ASCII, and ideographic space → space; everything
/// else unchanged. Enough of NFKC for dates and labels without pulling in the Unicode tables.
pub fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// The text with every whitespace character removed: label matching ignores the spaces
/// templates put between characters ("办 理 时 间").
pub fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !(c.is_whitespace() || *c == '\u{a0}' || *c == '\u{3000}'))
        .collect()
}

/// Truncates to at most `max` chars on a char boundary.
pub fn clip(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Truncates to at most `max` bytes on a char boundary.
pub fn clip_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn normalises() {
        assert_eq!(collapse_ws("  办事\u{3000}\u{a0} 指南\n"), "办事 指南");
        assert_eq!(halfwidth("２０１７－０３－０５："), "2017-03-05:");
        assert_eq!(squeeze("办 理\u{3000}时间"), "办理时间");
        assert_eq!(clip("办理时间", 2), "办理");
    }
}
