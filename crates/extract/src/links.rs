//! Outgoing references of a page, resolved against `<base href>` or the page URL.
//!
//! Only http(s) targets are kept: `javascript:`, `mailto:`, `tel:`, `data:` and bare fragments
//! name nothing a crawler can fetch. Query strings are encoded in the page's own encoding, as a
//! browser does, so a GBK page's `?key=中文` reaches the server it was written for.

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8};
use scraper::{ElementRef, Html, Selector};
use serde::Serialize;
use url::Url;

use crate::text::collapse_ws;

/// Where on the page a reference was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    A,
    Area,
    Img,
    Script,
    Stylesheet,
    Frame,
    Iframe,
    MetaRefresh,
    Form,
    Embed,
}

/// One reference, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    pub url: Url,
    /// Visible text (for `<a>`: its text, else an inner image's alt, else its title).
    pub text: String,
    pub kind: LinkKind,
}

/// The most links one page yields; a hostile page cannot make the crawler's frontier explode.
pub const MAX_LINKS: usize = 20_000;

/// Links of an HTML document (parses it). Query strings are encoded as UTF-8.
pub fn links(base: &Url, html: &str) -> Vec<Link> {
    let doc = Html::parse_document(html);
    links_in(&doc, base, UTF_8)
}

/// Links of an HTML document whose bytes were in `encoding` (for GBK query strings).
pub fn links_encoded(base: &Url, html: &str, encoding: &'static Encoding) -> Vec<Link> {
    let doc = Html::parse_document(html);
    links_in(&doc, base, encoding)
}

/// The `<base href>` of a parsed document resolved against the page URL, or the page URL.
pub fn document_base(doc: &Html, page: &Url) -> Url {
    doc.select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page.join(h.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| page.clone())
}

pub(crate) fn selector(s: &str) -> Selector {
    // Selectors are string literals of this crate; a typo is caught by the first test run.
    Selector::parse(s).unwrap_or_else(|_| panic!("bad built-in selector {s}"))
}

/// Selectors used on every page, parsed once.
pub(crate) static BASE: LazyLock<Selector> = LazyLock::new(|| selector("base[href]"));
pub(crate) static ANCHORS: LazyLock<Selector> = LazyLock::new(|| selector("a[href]"));
pub(crate) static METAS: LazyLock<Selector> = LazyLock::new(|| selector("meta[content]"));
static REFERENCES: LazyLock<Selector> = LazyLock::new(|| {
    selector(
        "a[href], area[href], img[src], script[src], link[href], frame[src], iframe[src], \
         meta[http-equiv], form, embed[src]",
    )
});

/// Links of an already parsed document.
pub fn links_in(doc: &Html, page: &Url, encoding: &'static Encoding) -> Vec<Link> {
    let base = document_base(doc, page);
    let enc = encoding.output_encoding();
    let encode = higher_ranked(move |s| enc.encode(s).0);
    let encode_ref: &dyn Fn(&str) -> Cow<'_, [u8]> = &encode;
    let opts = Url::options()
        .base_url(Some(&base))
        .encoding_override(if enc == UTF_8 { None } else { Some(encode_ref) });
    let resolve = |raw: &str| -> Option<Url> {
        let raw = raw.trim();
        if raw.is_empty() || raw.starts_with('#') {
            return None;
        }
        let u = opts.parse(raw).ok()?;
        matches!(u.scheme(), "http" | "https").then_some(u)
    };

    let mut out = Vec::new();
    for el in doc.select(&REFERENCES) {
        if out.len() >= MAX_LINKS {
            break;
        }
        let v = el.value();
        let (raw, kind, text) = match v.name() {
            "a" => (v.attr("href"), LinkKind::A, anchor_text(el)),
            "area" => (
                v.attr("href"),
                LinkKind::Area,
                v.attr("alt").unwrap_or("").to_owned(),
            ),
            "img" => (
                v.attr("src"),
                LinkKind::Img,
                v.attr("alt").unwrap_or("").to_owned(),
            ),
            "script" => (v.attr("src"), LinkKind::Script, String::new()),
            "link" => {
                let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
                if !rel.split_whitespace().any(|r| r == "stylesheet") {
                    continue;
                }
                (v.attr("href"), LinkKind::Stylesheet, String::new())
            }
            "frame" => (v.attr("src"), LinkKind::Frame, String::new()),
            "iframe" => (v.attr("src"), LinkKind::Iframe, String::new()),
            "embed" => (v.attr("src"), LinkKind::Embed, String::new()),
            "form" => {
                // A form without action submits to the page itself: nothing new.
                (v.attr("action"), LinkKind::Form, String::new())
            }
            "meta" => {
                if !v
                    .attr("http-equiv")
                    .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
                {
                    continue;
                }
                (
                    v.attr("content").and_then(refresh_target),
                    LinkKind::MetaRefresh,
                    String::new(),
                )
            }
            _ => continue,
        };
        if let Some(url) = raw.and_then(resolve) {
            out.push(Link { url, text, kind });
        }
    }
    out
}

/// Pins a closure to the higher-ranked signature `url` expects for its encoding override.
fn higher_ranked<F: for<'a> Fn(&'a str) -> Cow<'a, [u8]>>(f: F) -> F {
    f
}

fn anchor_text(a: ElementRef<'_>) -> String {
    let t = collapse_ws(&a.text().collect::<String>());
    if !t.is_empty() {
        return t;
    }
    let img = a
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "img")
        .and_then(|i| i.value().attr("alt").or(i.value().attr("title")));
    collapse_ws(img.or(a.value().attr("title")).unwrap_or(""))
}

/// The URL part of a refresh `content`, e.g. `0; url='/index.html'`.
fn refresh_target(content: &str) -> Option<&str> {
    let lower = content.to_ascii_lowercase();
    let p = lower.find("url")?;
    let rest = content[p + 3..].trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    Some(rest.trim_matches(['\'', '"']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::GBK;

    #[test]
    fn resolves_with_base_and_skips_non_fetchable() {
        let page = Url::parse("http://www.example.gov.cn/zwgk/index.html").unwrap();
        let html = r##"<html><head><base href="/bsfw/"><link rel="stylesheet" href="s.css">
            <meta http-equiv="refresh" content="5; URL='/new.html'"></head><body>
            <a href="a.html"> 办事 指南 </a><a href="javascript:void(0)">x</a>
            <a href="mailto:a@b.cn">m</a><a href="tel:123">t</a><a href="#top">top</a>
            <a href="/f.doc"><img src="i.png" alt="申请表"></a>
            <iframe src="//other.cn/x"></iframe><form action="search.jsp"></form></body></html>"##;
        let l = links(&page, html);
        let got: Vec<(String, &str, LinkKind)> = l
            .iter()
            .map(|l| (l.url.to_string(), l.text.as_str(), l.kind))
            .collect();
        assert!(got.contains(&(
            "http://www.example.gov.cn/bsfw/a.html".into(),
            "办事 指南",
            LinkKind::A
        )));
        assert!(got.contains(&(
            "http://www.example.gov.cn/f.doc".into(),
            "申请表",
            LinkKind::A
        )));
        assert!(got.contains(&(
            "http://www.example.gov.cn/bsfw/s.css".into(),
            "",
            LinkKind::Stylesheet
        )));
        assert!(got.contains(&(
            "http://www.example.gov.cn/new.html".into(),
            "",
            LinkKind::MetaRefresh
        )));
        assert!(got.contains(&("http://other.cn/x".into(), "", LinkKind::Iframe)));
        assert!(got.contains(&(
            "http://www.example.gov.cn/bsfw/search.jsp".into(),
            "",
            LinkKind::Form
        )));
        assert!(
            !got.iter()
                .any(|g| g.0.contains("mailto") || g.0.contains("javascript"))
        );
        assert_eq!(got.iter().filter(|g| g.2 == LinkKind::A).count(), 2);
    }

    #[test]
    fn gbk_query_encoding() {
        let page = Url::parse("http://x.gov.cn/").unwrap();
        let l = links_encoded(&page, "<a href='s.jsp?q=指南'>s</a>", GBK);
        assert_eq!(l[0].url.as_str(), "http://x.gov.cn/s.jsp?q=%D6%B8%C4%CF");
    }
}
