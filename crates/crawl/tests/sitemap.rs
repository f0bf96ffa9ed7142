//! Sitemaps seed the crawl: robots.txt names a sitemap index, the index names a gzipped
//! sitemap, and the sitemap names a page no page links to. The orphan is crawled, each step's
//! discoverer is kept (robots.txt → index → sitemap → page), robots.txt still rules what the
//! sitemap lists, and an off-scope `<loc>` is recorded as a link but never fetched.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::io::Write;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use crawl::Crawler;
use store::{LinkKind, Outcome};
use url::Url;

fn html(body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body)
}

async fn serve() -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let robots = format!(
        "User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\nSitemap: http://cdn.example.invalid/sitemap.xml\n"
    );
    let index = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <sitemap><loc>{base}/sitemap-pages.xml.gz</loc></sitemap></sitemapindex>"
    );
    let pages = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <url><loc>{base}/</loc></url>\
         <url><loc>{base}/orphan.html?a=1&amp;b=2</loc><lastmod>2017-12-01</lastmod></url>\
         <url><loc>{base}/private/hidden.html</loc></url>\
         <url><loc>http://elsewhere.example.invalid/page.html</loc></url></urlset>"
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(pages.as_bytes()).unwrap();
    let pages_gz = gz.finish().unwrap();
    let app = Router::new()
        .route("/robots.txt", get(move || async move { robots }))
        .route(
            "/sitemap_index.xml",
            get(move || async move { ([(header::CONTENT_TYPE, "application/xml")], index) }),
        )
        .route(
            "/sitemap-pages.xml.gz",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/octet-stream")],
                    pages_gz,
                )
            }),
        )
        .route(
            "/",
            get(|| async { html("<html><body><a href=\"/a.html\">甲</a></body></html>") }),
        )
        .route(
            "/a.html",
            get(|| async { html("<html><body>甲</body></html>") }),
        )
        .route(
            "/orphan.html",
            get(|| async { html("<html><body>没有网页链接到这里</body></html>") }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Url::parse(&format!("{base}/")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sitemaps_from_robots_txt_reach_orphan_pages() {
    let seed = serve().await;
    let (store, _dir) = common::temp_store().await;
    let opts = common::loopback_options(seed.clone());
    let report = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.pending, 0);
    // the index, the gzipped sitemap, the orphan and the disallowed page came from sitemaps
    // (the home page was already queued; the off-scope page never is)
    assert_eq!(report.progress.from_sitemaps, 4);

    let url = |p: &str| seed.join(p).unwrap().to_string();
    let only = |fetches: Vec<store::StoredFetch>, what: &str| {
        assert_eq!(fetches.len(), 1, "{what} fetched once");
        fetches.into_iter().next().unwrap()
    };
    let robots = only(
        store
            .fetches_of_url(report.crawl, &url("/robots.txt"))
            .await
            .unwrap(),
        "robots.txt",
    );
    let from_robots = store.links_from(robots.id).await.unwrap();
    assert!(
        from_robots
            .iter()
            .all(|l| l.kind == LinkKind::Sitemap && l.text.is_none()),
        "{from_robots:?}"
    );
    assert_eq!(from_robots.len(), 2, "both Sitemap: lines are evidence");

    let index = only(
        store
            .fetches_of_url(report.crawl, &url("/sitemap_index.xml"))
            .await
            .unwrap(),
        "the index",
    );
    let pages_map = only(
        store
            .fetches_of_url(report.crawl, &url("/sitemap-pages.xml.gz"))
            .await
            .unwrap(),
        "the gzipped sitemap",
    );
    let orphan = only(
        store
            .fetches_of_url(report.crawl, &url("/orphan.html?a=1&b=2"))
            .await
            .unwrap(),
        "the orphan page",
    );
    assert_eq!(orphan.outcome, Outcome::Fetched);
    // who found whom: robots.txt → index → sitemap → orphan
    let from_index = store.links_from(index.id).await.unwrap();
    assert_eq!(from_index.len(), 1);
    assert_eq!(from_index[0].to_url, url("/sitemap-pages.xml.gz"));
    let from_map: Vec<String> = store
        .links_from(pages_map.id)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.to_url)
        .collect();
    assert_eq!(
        from_map,
        [
            url("/"),
            url("/orphan.html?a=1&b=2"),
            url("/private/hidden.html"),
            "http://elsewhere.example.invalid/page.html".to_string(),
        ]
    );

    // robots.txt rules what a sitemap lists; off-scope URLs are never fetched
    let hidden = only(
        store
            .fetches_of_url(report.crawl, &url("/private/hidden.html"))
            .await
            .unwrap(),
        "the disallowed page (recorded, not requested)",
    );
    assert_eq!(hidden.outcome, Outcome::RobotsDisallowed);
    assert!(
        store
            .fetches_of_url(report.crawl, "http://elsewhere.example.invalid/page.html")
            .await
            .unwrap()
            .is_empty()
    );
    // the home page is fetched once although both the seed and the sitemap name it
    only(
        store.fetches_of_url(report.crawl, &url("/")).await.unwrap(),
        "the home page",
    );
    store.close().await;
}
