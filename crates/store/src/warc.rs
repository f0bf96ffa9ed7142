//! WARC/1.1 export of one crawl: the evidence archive standard web-archive tools open
//! (warcio, pywb, OpenWayback…).
//!
//! Layout, one gzip member per record (so tools can seek to any record):
//! - `warcinfo`: software, format, the crawl's seed, state and configuration;
//! - per fetch, in record order: for each redirect hop a `request` + `response` (3xx with its
//!   `Location`); then a `request` and either a `response` (status line, the stored headers,
//!   `Content-Length` of the stored body, the raw body), a `revisit` (304, profile
//!   server-not-modified) or nothing (no answer: timeout, refused…); and always a `metadata`
//!   record with kaohe's reading of the fetch (outcome, checked/unverified, encoding, timing,
//!   attachment check), so an unverified fetch is visible in the archive as what it is.
//!
//! The HTTP messages are reconstructed from what the store keeps (the headers that matter,
//! the raw body after content decoding), so `Content-Encoding`/`Transfer-Encoding` are never
//! written. Digests are `sha1:` base32, the form every WARC tool checks. Record ids are
//! derived from the crawl and fetch ids, so exporting the same snapshot twice gives the same
//! bytes.

use std::io::Write;

use chrono::{DateTime, Utc};
use sha1::{Digest, Sha1};

use crate::model::{Crawl, CrawlId, FetchId, Outcome, StoredFetch, Verification};
use crate::{Store, StoreError};

/// How many fetch rows are read per query: bounds memory whatever the crawl's size.
const PAGE: u32 = 200;

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarcSummary {
    pub fetches: u64,
    pub records: u64,
    pub responses: u64,
    pub revisits: u64,
    /// Fetches without any HTTP answer (only a metadata record).
    pub no_response: u64,
    /// Compressed bytes written.
    pub bytes: u64,
}

/// Writes crawl `crawl` of `store` to `out` as gzip-per-record WARC/1.1.
pub async fn export<W: Write>(
    store: &Store,
    crawl: CrawlId,
    out: W,
) -> Result<WarcSummary, StoreError> {
    let info = store
        .crawl(crawl)
        .await?
        .ok_or(StoreError::NoSuchCrawl(crawl))?;
    let mut w = Writer {
        out,
        crawl: &info,
        summary: WarcSummary::default(),
    };
    w.warcinfo()?;
    let mut after = None;
    loop {
        let page = store.fetches_after(crawl, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for fetch in &page {
            let body = match (&fetch.body_hash, fetch.body_size) {
                // body_size is None for a 304, whose hash points at the earlier body.
                (Some(hash), Some(_)) => Some(store.body(hash).await?.ok_or_else(|| {
                    StoreError::Corrupt(format!("抓取记录 {} 的正文 {hash} 缺失", fetch.id))
                })?),
                _ => None,
            };
            let original = match (&fetch.body_hash, fetch.outcome) {
                (Some(hash), Outcome::NotModified) => store.first_fetch_with_body(hash).await?,
                _ => None,
            };
            w.fetch(fetch, body.as_deref(), original.as_ref())?;
        }
    }
    w.out.flush()?;
    Ok(w.summary)
}

struct Writer<'a, W: Write> {
    out: W,
    crawl: &'a Crawl,
    summary: WarcSummary,
}

/// One WARC record before serialisation.
struct Record<'b> {
    kind: &'static str,
    id: String,
    date: DateTime<Utc>,
    target: Option<&'b str>,
    content_type: &'static str,
    /// Extra named fields (Concurrent-To, Profile, Truncated, …).
    fields: Vec<(&'static str, String)>,
    block: Vec<u8>,
    /// Offset in `block` where the payload (the HTTP entity body) starts.
    payload_at: Option<usize>,
}

impl<W: Write> Writer<'_, W> {
    fn warcinfo(&mut self) -> Result<(), StoreError> {
        let c = self.crawl;
        let mut block = String::new();
        field(
            &mut block,
            "software",
            concat!("kaohe/", env!("CARGO_PKG_VERSION")),
        );
        field(&mut block, "format", "WARC File Format 1.1");
        field(
            &mut block,
            "conformsTo",
            "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        );
        field(&mut block, "isPartOf", &format!("kaohe-crawl-{}", c.id));
        field(&mut block, "description", &format!("seed {}", c.seed_url));
        field(&mut block, "kaohe-crawl-state", c.state.as_str());
        field(
            &mut block,
            "kaohe-crawl-started",
            &c.started_at.to_rfc3339(),
        );
        if let Some(f) = c.finished_at {
            field(&mut block, "kaohe-crawl-finished", &f.to_rfc3339());
        }
        field(&mut block, "kaohe-crawl-config", &c.config.to_string());
        let rec = Record {
            kind: "warcinfo",
            id: self.record_id(None, "warcinfo", 0),
            date: c.started_at,
            target: None,
            content_type: "application/warc-fields",
            fields: vec![("WARC-Filename", format!("kaohe-crawl-{}.warc.gz", c.id))],
            block: block.into_bytes(),
            payload_at: None,
        };
        self.write(&rec)
    }

    /// `original`: for a 304, the fetch that stored the unchanged body.
    fn fetch(
        &mut self,
        f: &StoredFetch,
        body: Option<&[u8]>,
        original: Option<&StoredFetch>,
    ) -> Result<(), StoreError> {
        self.summary.fetches += 1;
        let date = f.timing.started_at;
        for (n, hop) in f.redirects.iter().enumerate() {
            let resp_id = self.record_id(Some(f.id), "hop-response", n);
            let req_id = self.record_id(Some(f.id), "hop-request", n);
            self.request(
                &hop.url,
                &f.method,
                &f.request_headers,
                req_id,
                &resp_id,
                date,
            )?;
            let mut head = status_line(hop.status);
            header(&mut head, "Location", &hop.location);
            header(&mut head, "Content-Length", "0");
            head.push_str("\r\n");
            let block = head.into_bytes();
            let payload_at = Some(block.len());
            self.write(&Record {
                kind: "response",
                id: resp_id,
                date,
                target: Some(&hop.url),
                content_type: "application/http;msgtype=response",
                fields: vec![],
                block,
                payload_at,
            })?;
            self.summary.responses += 1;
        }

        let resp_id = self.record_id(Some(f.id), "response", 0);
        let mut concurrent = None;
        if let Some(status) = f.status {
            let req_id = self.record_id(Some(f.id), "request", 0);
            let target = &f.final_url;
            self.request(
                target,
                &f.method,
                &f.request_headers,
                req_id,
                &resp_id,
                date,
            )?;
            let mut head = status_line(status);
            // Content-Length is written for the body actually stored, below.
            for (name, v) in f.headers.present().filter(|(n, _)| *n != "Content-Length") {
                header(&mut head, name, v);
            }
            let revisit = f.outcome == Outcome::NotModified;
            match (revisit, body) {
                (false, Some(b)) => header(&mut head, "Content-Length", &b.len().to_string()),
                // HEAD or no body kept: say what the server said, send nothing.
                _ => match &f.headers.content_length {
                    Some(v) if f.method == "HEAD" => header(&mut head, "Content-Length", v),
                    _ => header(&mut head, "Content-Length", "0"),
                },
            }
            head.push_str("\r\n");
            let mut block = head.into_bytes();
            let payload_at = block.len();
            let mut fields = vec![(
                "WARC-Concurrent-To",
                self.record_id(Some(f.id), "request", 0),
            )];
            if revisit {
                fields.push((
                    "WARC-Profile",
                    "http://netpreserve.org/warc/1.1/revisit/server-not-modified".into(),
                ));
                if let Some(o) = original {
                    fields.push(("WARC-Refers-To-Target-URI", o.final_url.clone()));
                    fields.push(("WARC-Refers-To-Date", warc_date(o.timing.started_at)));
                }
                self.write(&Record {
                    kind: "revisit",
                    id: resp_id.clone(),
                    date,
                    target: Some(target),
                    content_type: "application/http;msgtype=response",
                    fields,
                    block,
                    payload_at: None,
                })?;
                self.summary.revisits += 1;
            } else {
                if let Some(b) = body {
                    block.extend_from_slice(b);
                }
                if f.body_truncated {
                    fields.push(("WARC-Truncated", "length".into()));
                }
                self.write(&Record {
                    kind: "response",
                    id: resp_id.clone(),
                    date,
                    target: Some(target),
                    content_type: "application/http;msgtype=response",
                    fields,
                    block,
                    payload_at: Some(payload_at),
                })?;
                self.summary.responses += 1;
            }
            concurrent = Some(resp_id);
        } else {
            self.summary.no_response += 1;
        }
        self.metadata(f, concurrent)
    }

    fn request(
        &mut self,
        url: &str,
        method: &str,
        headers: &[(String, String)],
        id: String,
        response_id: &str,
        date: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (host, path) = split_url(url);
        let mut head = format!("{} {} HTTP/1.1\r\n", clean(method), clean(path));
        header(&mut head, "Host", host);
        for (name, value) in headers {
            if !name.eq_ignore_ascii_case("host") {
                header(&mut head, name, value);
            }
        }
        head.push_str("\r\n");
        self.write(&Record {
            kind: "request",
            id,
            date,
            target: Some(url),
            content_type: "application/http;msgtype=request",
            fields: vec![("WARC-Concurrent-To", response_id.to_string())],
            block: head.into_bytes(),
            payload_at: None,
        })
    }

    fn metadata(&mut self, f: &StoredFetch, concurrent: Option<String>) -> Result<(), StoreError> {
        let mut block = String::new();
        field(&mut block, "kaohe-fetch-id", &f.id.to_string());
        field(&mut block, "outcome", f.outcome.as_str());
        let verification = match f.outcome.verification() {
            Verification::Checked => "checked",
            Verification::Unverified => "unverified",
        };
        field(&mut block, "verification", verification);
        if let Some(s) = f.status {
            field(&mut block, "status", &s.to_string());
        }
        if let Some(d) = &f.detail {
            field(&mut block, "detail", d);
        }
        if f.final_url != f.url {
            field(&mut block, "final-url", &f.final_url);
        }
        if let Some(e) = &f.encoding {
            field(&mut block, "encoding", &e.name);
            field(&mut block, "encoding-source", e.source.as_str());
            field(
                &mut block,
                "encoding-errors",
                if e.had_errors { "yes" } else { "no" },
            );
        }
        if let Some(h) = &f.body_hash {
            field(&mut block, "body-sha256", h);
        }
        if let Some(len) = &f.headers.content_length {
            field(&mut block, "server-content-length", len);
        }
        for (name, ms) in [
            ("connect-ms", f.timing.connect_ms),
            ("ttfb-ms", f.timing.ttfb_ms),
            ("total-ms", f.timing.total_ms),
        ] {
            if let Some(ms) = ms {
                field(&mut block, name, &ms.to_string());
            }
        }
        if let Some(a) = &f.attachment {
            field(&mut block, "attachment-verdict", a.verdict.as_str());
            field(&mut block, "attachment-size", &a.size.to_string());
            if let Some(t) = &a.declared_type {
                field(&mut block, "attachment-declared-type", t);
            }
            if let Some(t) = &a.magic_type {
                field(&mut block, "attachment-magic-type", t);
            }
        }
        let mut fields = Vec::new();
        if let Some(id) = concurrent {
            fields.push(("WARC-Concurrent-To", id));
        }
        self.write(&Record {
            kind: "metadata",
            id: self.record_id(Some(f.id), "metadata", 0),
            date: f.timing.started_at,
            target: Some(&f.url),
            content_type: "application/warc-fields",
            fields,
            block: block.into_bytes(),
            payload_at: None,
        })
    }

    fn write(&mut self, rec: &Record<'_>) -> Result<(), StoreError> {
        let mut head = String::from("WARC/1.1\r\n");
        header(&mut head, "WARC-Type", rec.kind);
        header(&mut head, "WARC-Record-ID", &rec.id);
        header(
            &mut head,
            "WARC-Date",
            &rec.date.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        );
        if let Some(t) = rec.target {
            header(&mut head, "WARC-Target-URI", t);
        }
        for (name, value) in &rec.fields {
            header(&mut head, name, value);
        }
        header(&mut head, "Content-Type", rec.content_type);
        header(&mut head, "WARC-Block-Digest", &sha1_b32(&rec.block));
        if let Some(at) = rec.payload_at {
            header(
                &mut head,
                "WARC-Payload-Digest",
                &sha1_b32(&rec.block[at..]),
            );
        }
        header(&mut head, "Content-Length", &rec.block.len().to_string());
        head.push_str("\r\n");

        let mut gz = flate2::write::GzEncoder::new(
            CountingWriter {
                inner: &mut self.out,
                n: 0,
            },
            flate2::Compression::default(),
        );
        gz.write_all(head.as_bytes())?;
        gz.write_all(&rec.block)?;
        gz.write_all(b"\r\n\r\n")?;
        let counted = gz.finish()?;
        self.summary.bytes += counted.n;
        self.summary.records += 1;
        Ok(())
    }

    /// A stable `<urn:uuid:…>` from the crawl, the fetch and the record's role.
    fn record_id(&self, fetch: Option<FetchId>, role: &str, n: usize) -> String {
        record_id(self.crawl, fetch, role, n)
    }
}

/// The `WARC-Record-ID` the export gives a fetch's response record: findings cite it, so an
/// archive exported later still holds the record a finding names.
pub fn response_record_id(crawl: &Crawl, fetch: FetchId) -> String {
    record_id(crawl, Some(fetch), "response", 0)
}

/// A stable `<urn:uuid:…>` (version 5) from the crawl, the fetch and the record's role.
fn record_id(crawl: &Crawl, fetch: Option<FetchId>, role: &str, n: usize) -> String {
    let mut h = Sha1::new();
    h.update(
        format!(
            "kaohe|{}|{}|{}|{}|{role}|{n}",
            crawl.id,
            crawl.seed_url,
            crawl.started_at.to_rfc3339(),
            fetch.map_or(-1, |f| f.0),
        )
        .as_bytes(),
    );
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50; // version 5 (name-based, SHA-1)
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

struct CountingWriter<W: Write> {
    inner: W,
    n: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn warc_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn sha1_b32(bytes: &[u8]) -> String {
    format!(
        "sha1:{}",
        data_encoding::BASE32.encode(&Sha1::digest(bytes))
    )
}

/// A header or field value must stay on one line whatever a server or a user put in it.
fn clean(v: &str) -> String {
    v.chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect()
}

fn header(out: &mut String, name: &str, value: &str) {
    out.push_str(&clean(name));
    out.push_str(": ");
    out.push_str(&clean(value));
    out.push_str("\r\n");
}

fn field(out: &mut String, name: &str, value: &str) {
    header(out, name, value);
}

fn status_line(status: u16) -> String {
    format!("HTTP/1.1 {status} {}\r\n", reason(status))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// (host[:port], path?query) of an absolute URL, without the fragment.
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('#').next().unwrap_or(rest);
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => (&rest[..i], &rest[i..]),
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls_for_request_lines() {
        assert_eq!(
            split_url("http://a.gov.cn/x/y.html?p=1#f"),
            ("a.gov.cn", "/x/y.html?p=1")
        );
        assert_eq!(split_url("http://127.0.0.1:8080"), ("127.0.0.1:8080", "/"));
        assert_eq!(split_url("http://a/?q"), ("a", "/?q"));
    }

    #[test]
    fn digests_are_sha1_base32() {
        // sha1("") = da39a3ee…, base32 as in every WARC tool
        assert_eq!(sha1_b32(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn header_values_stay_on_one_line() {
        let mut s = String::new();
        header(&mut s, "X", "a\r\nWARC-Type: evil");
        assert_eq!(s, "X: a  WARC-Type: evil\r\n");
    }
}
