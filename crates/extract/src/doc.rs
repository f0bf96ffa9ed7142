//! The page as lines of visible text: the one shape every extractor reads, whether the page
//! came as HTML or as plain text (one block per line, table cells separated by `|`).
//!
//! HTML block elements end a line; a data table becomes one line per row with its cells
//! (rowspan/colspan expanded, so every row has the header's columns); each line carries the
//! region it sits in (footer, sidebar, navigation …) so date extraction can ignore those.

use ego_tree::NodeRef;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};

use crate::text::{clip_bytes, collapse_ws};

/// The most HTML bytes parsed per page; bigger pages are cut (their facts are in the head).
pub const MAX_HTML_BYTES: usize = 4 * 1024 * 1024;
/// The most lines kept per page.
const MAX_LINES: usize = 50_000;
/// DOM depth beyond which text is flattened instead of walked (hostile nesting).
const MAX_DEPTH: usize = 200;
const MAX_SPAN: usize = 64;
/// Widest table grid kept (spans could otherwise multiply a row into millions of cells).
const MAX_COLS: usize = 256;
/// Deepest element nesting handed to the HTML parser. The tree builder's scope checks walk
/// the stack of open elements, so a hostile page nesting 100,000 `<div>`s costs quadratic
/// time; real pages nest a few dozen deep.
const MAX_NEST: usize = 400;

/// Elements that never nest (void) or that authors leave open and the parser closes by
/// itself (`<li>`, `<p>`, `<td>` …): they do not count towards the nesting depth.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "!doctype",
];

/// The HTML with start tags beyond [`MAX_NEST`] open elements (and their end tags) removed;
/// the text stays. Pages within the limit are returned as they are.
fn defuse(html: &str) -> std::borrow::Cow<'_, str> {
    fn scan(html: &str, mut keep: Option<&mut String>) -> bool {
        let b = html.as_bytes();
        let (mut depth, mut dropped, mut over) = (0usize, 0usize, false);
        let mut i = 0;
        let mut copied = 0;
        while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
            let start = i + off;
            // `<` and `>` are ASCII, so both slice ends are char boundaries.
            let close = b[start..]
                .iter()
                .position(|&c| c == b'>')
                .map(|p| start + p);
            let end = close.map_or(b.len(), |p| p + 1);
            let tag = &html[start + 1..close.unwrap_or(b.len())];
            i = end;
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/');
            let name_len = body
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'!')
                .count();
            let name = &body[..name_len];
            if name.is_empty()
                || name.starts_with('!')
                || FLAT.iter().any(|f| f.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let mut drop_tag = false;
            if closing {
                if dropped > 0 {
                    dropped -= 1;
                    drop_tag = true;
                } else {
                    depth = depth.saturating_sub(1);
                }
            } else if !tag.ends_with('/') {
                if depth >= MAX_NEST {
                    over = true;
                    dropped += 1;
                    drop_tag = true;
                } else {
                    depth += 1;
                }
            }
            if let Some(out) = keep.as_deref_mut()
                && drop_tag
            {
                out.push_str(&html[copied..start]);
                copied = end;
            }
            if over && keep.is_none() {
                return true;
            }
        }
        if let Some(out) = keep {
            out.push_str(&html[copied..]);
        }
        over
    }
    if !scan(html, None) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    scan(html, Some(&mut out));
    std::borrow::Cow::Owned(out)
}

/// Where on the page a line sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Main,
    Header,
    Nav,
    Side,
    Footer,
    /// Inside an element styled `display:none` (tabs, templates, counters).
    Hidden,
}

#[derive(Clone, Debug)]
pub struct Line {
    pub text: String,
    /// Cells of a table row with at least two non-empty cells; empty otherwise.
    pub cells: Vec<String>,
    pub region: Region,
    /// From an `<h1>`..`<h6>`.
    pub heading: bool,
}

/// A page reduced to what the extractors need.
pub struct Doc {
    pub html: Option<Html>,
    /// `<title>`.
    pub title: Option<String>,
    /// The first `<h1>` (or the most prominent heading).
    pub h1: Option<String>,
    /// `<meta name|property|http-equiv>` → content, names lowercased.
    pub metas: Vec<(String, String)>,
    pub lines: Vec<Line>,
}

impl Doc {
    pub fn from_html(html: &str) -> Doc {
        let html = defuse(clip_bytes(html, MAX_HTML_BYTES));
        let doc = Html::parse_document(&html);
        let mut w = Walker::default();
        w.walk(doc.tree.root(), Region::Main, 0);
        w.flush();
        let title = first_text(&doc, &TITLE);
        let h1 = first_text(&doc, &H1).or_else(|| first_text(&doc, &H2));
        let metas = doc
            .select(&crate::links::METAS)
            .filter_map(|m| {
                let v = m.value();
                let name = v.attr("name").or(v.attr("property"))?;
                Some((
                    name.trim().to_ascii_lowercase(),
                    collapse_ws(v.attr("content").unwrap_or("")),
                ))
            })
            .collect();
        Doc {
            html: Some(doc),
            title,
            h1,
            metas,
            lines: w.lines,
        }
    }

    /// A page's visible text, one block per line; `|` separates table cells.
    pub fn from_text(text: &str) -> Doc {
        let lines = clip_bytes(text, MAX_HTML_BYTES)
            .lines()
            .take(MAX_LINES)
            .filter_map(|raw| {
                let cells: Vec<String> = raw
                    .split('|')
                    .map(collapse_ws)
                    .filter(|c| !c.is_empty())
                    .collect();
                if cells.is_empty() {
                    return None;
                }
                let text = cells.join(" | ");
                let cells = if cells.len() >= 2 { cells } else { Vec::new() };
                Some(Line {
                    text,
                    cells,
                    region: Region::Main,
                    heading: false,
                })
            })
            .collect();
        Doc {
            html: None,
            title: None,
            h1: None,
            metas: Vec::new(),
            lines,
        }
    }

    pub fn meta(&self, name: &str) -> Option<&str> {
        self.metas
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

static TITLE: LazyLock<Selector> = LazyLock::new(|| crate::links::selector("title"));
static H1: LazyLock<Selector> = LazyLock::new(|| crate::links::selector("h1"));
static H2: LazyLock<Selector> = LazyLock::new(|| crate::links::selector("h2"));

fn first_text(doc: &Html, s: &Selector) -> Option<String> {
    doc.select(s)
        .map(|e| collapse_ws(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

#[derive(Default)]
struct Walker {
    lines: Vec<Line>,
    cur: String,
    cur_region: Option<Region>,
    in_heading: usize,
}

/// A date literal an inline script writes into the page (`document.write`), if any.
fn script_written_date(node: NodeRef<'_, Node>) -> Option<String> {
    static LITERAL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        crate::dates::re(
            r#"['"]\s*(\d{4}\s*(?:年|-|/|\.)\s*\d{1,2}\s*(?:月|-|/|\.)\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)\s*['"]"#,
        )
    });
    let mut code = String::new();
    for t in node.descendants().filter_map(|n| n.value().as_text()) {
        code.push_str(t);
        if code.len() > 4096 {
            return None;
        }
    }
    if !code.contains("document.write") {
        return None;
    }
    LITERAL
        .captures(&code)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_owned())
}

/// Elements whose content is not visible text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "select"
            | "option"
            | "svg"
            | "object"
            | "textarea"
            | "iframe"
    )
}

/// Elements that end a line.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "tbody"
            | "thead"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "dt"
            | "dd"
            | "dl"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "form"
            | "blockquote"
            | "pre"
            | "hr"
            | "center"
            | "main"
            | "body"
            | "html"
            | "caption"
            | "figure"
            | "figcaption"
            | "address"
            | "fieldset"
            | "legend"
    )
}

impl Walker {
    fn flush(&mut self) {
        if self.lines.len() >= MAX_LINES {
            self.cur.clear();
            return;
        }
        let text = collapse_ws(&self.cur);
        self.cur.clear();
        if !text.is_empty() {
            self.lines.push(Line {
                text,
                cells: Vec::new(),
                region: self.cur_region.unwrap_or(Region::Main),
                heading: self.in_heading > 0,
            });
        }
    }

    fn push_text(&mut self, t: &str, region: Region) {
        if self.cur_region != Some(region) && !self.cur.trim().is_empty() {
            self.flush();
        }
        self.cur_region = Some(region);
        self.cur.push_str(t);
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, region: Region, depth: usize) {
        match node.value() {
            Node::Text(t) => self.push_text(t, region),
            Node::Element(e) => {
                let name = e.name();
                if name == "script" {
                    // A date written by script (TRS: 发布时间：<script>var pubdata='2017年11月24日';
                    // document.write(pubdata)</script>) is shown to visitors: keep it in place.
                    if let Some(d) = script_written_date(node) {
                        self.push_text(&d, region);
                    }
                    return;
                }
                if is_skipped(name) {
                    return;
                }
                if name == "br" {
                    self.flush();
                    return;
                }
                let region = classify(e, region);
                if depth >= MAX_DEPTH {
                    if let Some(el) = ElementRef::wrap(node) {
                        let t: String = el.text().collect();
                        self.push_text(&t, region);
                    }
                    return;
                }
                if name == "table" && self.data_table(node, region) {
                    return;
                }
                let block = is_block(name);
                let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                if block {
                    self.flush();
                }
                self.in_heading += usize::from(heading);
                for child in node.children() {
                    self.walk(child, region, depth + 1);
                }
                if block {
                    self.flush();
                }
                self.in_heading -= usize::from(heading);
            }
            Node::Document | Node::Fragment => {
                for child in node.children() {
                    self.walk(child, region, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Emits a table without nested tables as rows of cells; returns false for layout tables.
    fn data_table(&mut self, table: NodeRef<'_, Node>, region: Region) -> bool {
        let Some(t) = ElementRef::wrap(table) else {
            return false;
        };
        let nested = t
            .descendants()
            .skip(1)
            .filter_map(ElementRef::wrap)
            .any(|e| e.value().name() == "table");
        if nested {
            return false;
        }
        self.flush();
        // Grid with rowspan/colspan expanded: `pending[c]` = (rows left, text) from above.
        let mut pending: Vec<(usize, String)> = Vec::new();
        for tr in t
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
        {
            let r = classify(tr.value(), region);
            let mut row: Vec<String> = Vec::new();
            let mut cells = tr
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .peekable();
            let mut col = 0;
            loop {
                if col >= MAX_COLS {
                    break;
                }
                if let Some((left, text)) = pending.get_mut(col)
                    && *left > 0
                {
                    *left -= 1;
                    row.push(text.clone());
                    col += 1;
                    continue;
                }
                let Some(cell) = cells.next() else { break };
                let text = cell_text(cell);
                let span = |a: &str| {
                    cell.value()
                        .attr(a)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_SPAN)
                };
                let (cs, rs) = (span("colspan"), span("rowspan"));
                for _ in 0..cs.min(MAX_COLS.saturating_sub(col)) {
                    if pending.len() <= col {
                        pending.resize(col + 1, (0, String::new()));
                    }
                    pending[col] = (rs - 1, text.clone());
                    row.push(text.clone());
                    col += 1;
                }
            }
            // Colspan copies repeat a cell; keep one of each run for the row's cells.
            let mut cells_out: Vec<String> = Vec::new();
            for c in row {
                if !c.is_empty() && cells_out.last() != Some(&c) {
                    cells_out.push(c);
                }
            }
            if cells_out.is_empty() || self.lines.len() >= MAX_LINES {
                continue;
            }
            let text = cells_out.join(" | ");
            let cells = if cells_out.len() >= 2 {
                cells_out
            } else {
                Vec::new()
            };
            self.lines.push(Line {
                text,
                cells,
                region: r,
                heading: false,
            });
        }
        true
    }
}

/// A cell's text: its lines joined with spaces (a value cell with `<br>`s stays one value).
fn cell_text(cell: ElementRef<'_>) -> String {
    let mut w = Walker::default();
    for child in cell.children() {
        w.walk(child, Region::Main, MAX_DEPTH.saturating_sub(20));
    }
    w.flush();
    w.lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The region an element sits in (its ancestors' tags, classes and styles, outermost first).
pub fn region_of(el: ElementRef<'_>) -> Region {
    let mut chain: Vec<&scraper::node::Element> = el
        .ancestors()
        .filter_map(|n| n.value().as_element())
        .collect();
    chain.reverse();
    chain.push(el.value());
    chain.into_iter().fold(Region::Main, |r, e| classify(e, r))
}

/// [`region_of`] for many elements of one page: the region of every ancestor classified is
/// kept in `cache`, so a page's anchors do not each classify their whole chain again (that
/// was a tenth of the reader's instructions on a portal's pages).
pub fn region_of_cached(
    el: ElementRef<'_>,
    cache: &mut std::collections::HashMap<ego_tree::NodeId, Region>,
) -> Region {
    let mut chain: Vec<(ego_tree::NodeId, &scraper::node::Element)> = Vec::new();
    let mut outer = Region::Main;
    for n in std::iter::once(*el).chain(el.ancestors()) {
        if let Some(r) = cache.get(&n.id()) {
            outer = *r;
            break;
        }
        if let Some(e) = n.value().as_element() {
            chain.push((n.id(), e));
        }
    }
    for (id, e) in chain.into_iter().rev() {
        outer = classify(e, outer);
        cache.insert(id, outer);
    }
    outer
}

/// The region an element opens, from its tag, class and id (template conventions of Chinese
/// CMSs: `footer`, `copyright`, `bottom`, `sidebar`, `rili` for calendars …).
fn classify(e: &scraper::node::Element, outer: Region) -> Region {
    if outer == Region::Hidden {
        return outer;
    }
    if e.attr("style").is_some_and(|s| {
        let s = s.to_ascii_lowercase().replace(' ', "");
        s.contains("display:none") || s.contains("visibility:hidden")
    }) || e.attr("hidden").is_some()
    {
        return Region::Hidden;
    }
    let by_tag = match e.name() {
        "footer" => Some(Region::Footer),
        "nav" => Some(Region::Nav),
        "aside" => Some(Region::Side),
        "header" => Some(Region::Header),
        _ => None,
    };
    if let Some(r) = by_tag {
        return r;
    }
    let mut names = String::new();
    for a in ["class", "id"] {
        if let Some(v) = e.attr(a) {
            names.push(' ');
            names.push_str(&v.to_ascii_lowercase());
        }
    }
    if names.is_empty() {
        return outer;
    }
    let has = |keys: &[&str]| keys.iter().any(|k| names.contains(k));
    if has(&["footer", "foot", "copyright", "bottom", "banquan", "bq_"]) {
        Region::Footer
    } else if has(&["calendar", "rili", "sidebar", "side", "aside"]) {
        Region::Side
    } else if outer == Region::Main && has(&["nav", "menu", "header", "topbar"]) {
        Region::Nav
    } else {
        outer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_spans_and_regions() {
        let html = r#"<div class="main"><h1>标题</h1><p>第一段<br>第二段</p>
          <table><tr><th>办理时间</th><th rowspan="2">办理地点</th></tr>
          <tr><td>工作日</td></tr><tr><td colspan="2">联系电话 | 123</td></tr></table></div>
          <div class="footer">版权所有 2018-01-01</div>"#;
        let d = Doc::from_html(html);
        let t: Vec<(&str, Region, bool)> = d
            .lines
            .iter()
            .map(|l| (l.text.as_str(), l.region, l.heading))
            .collect();
        assert_eq!(t[0], ("标题", Region::Main, true));
        assert_eq!(t[1].0, "第一段");
        assert_eq!(t[2].0, "第二段");
        assert_eq!(d.lines[3].cells, vec!["办理时间", "办理地点"]);
        assert_eq!(d.lines[4].cells, vec!["工作日", "办理地点"]);
        assert_eq!(t.last().unwrap().1, Region::Footer);
    }

    #[test]
    fn hostile_nesting_is_flattened() {
        let deep = format!(
            "{}办理时间{}",
            "<div>".repeat(5_000),
            "</div>".repeat(5_000)
        );
        let d = defuse(&deep);
        assert_eq!(d.matches("<div>").count(), MAX_NEST);
        assert!(d.contains("办理时间"));
        let normal = "<div><ul><li>a<li>b</ul><p>c<p>d</div>";
        assert!(matches!(defuse(normal), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn text_rows() {
        let d = Doc::from_text("受理单位 |\n| 所属领域 | 社会救助 | ||\n\n办理时间");
        assert_eq!(d.lines.len(), 3);
        assert!(d.lines[0].cells.is_empty());
        assert_eq!(d.lines[1].cells, vec!["所属领域", "社会救助"]);
    }
}
