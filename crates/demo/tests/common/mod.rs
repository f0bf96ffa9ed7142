//! Test helpers: a minimal HTTP/1.1 client over std TCP (the server is real; the client is
//! deliberately independent of it), decoding, and reading the parts of pages a person reads.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

pub struct Got {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Got {
    pub fn header(&self, n: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        decode(&self.body)
    }
}

/// GET, retried once after a 5xx (as a polite client does; some paths fail on first request).
pub fn get(addr: SocketAddr, path: &str) -> Got {
    get_with(addr, path, &[])
}

pub fn get_with(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Got {
    let g = get_once(addr, path, headers);
    if g.status >= 500 {
        get_once(addr, path, headers)
    } else {
        g
    }
}

/// One GET, no retry.
pub fn get_once(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Got {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nUser-Agent: kaohe-demo-test\r\n"
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Got {
        status,
        headers,
        body,
    }
}

fn dechunk(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = b[i..].windows(2).position(|w| w == b"\r\n") {
        let n =
            usize::from_str_radix(std::str::from_utf8(&b[i..i + p]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + p + 2..i + p + 2 + n]);
        i += p + 2 + n + 2;
    }
    out
}

/// UTF-8 when the bytes are valid UTF-8, else GBK (what this site serves).
pub fn decode(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(b).0.into_owned(),
    }
}

/// The part of a page between two markers (exclusive), or "".
pub fn between<'a>(s: &'a str, a: &str, b: &str) -> &'a str {
    let Some(i) = s.find(a) else { return "" };
    let rest = &s[i + a.len()..];
    &rest[..rest.find(b).unwrap_or(rest.len())]
}

/// The article body area (title excluded): the guide itself on guide pages.
pub fn content(html: &str) -> &str {
    between(
        html,
        "<div class=\"zoom\" id=\"zoom\">",
        "<div class=\"prevnext\">",
    )
}

/// The guide's fields only: the body without the attachment list and scripts after it.
pub fn fields(html: &str) -> &str {
    let c = content(html);
    let end = [c.find("<div class=\"fujian\">"), c.find("<script")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(c.len());
    &c[..end]
}

/// Text chunks between tags, trimmed, non-empty; `：`, `【`, `】`, `　` split chunks too.
pub fn chunks(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_tag = false;
    let mut in_script = false;
    let lower = html.to_string();
    let mut i = 0;
    let bytes: Vec<char> = lower.chars().collect();
    while i < bytes.len() {
        let c = bytes[i];
        if c == '<' {
            let rest: String = bytes[i..bytes.len().min(i + 8)].iter().collect();
            if rest.starts_with("<script") {
                in_script = true;
            }
            if rest.starts_with("</script") {
                in_script = false;
            }
            in_tag = true;
            push(&mut out, &mut cur);
        } else if c == '>' && in_tag {
            in_tag = false;
        } else if !in_tag && !in_script {
            if matches!(c, '：' | '【' | '】' | '　' | '\n') {
                push(&mut out, &mut cur);
            } else {
                cur.push(c);
            }
        }
        i += 1;
    }
    push(&mut out, &mut cur);
    out
}

fn push(out: &mut Vec<String>, cur: &mut String) {
    let t = cur.trim().replace("&nbsp;", "");
    if !t.is_empty() {
        out.push(t);
    }
    cur.clear();
}

/// Every date of a list page's main list (not the sidebar, not the footer).
pub fn list_dates(html: &str) -> Vec<chrono::NaiveDate> {
    let area = between(html, "<div class=\"list_title\">", "<div class=\"page\">");
    let full = regex::Regex::new(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})").unwrap();
    let year_h = regex::Regex::new(r#"<h3 class="year">(\d{4})年</h3>"#).unwrap();
    let short = regex::Regex::new(r#"<span class="time">(\d{2})-(\d{2})</span>"#).unwrap();
    let mut v = Vec::new();
    if year_h.is_match(area) {
        // Year headings, then 03-05 entries under each.
        let mut pos: Vec<(usize, i32)> = year_h
            .captures_iter(area)
            .map(|c| (c.get(0).unwrap().start(), c[1].parse().unwrap()))
            .collect();
        pos.sort();
        for c in short.captures_iter(area) {
            let at = c.get(0).unwrap().start();
            let y = pos.iter().rev().find(|(p, _)| *p < at).unwrap().1;
            v.push(
                chrono::NaiveDate::from_ymd_opt(y, c[1].parse().unwrap(), c[2].parse().unwrap())
                    .unwrap(),
            );
        }
        return v;
    }
    for c in full.captures_iter(area) {
        v.push(
            chrono::NaiveDate::from_ymd_opt(
                c[1].parse().unwrap(),
                c[2].parse().unwrap(),
                c[3].parse().unwrap(),
            )
            .unwrap(),
        );
    }
    v
}

/// Entry links of a list page's main list.
pub fn list_links(html: &str) -> Vec<String> {
    let area = between(html, "<div class=\"list_title\">", "<div class=\"page\">");
    let a = regex::Regex::new(r#"<a href="([^"]+)""#).unwrap();
    a.captures_iter(area).map(|c| c[1].to_string()).collect()
}

/// Entry titles of a list page's main list.
pub fn list_titles(html: &str) -> Vec<String> {
    let area = between(html, "<div class=\"list_title\">", "<div class=\"page\">");
    let a = regex::Regex::new(r#"<a href="[^"]+"[^>]*>([^<]+)</a>"#).unwrap();
    a.captures_iter(area).map(|c| c[1].to_string()).collect()
}

pub fn rubric() -> rubric::Rubric {
    rubric::bundled(rubric::BUNDLED_ID).unwrap()
}

/// Labels of an element in the rubric.
pub fn element_labels(r: &rubric::Rubric, e: &str) -> Vec<String> {
    r.element(e).unwrap().labels.clone()
}
