//! Shared test helpers: stores on both backends and realistic records.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use store::*;

/// A fresh SQLite store in a temporary directory (kept alive by the returned guard).
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kaohe.sqlite");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    (store, dir)
}

/// A fresh PostgreSQL store in its own schema, or None (with a message) when
/// KAOHE_TEST_POSTGRES_URL is not set.
pub async fn pg_store(test: &str) -> Option<(Store, String)> {
    let (url, schema) = pg_schema_url(test).await?;
    let store = Store::open(&url).await.unwrap();
    Some((store, schema))
}

/// A new empty schema and the URL whose connections use it: (url, schema).
pub async fn pg_schema_url(test: &str) -> Option<(String, String)> {
    let Ok(base) = std::env::var("KAOHE_TEST_POSTGRES_URL") else {
        eprintln!("skipped {test} on PostgreSQL: KAOHE_TEST_POSTGRES_URL is not set");
        return None;
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let schema = format!(
        "kaohe_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        test.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(30)
            .collect::<String>()
    );
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some((
        format!("{base}{sep}options=-c%20search_path%3D{schema}"),
        schema,
    ))
}

pub async fn drop_schema(schema: &str) {
    use sqlx::Connection;
    let base = std::env::var("KAOHE_TEST_POSTGRES_URL").unwrap();
    let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
}

pub fn at(secs: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap() + chrono::Duration::seconds(secs.into())
}

pub fn new_url(url: &str, depth: u32) -> NewUrl {
    NewUrl {
        url: url.to_string(),
        depth,
        from_fetch: None,
        purpose: Purpose::Crawl,
    }
}

/// A page fetch as the crawler would record it: GBK-declared, with a redirect hop.
pub fn page_fetch(frontier: Option<FrontierId>, url: &str, body: &[u8]) -> FetchRecord {
    FetchRecord {
        frontier,
        url: url.to_string(),
        final_url: format!("{url}index.html"),
        method: "GET".into(),
        request_headers: vec![
            (
                "User-Agent".into(),
                "kaohe/0.1 (+mailto:test@example.org)".into(),
            ),
            ("Accept".into(), "text/html".into()),
        ],
        redirects: vec![RedirectHop {
            url: url.to_string(),
            status: 302,
            location: format!("{url}index.html"),
        }],
        status: Some(200),
        headers: ResponseHeaders {
            content_type: Some("text/html; charset=gbk".into()),
            etag: Some("\"abc-123\"".into()),
            last_modified: Some("Tue, 01 Sep 2026 08:00:00 GMT".into()),
            retry_after: None,
            content_length: Some(body.len().to_string()),
            server: Some("nginx".into()),
            content_disposition: None,
        },
        timing: Timing {
            started_at: at(5),
            connect_ms: Some(3),
            ttfb_ms: Some(12),
            total_ms: Some(40),
        },
        outcome: Outcome::Fetched,
        detail: None,
        encoding: Some(EncodingInfo {
            name: "GBK".into(),
            source: EncodingSource::HttpHeader,
            had_errors: false,
        }),
        body: Some(body.to_vec()),
        body_truncated: false,
        unchanged_hash: None,
        attachment: None,
    }
}

/// A fetch that never got an answer.
pub fn timeout_fetch(frontier: Option<FrontierId>, url: &str) -> FetchRecord {
    FetchRecord {
        frontier,
        url: url.to_string(),
        final_url: url.to_string(),
        method: "GET".into(),
        request_headers: vec![],
        redirects: vec![],
        status: None,
        headers: ResponseHeaders::default(),
        timing: Timing {
            started_at: at(7),
            connect_ms: Some(2),
            ttfb_ms: None,
            total_ms: Some(30_000),
        },
        outcome: Outcome::TimedOut,
        detail: Some("读取超时".into()),
        encoding: None,
        body: None,
        body_truncated: false,
        unchanged_hash: None,
        attachment: None,
    }
}

pub fn link(to: &str, text: &str, kind: LinkKind) -> NewLink {
    NewLink {
        to_url: to.to_string(),
        text: Some(text.to_string()),
        kind,
    }
}
