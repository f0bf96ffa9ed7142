//! The done-when of the assessment on the sample portal: crawled over real HTTP on loopback,
//! assessed at the manifest's as-of date, it gives exactly the manifest's findings (ids,
//! statuses, departments) and total. A mismatch lists what was expected and what was found.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::collections::BTreeMap;

use assess::{Decisions, Profile};
use crawl::{CrawlOptions, Crawler};
use store::Store;
use url::Url;

async fn crawl(server: &demo::Server, store: &Store) -> store::CrawlId {
    let mut o = CrawlOptions::new(Url::parse(&format!("{}/", server.base_url())).unwrap());
    o.max_pages = Some(20_000);
    o.fetch.politeness.rate = 0.0;
    o.fetch.politeness.concurrency = 8;
    o.workers = 32;
    let report = Crawler::new(store.clone(), o).unwrap().run().await.unwrap();
    report.crawl
}

/// Crawls the previous version of the site, then the current one (as an office does from one
/// assessment to the next), and assesses the second crawl against the first.
async fn assess_seed(
    seed: u64,
    dir: &std::path::Path,
) -> (demo::Manifest, assess::Assessment, Store) {
    let site = demo::Site::new(seed, 1000);
    let truth = site.truth();
    let store = Store::open(dir.join("demo.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let server = demo::serve(site, "127.0.0.1:0".parse().unwrap()).unwrap();
    server.set_previous(true);
    crawl(&server, &store).await;
    server.set_previous(false);
    let now = crawl(&server, &store).await;
    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let as_of = chrono::NaiveDate::parse_from_str(&truth.as_of, "%Y-%m-%d").unwrap();
    let (profile, decisions) = (Profile::default(), Decisions::default());
    let setup = assess::load::Setup {
        rubric: &rubric,
        rubric_version: "test".into(),
        profile: &profile,
        decisions: &decisions,
        as_of,
        use_history: true,
    };
    let a = assess::load::assess_crawl(&store, now, &setup)
        .await
        .unwrap();
    (truth, a, store)
}

async fn check_seed(seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let (truth, a, store) = assess_seed(seed, dir.path()).await;
    stored_as_a_run(&store, &a).await;
    let expected: BTreeMap<&str, (&str, &str)> = truth
        .findings
        .iter()
        .map(|f| (f.id.as_str(), (f.department.as_str(), f.status.as_str())))
        .collect();
    let found: BTreeMap<&str, (&str, &str)> = a
        .findings
        .iter()
        .map(|f| {
            (
                f.finding.id.as_str(),
                (f.finding.department.as_str(), f.finding.status.as_str()),
            )
        })
        .collect();
    let missed: Vec<String> = expected
        .iter()
        .filter(|(k, v)| found.get(*k) != Some(v))
        .map(|(k, (d, s))| format!("  {k} [{d}, {s}]"))
        .collect();
    let extra: Vec<String> = found
        .iter()
        .filter(|(k, v)| expected.get(*k) != Some(v))
        .map(|(k, (d, s))| {
            let f = a.findings.iter().find(|f| f.finding.id == **k).unwrap();
            format!(
                "  {k} [{d}, {s}, {:.2}] {}",
                f.finding.confidence, f.finding.message
            )
        })
        .collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "seed {seed}: expected but not found (or with another status or department):\n{}\nfound but not expected:\n{}",
        missed.join("\n"),
        extra.join("\n")
    );
    let want = truth.scores.as_ref().unwrap().total;
    assert_eq!(a.total, want, "seed {seed}: total");
}

/// The assessment stored as a run reads back the same; a decision appended to it rescores it
/// through the scoring engine; a published run takes no more decisions.
async fn stored_as_a_run(store: &Store, a: &assess::Assessment) {
    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let id = assess::run::save(store, a, None).await.unwrap();
    let back = assess::run::load(store, id).await.unwrap();
    assert_eq!(
        serde_json::to_string(&back.assessment).unwrap(),
        serde_json::to_string(a).unwrap()
    );
    assert_eq!(
        store.findings(id, None).await.unwrap().len(),
        a.findings.len()
    );
    let victim = a
        .findings
        .iter()
        .find(|f| f.finding.status == rubric::Status::Deducted && f.indicator.starts_with('2'))
        .unwrap();
    let dismiss = rubric::Decision {
        finding: victim.finding.id.clone(),
        action: rubric::Action::Dismiss,
        by: "张三".into(),
        at: "2017-12-21".into(),
        reason: "抓取后已更新".into(),
        department: None,
        deduction: None,
    };
    let after = assess::run::decide(store, id, &rubric, std::slice::from_ref(&dismiss))
        .await
        .unwrap();
    assert_eq!(after.total, a.total + victim.deduction);
    let again = assess::run::load(store, id).await.unwrap().assessment;
    assert_eq!(again.total, after.total);
    assert_eq!(again.decisions, std::slice::from_ref(&dismiss));
    store.publish_run(id).await.unwrap();
    assert!(
        assess::run::decide(store, id, &rubric, &[dismiss])
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_portal_seed_1_gives_the_manifest() {
    check_seed(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_portal_seed_2_gives_the_manifest() {
    check_seed(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_portal_seed_3_gives_the_manifest() {
    check_seed(3).await;
}
