//! A real portal end to end: the saved 柘城县人民政府 portal (`../shared/portals/zhecheng-gov-2018`,
//! saved by HTTrack on 2018-07-27), served as static files on loopback, crawled, mapped and
//! assessed with the worked example's site profile (docs/examples/zhecheng-2018.profile.toml,
//! explained in docs/assess.md).
//!
//! What a careful assessor would say, and so what kaohe must say: the copy has no 政务服务 hall
//! (its README: the `bsfw` column was not mirrored), so most indicators have no column — that
//! is *needs review* (it may be our mapping), never a deduction; the 重点领域信息公开 columns
//! that carry an indicator's name are found and were fresh on the day the copy was made.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

use assess::load::Setup;
use assess::{Decisions, Profile};
use crawl::{CrawlOptions, Crawler};
use rubric::Status;
use store::Store;
use url::Url;

const PORTAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/portals/zhecheng-gov-2018"
);
const PROFILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/examples/zhecheng-2018.profile.toml"
);

async fn assess_at(
    store: &Store,
    crawl: store::CrawlId,
    profile: &Profile,
    as_of: &str,
) -> assess::Assessment {
    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let decisions = Decisions::default();
    let setup = Setup {
        rubric: &rubric,
        rubric_version: "test".into(),
        profile,
        decisions: &decisions,
        as_of: chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap(),
        use_history: true,
    };
    assess::load::assess_crawl(store, crawl, &setup)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_saved_county_portal_assessed_with_its_profile() {
    if !Path::new(PORTAL).join("index.html").exists() {
        println!("跳过：未找到真实门户副本 {PORTAL}");
        return;
    }
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(PORTAL));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mut opts = CrawlOptions::new(Url::parse(&format!("http://{addr}/index.html")).unwrap());
    opts.max_pages = Some(50_000);
    opts.fetch.politeness.rate = 0.0;
    opts.fetch.politeness.concurrency = 4;
    // The site's attachments point at www.zhecheng.gov.cn: tests never leave loopback.
    opts.check_offsite_attachments = false;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("zc.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let crawl = Crawler::new(store.clone(), opts)
        .unwrap()
        .run()
        .await
        .unwrap()
        .crawl;

    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    // Without a profile: the columns named like an indicator are found by name.
    let plain = assess_at(&store, crawl, &Profile::default(), "2018-07-27").await;
    let placed = |a: &assess::Assessment, ind: &str| {
        a.mapping
            .columns
            .iter()
            .filter(|c| c.indicator.as_deref() == Some(ind))
            .map(|c| c.key.clone())
            .collect::<Vec<_>>()
    };
    for (ind, name) in [
        ("1.1", "教育服务"),
        ("1.2", "医疗卫生"),
        ("1.3", "社会保险"),
        ("1.4", "就业创业"),
        ("3.5", "保障性住房"),
    ] {
        assert_eq!(
            placed(&plain, ind),
            [format!("信息公开 > 重点领域信息公开 > {name}")],
            "{ind}"
        );
    }

    // With the profile: 社会救助 joins 1.3 for 民政局, 社会保险 is 人社局's.
    let profile = Profile::load(Path::new(PROFILE), &rubric).unwrap();
    let a = assess_at(&store, crawl, &profile, "2018-07-27").await;
    let col = |key: &str| a.mapping.columns.iter().find(|c| c.key == key).unwrap();
    assert_eq!(
        col("信息公开 > 重点领域信息公开 > 社会救助")
            .department
            .as_deref(),
        Some("民政局")
    );
    assert_eq!(
        col("信息公开 > 重点领域信息公开 > 社会保险")
            .department
            .as_deref(),
        Some("人社局")
    );

    // On the day the copy was saved nothing is deducted: every column found was updated, and
    // every indicator without a column is a question for the assessor, not a lost point.
    assert_eq!(a.counts.deducted, 0, "{:#?}", a.findings);
    assert_eq!(a.total, rubric::Points::new(100));
    let not_found: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.finding.subject == "栏目未找到")
        .map(|f| f.indicator.as_str())
        .collect();
    assert_eq!(
        not_found,
        [
            "1.10", "1.11", "1.12", "1.5", "1.6", "1.7", "1.8", "1.9", "2.1", "2.2", "2.3", "3.1",
            "3.2", "3.3", "3.4"
        ]
    );
    assert!(
        a.findings
            .iter()
            .all(|f| f.finding.status == Status::NeedsReview)
    );

    // Seventeen months later the same snapshot is stale: columns more than a year old lose
    // their points; none of it is unverified, and every deduction cites its list page.
    let later = assess_at(&store, crawl, &profile, "2019-12-31").await;
    let stale: Vec<&str> = later
        .findings
        .iter()
        .filter(|f| f.finding.status == Status::Deducted)
        .map(|f| f.indicator.as_str())
        .collect();
    assert!(
        stale.contains(&"1.1") && stale.contains(&"1.2"),
        "{stale:?}"
    );
    for f in later
        .findings
        .iter()
        .filter(|f| f.finding.status == Status::Deducted)
    {
        let ev = &f.finding.evidence[0];
        assert!(ev.url.contains("/xxgk/zdly/"), "{}", ev.url);
        assert!(ev.fetch.is_some() && ev.content_hash.is_some() && ev.warc_record.is_some());
    }
    assert!(later.total < rubric::Points::new(100));
}
