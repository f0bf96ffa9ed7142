//! What a URL *is* for the crawler: its canonical form (the de-duplication key), whether it is
//! inside the crawl's scope, whether it looks like a download, and whether it looks like a
//! crawler trap. Pure functions over `url::Url`; no I/O.

use url::Url;

/// Canonical form of a URL, the key under which it is fetched once.
///
/// Drops the fragment, lower-cases scheme and host and drops default ports (the WHATWG parser
/// does both), upper-cases percent-escapes so `%2f` and `%2F` are one URL, and drops an empty
/// `?`. The query keeps its order: government CMSs route on `?id=1&cid=2` and some treat
/// parameter order as meaningful, so reordering could merge two different pages.
///
/// A user name and password in the URL (`http://user:secret@host/`) are dropped: credentials a
/// page exposes are never sent, stored, printed or exported (`has_credentials` lets the
/// crawler record the exposure itself).
pub fn canonicalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if has_credentials(&u) {
        // Only fails for URLs that cannot have credentials, which then have none.
        let _ = u.set_username("");
        let _ = u.set_password(None);
    }
    if u.query() == Some("") {
        u.set_query(None);
    }
    let path = upper_escapes(u.path());
    if path != u.path() {
        u.set_path(&path);
    }
    if let Some(q) = u.query() {
        let q2 = upper_escapes(q);
        if q2 != q {
            u.set_query(Some(&q2));
        }
    }
    u
}

/// Whether a URL carries a user name or password.
pub fn has_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// Resolves `href` against `base` and canonicalises it; `None` for anything the crawler
/// cannot fetch (javascript:, mailto:, tel:, data:, an empty or unparsable href).
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let u = base.join(href).ok()?;
    match u.scheme() {
        "http" | "https" if u.host_str().is_some() => Some(canonicalize(&u)),
        _ => None,
    }
}

fn upper_escapes(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            out.push('%');
            out.push(char::from(b[i + 1].to_ascii_uppercase()));
            out.push(char::from(b[i + 2].to_ascii_uppercase()));
            i += 3;
        } else {
            // Safe: we only split at ASCII bytes, so `s[i..]` starts on a char boundary.
            let ch = s[i..].chars().next().unwrap_or('\u{FFFD}');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// The hosts a crawl may follow links into. Off-scope attachments are still *checked* (one
/// fetch, no link following); off-scope pages are not fetched at all.
#[derive(Debug, Clone)]
pub struct Scope {
    exact: Vec<String>,
    /// Suffixes starting with '.', from `*.example.gov.cn` entries.
    suffixes: Vec<String>,
}

impl Scope {
    /// The seed's host, plus each entry of `extra`: `host` (exactly that host) or `*.domain`
    /// (the domain and all its subdomains).
    pub fn new(seed: &Url, extra: &[String]) -> Scope {
        let mut s = Scope {
            exact: Vec::new(),
            suffixes: Vec::new(),
        };
        if let Some(h) = seed.host_str() {
            s.exact.push(h.to_ascii_lowercase());
        }
        for e in extra {
            let e = e.trim().trim_end_matches('.').to_ascii_lowercase();
            if let Some(d) = e.strip_prefix("*.") {
                s.exact.push(d.to_owned());
                s.suffixes.push(format!(".{d}"));
            } else if !e.is_empty() {
                s.exact.push(e);
            }
        }
        s
    }

    /// Adds one host (exactly).
    pub fn add_host(&mut self, host: &str) {
        let h = host.to_ascii_lowercase();
        if !self.exact.contains(&h) {
            self.exact.push(h);
        }
    }

    /// Whether links on `url` are followed.
    pub fn contains(&self, url: &Url) -> bool {
        let Some(h) = url.host_str() else {
            return false;
        };
        let h = h.to_ascii_lowercase();
        self.exact.contains(&h) || self.suffixes.iter().any(|s| h.ends_with(s.as_str()))
    }
}

/// File extensions of downloads a portal offers (forms, documents, archives). A link to one of
/// these is checked as an attachment: fetched once, its bytes verified, never parsed for links.
pub const ATTACHMENT_EXTS: &[&str] = &[
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "pdf", "wps", "et", "dps", "zip", "rar", "7z",
    "ofd", "txt", "csv", "rtf",
];

/// Extensions that are neither pages nor attachments: fetched only to check they exist (images,
/// styles, scripts), never parsed.
const ASSET_EXTS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "css", "js", "mp4", "mp3", "flv",
    "swf", "avi", "wmv", "woff", "woff2", "ttf", "eot",
];

/// The extension of the URL's last path segment, lower-cased.
pub fn extension(url: &Url) -> Option<String> {
    let last = url.path_segments()?.next_back()?;
    let (_, ext) = last.rsplit_once('.')?;
    if ext.is_empty() || ext.len() > 5 {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Whether the URL looks like a downloadable document by its extension.
pub fn is_attachment(url: &Url) -> bool {
    extension(url).is_some_and(|e| ATTACHMENT_EXTS.contains(&e.as_str()))
}

/// Whether the URL is a static asset (image, style, script, font, media).
pub fn is_asset(url: &Url) -> bool {
    extension(url).is_some_and(|e| ASSET_EXTS.contains(&e.as_str()))
}

/// Limits that keep a crawl out of infinite URL spaces.
#[derive(Debug, Clone)]
pub struct TrapLimits {
    /// Link hops from the seed. Paged lists (index_1 … index_N, each linking the next few) make
    /// real sites deep — the 50,000-page sample portal has lists more than 100 pages long — so
    /// this is generous; the other limits catch the infinite URL spaces.
    pub max_depth: u32,
    /// How often one path segment may occur in a path (`/a/b/a/b/a/` is a relative-link loop).
    pub max_repeated_segment: usize,
    /// Query parameters per URL (faceted search and session junk multiply URLs).
    pub max_query_params: usize,
    /// Path segments per URL.
    pub max_path_segments: usize,
    /// Length of the whole URL.
    pub max_url_len: usize,
}

impl Default for TrapLimits {
    fn default() -> Self {
        TrapLimits {
            max_depth: 1000,
            max_repeated_segment: 2,
            max_query_params: 6,
            max_path_segments: 16,
            max_url_len: 1024,
        }
    }
}

/// Why a URL was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trap {
    TooDeep,
    RepeatedSegment,
    TooManyParams,
    TooManySegments,
    TooLong,
    /// A calendar or archive-by-date page that links to the next month forever.
    Calendar,
}

impl Trap {
    /// Stable name, used in the store and the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            Trap::TooDeep => "too_deep",
            Trap::RepeatedSegment => "repeated_segment",
            Trap::TooManyParams => "too_many_params",
            Trap::TooManySegments => "too_many_segments",
            Trap::TooLong => "too_long",
            Trap::Calendar => "calendar",
        }
    }
}

/// Chinese name of a trap kind ([`Trap::as_str`]), for the summary.
pub fn trap_label(kind: &str) -> &'static str {
    match kind {
        "too_deep" => "超过最大深度",
        "repeated_segment" => "路径重复",
        "too_many_params" => "参数过多",
        "too_many_segments" => "路径过长",
        "too_long" => "网址过长",
        "calendar" => "日历",
        _ => "其他",
    }
}

/// Checks a URL reached at `depth` hops against the trap limits.
pub fn trap(url: &Url, depth: u32, limits: &TrapLimits) -> Option<Trap> {
    if depth > limits.max_depth {
        return Some(Trap::TooDeep);
    }
    if url.as_str().len() > limits.max_url_len {
        return Some(Trap::TooLong);
    }
    let segs: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if segs.len() > limits.max_path_segments {
        return Some(Trap::TooManySegments);
    }
    for (i, s) in segs.iter().enumerate() {
        if segs[i..].iter().filter(|t| *t == s).count() > limits.max_repeated_segment {
            return Some(Trap::RepeatedSegment);
        }
    }
    let params: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .collect();
    if params.len() > limits.max_query_params {
        return Some(Trap::TooManyParams);
    }
    if is_calendar(&segs, &params) {
        return Some(Trap::Calendar);
    }
    None
}

/// A calendar page: a query that pages by year and month (`?year=2017&month=3`,
/// `?ym=2017-03`, `?date=2017-03-05`), or a path that says calendar next to a date
/// (`/calendar/2017/03`). Each such page links to the next month forever, and none of them is
/// content. Article URLs that merely carry a date in the path (`/2018-06-28/48.html`,
/// `/art/2017/3/5/art_1.html`, `t20170305_1.html`) are not calendars.
fn is_calendar(segs: &[&str], params: &[(String, String)]) -> bool {
    let numeric = |v: &str| !v.is_empty() && v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit());
    let has = |keys: &[&str]| {
        params
            .iter()
            .any(|(k, v)| keys.contains(&k.as_str()) && numeric(v))
    };
    if has(&["year", "y", "yr", "nian"]) && has(&["month", "m", "mon", "mm", "yue"]) {
        return true;
    }
    // A query value that is a year-month or a date, with separators under any key, or as bare
    // digits (201703) under a date-ish key.
    let dated_query = params.iter().any(|(k, v)| {
        is_year_month(v, true)
            || (matches!(
                k.as_str(),
                "ym" | "ny" | "date" | "rq" | "month" | "day" | "d" | "t" | "time"
            ) && is_year_month(v, false))
    });
    if dated_query {
        return true;
    }
    let cal_word = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("calendar") || s == "cal" || s.contains("rili") || s.contains("日历")
    };
    let dated_path = segs
        .windows(2)
        .any(|w| numeric(w[0]) && w[0].len() == 4 && numeric(w[1]));
    segs.iter().any(|s| cal_word(s)) && (dated_path || !params.is_empty())
}

/// `2017-03`, `2017/3`, `2017-03-05` (with `sep`), or `201703`, `20170305` (without).
fn is_year_month(v: &str, sep: bool) -> bool {
    let year_ok = |y: &str| {
        y.len() == 4
            && y.bytes().all(|b| b.is_ascii_digit())
            && (y.starts_with("19") || y.starts_with("20"))
    };
    let month_ok = |m: &str| m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)) && m.len() <= 2;
    let day_ok = |d: &str| d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)) && d.len() <= 2;
    if sep {
        let parts: Vec<&str> = v.split(['-', '/', '.']).collect();
        match parts.as_slice() {
            [y, m] => year_ok(y) && month_ok(m),
            [y, m, d] => year_ok(y) && month_ok(m) && day_ok(d),
            _ => false,
        }
    } else {
        v.bytes().all(|b| b.is_ascii_digit())
            && match v.len() {
                6 => year_ok(&v[..4]) && month_ok(&v[4..]),
                8 => year_ok(&v[..4]) && month_ok(&v[4..6]) && day_ok(&v[6..]),
                _ => false,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn canonical_examples() {
        assert_eq!(
            canonicalize(&u("HTTP://WWW.Example.GOV.cn:80/a/b.html#top")).as_str(),
            "http://www.example.gov.cn/a/b.html"
        );
        assert_eq!(
            canonicalize(&u("https://x.cn:443/?")).as_str(),
            "https://x.cn/"
        );
        assert_eq!(
            canonicalize(&u("http://x.cn/a%2fb?q=%e4%b8%ad")).as_str(),
            "http://x.cn/a%2Fb?q=%E4%B8%AD"
        );
        assert_eq!(
            canonicalize(&u("http://x.cn/p?b=1&a=2")).as_str(),
            "http://x.cn/p?b=1&a=2"
        );
        assert_eq!(
            canonicalize(&u("http://x.cn:8080/a/./b/../c")).as_str(),
            "http://x.cn:8080/a/c"
        );
        assert!(resolve(&u("http://x.cn/a/"), "javascript:void(0)").is_none());
        assert!(resolve(&u("http://x.cn/a/"), "mailto:a@b.cn").is_none());
        assert!(resolve(&u("http://x.cn/a/"), "#top").is_none());
        assert_eq!(
            resolve(&u("http://x.cn/a/b.html"), "../c.html#x")
                .unwrap()
                .as_str(),
            "http://x.cn/c.html"
        );
    }

    #[test]
    fn scope_and_kinds() {
        let seed = u("http://www.zhecheng.gov.cn/");
        let s = Scope::new(&seed, &["*.shangqiu.gov.cn".into()]);
        assert!(s.contains(&u("http://WWW.zhecheng.gov.cn/a")));
        assert!(!s.contains(&u("http://zhecheng.gov.cn/a")));
        assert!(s.contains(&u("http://rsj.shangqiu.gov.cn/a")));
        assert!(s.contains(&u("http://shangqiu.gov.cn/a")));
        assert!(!s.contains(&u("http://evilshangqiu.gov.cn/a")));
        assert!(is_attachment(&u("http://x.cn/d/file/申请表.DOCX")));
        assert!(!is_attachment(&u("http://x.cn/a/index.html")));
        assert!(is_asset(&u("http://x.cn/skin/a.js")));
    }

    #[test]
    fn traps() {
        let l = TrapLimits::default();
        assert_eq!(
            trap(&u("http://x.cn/cal?year=2017&month=3"), 1, &l),
            Some(Trap::Calendar)
        );
        assert_eq!(
            trap(&u("http://x.cn/calendar/2017/03"), 1, &l),
            Some(Trap::Calendar)
        );
        assert_eq!(
            trap(&u("http://x.cn/rili.jsp?date=2017-03-05"), 1, &l),
            Some(Trap::Calendar)
        );
        assert_eq!(
            trap(&u("http://x.cn/a/b/a/b/a/c.html"), 1, &l),
            Some(Trap::RepeatedSegment)
        );
        assert_eq!(
            trap(&u("http://x.cn/s?a=1&b=2&c=3&d=4&e=5&f=6&g=7"), 1, &l),
            Some(Trap::TooManyParams)
        );
        assert_eq!(
            trap(&u("http://x.cn/a.html"), 1001, &l),
            Some(Trap::TooDeep)
        );
        // Dated article URLs of real CMSs are not traps.
        for ok in [
            "http://x.cn/xxgk/gsgg/2018-06-28/48.html",
            "http://x.cn/art/2017/3/5/art_1_2.html",
            "http://x.cn/zwgk/t20170305_123.html",
            "http://x.cn/d/file/p/2018/07-27/a.jpg",
            "http://x.cn/list.jsp?cid=3&page=2",
            "http://x.cn/xxgk/index_12.html",
            "http://x.cn/show.jsp?id=201703",
            "http://x.cn/e/public/ViewClick/?classid=3&id=48&addclick=1",
            "http://x.cn/hdjl/zwrl/index.html",
        ] {
            assert_eq!(trap(&u(ok), 5, &l), None, "{ok}");
        }
    }

    type Parts = (
        String,
        String,
        Option<u16>,
        Vec<(String, String)>,
        Option<String>,
    );

    fn arb_url() -> impl Strategy<Value = Parts> {
        (
            "[a-zA-Z][a-zA-Z0-9]{0,6}(\\.[a-zA-Z]{2,4}){1,2}",
            "(/[a-zA-Z0-9_.~%-]{0,6}){0,4}",
            proptest::option::of(prop_oneof![Just(80u16), Just(8080u16), 1u16..65535]),
            proptest::collection::vec(("[a-z]{1,4}", "[a-zA-Z0-9%]{0,5}"), 0..4),
            proptest::option::of("[a-z0-9]{0,5}"),
        )
    }

    fn build(
        host: &str,
        path: &str,
        port: Option<u16>,
        q: &[(String, String)],
        frag: &Option<String>,
    ) -> String {
        let mut s = format!("http://{host}");
        if let Some(p) = port {
            s.push_str(&format!(":{p}"));
        }
        s.push_str(if path.is_empty() { "/" } else { path });
        if !q.is_empty() {
            s.push('?');
            s.push_str(
                &q.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("&"),
            );
        }
        if let Some(f) = frag {
            s.push('#');
            s.push_str(f);
        }
        s
    }

    proptest! {
        #[test]
        fn canonical_is_idempotent_and_ignores_noise((host, path, port, q, frag) in arb_url()) {
            let raw = build(&host, &path, port, &q, &frag);
            let Ok(parsed) = Url::parse(&raw) else { return Ok(()) };
            let c = canonicalize(&parsed);
            // Idempotent.
            prop_assert_eq!(canonicalize(&c).to_string(), c.to_string());
            // Re-parsing the canonical string gives the same canonical URL.
            prop_assert_eq!(canonicalize(&Url::parse(c.as_str()).unwrap()).to_string(), c.to_string());
            prop_assert!(c.fragment().is_none());
            // Host case, fragment and an explicit default port do not make a new URL.
            let noisy = build(&host.to_ascii_uppercase(), &path, Some(port.unwrap_or(80)), &q, &Some("x".into()));
            if let Ok(n) = Url::parse(&noisy) {
                prop_assert_eq!(canonicalize(&n).to_string(), c.to_string());
            }
            // The query keeps its order.
            let keys: Vec<String> = c.query_pairs().map(|(k, _)| k.into_owned()).collect();
            let want: Vec<String> = q.iter().map(|(k, _)| k.clone()).collect();
            prop_assert_eq!(keys, want);
        }
    }
}
