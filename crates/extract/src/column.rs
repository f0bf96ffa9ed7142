//! A page's title and the column it belongs to.
//!
//! Column path sources, best first: the breadcrumb ("当前位置：首页 > 政务公开 > 通知公告"), the
//! CMS meta tags (ColumnName, with ChannelName/ParentColumnName before it when present), the
//! `<title>` ("通知公告_某某县人民政府" → 通知公告).

use serde::{Deserialize, Serialize};

use crate::doc::{Doc, Region};
use crate::text::collapse_ws;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnSource {
    Breadcrumb,
    Meta,
    /// The highlighted items of the navigation menus (class on/cur/current/active …).
    Navigation,
    Title,
}

const CRUMB_MARKERS: &[&str] = &[
    "当前位置",
    "您的位置",
    "你的位置",
    "您现在的位置",
    "你现在的位置",
    "所在位置",
    "现在位置",
    "当前栏目",
];
const SEPARATORS: &[char] = &['>', '»', '›', '＞', '→', '/', '\\', '|', '＞', '>', '→'];
const HOME: &[&str] = &["首页", "网站首页", "主页", "返回首页", "门户首页"];
const LEAF_NOISE: &[&str] = &["正文", "内容", "详情", "详细信息", "浏览文章", "文章内容"];
const MAX_CRUMB_CHARS: usize = 200;
/// Breadcrumbs sit near the top; this many lines are searched.
const CRUMB_WINDOW: usize = 400;

/// The page title: the CMS ArticleTitle meta, the main `<h1>`, else `<title>` without the site
/// name; for plain text, the first line that is not a label.
pub fn title(doc: &Doc) -> Option<String> {
    if let Some(t) = doc.meta("articletitle") {
        return Some(t.to_owned());
    }
    if doc.html.is_none() {
        return doc
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .find(|t| !t.contains([':', '：']) && t.chars().count() <= 60)
            .map(str::to_owned);
    }
    let site = doc.meta("sitename");
    let from_title = doc.title.as_deref().map(|t| strip_site(t, site));
    match (doc.h1.as_deref(), from_title) {
        (Some(h), Some(t)) if !t.is_empty() && (t.contains(h) || h.contains(&t)) => {
            Some(h.to_owned())
        }
        (Some(h), _) if h.chars().count() >= 6 && Some(h) != site => Some(h.to_owned()),
        (_, Some(t)) if !t.is_empty() => Some(t),
        (h, _) => h.map(str::to_owned),
    }
}

fn strip_site(title: &str, site: Option<&str>) -> String {
    let t = collapse_ws(title);
    let parts: Vec<&str> = t
        .split(['_', '|', '-', '—', '－'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return t;
    }
    let is_site = |p: &str| {
        site.is_some_and(|s| p.contains(s) || s.contains(p))
            || p.ends_with("人民政府")
            || p.ends_with("政府网")
            || p.ends_with("门户网站")
            || p.ends_with("网站")
    };
    let kept: Vec<&str> = parts.iter().copied().filter(|p| !is_site(p)).collect();
    match kept.first() {
        Some(first) => (*first).to_owned(),
        None => t,
    }
}

/// The column path and where it came from.
pub fn column_path(doc: &Doc) -> (Vec<String>, Option<ColumnSource>) {
    if let Some(p) = breadcrumb(doc) {
        return (p, Some(ColumnSource::Breadcrumb));
    }
    if let Some(col) = doc.meta("columnname") {
        let mut p: Vec<String> = ["channelname", "parentcolumnname"]
            .iter()
            .filter_map(|n| doc.meta(n))
            .filter(|v| *v != col)
            .map(str::to_owned)
            .collect();
        p.push(col.to_owned());
        return (p, Some(ColumnSource::Meta));
    }
    if let Some(p) = navigation(doc) {
        return (p, Some(ColumnSource::Navigation));
    }
    if doc.html.is_some()
        && let Some(t) = doc.title.as_deref()
    {
        let t = strip_site(t, doc.meta("sitename"));
        if !t.is_empty() && t.chars().count() <= 12 {
            return (vec![t], Some(ColumnSource::Title));
        }
    }
    (Vec::new(), None)
}

/// Class names templates give the menu item of the page's own channel and column.
const CURRENT: &[&str] = &[
    "on", "cur", "current", "active", "selected", "now", "curr", "hover",
];
const MAX_NAV_DEPTH: usize = 3;

static CLASSED: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
    crate::links::selector("li[class], a[class], dd[class], span[class]")
});

fn navigation(doc: &Doc) -> Option<Vec<String>> {
    let html = doc.html.as_ref()?;
    let mut path: Vec<String> = Vec::new();
    for el in html.select(&CLASSED) {
        let current = el.value().attr("class").is_some_and(|c| {
            c.split_whitespace()
                .any(|t| CURRENT.contains(&t.to_ascii_lowercase().as_str()))
        });
        if !current || crate::doc::region_of(el) == Region::Footer {
            continue;
        }
        let t = collapse_ws(&el.text().collect::<String>());
        let n = t.chars().count();
        if (2..=12).contains(&n) && !HOME.contains(&t.as_str()) && !path.contains(&t) {
            path.push(t);
            if path.len() >= MAX_NAV_DEPTH {
                break;
            }
        }
    }
    (!path.is_empty()).then_some(path)
}

fn breadcrumb(doc: &Doc) -> Option<Vec<String>> {
    for l in doc.lines.iter().take(CRUMB_WINDOW) {
        if l.region == Region::Hidden || l.text.chars().count() > MAX_CRUMB_CHARS {
            continue;
        }
        let text = l.text.as_str();
        let marked = CRUMB_MARKERS.iter().find_map(|m| {
            text.find(m).map(|i| {
                let rest = &text[i + m.len()..];
                rest.trim_start_matches([':', '：', ' '])
            })
        });
        let body = match marked {
            Some(b) => b,
            None if HOME.iter().any(|h| text.starts_with(h))
                && text.chars().filter(|c| SEPARATORS.contains(c)).count() >= 1
                && text.contains(['>', '»', '›', '＞', '→']) =>
            {
                text
            }
            None => continue,
        };
        let parts: Vec<String> = body
            .split(SEPARATORS)
            .map(collapse_ws)
            .filter(|p| !p.is_empty())
            .filter(|p| !HOME.contains(&p.as_str()))
            .collect();
        let mut parts = parts;
        while parts
            .last()
            .is_some_and(|p| LEAF_NOISE.contains(&p.as_str()))
        {
            parts.pop();
        }
        if !parts.is_empty() && parts.iter().all(|p| p.chars().count() <= 30) {
            return Some(parts);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_sources_in_order() {
        let crumb =
            Doc::from_html("<div>当前位置：首页 &gt; 政务公开 &gt; 通知公告 &gt; 正文</div>");
        assert_eq!(column_path(&crumb).0, vec!["政务公开", "通知公告"]);
        let meta = Doc::from_html("<meta name=\"ColumnName\" content=\"办事指南\"><p>x</p>");
        assert_eq!(
            column_path(&meta),
            (vec!["办事指南".to_owned()], Some(ColumnSource::Meta))
        );
        let nav = Doc::from_html(
            "<ul><li class=\"on\"><a>首页</a></li><li class=\"nav cur\"><a>政务服务</a></li></ul>\
             <ul class=\"side\"><li class=\"active\"><a>办事指南</a></li></ul>",
        );
        assert_eq!(column_path(&nav).0, vec!["政务服务", "办事指南"]);
        let title = Doc::from_html("<title>通知公告_某县人民政府</title><p>x</p>");
        assert_eq!(
            column_path(&title),
            (vec!["通知公告".to_owned()], Some(ColumnSource::Title))
        );
    }
}
