//! Facts once, stored: the crawler reads every page in its fetch tasks and stores the facts
//! with the fetch, tagged with the reader's version; the assessment uses them instead of
//! parsing again; `reread` re-reads the bodies whose facts another reader made.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use assess::load::Setup;
use assess::{Decisions, Profile};
use crawl::{CrawlOptions, Crawler};
use store::{FetchId, Outcome, Store};
use url::Url;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facts_are_stored_with_each_fetch_and_reread_when_the_reader_changes() {
    let site = demo::Site::new(4, 600).without_delays();
    let as_of = site.as_of();
    let server = demo::serve(site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("f.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let mut o = CrawlOptions::new(Url::parse(&format!("{}/", server.base_url())).unwrap());
    o.max_pages = Some(20_000);
    o.fetch.politeness.rate = 0.0;
    o.fetch.politeness.concurrency = 8;
    let crawl = Crawler::new(store.clone(), o)
        .unwrap()
        .run()
        .await
        .unwrap()
        .crawl;

    // Every page the site served has its facts, by this reader; nothing we could not fetch.
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let b = store.fetches_after(crawl, after, 500).await.unwrap();
        let Some(l) = b.last() else { break };
        after = Some(l.id);
        all.extend(b);
    }
    let served: Vec<FetchId> = all
        .iter()
        .filter(|f| f.outcome == Outcome::Fetched)
        .map(|f| f.id)
        .collect();
    let facts = store.facts_of(&served).await.unwrap();
    let with: std::collections::HashSet<FetchId> = facts.iter().map(|f| f.fetch).collect();
    let without: Vec<&str> = all
        .iter()
        .filter(|f| served.contains(&f.id) && !with.contains(&f.id))
        .map(|f| f.url.as_str())
        .collect();
    // robots.txt is recorded as evidence of the rules we followed, not read as a page.
    assert!(
        without.iter().all(|u| u.ends_with("/robots.txt")),
        "{without:?}"
    );
    let without = without.len() as u64;
    assert!(facts.iter().all(|f| f.extractor == extract::VERSION));
    let guides = facts
        .iter()
        .map(|f| serde_json::from_slice::<extract::PageFacts>(&f.json).unwrap())
        .filter(|p| p.kind == extract::Kind::Guide)
        .count();
    assert!(guides > 50, "{guides}");
    let unfetched: Vec<FetchId> = all
        .iter()
        .filter(|f| f.outcome.verification() == store::Verification::Unverified)
        .map(|f| f.id)
        .collect();
    assert!(!unfetched.is_empty());
    assert!(store.facts_of(&unfetched).await.unwrap().is_empty());

    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let (profile, decisions) = (Profile::default(), Decisions::default());
    let setup = Setup {
        rubric: &rubric,
        rubric_version: "test".into(),
        profile: &profile,
        decisions: &decisions,
        as_of,
        use_history: false,
    };
    let before = assess::load::assess_crawl(&store, crawl, &setup)
        .await
        .unwrap();

    // Facts of "another reader": reread reads exactly those pages again, and the assessment
    // is the same.
    for f in facts.iter().take(40) {
        store
            .replace_facts(f.fetch, "extract-old", &f.json)
            .await
            .unwrap();
    }
    let vocab = extract::Vocabulary::from_rubric(&rubric);
    let r = assess::load::reread(&store, crawl, &vocab, false)
        .await
        .unwrap();
    // (and the robots.txt that had none)
    assert_eq!(r.read, 40 + without);
    assert_eq!(r.changed_kind, 0);
    let again = assess::load::reread(&store, crawl, &vocab, false)
        .await
        .unwrap();
    assert_eq!(again.read, 0);
    let after = assess::load::assess_crawl(&store, crawl, &setup)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_string(&before.findings).unwrap(),
        serde_json::to_string(&after.findings).unwrap()
    );
    assert_eq!(before.total, after.total);
}
