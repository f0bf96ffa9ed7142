//! An article's publication date, and where it came from.
//!
//! Preference: a date labelled 发布日期/发布时间 (what the reader sees) → the CMS meta tag
//! (PubDate, publishdate …) → a date under a generic label (时间, 日期, 信息时间) → 成文日期
//! (the date a document was written, not published) → an unlabelled date in the byline under
//! the title → a date in the URL. Lines in footers, sidebars, navigation, calendars and hidden
//! blocks are never read, and neither are dates inside the body's prose.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::find_dates_hw;
use crate::doc::{Doc, Region};
use crate::text::halfwidth;

/// Where a date was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateSource {
    /// A visible label such as 发布日期 (the label as written).
    Label { label: String },
    /// A `<meta>` tag (its name).
    Meta { name: String },
    /// The line under the title (来源/作者/阅读 …) without a label.
    Byline,
    /// The page URL.
    Url,
    /// The date of a list entry.
    Entry,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dated {
    pub date: NaiveDate,
    pub source: DateSource,
    /// The text the date was read from.
    pub raw: String,
}

const PUB_LABELS: &[&str] = &[
    "发布日期",
    "发布时间",
    "发文日期",
    "发稿时间",
    "发表时间",
    "发表日期",
    "公开日期",
    "公布日期",
    "发布于",
    "上传时间",
    "上传日期",
];
const GENERIC_LABELS: &[&str] = &[
    "信息时间",
    "信息日期",
    "更新时间",
    "更新日期",
    "录入时间",
    "添加时间",
    "日期",
    "时间",
];
const WRITTEN_LABELS: &[&str] = &["成文日期", "成文时间", "印发日期", "签发日期"];
const META_NAMES: &[&str] = &[
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "article:published_time",
    "og:release_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.issued",
];
/// Words of a byline (the line under a title that carries source, author and date), each
/// followed by a colon ("工作者" in a title is not 作者).
const BYLINE_WORDS: &[&str] = &[
    "来源",
    "作者",
    "浏览",
    "阅读",
    "点击",
    "编辑",
    "字号",
    "访问",
    "次数",
    "发布者",
    "发布人",
];
const BYLINE_MAX_CHARS: usize = 120;
/// How many lines after the title a byline may sit.
const BYLINE_WINDOW: usize = 8;

/// Lines that belong to the site, not the article, even where the template gives them no
/// footer or calendar class: copyright, registration, "site updated", today's date.
const SITE_LINE_MARKERS: &[&str] = &[
    "版权所有",
    "Copyright",
    "copyright",
    "©",
    "ICP备",
    "ICP证",
    "公网安备",
    "主办单位",
    "主办：",
    "承办",
    "技术支持",
    "网站标识码",
    "本站更新",
    "网站更新",
    "今天是",
    "今日是",
];

fn readable(r: Region) -> bool {
    r == Region::Main
}

fn site_line(text: &str) -> bool {
    SITE_LINE_MARKERS.iter().any(|m| text.contains(m))
}

/// The publication date of an article page.
pub fn published(doc: &Doc, url: Option<&url::Url>) -> Option<Dated> {
    let mut best: Option<(u8, Dated)> = None;
    let lines: Vec<(String, Region)> = doc
        .lines
        .iter()
        .map(|l| (halfwidth(&l.text), l.region))
        .collect();
    for (i, (text, region)) in lines.iter().enumerate() {
        if !readable(*region) || site_line(text) {
            continue;
        }
        for h in find_dates_hw(text) {
            let before = &text[..h.start];
            let prev = if before.trim().is_empty() && i > 0 && readable(lines[i - 1].1) {
                lines[i - 1].0.as_str()
            } else {
                before
            };
            let Some(label) = label_before(prev) else {
                continue;
            };
            let rank = if PUB_LABELS.contains(&label) {
                0
            } else if GENERIC_LABELS.contains(&label) {
                2
            } else {
                3
            };
            consider(
                &mut best,
                rank,
                Dated {
                    date: h.date,
                    source: DateSource::Label {
                        label: label.to_owned(),
                    },
                    raw: text[h.start..h.end].to_owned(),
                },
            );
            break;
        }
        if best.as_ref().is_some_and(|(r, _)| *r == 0) {
            break;
        }
    }
    for name in META_NAMES {
        if let Some(v) = doc.meta(name)
            && let Some(h) = find_dates_hw(&halfwidth(v)).first()
        {
            consider(
                &mut best,
                1,
                Dated {
                    date: h.date,
                    source: DateSource::Meta {
                        name: (*name).to_owned(),
                    },
                    raw: v.to_owned(),
                },
            );
            break;
        }
    }
    if best.is_none()
        && let Some(d) = byline(doc, &lines)
    {
        consider(&mut best, 4, d);
    }
    if best.is_none()
        && let Some(u) = url
        && let Some(date) = crate::dates::url_date(u)
    {
        consider(
            &mut best,
            5,
            Dated {
                date,
                source: DateSource::Url,
                raw: u.path().to_owned(),
            },
        );
    }
    best.map(|(_, d)| d)
}

fn consider(best: &mut Option<(u8, Dated)>, rank: u8, d: Dated) {
    if best.as_ref().is_none_or(|(r, _)| rank < *r) {
        *best = Some((rank, d));
    }
}

/// The label a date follows: the text before it ends with `<label>[ :：]*` (brackets allowed).
fn label_before(before: &str) -> Option<&'static str> {
    let t = before.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '【' | '[' | '(' | '（' | '>' | '|')
    });
    PUB_LABELS
        .iter()
        .chain(WRITTEN_LABELS)
        .chain(GENERIC_LABELS)
        .find(|l| t.ends_with(*l))
        .copied()
}

/// A short line near the title holding a date and byline words (or only a date).
fn byline(doc: &Doc, lines: &[(String, Region)]) -> Option<Dated> {
    let title = doc.h1.as_deref().or(doc.title.as_deref())?;
    let start = doc
        .lines
        .iter()
        .position(|l| readable(l.region) && (l.text == title || title.contains(&l.text)))?;
    for (text, region) in lines.iter().skip(start + 1).take(BYLINE_WINDOW) {
        if !readable(*region) || text.chars().count() > BYLINE_MAX_CHARS || site_line(text) {
            continue;
        }
        let hits = find_dates_hw(text);
        let Some(h) = hits.first() else { continue };
        let rest = text.replacen(&text[h.start..h.end], "", 1);
        let only_date = rest
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == ':' || c == '|');
        let worded = BYLINE_WORDS
            .iter()
            .any(|w| text.contains(&format!("{w}:")) || text.contains(&format!("{w}：")));
        if only_date || worded || text.contains('【') {
            return Some(Dated {
                date: h.date,
                source: DateSource::Byline,
                raw: text.clone(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(html: &str) -> Option<(String, DateSource)> {
        let d = Doc::from_html(html);
        published(&d, None).map(|d| (d.date.to_string(), d.source))
    }

    #[test]
    fn prefers_published_over_written_and_ignores_site_lines() {
        let page = "<h1>关于印发方案的通知</h1><p>成文日期：2020年07月30日</p>\
                    <p>发布日期：2020年08月02日</p><p>正文……2019年1月1日召开会议。</p>\
                    <div>版权所有 更新时间：2020-12-31</div>";
        let (d, src) = date(page).unwrap();
        assert_eq!(d, "2020-08-02");
        assert_eq!(
            src,
            DateSource::Label {
                label: "发布日期".into()
            }
        );
        // 成文日期 only when nothing better is there.
        let (d, _) = date("<h1>通知</h1><p>成文日期：二〇二〇年七月三十日</p>").unwrap();
        assert_eq!(d, "2020-07-30");
        // A footer without a footer class, a calendar, the body's prose: no date at all.
        assert_eq!(
            date(
                "<h1>标题</h1><p>今天是：2020年8月3日 星期一</p><p>会议于2019年1月1日召开，要求各单位认真落实。</p><div>主办单位：某县人民政府 本站更新时间：2020-12-31</div>"
            ),
            None
        );
    }

    #[test]
    fn meta_and_byline() {
        let (d, src) =
            date("<meta name=\"PubDate\" content=\"2016-11-22 09:53\"><h1>标题</h1>").unwrap();
        assert_eq!(
            (d.as_str(), src),
            (
                "2016-11-22",
                DateSource::Meta {
                    name: "pubdate".into()
                }
            )
        );
        let (d, src) = date(
            "<h1>标题很长的一篇文章</h1><p>来源：新华社 | 作者： 2023-12-01 14:43</p><p>正文</p>",
        )
        .unwrap();
        assert_eq!((d.as_str(), src), ("2023-12-01", DateSource::Byline));
    }
}
