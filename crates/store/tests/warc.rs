//! WARC export: a crawl with every kind of fetch (redirected page, 304, timeout, firewall
//! challenge, attachment, truncated body, HEAD) written as WARC/1.1 and read back — by our own
//! gzip-member walk always, and by the standard `warcio check` / `warcio index` when python3
//! with warcio is installed (skipped with a message otherwise).
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::io::Read;
use std::process::Command;

use common::*;
use store::*;

async fn sample_crawl(store: &Store) -> CrawlId {
    let c = store
        .create_crawl(
            "http://127.0.0.1:8080/",
            &serde_json::json!({"rate": 2, "ua": "kaohe"}),
        )
        .await
        .unwrap();
    // 1. a page reached through a 302
    store
        .record(
            c,
            &page_fetch(
                None,
                "http://127.0.0.1:8080/",
                "<html>首页 政务公开</html>".as_bytes(),
            ),
            &[],
            &[],
        )
        .await
        .unwrap();
    // 2. a 304 revisit of it
    let v = store
        .previous_fetch("http://127.0.0.1:8080/")
        .await
        .unwrap()
        .unwrap();
    let mut revisit = page_fetch(None, "http://127.0.0.1:8080/", b"");
    revisit.redirects.clear();
    revisit.final_url = revisit.url.clone();
    revisit.status = Some(304);
    revisit.outcome = Outcome::NotModified;
    revisit.body = None;
    revisit.unchanged_hash = v.body_hash;
    revisit
        .request_headers
        .push(("If-None-Match".into(), "\"abc-123\"".into()));
    store.record(c, &revisit, &[], &[]).await.unwrap();
    // 3. a timeout: no response, metadata only
    store
        .record(
            c,
            &timeout_fetch(None, "http://127.0.0.1:8080/slow"),
            &[],
            &[],
        )
        .await
        .unwrap();
    // 4. a firewall challenge: 412 with a script body
    let mut challenge = page_fetch(
        None,
        "http://127.0.0.1:8080/wall",
        b"<script>eval('x')</script>",
    );
    challenge.redirects.clear();
    challenge.final_url = challenge.url.clone();
    challenge.status = Some(412);
    challenge.outcome = Outcome::Challenged;
    challenge.detail = Some("防火墙挑战页".into());
    store.record(c, &challenge, &[], &[]).await.unwrap();
    // 5. an attachment (binary body, checked)
    let mut doc = page_fetch(
        None,
        "http://127.0.0.1:8080/f/a.doc",
        &[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 1, 2],
    );
    doc.redirects.clear();
    doc.final_url = doc.url.clone();
    doc.headers.content_type = Some("application/msword".into());
    doc.encoding = None;
    doc.attachment = Some(AttachmentCheck {
        declared_type: Some("application/msword".into()),
        magic_type: Some("application/x-ole-storage".into()),
        size: 11,
        verdict: AttachmentVerdict::Ok,
    });
    store.record(c, &doc, &[], &[]).await.unwrap();
    // 6. a truncated body
    let mut big = page_fetch(None, "http://127.0.0.1:8080/big", &vec![b'a'; 5000]);
    big.redirects.clear();
    big.final_url = big.url.clone();
    big.outcome = Outcome::TooLarge;
    big.body_truncated = true;
    big.headers.content_length = Some("99999999".into());
    store.record(c, &big, &[], &[]).await.unwrap();
    // 7. a HEAD check
    let mut head = page_fetch(None, "http://127.0.0.1:8080/f/b.pdf", b"");
    head.redirects.clear();
    head.final_url = head.url.clone();
    head.method = "HEAD".into();
    head.body = None;
    head.headers.content_length = Some("12345".into());
    store.record(c, &head, &[], &[]).await.unwrap();
    c
}

/// Splits a gzip-per-record file into its decompressed members.
fn members(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let mut dec = flate2::bufread::GzDecoder::new(rest);
        let mut member = Vec::new();
        dec.read_to_end(&mut member).unwrap();
        let remaining = dec.into_inner();
        assert!(remaining.len() < rest.len(), "progress");
        rest = remaining;
        out.push(member);
    }
    out
}

fn header<'a>(record: &'a str, name: &str) -> Option<&'a str> {
    let head = record.split("\r\n\r\n").next().unwrap();
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[tokio::test]
async fn export_is_valid_gzip_per_record_warc() {
    let (store, dir) = sqlite_store().await;
    let c = sample_crawl(&store).await;
    let path = dir.path().join("crawl.warc.gz");
    let summary = warc::export(&store, c, std::fs::File::create(&path).unwrap())
        .await
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(summary.bytes, bytes.len() as u64);
    assert_eq!(summary.fetches, 7);
    // warcinfo + hop(req+resp) + page(req+resp) + revisit(req+rev) + challenge(2) + doc(2)
    // + big(2) + head(2) + 7 metadata
    assert_eq!(summary.records, 1 + 2 + 2 + 2 + 2 + 2 + 2 + 2 + 7);
    assert_eq!(
        (summary.responses, summary.revisits, summary.no_response),
        (6, 1, 1)
    );

    let records = members(&bytes);
    assert_eq!(
        records.len() as u64,
        summary.records,
        "one gzip member per record"
    );
    let texts: Vec<String> = records
        .iter()
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect();
    for (r, t) in records.iter().zip(&texts) {
        assert!(t.starts_with("WARC/1.1\r\n"));
        assert!(r.ends_with(b"\r\n\r\n"));
        // Content-Length is exactly the block
        let head_len = t.find("\r\n\r\n").unwrap() + 4;
        let len: usize = header(t, "Content-Length").unwrap().parse().unwrap();
        assert_eq!(head_len + len + 4, r.len());
    }
    assert_eq!(header(&texts[0], "WARC-Type"), Some("warcinfo"));
    let types: Vec<&str> = texts
        .iter()
        .map(|t| header(t, "WARC-Type").unwrap())
        .collect();
    assert_eq!(types.iter().filter(|t| **t == "revisit").count(), 1);
    let revisit = texts
        .iter()
        .find(|t| header(t, "WARC-Type") == Some("revisit"))
        .unwrap();
    assert!(revisit.contains("HTTP/1.1 304 Not Modified"));
    assert!(revisit.contains("server-not-modified"));
    assert_eq!(
        header(revisit, "WARC-Refers-To-Target-URI"),
        Some("http://127.0.0.1:8080/index.html"),
        "points at the response that holds the unchanged body"
    );
    let hop = texts
        .iter()
        .find(|t| t.contains("HTTP/1.1 302 Found"))
        .unwrap();
    assert!(hop.contains("Location: http://127.0.0.1:8080/index.html"));
    let page = texts
        .iter()
        .find(|t| {
            header(t, "WARC-Target-URI") == Some("http://127.0.0.1:8080/index.html")
                && header(t, "WARC-Type") == Some("response")
        })
        .unwrap();
    assert!(page.contains("首页 政务公开"), "raw body bytes kept");
    assert!(
        header(page, "WARC-Payload-Digest")
            .unwrap()
            .starts_with("sha1:")
    );
    let slow = texts
        .iter()
        .find(|t| header(t, "WARC-Target-URI") == Some("http://127.0.0.1:8080/slow"))
        .unwrap();
    assert_eq!(
        header(slow, "WARC-Type"),
        Some("metadata"),
        "a timeout has no response"
    );
    assert!(slow.contains("verification: unverified"));
    let big = texts
        .iter()
        .find(|t| header(t, "WARC-Truncated").is_some())
        .unwrap();
    assert!(
        big.contains("Content-Length: 5000\r\n"),
        "HTTP length is the stored body's"
    );

    // same snapshot, same bytes
    let mut again = Vec::new();
    warc::export(&store, c, &mut again).await.unwrap();
    assert_eq!(again, bytes);
    assert!(matches!(
        warc::export(&store, CrawlId(77), Vec::new()).await,
        Err(StoreError::NoSuchCrawl(_))
    ));

    // the standard tool
    let has_warcio = Command::new("python3")
        .args(["-c", "import warcio"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_warcio {
        eprintln!(
            "skipped warcio check: python3 with warcio is not installed (pip install warcio)"
        );
        return;
    }
    let cli = "import sys; from warcio.cli import main; main(sys.argv[1:])";
    let check = Command::new("python3")
        .args(["-c", cli, "check", "-v", path.to_str().unwrap()])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "warcio check failed:\n{report}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(
        report.matches("digest pass").count(),
        summary.records as usize - 1,
        "{report}"
    );
    let index = Command::new("python3")
        .args([
            "-c",
            cli,
            "index",
            "-f",
            "warc-type,warc-target-uri,http:status,length,offset",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        index.status.success(),
        "{}",
        String::from_utf8_lossy(&index.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&index.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, summary.records);
    let statuses: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["http:status"].as_str())
        .collect();
    for s in ["302", "200", "304", "412"] {
        assert!(statuses.contains(&s), "{s} in {statuses:?}");
    }
    // offsets point at member starts: each one decodes on its own
    for l in &lines {
        let offset: usize = l["offset"].as_str().unwrap().parse().unwrap();
        let mut dec = flate2::read::GzDecoder::new(&bytes[offset..]);
        let mut head = [0u8; 8];
        dec.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"WARC/1.1");
    }
}
