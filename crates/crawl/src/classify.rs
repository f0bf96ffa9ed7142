//! Reading a response for what it really is, beyond its status: a firewall challenge, a soft
//! 404, an attachment whose bytes are not the file it claims to be. Pure functions over the
//! status, the Content-Type and the body.

use url::Url;

use extract::Magic;

use crate::canon;
use crate::outcome::Outcome;

/// What the crawler expects behind a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// An HTML page (links are followed).
    Page,
    /// A document download (.doc, .pdf …): its bytes are checked.
    Attachment,
    /// An image, style or script: checked to exist, never parsed.
    Asset,
}

impl Expect {
    /// What a URL looks like from its extension.
    pub fn of(url: &Url) -> Expect {
        if canon::is_attachment(url) {
            Expect::Attachment
        } else if canon::is_asset(url) {
            Expect::Asset
        } else {
            Expect::Page
        }
    }

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Page => "page",
            Expect::Attachment => "attachment",
            Expect::Asset => "asset",
        }
    }
}

/// Classifies a final (non-redirect) response to `url`. `text` is the body decoded (or a
/// lossy prefix); the URL's extension decides which bytes an attachment must have.
pub fn classify(
    url: &Url,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    text: &str,
    expect: Expect,
) -> Outcome {
    if status == 304 {
        return Outcome::NotModified;
    }
    // 瑞数-style WAFs answer 412 with a script that sets a cookie and reloads; we never send
    // If-Match/If-Unmodified-Since, so a 412 to us is always such a challenge.
    if status == 412
        || (matches!(status, 200 | 202 | 403 | 503 | 521) && looks_like_challenge(body, text))
    {
        return Outcome::Challenged { status };
    }
    if status == 429 {
        return Outcome::RateLimited { status };
    }
    if !(200..300).contains(&status) {
        return Outcome::HttpError { status };
    }
    match expect {
        Expect::Page | Expect::Asset => {
            if looks_like_html(content_type, body) && is_soft_not_found(text) {
                Outcome::SoftNotFound
            } else {
                Outcome::Fetched
            }
        }
        Expect::Attachment => check_attachment(url, content_type, body, text),
    }
}

/// A JavaScript challenge page: small, mostly script, setting a cookie or reloading itself.
fn looks_like_challenge(body: &[u8], text: &str) -> bool {
    if body.len() > 64 * 1024 {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let scripted = lower.contains("<script");
    let js_gate = lower.contains("document.cookie")
        || lower.contains("location.reload")
        || lower.contains("window.location.href=")
        || lower.contains("window.location.replace")
        || lower.contains("$_ts");
    let links = lower.matches("<a ").count();
    scripted && js_gate && links < 3
}

pub(crate) fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    if content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html")) {
        return true;
    }
    let head: Vec<u8> = body.iter().take(512).map(u8::to_ascii_lowercase).collect();
    let head = String::from_utf8_lossy(&head);
    head.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
        && (head.contains("<html")
            || head.contains("<!doctype")
            || head.contains("<head")
            || head.contains("<body")
            || head.contains("<title"))
}

/// A 2xx attachment response: non-empty, not an HTML page, and the magic bytes of the type its
/// extension (or Content-Type) claims.
fn check_attachment(url: &Url, content_type: Option<&str>, body: &[u8], text: &str) -> Outcome {
    if body.is_empty() {
        return Outcome::BadAttachment {
            reason: "文件为空".into(),
        };
    }
    let kind = extract::attachment_kind(url, content_type, &body[..body.len().min(4096)]);
    if kind.genuine {
        return Outcome::Fetched;
    }
    match kind.magic {
        Magic::Html if is_soft_not_found(text) => Outcome::SoftNotFound,
        Magic::Html => Outcome::BadAttachment {
            reason: "返回的是网页而不是文件".into(),
        },
        Magic::Empty => Outcome::BadAttachment {
            reason: "文件为空".into(),
        },
        // .txt, .csv and other kinds without a container: any non-HTML body is the file.
        _ if kind.claimed.is_none() => Outcome::Fetched,
        Magic::Unknown => Outcome::BadAttachment {
            reason: "文件内容不是所声称类型的文档".into(),
        },
        _ => Outcome::BadAttachment {
            reason: "文件内容与扩展名不符".into(),
        },
    }
}

/// A "page not found" page served with 2xx (the extractor's definition, so the crawler and the
/// assessment agree on what a soft 404 is).
pub fn is_soft_not_found(text: &str) -> bool {
    extract::is_soft_404(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(url: &str, status: u16, ct: Option<&str>, body: &[u8]) -> Outcome {
        let u = Url::parse(url).unwrap();
        classify(
            &u,
            status,
            ct,
            body,
            &String::from_utf8_lossy(body),
            Expect::of(&u),
        )
    }

    #[test]
    fn attachments() {
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(
            at("http://x.cn/a.doc", 200, Some("application/msword"), &ole),
            Outcome::Fetched
        );
        assert_eq!(
            at(
                "http://x.cn/a.xls",
                200,
                Some("application/octet-stream"),
                &ole
            ),
            Outcome::Fetched
        );
        assert_eq!(
            at("http://x.cn/a.docx", 200, None, b"PK\x03\x04rest"),
            Outcome::Fetched
        );
        assert_eq!(
            at(
                "http://x.cn/a.pdf",
                200,
                Some("application/pdf"),
                b"%PDF-1.4\n"
            ),
            Outcome::Fetched
        );
        assert!(matches!(
            at("http://x.cn/a.pdf", 200, Some("application/pdf"), b""),
            Outcome::BadAttachment { .. }
        ));
        assert!(matches!(
            at("http://x.cn/a.docx", 200, None, &ole),
            Outcome::BadAttachment { .. }
        ));
        let soft = "<html><head><title>页面不存在</title></head><body>对不起，您访问的页面不存在</body></html>";
        assert_eq!(
            at("http://x.cn/a.doc", 200, Some("text/html"), soft.as_bytes()),
            Outcome::SoftNotFound
        );
        let page = "<html><head><title>首页</title></head><body>欢迎</body></html>";
        assert!(matches!(
            at("http://x.cn/a.doc", 200, Some("text/html"), page.as_bytes()),
            Outcome::BadAttachment { .. }
        ));
        assert_eq!(
            at("http://x.cn/a.doc", 404, Some("text/html"), soft.as_bytes()),
            Outcome::HttpError { status: 404 }
        );
    }

    #[test]
    fn pages_challenges_soft404() {
        let challenge = "<html><head><script>var $_ts=window['$_ts'];document.cookie='a=b';location.reload();</script></head><body></body></html>";
        assert_eq!(
            at("http://x.cn/", 412, Some("text/html"), challenge.as_bytes()),
            Outcome::Challenged { status: 412 }
        );
        assert_eq!(
            at("http://x.cn/", 200, Some("text/html"), challenge.as_bytes()),
            Outcome::Challenged { status: 200 }
        );
        let apache = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\"><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>";
        assert_eq!(
            at("http://x.cn/images/a.html", 200, None, apache.as_bytes()),
            Outcome::SoftNotFound
        );
        // A long article that mentions the phrase is not a soft 404.
        let long = format!(
            "<html><head><title>通知</title></head><body>{}页面不存在的问题已修复</body></html>",
            "正文".repeat(1000)
        );
        assert_eq!(
            at(
                "http://x.cn/a.html",
                200,
                Some("text/html"),
                long.as_bytes()
            ),
            Outcome::Fetched
        );
        assert_eq!(
            at("http://x.cn/a.html", 500, None, b"oops"),
            Outcome::HttpError { status: 500 }
        );
        assert_eq!(
            at("http://x.cn/a.html", 429, None, b""),
            Outcome::RateLimited { status: 429 }
        );
    }
}
