//! Bytes → text the way a browser decides, plus the recovery a browser does not do: a page that
//! declares GB2312 but is UTF-8 (common on Chinese portals whose templates were converted) is
//! read as UTF-8 and the decision says the declaration was wrong.
//!
//! Order: BOM → HTTP `charset` → `<meta>` prescan → chardetng. A declared encoding is checked
//! against the bytes; if it fails and another reading decodes cleanly, that reading wins.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::{Deserialize, Serialize};

/// How many bytes the `<meta charset>` prescan reads. Browsers stop at 1024; we read further
/// because saved pages often carry a JSP directive, a comment banner or a long `<title>` block
/// before the meta tag, and a late meta is still the author's declaration.
const PRESCAN_BYTES: usize = 4096;
/// How many bytes the detector sees. Enough for any page's prose; bounds the work on huge bodies.
const DETECT_BYTES: usize = 256 * 1024;

/// How the encoding of a body was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// A byte-order mark.
    Bom,
    /// The `charset` parameter of the HTTP Content-Type header.
    HttpHeader,
    /// A `<meta charset>` or `<meta http-equiv="Content-Type">` in the document.
    Meta,
    /// Nothing was declared; chardetng guessed from the bytes.
    Detector,
    /// The HTTP header declared an encoding the bytes are not in; the bytes decided.
    HttpHeaderWrong,
    /// The meta tag declared an encoding the bytes are not in; the bytes decided.
    MetaWrong,
}

impl DecidedBy {
    /// A stable short name for storage and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DecidedBy::Bom => "bom",
            DecidedBy::HttpHeader => "http_header",
            DecidedBy::Meta => "meta",
            DecidedBy::Detector => "detector",
            DecidedBy::HttpHeaderWrong => "http_header_wrong",
            DecidedBy::MetaWrong => "meta_wrong",
        }
    }
}

/// A decoded body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding used, e.g. "UTF-8", "GBK", "gb18030".
    pub encoding: &'static str,
    pub decided_by: DecidedBy,
    /// The encoding the page or server declared, when it differs from the one used.
    pub declared: Option<&'static str>,
    /// Malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Decodes a body as a browser would, recovering a wrong declaration.
///
/// `content_type` is the raw Content-Type header value; `url` gives the detector its TLD hint.
pub fn decode(bytes: &[u8], content_type: Option<&str>, url: Option<&url::Url>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            decided_by: DecidedBy::Bom,
            declared: None,
            had_errors,
        };
    }
    let declared = content_type
        .and_then(charset_param)
        .map(|e| (e, DecidedBy::HttpHeader, DecidedBy::HttpHeaderWrong))
        .or_else(|| meta_prescan(bytes).map(|e| (e, DecidedBy::Meta, DecidedBy::MetaWrong)));

    if let Some((enc, by, wrong)) = declared {
        // UTF-8 with real multi-byte text is practically never valid GBK/Big5/Latin text by
        // accident, while the reverse (UTF-8 declared, GBK bytes) shows up as decode errors.
        if enc != UTF_8 && !is_ascii(bytes) && std::str::from_utf8(bytes).is_ok() {
            return Decoded {
                text: String::from_utf8_lossy(bytes).into_owned(),
                encoding: UTF_8.name(),
                decided_by: wrong,
                declared: Some(enc.name()),
                had_errors: false,
            };
        }
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if had_errors {
            let guess = detect(bytes, url);
            if guess != enc {
                let (alt, alt_errors) = guess.decode_without_bom_handling(bytes);
                if !alt_errors {
                    return Decoded {
                        text: alt.into_owned(),
                        encoding: guess.name(),
                        decided_by: wrong,
                        declared: Some(enc.name()),
                        had_errors: false,
                    };
                }
            }
        }
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            decided_by: by,
            declared: None,
            had_errors,
        };
    }

    let enc = detect(bytes, url);
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        decided_by: DecidedBy::Detector,
        declared: None,
        had_errors,
    }
}

fn is_ascii(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii)
}

fn detect(bytes: &[u8], url: Option<&url::Url>) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    det.feed(sample, true);
    let host = url.and_then(|u| u.host_str().map(str::to_owned));
    let tld = host
        .as_deref()
        .and_then(|h| h.rsplit('.').next())
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphabetic()));
    // Government portals are .cn (or .gov.cn); a .com copy of a Chinese page is still Chinese
    // far more often than not, but chardetng handles an absent hint well.
    det.guess(tld.map(str::as_bytes), Utf8Detection::Allow)
}

/// The encoding named by a Content-Type's `charset` parameter, mapped the way browsers map
/// labels (gb2312 → GBK, …).
pub fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let idx = lower.find("charset")?;
    let rest = lower[idx + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    label_to_encoding(&rest[..end])
}

fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    // A UTF-16 declaration without a BOM is a lie in an ASCII-compatible document (WHATWG).
    if enc == UTF_16BE || enc == UTF_16LE {
        return Some(UTF_8);
    }
    if enc.name() == "x-user-defined" {
        return Some(WINDOWS_1252);
    }
    Some(enc)
}

/// Finds the encoding declared by a `<meta>` tag near the start of the bytes (a simplified WHATWG
/// prescan: comments skipped, `charset=` and `http-equiv`+`content` attributes honoured).
pub fn meta_prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    // ASCII-lowercase view: tag and attribute names are ASCII; values we need are ASCII labels.
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut i = 0;
    while i < lower.len() {
        if lower[i..].starts_with(b"<!--") {
            i = match find(&lower[i + 4..], b"-->") {
                Some(p) => i + 4 + p + 3,
                None => return None,
            };
            continue;
        }
        if lower[i..].starts_with(b"<meta")
            && lower
                .get(i + 5)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            let end = lower[i..]
                .iter()
                .position(|b| *b == b'>')
                .map_or(lower.len(), |p| i + p);
            if let Some(enc) = meta_tag_encoding(&lower[i + 5..end]) {
                return Some(enc);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn meta_tag_encoding(attrs: &[u8]) -> Option<&'static Encoding> {
    let mut charset = None;
    let mut http_equiv_ct = false;
    let mut content = None;
    for (name, value) in parse_attrs(attrs) {
        match name.as_slice() {
            b"charset" => charset = charset.or(Some(value)),
            b"http-equiv" => http_equiv_ct |= value.trim_ascii() == b"content-type",
            b"content" => content = content.or(Some(value)),
            _ => {}
        }
    }
    if let Some(cs) = charset {
        return label_to_encoding(&String::from_utf8_lossy(&cs));
    }
    if http_equiv_ct {
        return charset_param(&String::from_utf8_lossy(&content?));
    }
    // Some CMS templates write content="text/html; charset=gb2312" without http-equiv.
    let c = String::from_utf8_lossy(content.as_deref()?).into_owned();
    if c.contains("text/html") {
        return charset_param(&c);
    }
    None
}

/// Attribute (name, value) pairs of a tag body, quoted or not; both already lowercased.
fn parse_attrs(s: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = s.len();
    while i < n {
        while i < n && (s[i].is_ascii_whitespace() || s[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < n && !s[i].is_ascii_whitespace() && s[i] != b'=' && s[i] != b'/' {
            i += 1;
        }
        let name = s[start..i].to_vec();
        while i < n && s[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = Vec::new();
        if i < n && s[i] == b'=' {
            i += 1;
            while i < n && s[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < n && (s[i] == b'"' || s[i] == b'\'') {
                let q = s[i];
                i += 1;
                let vs = i;
                while i < n && s[i] != q {
                    i += 1;
                }
                value = s[vs..i].to_vec();
                i += 1;
            } else {
                let vs = i;
                while i < n && !s[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = s[vs..i].to_vec();
            }
        }
        if name.is_empty() {
            i += 1;
            continue;
        }
        out.push((name, value));
    }
    out
}

/// The encoding a label names (browser mapping), for callers that have one from elsewhere.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    label_to_encoding(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::GBK;

    #[test]
    fn gbk_meta_declared() {
        let body = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>政务公开 办事指南</body></html>";
        let (bytes, _, _) = GBK.encode(body);
        let d = decode(&bytes, None, None);
        assert_eq!(d.encoding, "GBK");
        assert_eq!(d.decided_by, DecidedBy::Meta);
        assert!(d.text.contains("办事指南"));
    }

    #[test]
    fn gb2312_declared_but_utf8() {
        let body = "<meta charset=gb2312><p>发布日期：2017年3月5日</p>";
        let d = decode(body.as_bytes(), None, None);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.decided_by, DecidedBy::MetaWrong);
        assert_eq!(d.declared, Some("GBK"));
        assert!(d.text.contains("发布日期"));
    }

    #[test]
    fn utf8_header_but_gbk_bytes() {
        let (bytes, _, _) =
            GBK.encode("<p>关于做好城乡居民基本养老保险工作的通知，请各单位认真贯彻执行。</p>");
        let d = decode(&bytes, Some("text/html; charset=UTF-8"), None);
        assert_eq!(d.decided_by, DecidedBy::HttpHeaderWrong);
        assert!(d.text.contains("养老保险"), "{}", d.text);
    }

    #[test]
    fn bom_wins_and_undeclared_is_detected() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("首页".as_bytes());
        let d = decode(&b, Some("text/html; charset=gbk"), None);
        assert_eq!((d.decided_by, d.text.as_str()), (DecidedBy::Bom, "首页"));
        let (g, _, _) = GBK.encode("<p>县人民政府办公室关于印发工作方案的通知</p>");
        let d = decode(&g, None, None);
        assert_eq!((d.decided_by, d.encoding), (DecidedBy::Detector, "GBK"));
    }

    #[test]
    fn header_charset_forms() {
        assert_eq!(charset_param("text/html;charset=\"GB2312\""), Some(GBK));
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(charset_param("text/html; charset=utf-16"), Some(UTF_8));
    }
}
