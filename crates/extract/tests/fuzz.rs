//! Property tests standing in for fuzzing: the decoder, the extractor and the date parser
//! never panic and always finish on hostile input (random bytes, random tag soup, deep
//! nesting, huge pages), and every date format round-trips. Work per page is bounded by size
//! caps inside the crate, so these tests bound nothing by time.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{Datelike, NaiveDate};
use extract::Vocabulary;
use proptest::prelude::*;
use url::Url;

fn vocab() -> &'static Vocabulary {
    static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    V.get_or_init(|| Vocabulary::bundled().unwrap())
}

fn url() -> Url {
    Url::parse("http://www.example.gov.cn/bsfw/2017-03-05/1.html").unwrap()
}

/// Pieces real pages are made of, so random documents hit the extractors' paths.
const PIECES: &[&str] = &[
    "<div class=\"footer\">",
    "<div class=\"sidebar\">",
    "<div style=\"display:none\">",
    "</div>",
    "<table>",
    "<tr>",
    "<td rowspan=\"3\">",
    "<td colspan=\"999999\">",
    "<th>",
    "</td>",
    "</tr>",
    "</table>",
    "<ul>",
    "<li>",
    "</li>",
    "<a href=\"/x/1.html\">",
    "<a href=\"javascript:;\">",
    "<a href=\"\">",
    "</a>",
    "<h1>",
    "</h1>",
    "<dl><dt>",
    "<dd>",
    "<br>",
    "<p>",
    "</p>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<base href=\"//other\">",
    "<meta charset=\"gb2312\">",
    "<meta name=\"PubDate\" content=\"2017-13-45\">",
    "办理时间",
    "办理时限",
    "：",
    ":",
    "一、",
    "（一）",
    "1.",
    "【办理地点】",
    "监督电话",
    "联系电话：0734-1234567",
    "不收费",
    "暂无",
    "{{x}}",
    "发布日期：",
    "2017-03-05",
    "２０１７年３月５日",
    "二〇一七年十三月五日",
    "二〇一七年三月三十一日",
    "2017年2月30日",
    "当前位置：首页 > 办事 > ",
    "《居住证申领登记表》",
    "申请表",
    "|",
    "此栏目暂无信息",
    "页面不存在",
    "\u{0}",
    "\u{FEFF}",
    "\u{FFFD}",
    "周一至周五 9:00-17:00",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..300).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decode_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096),
                              ct in prop::option::of("[ -~]{0,60}")) {
        let d = extract::decode(&bytes, ct.as_deref(), Some(&url()));
        // Decoding is total: every byte becomes text (at worst U+FFFD, then marked).
        let replaced = d.text.contains(char::REPLACEMENT_CHARACTER);
        let in_input = bytes.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]);
        prop_assert!(d.had_errors || !replaced || in_input);
    }

    #[test]
    fn utf8_text_survives_any_declaration(s in "\\PC{0,200}", label in "(gb2312|gbk|big5|utf-8|latin1|shift_jis|x-junk)") {
        let html = format!("<meta charset=\"{label}\"><p>办事指南{s}</p>");
        let d = extract::decode(html.as_bytes(), None, None);
        prop_assert_eq!(d.text, html);
    }

    #[test]
    fn extractor_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = extract::page(&url(), &bytes, None, vocab());
        let _ = extract::page(&url(), &bytes, Some("text/plain"), vocab());
        let _ = extract::is_soft_404(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn extractor_takes_tag_soup(html in soup()) {
        let f = extract::page_html(&url(), &html, vocab());
        // Whatever the soup, facts are consistent with themselves.
        if let Some(g) = &f.guide {
            prop_assert_eq!(g.elements.len(), vocab().elements.len());
            for (_, e) in &g.elements {
                prop_assert!((0.0..=1.0).contains(&e.confidence));
                prop_assert!(!e.present || e.value.as_deref().is_some_and(|v| !v.trim().is_empty()));
            }
        }
        prop_assert!(f.newest_entry.is_none_or(|d| f.entries.iter().any(|e| e.date == d)));
        let _ = extract::page_text(Some(&url()), &html, vocab());
        let _ = extract::links(&url(), &html);
    }

    #[test]
    fn dates_never_panic(s in "\\PC{0,300}") {
        for h in extract::find_dates(&s) {
            prop_assert!((1990..=2100).contains(&h.date.year()));
        }
    }

    #[test]
    fn every_date_format_round_trips(days in 0i64..(365 * 100)) {
        let d = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Duration::days(days);
        let (y, m, dd) = (d.year(), d.month(), d.day());
        let full = |s: String| s.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect::<String>();
        for text in [
            format!("发布日期：{y}-{m:02}-{dd:02} 10:16"),
            format!("{y}/{m}/{dd}"),
            format!("{y}.{m:02}.{dd:02}"),
            format!("（{y}年{m}月{dd}日）"),
            full(format!("{y}年{m}月{dd}日")),
            hanzi(y, m, dd),
        ] {
            prop_assert_eq!(extract::parse_date(&text), Some(d), "{}", text);
        }
    }
}

fn hanzi(y: i32, m: u32, d: u32) -> String {
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let year: String = y
        .to_string()
        .chars()
        .map(|c| D[c.to_digit(10).unwrap() as usize])
        .collect();
    let small = |n: u32| match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", D[(n - 10) as usize]),
        _ if n.is_multiple_of(10) => format!("{}十", D[(n / 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    };
    format!("{year}年{}月{}日", small(m), small(d))
}

#[test]
fn deep_nesting_and_huge_pages_finish() {
    let deep = format!(
        "{}办理时间：周一至周五{}",
        "<div><span>".repeat(50_000),
        "</span></div>".repeat(50_000)
    );
    let f = extract::page_html(&url(), &deep, vocab());
    assert!(f.guide.is_none());
    let table = format!(
        "<table>{}</table>",
        "<tr><td rowspan=\"65535\" colspan=\"65535\">办理地点</td><td>x</td></tr>".repeat(20_000)
    );
    let _ = extract::page_html(&url(), &table, vocab());
    let huge = "<li><a href=\"/a.html\">关于做好防汛工作的通知</a><span>2017-03-05</span></li>"
        .repeat(200_000);
    let f = extract::page_html(&url(), &huge, vocab());
    // Capped, not exhausted: the list is recognised without keeping every entry.
    assert!(!f.entries.is_empty() && f.entries.len() <= 5_000);
    let run_on = "办理时间：".repeat(100_000);
    let _ = extract::page_text(None, &run_on, vocab());
    let _ = extract::decode(
        &vec![0xB0; 10_000_000],
        Some("text/html; charset=gbk"),
        None,
    );
}
