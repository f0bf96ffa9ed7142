//! XML sitemaps (sitemaps.org): the URLs a portal says it has. Pages a sitemap lists but no
//! page links to (orphans) are reached only this way, and seeding the frontier from the
//! sitemap gives the crawl parallelism from its first seconds.
//!
//! A sitemap is recognised by its content, not its URL: a body whose root element is
//! `<urlset>` or `<sitemapindex>` (gzip-compressed or not). The reader is a tolerant scan for
//! `<loc>` elements, not a validating XML parser: real sitemaps carry stray whitespace, CDATA,
//! entities, namespaces and sometimes bytes before the declaration, and a half-broken one
//! still names useful URLs.

use std::io::Read;

/// At most this many URLs per sitemap file (the protocol's own limit).
pub const MAX_URLS: usize = 50_000;
/// At most this many bytes once decompressed (the protocol's limit is 50 MB).
const MAX_XML_BYTES: u64 = 50 * 1024 * 1024;

/// What kind of sitemap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<urlset>`: page URLs.
    UrlSet,
    /// `<sitemapindex>`: URLs of further sitemap files.
    Index,
}

/// A parsed sitemap file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitemap {
    pub kind: Kind,
    /// The `<loc>` values, unescaped and trimmed, in document order (at most [`MAX_URLS`]).
    pub locs: Vec<String>,
}

/// Reads `body` as a sitemap, or `None` when it is not one (an HTML page, a feed, garbage).
pub fn parse(body: &[u8]) -> Option<Sitemap> {
    // Every fetched page passes through here: decide on the first 4 KiB before inflating a
    // gzip body or copying a whole non-UTF-8 (GBK) page into a lossy string.
    const HEAD: usize = 4096;
    let inflated;
    let body = if body.starts_with(&[0x1f, 0x8b]) {
        let mut gz = flate2::read::GzDecoder::new(body);
        let mut out = Vec::new();
        (&mut gz).take(HEAD as u64).read_to_end(&mut out).ok()?;
        root_kind(&String::from_utf8_lossy(&out))?;
        gz.take(MAX_XML_BYTES).read_to_end(&mut out).ok()?;
        inflated = out;
        &inflated[..]
    } else {
        body
    };
    let kind = root_kind(&String::from_utf8_lossy(&body[..body.len().min(HEAD)]))?;
    let text = String::from_utf8_lossy(body);
    let mut locs = Vec::new();
    let mut rest = &text[..];
    while locs.len() < MAX_URLS {
        let Some(start) = find_tag(rest, "loc") else {
            break;
        };
        rest = &rest[start..];
        let Some(end) = rest.find("</") else {
            break;
        };
        let value = unescape(strip_cdata(rest[..end].trim()));
        let value = value.trim();
        if !value.is_empty() {
            locs.push(value.to_string());
        }
        rest = &rest[end..];
    }
    Some(Sitemap { kind, locs })
}

/// The root element's kind, skipping the declaration, comments, processing instructions and
/// a doctype.
fn root_kind(text: &str) -> Option<Kind> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        let lt = rest.find('<')?;
        rest = &rest[lt..];
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>")? + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            let local = name.rsplit(':').next().unwrap_or(&name);
            return match local.to_ascii_lowercase().as_str() {
                "urlset" => Some(Kind::UrlSet),
                "sitemapindex" => Some(Kind::Index),
                _ => None,
            };
        }
    }
}

/// The byte offset just after the next `<loc>` start tag (any namespace prefix, attributes
/// allowed), or `None`.
fn find_tag(text: &str, local: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(lt) = text[from..].find('<') {
        let at = from + lt + 1;
        let name_end = text[at..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(text.len(), |n| at + n);
        let name = &text[at..name_end];
        let name = name.rsplit(':').next().unwrap_or(name);
        if name.eq_ignore_ascii_case(local) {
            let gt = text[name_end..].find('>')?;
            return Some(name_end + gt + 1);
        }
        from = at;
    }
    None
}

fn strip_cdata(s: &str) -> &str {
    s.strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(s)
}

/// XML's five entities and numeric character references.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&n| n <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_a_urlset_with_the_usual_irregularities() {
        let xml = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- 由 TRS WCM 生成 -->\n\
            <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
            <url><loc> http://www.leiyang.gov.cn/zwgk/ </loc><lastmod>2017-12-01</lastmod></url>\n\
            <url><loc><![CDATA[http://www.leiyang.gov.cn/a.html?x=1&y=2]]></loc></url>\n\
            <url><LOC>http://www.leiyang.gov.cn/b.html?x=1&amp;y=2&#x26;z=&#51;</LOC></url>\n\
            <url><loc></loc></url>\n\
            </urlset>";
        let s = parse(xml.as_bytes()).unwrap();
        assert_eq!(s.kind, Kind::UrlSet);
        assert_eq!(
            s.locs,
            [
                "http://www.leiyang.gov.cn/zwgk/",
                "http://www.leiyang.gov.cn/a.html?x=1&y=2",
                "http://www.leiyang.gov.cn/b.html?x=1&y=2&z=3",
            ]
        );
    }

    #[test]
    fn reads_a_gzipped_index_with_a_namespace_prefix() {
        let xml = "<?xml version=\"1.0\"?><sm:sitemapindex xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
            <sm:sitemap><sm:loc>http://x.gov.cn/sitemap1.xml</sm:loc></sm:sitemap>\
            <sm:sitemap><sm:loc>http://x.gov.cn/sitemap2.xml.gz</sm:loc></sm:sitemap></sm:sitemapindex>";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(xml.as_bytes()).unwrap();
        let s = parse(&gz.finish().unwrap()).unwrap();
        assert_eq!(s.kind, Kind::Index);
        assert_eq!(
            s.locs,
            [
                "http://x.gov.cn/sitemap1.xml",
                "http://x.gov.cn/sitemap2.xml.gz"
            ]
        );
    }

    #[test]
    fn other_documents_are_not_sitemaps() {
        for body in [
            &b"<html><body><loc>http://x/</loc></body></html>"[..],
            b"<?xml version=\"1.0\"?><rss><channel><link>http://x/</link></channel></rss>",
            b"",
            b"\x1f\x8b not really gzip",
            b"<!-- never closed",
        ] {
            assert_eq!(parse(body), None, "{:?}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn a_truncated_sitemap_still_gives_what_it_has() {
        let s = parse(b"<urlset><url><loc>http://x/1</loc></url><url><loc>http://x/2").unwrap();
        assert_eq!(s.locs, ["http://x/1"]);
    }

    proptest::proptest! {
        /// Whatever a server sends, reading it as a sitemap never panics.
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
                        tail in "(<[/a-z:]{0,12}>|&[#x0-9a-z]{0,6};?|<!\\[CDATA\\[|\\]\\]>|[ -~ä中]){0,40}") {
            let _ = parse(&body);
            let _ = parse(format!("<urlset><loc>{tail}").as_bytes());
            let _ = parse(format!("<sitemapindex>{tail}</loc>").as_bytes());
        }
    }

    #[test]
    fn stops_at_the_protocol_limit() {
        let mut xml = String::from("<urlset>");
        for i in 0..MAX_URLS + 10 {
            xml.push_str(&format!("<url><loc>http://x/{i}</loc></url>"));
        }
        assert_eq!(parse(xml.as_bytes()).unwrap().locs.len(), MAX_URLS);
    }
}
