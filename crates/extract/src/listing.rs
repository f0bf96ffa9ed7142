//! Column-list entries: links whose own list item (`<li>`, table row, `<dd>` …) carries a date.
//!
//! For each link with a title-like text, the nearest ancestors are searched for a date outside
//! the link text, stopping at the first ancestor that holds a second entry (that one is the
//! list, not the item). A date inside the title ("2018年1月3日 热线在线收听") is the subject,
//! not the entry date, unless it stands at the end of the title by itself.

use chrono::{Datelike, NaiveDate};
use scraper::ElementRef;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::dates::find_dates;
use crate::doc::{Doc, Region};
use crate::text::collapse_ws;

/// One entry of a column list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub title: String,
    pub url: Option<Url>,
    pub date: NaiveDate,
    /// Where the date was read.
    pub date_from: EntryDate,
    /// The entry sits in the page's main content (not a sidebar or a hidden tab).
    #[serde(default)]
    pub main: bool,
}

/// Where an entry's date was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryDate {
    /// The list item, beside the link.
    Item,
    /// A year-less date in the item (07-06), with the year of the entry URL's date.
    ItemUrlYear,
    /// The end of the link's own text: "标题（2018-01-04）".
    Title,
    /// A line of plain-text input.
    Line,
}

const MAX_ENTRIES: usize = 5_000;
/// Titles as short as a person's name (县长 pages list 周仁福) are entries when dated.
const MIN_TITLE_CHARS: usize = 2;
const MAX_LEVELS: usize = 4;

pub fn entries(doc: &Doc, page: &Url) -> Vec<Entry> {
    match &doc.html {
        Some(html) => html_entries(html, page),
        None => text_entries(doc),
    }
}

fn html_entries(html: &scraper::Html, page: &Url) -> Vec<Entry> {
    let base = crate::links::document_base(html, page);
    let anchors: Vec<ElementRef<'_>> = html.select(&crate::links::ANCHORS).collect();
    let mut out = Vec::new();
    let mut regions = std::collections::HashMap::new();
    for a in anchors {
        if out.len() >= MAX_ENTRIES {
            break;
        }
        let Some(title) = anchor_title(a) else {
            continue;
        };
        let region = crate::doc::region_of_cached(a, &mut regions);
        // Menus carry no dates, so navigation needs no exclusion (and class-name guesses
        // about "header" wrappers are unreliable on tag soup); footers do carry dates.
        if region == Region::Footer {
            continue;
        }
        let href = a.value().attr("href").unwrap_or("").trim();
        let url = if href.is_empty() || href.starts_with('#') {
            None
        } else {
            base.join(href)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
        };
        let link_date = url.as_ref().and_then(crate::dates::url_date);
        let Some((date, date_from)) = entry_date(a, &title, link_date) else {
            continue;
        };
        out.push(Entry {
            title,
            url,
            date,
            date_from,
            main: matches!(region, Region::Main | Region::Nav | Region::Header),
        });
    }
    out
}

/// The link's title: its text, or its `title` attribute when the text is cut short with "…".
fn anchor_title(a: ElementRef<'_>) -> Option<String> {
    // A card-style entry wraps a heading and a summary in one link (SiteServer:
    // `<a><h3>标题(2020-12-16)</h3><p>摘要</p></a>`): the heading is the title.
    let heading = a
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
        .map(|h| collapse_ws(&h.text().collect::<String>()))
        .filter(|t| t.chars().filter(|c| is_han(*c)).count() >= 2);
    let text = heading.unwrap_or_else(|| collapse_ws(&a.text().collect::<String>()));
    let attr = a.value().attr("title").map(collapse_ws);
    let cut = text.ends_with("...") || text.ends_with('…') || text.ends_with("..");
    let title = match attr {
        Some(t) if cut && t.chars().count() > text.chars().count() => t,
        Some(t) if text.is_empty() => t,
        _ => text,
    };
    let han = title.chars().filter(|c| is_han(*c)).count();
    (title.chars().count() >= MIN_TITLE_CHARS && han >= 2).then_some(title)
}

pub(crate) fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

fn is_entry_anchor(a: ElementRef<'_>) -> bool {
    let text = collapse_ws(&a.text().collect::<String>());
    text.chars().filter(|c| is_han(*c)).count() >= 2
        && text.chars().count() >= MIN_TITLE_CHARS
        && a.value().attr("href").is_some()
}

/// A year-less "07-06" / "7月6日" (home-page lists), dated in the year of the entry's own
/// URL date (the CMS path `/2018-07-11/6358.html`): the latest such day not after it.
fn month_day(text: &str, link_date: Option<NaiveDate>) -> Option<NaiveDate> {
    let anchor = link_date?;
    let hw = crate::text::halfwidth(text);
    let c = MONTH_DAY.captures(&hw)?;
    let m: u32 = c.get(1).or(c.get(3))?.as_str().parse().ok()?;
    let d: u32 = c.get(2).or(c.get(4))?.as_str().parse().ok()?;
    let this = NaiveDate::from_ymd_opt(anchor.year(), m, d)?;
    if this <= anchor {
        Some(this)
    } else {
        NaiveDate::from_ymd_opt(anchor.year() - 1, m, d)
    }
}

static MONTH_DAY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::dates::re(r"(?:^|[^\d-])(\d{1,2})-(\d{1,2})(?:[^\d-]|$)|(\d{1,2})月(\d{1,2})日")
});

/// The longest element inside a card-style entry link that is searched for its date.
const CARD_DATE_CHARS: usize = 30;

fn entry_date(
    a: ElementRef<'_>,
    title: &str,
    link_date: Option<NaiveDate>,
) -> Option<(NaiveDate, EntryDate)> {
    let own = collapse_ws(&a.text().collect::<String>());
    // A card-style entry carries its date inside the link, in a short element of its own
    // (`<a><h2>标题</h2><p><i class="date">日期：2019-05-03</i></p></a>`); a summary's prose
    // is long and is not searched.
    if own != title {
        for e in a.descendants().filter_map(ElementRef::wrap) {
            if matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                continue;
            }
            let t = collapse_ws(&e.text().collect::<String>());
            if t.chars().count() > CARD_DATE_CHARS || t.contains(title) {
                continue;
            }
            if let Some(h) = find_dates(&t).first() {
                return Some((h.date, EntryDate::Item));
            }
        }
    }
    let mut node = a;
    for _ in 0..MAX_LEVELS {
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            break;
        };
        let others = parent
            .descendants()
            .filter_map(ElementRef::wrap)
            .any(|e| e.value().name() == "a" && e != a && is_entry_anchor(e));
        if others {
            break;
        }
        let full = collapse_ws(&parent.text().collect::<String>());
        if full.chars().count() > own.chars().count() + 80 {
            // A paragraph of prose around a link is not a list item.
            break;
        }
        let rest = full.replacen(&own, " ", 1);
        if let Some(h) = find_dates(&rest).first() {
            return Some((h.date, EntryDate::Item));
        }
        if let Some(d) = month_day(&rest, link_date) {
            return Some((d, EntryDate::ItemUrlYear));
        }
        node = parent;
    }
    // A date standing alone at the end of the title: "通知公告标题 (2018-01-04)".
    let hits = find_dates(title);
    let last = hits.last()?;
    let hw = crate::text::halfwidth(title);
    let tail = hw[last.end..]
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | '）' | '】' | '〕'));
    let before = hw[..last.start].trim_end();
    let opened = before.ends_with(['(', '[', '（', '【']) || hw[..last.start].ends_with(' ');
    (tail.is_empty() && opened && before.chars().count() >= MIN_TITLE_CHARS)
        .then_some((last.date, EntryDate::Title))
}

/// Plain-text input: a line with a title and a date (and no label before the date).
fn text_entries(doc: &Doc) -> Vec<Entry> {
    doc.lines
        .iter()
        .filter_map(|l| {
            let hits = find_dates(&l.text);
            let h = hits.first()?;
            let hw = crate::text::halfwidth(&l.text);
            let title = collapse_ws(&format!("{} {}", &hw[..h.start], &hw[h.end..]))
                .trim_matches(|c: char| c.is_whitespace() || c == '|')
                .to_owned();
            let title = strip_time(&title);
            let han = title.chars().filter(|c| is_han(*c)).count();
            (han >= 6 && !title.contains(['：', ':'])).then_some(Entry {
                title,
                url: None,
                date: h.date,
                date_from: EntryDate::Line,
                main: true,
            })
        })
        .collect()
}

fn strip_time(s: &str) -> String {
    let t = s.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':' || c == ' ');
    collapse_ws(t)
}

/// The page says its list is empty (此栏目暂无任何新增信息, 暂无信息 …): a blank column.
pub fn says_empty(doc: &Doc) -> bool {
    doc.lines.iter().any(|l| {
        matches!(l.region, Region::Main | Region::Hidden)
            && l.text.chars().count() <= 40
            && EMPTY.is_match(&l.text)
    })
}

static EMPTY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::dates::re(
        r"栏目(?:下)?暂无|暂无(?:任何)?(?:新增|相关)?(?:信息|内容|数据|记录|文章|新闻)|没有(?:任何)?(?:相关)?(?:信息|内容|记录)",
    )
});

/// The newest date among the main entries (sidebars never make a column look fresh).
pub fn newest(entries: &[Entry]) -> Option<NaiveDate> {
    entries.iter().filter(|e| e.main).map(|e| e.date).max()
}
