//! The hard parts of real portals, checked over real HTTP against the running server.
#![allow(clippy::unwrap_used)]

mod common;

use common::{get, get_once, get_with};

fn server(seed: u64) -> (demo::Server, demo::Manifest) {
    let site = demo::Site::new(seed, 500).without_delays();
    let truth = site.truth();
    (
        demo::serve(site, "127.0.0.1:0".parse().unwrap()).unwrap(),
        truth,
    )
}

#[test]
fn robots_redirects_calendar_and_challenge() {
    let (s, truth) = server(11);
    let a = s.addr();
    let robots = get(a, "/robots.txt").text();
    assert!(
        robots.contains("User-agent: *")
            && robots.contains("Disallow: /e/")
            && robots.contains("Disallow: /admin/")
    );
    // Pages link to disallowed paths.
    assert!(get(a, "/index.html").text().contains("/e/search/index.php"));

    // A 301 chain: every hop recorded, the end is a page.
    let mut path = "/zwgk/index.htm".to_string();
    let mut hops = 0;
    loop {
        let r = get(a, &path);
        if r.status != 301 {
            assert_eq!(r.status, 200);
            break;
        }
        path = r.header("Location").unwrap().to_string();
        hops += 1;
        assert!(hops < 10);
    }
    assert_eq!((hops, path.as_str()), (3, "/xxgk/index.html"));

    // The calendar never ends: 40 "next month" links, 40 new pages.
    let mut p = demo::CALENDAR_PATH.to_string();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..40 {
        let t = get(a, &p).text();
        assert!(seen.insert(p.clone()));
        let i = t.find("下一月").unwrap();
        let href_start = t[..i].rfind("href=\"").unwrap() + 6;
        p = t[href_start..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
    }
    assert!(p.contains("ym=2021-"), "40 months after 2017-12: {p}");

    // The firewall answers 412 with a script until the cookie the script sets is sent.
    let c = get(a, demo::CHALLENGE_PATH);
    assert_eq!(c.status, 412);
    assert!(c.text().contains("<script") && c.text().contains("document.cookie"));
    let cookie = demo::challenge_cookie(11);
    assert!(c.text().contains(&cookie));
    let ok = get_with(a, demo::CHALLENGE_PATH, &[("Cookie", &cookie)]);
    assert_eq!(ok.status, 200);
    assert!(ok.text().contains("在线咨询"));
    assert!(
        truth
            .behaviours
            .iter()
            .any(|b| b.kind == "firewall_412" && !b.in_static_files)
    );
}

#[test]
fn flaky_paths_fail_once_then_succeed_and_etags_give_304() {
    let (s, truth) = server(12);
    let flaky: Vec<_> = truth
        .behaviours
        .iter()
        .filter(|b| b.kind == "flaky_5xx")
        .collect();
    assert!(flaky.len() >= 3);
    for b in flaky {
        let first = get_once(s.addr(), &b.path, &[]);
        assert!(
            (500..600).contains(&first.status),
            "{}: first answer {}",
            b.path,
            first.status
        );
        if first.status == 503 {
            assert_eq!(first.header("Retry-After"), Some("1"));
        }
        let second = get_once(s.addr(), &b.path, &[]);
        assert_eq!(second.status, 200, "{} does not recover", b.path);
    }
    let r = get(s.addr(), "/ggfw/index.html");
    let etag = r.header("ETag").unwrap().to_string();
    let again = get_with(s.addr(), "/ggfw/index.html", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert!(s.hits("/ggfw/index.html") == 2);
}

#[test]
fn encodings_gbk_utf8_and_a_wrong_declaration() {
    let (s, truth) = server(13);
    // 政务公开: GBK bytes, charset only in the meta tag.
    let x = get(s.addr(), "/xxgk/zfwj/index.html");
    assert_eq!(x.header("Content-Type"), Some("text/html"));
    assert!(
        std::str::from_utf8(&x.body).is_err(),
        "GBK page must not be valid UTF-8"
    );
    let t = encoding_rs::GBK.decode(&x.body).0;
    assert!(t.contains("charset=gb2312") && t.contains("政府文件"));
    // Home: UTF-8 in the header and the meta.
    let h = get(s.addr(), "/index.html");
    assert_eq!(h.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(
        std::str::from_utf8(&h.body)
            .unwrap()
            .contains("耒阳市人民政府门户网站")
    );
    // Wrong declaration: gb2312 declared, UTF-8 bytes.
    let w = truth
        .behaviours
        .iter()
        .find(|b| b.kind == "wrong_charset")
        .unwrap();
    let page = get(s.addr(), &format!("{}index.html", w.path));
    let text = std::str::from_utf8(&page.body).expect("the bytes are UTF-8");
    assert!(text.contains("charset=gb2312"));
    assert_eq!(page.header("Content-Type"), Some("text/html"));
}

#[test]
fn lists_page_dates_meta_and_traps_as_real_portals_do() {
    let (s, truth) = server(14);
    let a = s.addr();
    // Paging: a column with several list pages links them, in both CMS numbering schemes.
    let big = truth.columns.iter().filter(|c| c.list_pages > 1).count();
    let news = get(a, "/ywdt/lyyw/index.html").text();
    assert!(news.contains("index_1.html") || big > 0);
    // CMS meta tags on TRS pages only.
    assert!(
        news.contains("<meta name=\"SiteName\"")
            && news.contains("<meta name=\"ColumnName\" content=\"耒阳要闻\">")
    );
    let art = common::list_links(&news)[0].clone();
    let at = get(a, &art).text();
    assert!(at.contains("<meta name=\"PubDate\"") && at.contains("发布时间："));
    let home = get(a, "/index.html").text();
    assert!(!home.contains("<meta name=\"SiteName\""));
    // Dates that are not publication dates: today's date in the top bar, a calendar in the
    // sidebar, the footer.
    assert!(home.contains("今天是：2017年12月20日"));
    let x = get(a, "/xxgk/zfwj/index.html");
    let xt = x.text();
    let doc = common::list_links(&xt)[1].clone();
    let d = common::decode(&get(a, &doc).body);
    assert!(
        d.contains("成文日期：") && d.contains("发布日期：") && d.contains("〇"),
        "政务公开 documents carry 成文日期 beside 发布日期"
    );
    // Every date format appears somewhere in the 公共服务 lists.
    let mut formats = std::collections::HashSet::new();
    let slash = regex::Regex::new(r"\d{4}/\d{2}/\d{2}").unwrap();
    let chinese = regex::Regex::new(r"\d{4}年\d{1,2}月\d{1,2}日").unwrap();
    let iso = regex::Regex::new(r#"class="time">\d{4}-\d{2}-\d{2}"#).unwrap();
    for c in &truth.columns {
        let t = common::decode(&get(a, &c.url).body);
        let area =
            common::between(&t, "<div class=\"list_title\">", "<div class=\"page\">").to_string();
        if area.contains("<h3 class=\"year\">") {
            formats.insert("year-groups");
        }
        if slash.is_match(&area) {
            formats.insert("slash");
        }
        if chinese.is_match(&area) {
            formats.insert("chinese");
        }
        if area.contains("&nbsp;[") {
            formats.insert("bracket");
        }
        if iso.is_match(&area) {
            formats.insert("iso");
        }
        let side = common::between(&t, "<div class=\"side\">", "<div class=\"content\">");
        if !side.is_empty() {
            assert!(side.contains("<table class=\"cal\">") && side.contains("最新信息"));
        }
    }
    assert_eq!(formats.len(), 5, "date formats seen: {formats:?}");
}

#[test]
fn the_server_stops_when_dropped() {
    let (s, _) = server(15);
    let a = s.addr();
    assert_eq!(get(a, "/index.html").status, 200);
    drop(s);
    assert!(
        std::net::TcpStream::connect(a).is_err(),
        "still listening after drop"
    );
}

#[test]
fn hostile_paths_never_panic() {
    let site = demo::Site::new(16, 600).without_delays();
    let real: Vec<String> = site.paths().step_by(3).collect();
    let odd = [
        "",
        "/",
        "//",
        "/../../etc/passwd",
        "/ggfw/../index.html",
        "/index.html?",
        "/?ym=",
        "/hdjl/zwrl/index.html?ym=9999-12",
        "/hdjl/zwrl/index.html?ym=-1-13",
        "/hdjl/zwrl/index.html?ym=2017-00",
        "/hdjl/zwrl/index.html?ym=99999999999-1",
        "/ywdt/lyyw/index_0.html",
        "/ywdt/lyyw/index_1.html",
        "/ywdt/lyyw/index_99999999999999999999.html",
        "/d/file/p/2017/12-01/.doc",
        "/d/file/p/2017/12-01/zzzzzzzzzz.doc",
        "/d/file/p/2017/12-01/0000000000000000000000000000000000ff1.pdf",
        "/ggfw/sfz/sxslb.html",
        "/ggfw/jyfw/sxslb.html",
        "/ywdt/lyyw/201712/t20171219_1.html",
        "/ywdt/lyyw/2017-12-19/18446744073709551615.html",
        "/%E4%B8%AD%E6%96%87/",
        "/ggfw/jyfw/bszn/2017-13-45/1.html",
    ];
    let mut answered = 0;
    for p in odd
        .iter()
        .map(|s| s.to_string())
        .chain(real.iter().flat_map(|p| {
            let cut: String = p.chars().take(p.chars().count() / 2).collect();
            vec![
                format!("{p}x"),
                format!("{p}/"),
                cut,
                p.replace(".html", ".htm"),
                p.to_uppercase(),
                format!("{p}?a=1&b=2"),
            ]
        }))
    {
        if let Some(r) = site.page(&p) {
            assert!([200, 301, 412].contains(&r.status), "{p}: {}", r.status);
            answered += 1;
        }
    }
    assert!(answered > 0);
    // The 404 page is a real 404 in Chinese.
    let nf = site.not_found();
    assert_eq!(nf.status, 404);
    assert!(String::from_utf8(nf.body).unwrap().contains("页面不存在"));
}
