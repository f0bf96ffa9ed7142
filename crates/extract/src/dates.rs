//! Dates as Chinese portals write them: 2017-03-05, 2017/3/5, 2017.03.05, 2017年3月5日,
//! ２０１７年３月５日 (full-width), 二〇一七年三月五日 (Chinese numerals), and the compact
//! `t20170305_` form in URLs. A date is only a date if the calendar has it (chrono validates).

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::text::halfwidth;

/// One date found in a text, with its char span in the (half-width) text searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateHit {
    pub date: NaiveDate,
    /// Byte offsets in the half-width form of the input (see [`find_dates`]).
    pub start: usize,
    pub end: usize,
}

const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;
/// Longest text scanned for dates; a page's date lives in its first few hundred KB.
const MAX_SCAN: usize = 512 * 1024;

static ARABIC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?|-\s?(\d{1,2})\s?-\s?(\d{1,2})|/(\d{1,2})/(\d{1,2})|\.(\d{1,2})\.(\d{1,2}))",
    )
});
static HANZI: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([〇零○OＯ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*[日号]",
    )
});
static COMPACT: LazyLock<Regex> = LazyLock::new(|| re(r"((?:19|20)\d{2})(\d{2})(\d{2})"));

pub(crate) fn re(s: &str) -> Regex {
    // Patterns are literals of this crate; a bad one fails the first test run.
    Regex::new(s).unwrap_or_else(|e| panic!("bad built-in regex {s}: {e}"))
}

/// Every date in `text`, in order. Offsets refer to `halfwidth(text)`, which has the same
/// characters as `text` when it holds no full-width forms.
pub fn find_dates(text: &str) -> Vec<DateHit> {
    let text = halfwidth(crate::text::clip_bytes(text, MAX_SCAN));
    find_dates_hw(&text)
}

/// [`find_dates`] on text already in half-width form (offsets are into `text`).
pub(crate) fn find_dates_hw(text: &str) -> Vec<DateHit> {
    let mut hits = Vec::new();
    for c in ARABIC.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        // A date is not part of a longer number (an index number like 2020-35428, a phone).
        if text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|ch| ch.is_ascii_digit())
            || text[m.end()..]
                .chars()
                .next()
                .is_some_and(|ch| ch.is_ascii_digit())
        {
            continue;
        }
        let num = |i: usize| c.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
        let y = c.get(1).and_then(|g| g.as_str().parse::<i32>().ok());
        let (mo, d) = [(2, 3), (4, 5), (6, 7), (8, 9)]
            .iter()
            .find_map(|&(a, b)| Some((num(a)?, num(b)?)))
            .unwrap_or((0, 0));
        if let Some(date) = y.and_then(|y| ymd(y, mo, d)) {
            hits.push(DateHit {
                date,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    for c in HANZI.captures_iter(text) {
        let (Some(m), Some(y), Some(mo), Some(d)) = (c.get(0), c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let y: Option<i32> = y
            .as_str()
            .chars()
            .map(hanzi_digit)
            .try_fold(0i32, |acc, d| Some(acc * 10 + d? as i32));
        if let (Some(y), Some(mo), Some(d)) =
            (y, hanzi_number(mo.as_str()), hanzi_number(d.as_str()))
            && let Some(date) = ymd(y, mo, d)
        {
            hits.push(DateHit {
                date,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// The first date in `text`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    find_dates(text).first().map(|h| h.date)
}

/// A date in a URL path: `/2017-03-05/`, `/201703/t20170305_123.html`, `/2017/03/05/`.
pub fn url_date(url: &url::Url) -> Option<NaiveDate> {
    let path = url.path();
    if let Some(h) = find_dates_hw(path).first() {
        return Some(h.date);
    }
    COMPACT.captures_iter(path).find_map(|c| {
        let m = c.get(0)?;
        let before = path[..m.start()].chars().next_back();
        let after = path[m.end()..].chars().next();
        if before.is_some_and(|b| b.is_ascii_digit()) || after.is_some_and(|a| a.is_ascii_digit()) {
            return None;
        }
        ymd(
            c.get(1)?.as_str().parse().ok()?,
            c.get(2)?.as_str().parse().ok()?,
            c.get(3)?.as_str().parse().ok()?,
        )
    })
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn hanzi_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' | 'O' | 'Ｏ' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 一..九, 十, 十一..十九, 二十.., 三十一.
fn hanzi_number(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => hanzi_digit(*c),
        ['十', u] => Some(10 + hanzi_digit(*u)?),
        [t, '十'] => Some(hanzi_digit(*t)? * 10),
        [t, '十', u] => Some(hanzi_digit(*t)? * 10 + hanzi_digit(*u)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn every_format() {
        assert_eq!(
            parse_date("发布日期：2017-03-05 10:16"),
            Some(d(2017, 3, 5))
        );
        assert_eq!(parse_date("2017/3/5"), Some(d(2017, 3, 5)));
        assert_eq!(parse_date("2017.03.05"), Some(d(2017, 3, 5)));
        assert_eq!(parse_date("2017年3月5日"), Some(d(2017, 3, 5)));
        assert_eq!(parse_date("2018年 1月3日"), Some(d(2018, 1, 3)));
        assert_eq!(parse_date("２０１７年０３月０５日"), Some(d(2017, 3, 5)));
        assert_eq!(parse_date("二〇一七年三月五日"), Some(d(2017, 3, 5)));
        assert_eq!(
            parse_date("二零二零年十二月三十一日"),
            Some(d(2020, 12, 31))
        );
        assert_eq!(parse_date("二〇一九年十月二十日"), Some(d(2019, 10, 20)));
        assert_eq!(parse_date("2020年08月02日"), Some(d(2020, 8, 2)));
    }

    #[test]
    fn not_dates() {
        assert_eq!(parse_date("000014348/2020-35428"), None);
        assert_eq!(parse_date("2017-02-30"), None);
        assert_eq!(parse_date("电话 0746-8362111"), None);
        assert_eq!(parse_date("1:500 地形图"), None);
        assert_eq!(parse_date("12017-03-05"), None);
    }

    #[test]
    fn url_dates() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert_eq!(
            url_date(&u("http://x.gov.cn/a/201909/t20190918_693227.shtml")),
            Some(d(2019, 9, 18))
        );
        assert_eq!(
            url_date(&u("http://x.gov.cn/hdjl/2018-07-09/979.html")),
            Some(d(2018, 7, 9))
        );
        assert_eq!(
            url_date(&u("http://x.gov.cn/art_1621004_30332664.html")),
            None
        );
    }
}
