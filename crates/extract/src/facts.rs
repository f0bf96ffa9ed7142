//! The facts of one page: the entry points that tie decoding, parsing and every extractor
//! together, and the stable JSON shape `kaohe inspect` prints.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::column::{self, ColumnSource};
use crate::decode::{DecidedBy, decode};
use crate::doc::Doc;
use crate::guide::{Guide, guide};
use crate::listing::{Entry, entries, newest};
use crate::published::{Dated, published};
use crate::sniff::{AttachmentKind, Magic, attachment_kind, is_soft_404, magic};
use crate::vocab::Vocabulary;

/// What a page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A column's list of items.
    List,
    Article,
    /// A service guide (办事指南).
    Guide,
    /// A file (doc, xls, pdf …), not a page.
    Attachment,
    /// Home, navigation, search, error pages.
    Other,
}

/// How the body was turned into text.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EncodingFacts {
    pub encoding: String,
    pub decided_by: DecidedBy,
    pub declared: Option<String>,
    pub had_errors: bool,
}

/// The facts of one page. Field order and names are the documented JSON shape.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PageFacts {
    pub kind: Kind,
    /// Why the page is of that kind, in Chinese (`kaohe inspect` shows it).
    #[serde(default)]
    pub kind_why: String,
    pub title: Option<String>,
    pub column_path: Vec<String>,
    /// Publication date of an article or guide, YYYY-MM-DD.
    pub published: Option<NaiveDate>,
    /// Where `published` was read, and the text it was read from.
    pub published_from: Option<Dated>,
    /// List entries (title, url, date); also the dated links of other pages.
    pub entries: Vec<Entry>,
    /// The newest date among the main (non-sidebar) entries.
    pub newest_entry: Option<NaiveDate>,
    pub guide: Option<Guide>,
    pub column_source: Option<ColumnSource>,
    pub encoding: Option<EncodingFacts>,
    pub attachment: Option<AttachmentKind>,
    /// The page says it does not exist (whatever its HTTP status).
    pub soft_404: bool,
    /// A column list that says it has nothing (此栏目暂无任何新增信息): a blank column.
    pub empty_list: bool,
}

/// Minimum main entries for a page to be a list even when it has article signals.
const LIST_MIN_ENTRIES: usize = 5;
/// A main text block this long makes a page an article.
const ARTICLE_TEXT_CHARS: usize = 200;

/// The facts of a fetched body. `content_type` is the raw header value.
pub fn page(url: &Url, bytes: &[u8], content_type: Option<&str>, vocab: &Vocabulary) -> PageFacts {
    let head = &bytes[..bytes.len().min(1024)];
    let m = magic(head);
    let html_type = content_type.is_none_or(|ct| {
        let ct = ct.to_ascii_lowercase();
        ct.contains("html") || ct.contains("xml") || ct.starts_with("text/")
    });
    if !matches!(m, Magic::Html | Magic::Unknown | Magic::Empty) || !html_type {
        return attachment_facts(attachment_kind(url, content_type, head));
    }
    let d = decode(bytes, content_type, Some(url));
    let plain = content_type.is_some_and(|ct| ct.to_ascii_lowercase().starts_with("text/plain"))
        || (content_type.is_none() && !looks_like_html(&d.text));
    let mut facts = if plain {
        page_text(Some(url), &d.text, vocab)
    } else {
        page_html(url, &d.text, vocab)
    };
    facts.encoding = Some(EncodingFacts {
        encoding: d.encoding.to_string(),
        decided_by: d.decided_by,
        declared: d.declared.map(str::to_string),
        had_errors: d.had_errors,
    });
    facts
}

impl PageFacts {
    /// Facts that say only what kind of page it is (everything else empty): what a caller
    /// keeps of a page it needs no more of.
    pub fn empty(kind: Kind) -> PageFacts {
        PageFacts {
            kind,
            kind_why: String::new(),
            ..attachment_facts(AttachmentKind {
                claimed: None,
                magic: Magic::Unknown,
                genuine: false,
            })
        }
        .without_attachment()
    }

    fn without_attachment(mut self) -> PageFacts {
        self.attachment = None;
        self
    }
}

fn attachment_facts(a: AttachmentKind) -> PageFacts {
    PageFacts {
        kind: Kind::Attachment,
        kind_why: "附件（按文件头和扩展名判断）".to_string(),
        title: None,
        column_path: Vec::new(),
        published: None,
        published_from: None,
        entries: Vec::new(),
        newest_entry: None,
        guide: None,
        column_source: None,
        encoding: None,
        attachment: Some(a),
        soft_404: false,
        empty_list: false,
    }
}

/// Text that has tags: `<html`, `<body`, `<div`, `<p>`, `<table` … near its start.
pub fn looks_like_html(text: &str) -> bool {
    let head = crate::text::clip_bytes(text, 8192).to_ascii_lowercase();
    [
        "<html",
        "<!doctype",
        "<body",
        "<div",
        "<p>",
        "<p ",
        "<table",
        "<head",
        "<meta",
        "<title",
    ]
    .iter()
    .any(|t| head.contains(t))
}

/// The facts of decoded HTML.
pub fn page_html(url: &Url, html: &str, vocab: &Vocabulary) -> PageFacts {
    let doc = Doc::from_html(html);
    let links = doc
        .html
        .as_ref()
        .map(|h| crate::links::links_in(h, url, encoding_rs::UTF_8))
        .unwrap_or_default();
    facts_of(&doc, Some(url), &links, vocab, is_soft_404(html))
}

/// The facts of a page's visible text (one block per line; `|` between table cells).
pub fn page_text(url: Option<&Url>, text: &str, vocab: &Vocabulary) -> PageFacts {
    let doc = Doc::from_text(text);
    facts_of(&doc, url, &[], vocab, is_soft_404(text))
}

fn facts_of(
    doc: &Doc,
    url: Option<&Url>,
    links: &[crate::Link],
    vocab: &Vocabulary,
    soft_404: bool,
) -> PageFacts {
    let title = column::title(doc);
    let (column_path, column_source) = column::column_path(doc);
    let entries = match url {
        Some(u) => entries(doc, u),
        None => {
            let placeholder = Url::parse("http://localhost/").ok();
            placeholder.map(|u| entries(doc, &u)).unwrap_or_default()
        }
    };
    let newest_entry = newest(&entries);
    let main_entries = entries.iter().filter(|e| e.main).count();
    let guide = if soft_404 {
        None
    } else {
        guide(doc, title.as_deref(), links, vocab)
    };
    let dated = published(doc, url);
    let long_text = doc.lines.iter().any(|l| {
        l.region == crate::doc::Region::Main
            && l.cells.is_empty()
            && l.text.chars().count() >= ARTICLE_TEXT_CHARS
    });
    let labelled_date = dated
        .as_ref()
        .is_some_and(|d| !matches!(d.source, crate::published::DateSource::Url));
    let empty_list = main_entries == 0 && crate::listing::says_empty(doc);
    let (kind, kind_why) = if soft_404 {
        (Kind::Other, "页面内容表明该页不存在（软 404）".to_string())
    } else if url.is_some_and(is_home) {
        (Kind::Other, "网站首页".to_string())
    } else if let Some(g) = &guide {
        (Kind::Guide, guide_why(g))
    } else if main_entries >= LIST_MIN_ENTRIES && !(labelled_date && long_text) {
        (Kind::List, format!("正文区有 {main_entries} 条列表条目"))
    } else if labelled_date {
        (Kind::Article, "有标注的发布日期".to_string())
    } else if main_entries >= 1 || empty_list {
        (
            Kind::List,
            if empty_list {
                "栏目页写明暂无信息".to_string()
            } else {
                format!("正文区有 {main_entries} 条列表条目")
            },
        )
    } else if long_text {
        (
            Kind::Article,
            format!("正文有 {ARTICLE_TEXT_CHARS} 字以上的段落"),
        )
    } else {
        (
            Kind::Other,
            "没有办事指南要素、列表条目、发布日期或长段正文".to_string(),
        )
    };
    let published = match kind {
        Kind::Article | Kind::Guide => dated.as_ref().map(|d| d.date),
        _ => None,
    };
    PageFacts {
        kind,
        kind_why,
        title,
        column_path,
        published,
        published_from: if published.is_some() { dated } else { None },
        entries,
        newest_entry,
        guide,
        column_source,
        encoding: None,
        attachment: None,
        soft_404,
        empty_list,
    }
}

/// A site's home page: the root path or a root index file. Its dated lists are kept (home
/// freshness matters) but it is not a column list.
fn is_home(url: &Url) -> bool {
    let p = url.path().to_ascii_lowercase();
    p == "/"
        || ["/index.", "/default.", "/home."]
            .iter()
            .any(|h| p.starts_with(h) && !p[1..].contains('/'))
}

/// Why a page is a guide, for a person: the element labels read on it, else the elements
/// recognised from their content or the title that names a service and the genre.
fn guide_why(g: &Guide) -> String {
    use crate::guide::How;
    let mut labels: Vec<&str> = Vec::new();
    for (_, e) in &g.elements {
        if matches!(
            e.how,
            How::Table | How::ItemsTable | How::Heading | How::Inline
        ) && let Some(l) = e.label.as_deref()
            && !labels.contains(&l)
            && labels.len() < 4
        {
            labels.push(l);
        }
    }
    let by_content: Vec<&str> = g
        .elements
        .iter()
        .filter(|(_, e)| e.present && e.how == How::Content)
        .map(|(n, _)| n.as_str())
        .collect();
    let mut why = Vec::new();
    if !labels.is_empty() {
        why.push(format!(
            "按办事指南要素标签读出要素（{}）",
            labels.join("、")
        ));
    }
    if !by_content.is_empty() {
        why.push(format!("按内容识别出要素（{}）", by_content.join("、")));
    }
    if why.is_empty() {
        why.push("标题表明是办事指南".to_string());
    }
    why.join("；")
}
