//! Cheap checks on a fetched body that the crawler makes before (or instead of) extraction:
//! is this an error page served with 200, and is this attachment really the file it claims.

use serde::{Deserialize, Serialize};
use url::Url;

/// Phrases of "page not found" pages on Chinese portals (and the English ones servers use).
const NOT_FOUND: &[&str] = &[
    "页面不存在",
    "您访问的页面不存在",
    "您所访问的页面不存在",
    "您要访问的页面不存在",
    "页面未找到",
    "找不到该页面",
    "找不到页面",
    "页面找不到",
    "无法找到该页",
    "页面已删除",
    "页面已被删除",
    "文章不存在",
    "信息不存在",
    "该信息已删除",
    "栏目不存在",
    "访问的资源不存在",
    "404 not found",
    "error 404",
    "http 404",
    "404错误",
    "错误404",
    "404页面",
    "page not found",
    "file not found",
];

/// A soft 404: a page that says it does not exist, whatever its status code. `text` is the
/// decoded document (HTML or visible text). A long page that mentions one of the phrases in
/// passing is not one: error pages are short.
pub fn is_soft_404(text: &str) -> bool {
    let visible = crate::text::collapse_ws(&strip_tags(crate::text::clip_bytes(text, 600_000)));
    if visible.chars().count() > 1500 {
        // Long pages: only the title can say it.
        return title_of(text).is_some_and(|t| says_not_found(&t));
    }
    says_not_found(&visible) || title_of(text).is_some_and(|t| says_not_found(&t))
}

fn says_not_found(s: &str) -> bool {
    let lower = s.to_lowercase();
    NOT_FOUND.iter().any(|p| lower.contains(p)) || lower.trim() == "404"
}

fn title_of(html: &str) -> Option<String> {
    let lower = html.get(..html.len().min(8192))?.to_ascii_lowercase();
    let s = lower.find("<title")?;
    let gt = s + lower[s..].find('>')? + 1;
    let e = gt + lower[gt..].find("</title")?;
    html.get(gt..e).map(str::to_owned)
}

/// Removes tags, comments, scripts and styles; good enough for "what does this page say".
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |p| p + 3);
        } else if rest.starts_with("<script") || rest.starts_with("<style") {
            let close = if rest.starts_with("<script") {
                "</script"
            } else {
                "</style"
            };
            i += rest.find(close).map_or(rest.len(), |p| p + close.len());
        } else if rest.starts_with('<') {
            out.push(' ');
            i += rest.find('>').map_or(rest.len(), |p| p + 1);
        } else {
            let next = rest.find('<').unwrap_or(rest.len());
            out.push_str(&html[i..i + next]);
            i += next;
        }
    }
    out
}

/// File kinds a service guide links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Doc,
    Docx,
    Xls,
    Xlsx,
    Ppt,
    Pptx,
    Wps,
    Et,
    Pdf,
    Zip,
    Rar,
    SevenZ,
    Ofd,
}

impl FileKind {
    /// The kind a file name (URL path) claims by its extension.
    pub fn from_extension(path: &str) -> Option<FileKind> {
        let ext = path.rsplit('.').next()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "doc" => FileKind::Doc,
            "docx" => FileKind::Docx,
            "xls" => FileKind::Xls,
            "xlsx" => FileKind::Xlsx,
            "ppt" => FileKind::Ppt,
            "pptx" => FileKind::Pptx,
            "wps" => FileKind::Wps,
            "et" => FileKind::Et,
            "pdf" => FileKind::Pdf,
            "zip" => FileKind::Zip,
            "rar" => FileKind::Rar,
            "7z" => FileKind::SevenZ,
            "ofd" => FileKind::Ofd,
            _ => return None,
        })
    }

    /// The kind a Content-Type names, when it is specific.
    pub fn from_content_type(ct: &str) -> Option<FileKind> {
        let ct = ct.split(';').next()?.trim().to_ascii_lowercase();
        Some(match ct.as_str() {
            "application/msword" => FileKind::Doc,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                FileKind::Docx
            }
            "application/vnd.ms-excel" => FileKind::Xls,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => FileKind::Xlsx,
            "application/vnd.ms-powerpoint" => FileKind::Ppt,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
                FileKind::Pptx
            }
            "application/pdf" => FileKind::Pdf,
            "application/zip" | "application/x-zip-compressed" => FileKind::Zip,
            "application/x-rar-compressed" | "application/vnd.rar" => FileKind::Rar,
            "application/x-7z-compressed" => FileKind::SevenZ,
            "application/ofd" => FileKind::Ofd,
            "application/kswps" | "application/wps-office.wps" => FileKind::Wps,
            _ => return None,
        })
    }

    /// The container format the kind is stored in.
    pub fn container(self) -> Magic {
        match self {
            FileKind::Doc | FileKind::Xls | FileKind::Ppt | FileKind::Wps | FileKind::Et => {
                Magic::Ole
            }
            FileKind::Docx | FileKind::Xlsx | FileKind::Pptx | FileKind::Zip | FileKind::Ofd => {
                Magic::Zip
            }
            FileKind::Pdf => Magic::Pdf,
            FileKind::Rar => Magic::Rar,
            FileKind::SevenZ => Magic::SevenZ,
        }
    }
}

/// What the first bytes of a body are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Magic {
    /// OLE compound file: .doc, .xls, .ppt, .wps, .et.
    Ole,
    /// ZIP: .docx, .xlsx, .pptx, .ofd, .zip.
    Zip,
    Pdf,
    Rar,
    SevenZ,
    /// An HTML page (an error page where a file was expected).
    Html,
    Empty,
    Unknown,
}

/// Magic of the first bytes (a few hundred are enough).
pub fn magic(head: &[u8]) -> Magic {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if head.is_empty() {
        return Magic::Empty;
    }
    if head.starts_with(OLE) {
        return Magic::Ole;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Magic::Zip;
    }
    if head.starts_with(b"Rar!\x1A\x07") {
        return Magic::Rar;
    }
    if head.starts_with(b"7z\xBC\xAF\x27\x1C") {
        return Magic::SevenZ;
    }
    // PDF allows junk before the header within the first 1024 bytes.
    if head[..head.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        return Magic::Pdf;
    }
    let t = head
        .strip_prefix(&[0xEF, 0xBB, 0xBF])
        .unwrap_or(head)
        .trim_ascii_start();
    let lt: Vec<u8> = t.iter().take(15).map(u8::to_ascii_lowercase).collect();
    if lt.starts_with(b"<!doctype")
        || lt.starts_with(b"<html")
        || lt.starts_with(b"<head")
        || lt.starts_with(b"<?xml")
            && t.windows(5)
                .take(512)
                .any(|w| w.eq_ignore_ascii_case(b"<html"))
    {
        return Magic::Html;
    }
    Magic::Unknown
}

/// What an attachment claims to be and what its bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentKind {
    /// The kind named by the URL's extension, else by a specific Content-Type.
    pub claimed: Option<FileKind>,
    pub magic: Magic,
    /// The bytes are the file the link promised (container matches; no claim + known file
    /// magic also counts). An HTML body or an empty body never is.
    pub genuine: bool,
}

/// Checks an attachment download: URL extension and Content-Type against magic bytes.
pub fn attachment_kind(url: &Url, content_type: Option<&str>, head: &[u8]) -> AttachmentKind {
    let claimed = FileKind::from_extension(url.path())
        .or_else(|| content_type.and_then(FileKind::from_content_type));
    let m = magic(head);
    let genuine = match (claimed, m) {
        (_, Magic::Html | Magic::Empty | Magic::Unknown) => false,
        (Some(k), m) => k.container() == m,
        (None, _) => true,
    };
    AttachmentKind {
        claimed,
        magic: m,
        genuine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_404_short_pages_only() {
        assert!(is_soft_404(
            "<html><title>提示</title><body>对不起，您访问的页面不存在！</body></html>"
        ));
        assert!(is_soft_404("<title>404 Not Found</title><h1>nginx</h1>"));
        let long = format!(
            "<p>{}</p><p>页面不存在的情况请联系管理员</p>",
            "正文内容。".repeat(400)
        );
        assert!(!is_soft_404(&long));
        assert!(!is_soft_404(
            "<title>办事指南</title><p>办理时间：工作日</p>"
        ));
    }

    #[test]
    fn attachments_by_magic() {
        let u = Url::parse("http://x.gov.cn/a/申请表.doc").unwrap();
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert!(attachment_kind(&u, None, &ole).genuine);
        let html = attachment_kind(
            &u,
            Some("text/html"),
            b"  <!DOCTYPE html><title>404</title>",
        );
        assert_eq!((html.magic, html.genuine), (Magic::Html, false));
        let x = Url::parse("http://x.gov.cn/f.xlsx").unwrap();
        assert!(attachment_kind(&x, None, b"PK\x03\x04....").genuine);
        assert!(!attachment_kind(&x, None, b"%PDF-1.4").genuine);
        assert!(!attachment_kind(&x, None, b"").genuine);
        let d = Url::parse("http://x.gov.cn/download.jsp?id=3").unwrap();
        let k = attachment_kind(&d, Some("application/pdf"), b"%PDF-1.7");
        assert_eq!((k.claimed, k.genuine), (Some(FileKind::Pdf), true));
    }
}
