//! The store's contract, run against both backends: every test below runs once on a fresh
//! SQLite file and once in a fresh PostgreSQL schema (when KAOHE_TEST_POSTGRES_URL is set;
//! otherwise the PostgreSQL copies print that they skipped and pass).
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod common;

use std::collections::BTreeSet;

use common::*;
use store::*;

macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (store, _dir) = super::sqlite_store().await;
                    assert_eq!(store.backend(), "sqlite");
                    super::$name(&store).await;
                    store.close().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some((store, schema)) = super::pg_store(stringify!($name)).await else {
                        return;
                    };
                    assert_eq!(store.backend(), "postgres");
                    super::$name(&store).await;
                    store.close().await;
                    super::drop_schema(&schema).await;
                }
            )*
        }
    };
}

contract_tests!(
    crawl_life_cycle,
    enqueue_stores_each_url_once,
    claim_is_breadth_first_and_exclusive,
    concurrent_claimers_never_share_a_row,
    record_round_trips_every_field,
    record_is_all_or_nothing,
    a_frontier_row_is_recorded_once,
    bodies_are_deduplicated_by_hash,
    resume_hands_back_only_unrecorded_rows,
    validators_come_from_earlier_crawls,
    unverified_outcomes_are_kept_as_such,
    paging_streams_a_whole_crawl,
    concurrent_records_all_land,
    record_batch_is_one_transaction,
    a_large_shuffled_batch_keeps_each_fetch_with_its_own_rows,
    concurrent_batches_sharing_urls_and_bodies_do_not_deadlock,
    runs_keep_their_findings_and_an_append_only_decision_log,
    accounts_sessions_answers_and_jobs,
    facts_are_stored_with_their_fetch_and_replaced_by_a_new_reader,
);

async fn facts_are_stored_with_their_fetch_and_replaced_by_a_new_reader(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let urls: Vec<NewUrl> = (0..3)
        .map(|i| new_url(&format!("http://s/{i}.html"), 0))
        .collect();
    store.enqueue(c, &urls).await.unwrap();
    let items = store.claim(c, 3).await.unwrap();
    // Two of three records carry facts; all three go in one batch.
    let mut batch = Vec::new();
    for (k, it) in items.iter().enumerate() {
        let rec = PreparedRecord::new(
            page_fetch(Some(it.id), &it.url, format!("<p>{k}</p>").as_bytes()),
            vec![],
            vec![],
        )
        .unwrap();
        batch.push(if k < 2 {
            rec.with_facts(
                "extract-a",
                format!("{{\"kind\":\"list\",\"k\":{k}}}").as_bytes(),
            )
            .unwrap()
        } else {
            rec
        });
    }
    let ids = store.record_prepared(c, &batch).await.unwrap();
    let mut got = store.facts_of(&ids).await.unwrap();
    got.sort_by_key(|f| f.fetch);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].extractor, "extract-a");
    let mut want: Vec<String> = (0..2)
        .map(|k| format!("{{\"kind\":\"list\",\"k\":{k}}}"))
        .collect();
    let mut read: Vec<String> = got
        .iter()
        .map(|f| String::from_utf8(f.json.clone()).unwrap())
        .collect();
    want.sort();
    read.sort();
    assert_eq!(read, want);
    // A new reader's facts replace the old and fill the missing one.
    for id in &ids {
        store
            .replace_facts(*id, "extract-b", b"{\"kind\":\"other\"}")
            .await
            .unwrap();
    }
    let got = store.facts_of(&ids).await.unwrap();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter()
            .all(|f| f.extractor == "extract-b" && f.json == b"{\"kind\":\"other\"}")
    );
    assert!(
        store
            .facts_of(&[FetchId(999_999)])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn runs_keep_their_findings_and_an_append_only_decision_log(store: &Store) {
    let crawl = store
        .create_crawl("http://127.0.0.1:8080/", &serde_json::json!({}))
        .await
        .unwrap();
    // A few thousand findings, in several multi-row statements, land with their run.
    let findings: Vec<FindingRow> = (0..1234)
        .map(|i| FindingRow {
            id: format!("1.{}/elements:/g/{i}.html#办理时间", i % 12 + 1),
            rule: format!("1.{}/elements", i % 12 + 1),
            indicator: format!("1.{}", i % 12 + 1),
            department: if i % 3 == 0 { "教育局" } else { "公安局" }.into(),
            status: ["deducted", "needs_review", "unverified"][i % 3].into(),
            deduction_hundredths: 100,
            confidence: 0.95,
            body: format!("{{\"id\":{i}}}"),
        })
        .collect();
    let new = NewRun {
        crawl,
        history_crawl: None,
        rubric_id: "leiyang-2017".into(),
        rubric_version: "b97da7c72bbe".into(),
        as_of: "2017-12-20".into(),
        extractor: "kaohe-extract test".into(),
        profile: Some("[portal]\nname = \"耒阳\"\n".into()),
        total_hundredths: 6700,
        assessment: "{\"total\":67}".into(),
        findings: findings.clone(),
    };
    let run = store.create_run(&new).await.unwrap();
    let got = store.run(run).await.unwrap().unwrap();
    assert_eq!(got.crawl, crawl);
    assert_eq!(got.state, RunState::Draft);
    assert_eq!(got.as_of, "2017-12-20");
    assert_eq!(got.profile, new.profile);
    assert_eq!(got.assessment, new.assessment);
    assert_eq!(store.list_runs(Some(crawl)).await.unwrap().len(), 1);
    assert_eq!(store.list_runs(None).await.unwrap()[0].id, run);
    assert!(store.run(RunId(run.0 + 100)).await.unwrap().is_none());

    let all = store.findings(run, None).await.unwrap();
    assert_eq!(all.len(), 1234);
    let mut want = findings.clone();
    want.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(all, want);
    // One department sees only its own.
    let edu = store.findings(run, Some("教育局")).await.unwrap();
    assert_eq!(edu.len(), 412);
    assert!(edu.iter().all(|f| f.department == "教育局"));

    // Decisions are appended in order, and the run's result is replaced with them.
    let d = |n: &str, action: &str| DecisionRow {
        finding: n.into(),
        action: action.into(),
        by: "张三".into(),
        at: "2017-12-21T10:00:00+08:00".into(),
        reason: "人工核实".into(),
        body: format!("{{\"finding\":\"{n}\"}}"),
    };
    store
        .add_decisions(run, &[d("a", "dismiss")], 6900, "{\"total\":69}")
        .await
        .unwrap();
    store
        .add_decisions(
            run,
            &[d("b", "confirm"), d("a", "confirm")],
            6700,
            "{\"total\":67}",
        )
        .await
        .unwrap();
    let log = store.decisions(run).await.unwrap();
    let order: Vec<(&str, &str)> = log
        .iter()
        .map(|x| (x.finding.as_str(), x.action.as_str()))
        .collect();
    assert_eq!(
        order,
        [("a", "dismiss"), ("b", "confirm"), ("a", "confirm")]
    );
    let got = store.run(run).await.unwrap().unwrap();
    assert_eq!(
        (got.total_hundredths, got.assessment.as_str()),
        (6700, "{\"total\":67}")
    );

    // Published: frozen.
    store.publish_run(run).await.unwrap();
    let err = store
        .add_decisions(run, &[d("c", "dismiss")], 0, "{}")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::RunPublished(r) if r == run),
        "{err}"
    );
    assert_eq!(store.decisions(run).await.unwrap().len(), 3);
    assert!(matches!(
        store.add_decisions(RunId(run.0 + 100), &[], 0, "{}").await,
        Err(StoreError::NoSuchRun(_))
    ));
}

async fn crawl_life_cycle(store: &Store) {
    let config = serde_json::json!({"max_pages": 100, "rate": 2.0, "scope": ["www.zc.gov.cn"]});
    let seed = "http://127.0.0.1:8080/";
    let a = store.create_crawl(seed, &config).await.unwrap();
    assert!(!store.has_other_crawls(a).await.unwrap(), "a is alone");
    let b = store
        .create_crawl("http://other/", &serde_json::json!({}))
        .await
        .unwrap();
    assert_ne!(a, b);

    let crawl = store.crawl(a).await.unwrap().unwrap();
    assert_eq!(crawl.seed_url, seed);
    assert_eq!(crawl.config, config);
    assert_eq!(crawl.state, CrawlState::Running);
    assert!(crawl.finished_at.is_none());
    assert_eq!(store.find_resumable(seed).await.unwrap(), Some(a));

    store.finish_crawl(a, CrawlState::Finished).await.unwrap();
    let crawl = store.crawl(a).await.unwrap().unwrap();
    assert_eq!(crawl.state, CrawlState::Finished);
    assert!(crawl.finished_at.unwrap() >= crawl.started_at);
    assert_eq!(store.find_resumable(seed).await.unwrap(), None);

    // resume reopens even a finished crawl
    assert_eq!(store.resume(a).await.unwrap(), 0);
    assert_eq!(store.find_resumable(seed).await.unwrap(), Some(a));

    assert!(store.crawl(CrawlId(9_999)).await.unwrap().is_none());
    assert!(store.has_other_crawls(a).await.unwrap(), "b is there");
    assert!(matches!(
        store
            .finish_crawl(CrawlId(9_999), CrawlState::Aborted)
            .await,
        Err(StoreError::NoSuchCrawl(_))
    ));

    let list = store.list_crawls().await.unwrap();
    assert_eq!(
        list.iter().map(|s| s.crawl.id).collect::<Vec<_>>(),
        vec![a, b]
    );
}

async fn enqueue_stores_each_url_once(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let other = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let urls = [
        new_url("http://s/", 0),
        new_url("http://s/a", 1),
        new_url("http://s/a", 1),
    ];
    assert_eq!(
        store.enqueue(c, &urls).await.unwrap(),
        2,
        "a duplicate within one batch"
    );
    assert_eq!(
        store
            .enqueue(c, &[new_url("http://s/a", 3), new_url("http://s/b", 1)])
            .await
            .unwrap(),
        1,
        "a URL already queued is not queued again, whatever its depth"
    );
    assert_eq!(store.frontier_counts(c).await.unwrap(), (3, 0, 0));
    // another crawl has its own frontier
    assert_eq!(
        store
            .enqueue(other, &[new_url("http://s/a", 1)])
            .await
            .unwrap(),
        1
    );
    // a URL already done is not re-queued either
    let item = store.claim(c, 1).await.unwrap().remove(0);
    store
        .record(c, &timeout_fetch(Some(item.id), &item.url), &[], &[])
        .await
        .unwrap();
    assert_eq!(store.enqueue(c, &[new_url(&item.url, 0)]).await.unwrap(), 0);
    assert_eq!(store.frontier_counts(c).await.unwrap(), (2, 0, 1));
    assert_eq!(store.enqueue(c, &[]).await.unwrap(), 0);
}

async fn claim_is_breadth_first_and_exclusive(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    store
        .enqueue(
            c,
            &[
                new_url("http://s/d2", 2),
                new_url("http://s/d1a", 1),
                new_url("http://s/d0", 0),
            ],
        )
        .await
        .unwrap();
    store
        .enqueue(
            c,
            &[NewUrl {
                url: "http://x/f.doc".into(),
                depth: 1,
                from_fetch: None,
                purpose: Purpose::Check,
            }],
        )
        .await
        .unwrap();
    let first = store.claim(c, 2).await.unwrap();
    assert_eq!(
        first.iter().map(|i| i.url.as_str()).collect::<Vec<_>>(),
        vec!["http://s/d0", "http://s/d1a"]
    );
    let rest = store.claim(c, 10).await.unwrap();
    assert_eq!(
        rest.iter()
            .map(|i| (i.url.as_str(), i.purpose))
            .collect::<Vec<_>>(),
        vec![
            ("http://x/f.doc", Purpose::Check),
            ("http://s/d2", Purpose::Crawl)
        ]
    );
    assert!(store.claim(c, 10).await.unwrap().is_empty());
    assert_eq!(store.frontier_counts(c).await.unwrap(), (0, 4, 0));
    store.release(c, rest[1].id).await.unwrap();
    let again = store.claim(c, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].url, "http://s/d2");
}

async fn concurrent_claimers_never_share_a_row(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let urls: Vec<NewUrl> = (0..200)
        .map(|i| new_url(&format!("http://s/p{i}"), i % 3))
        .collect();
    assert_eq!(store.enqueue(c, &urls).await.unwrap(), 200);
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store.claim(c, 7).await.unwrap();
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch.into_iter().map(|i| i.url));
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let distinct: BTreeSet<_> = all.iter().cloned().collect();
    assert_eq!(all.len(), 200, "every row handed out exactly once");
    assert_eq!(distinct.len(), 200);
}

async fn record_round_trips_every_field(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    store.enqueue(c, &[new_url("http://s/", 0)]).await.unwrap();
    let item = store.claim(c, 1).await.unwrap().remove(0);
    // GBK bytes of "政务公开" plus filler: the store keeps raw bytes, whatever the charset.
    let mut body = vec![0xd5, 0xfe, 0xce, 0xf1, 0xb9, 0xab, 0xbf, 0xaa];
    body.extend(std::iter::repeat_n(b'x', 300_000));
    let mut rec = page_fetch(Some(item.id), "http://s/", &body);
    rec.attachment = Some(AttachmentCheck {
        declared_type: Some("application/msword".into()),
        magic_type: Some("application/x-ole-storage".into()),
        size: 300_008,
        verdict: AttachmentVerdict::Ok,
    });
    rec.headers.content_disposition = Some("attachment; filename=\"a.doc\"".into());
    rec.detail = Some("详情：正常".into());
    let links = [
        link("http://s/zwgk/", "政务公开", LinkKind::Anchor),
        link("http://s/f/表格.doc", "下载申请表", LinkKind::Attachment),
        NewLink {
            to_url: "http://s/a.css".into(),
            text: None,
            kind: LinkKind::Stylesheet,
        },
    ];
    let found = [
        new_url("http://s/zwgk/", 1),
        new_url("http://s/f/表格.doc", 1),
    ];
    let id = store.record(c, &rec, &links, &found).await.unwrap();

    let got = store.fetch(id).await.unwrap().unwrap();
    assert_eq!(got.id, id);
    assert_eq!(got.crawl, c);
    assert_eq!(got.frontier, Some(item.id));
    assert_eq!(got.url, rec.url);
    assert_eq!(got.final_url, rec.final_url);
    assert_eq!(got.method, "GET");
    assert_eq!(got.request_headers, rec.request_headers);
    assert_eq!(got.redirects, rec.redirects);
    assert_eq!(got.status, Some(200));
    assert_eq!(got.headers, rec.headers);
    assert_eq!(got.timing, rec.timing);
    assert_eq!(got.outcome, Outcome::Fetched);
    assert_eq!(got.detail, rec.detail);
    assert_eq!(got.encoding, rec.encoding);
    assert_eq!(
        got.body_hash.as_deref(),
        Some(store::body::sha256_hex(&body).as_str())
    );
    assert_eq!(got.body_size, Some(body.len() as u64));
    assert!(!got.body_truncated);
    assert_eq!(got.attachment, rec.attachment);
    assert_eq!(
        store.body(got.body_hash.as_deref().unwrap()).await.unwrap(),
        Some(body.clone())
    );
    assert_eq!(store.body(&"0".repeat(64)).await.unwrap(), None);

    let stored_links = store.links_from(id).await.unwrap();
    assert_eq!(
        stored_links
            .iter()
            .map(|l| (l.to_url.as_str(), l.text.as_deref(), l.kind))
            .collect::<Vec<_>>(),
        vec![
            ("http://s/zwgk/", Some("政务公开"), LinkKind::Anchor),
            (
                "http://s/f/表格.doc",
                Some("下载申请表"),
                LinkKind::Attachment
            ),
            ("http://s/a.css", None, LinkKind::Stylesheet),
        ]
    );
    assert_eq!(store.frontier_counts(c).await.unwrap(), (2, 0, 1));
    let next = store.claim(c, 10).await.unwrap();
    assert_eq!(next.len(), 2);
    assert!(
        next.iter()
            .all(|i| i.from_fetch == Some(id) && i.depth == 1)
    );

    let by_url = store
        .fetches_of_url(c, "http://s/index.html")
        .await
        .unwrap();
    assert_eq!(by_url.len(), 1, "found by final URL too");
    let (n, raw, stored) = store.body_stats().await.unwrap();
    assert_eq!((n, raw), (1, body.len() as u64));
    assert!(stored < raw / 10, "compressed: {stored} of {raw}");
}

async fn record_is_all_or_nothing(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    store.enqueue(c, &[new_url("http://s/", 0)]).await.unwrap();
    let item = store.claim(c, 1).await.unwrap().remove(0);
    let first = store
        .record(c, &timeout_fetch(Some(item.id), &item.url), &[], &[])
        .await
        .unwrap();
    // Recording the same (now done) row again: the frontier update, the last statement of
    // the transaction, refuses after body, fetch, attachment, links and new URLs were
    // written inside it. None of them may remain.
    let body = b"<html>a body nobody else has</html>";
    let mut rec = page_fetch(Some(item.id), "http://s/", body);
    rec.attachment = Some(AttachmentCheck {
        declared_type: None,
        magic_type: None,
        size: 1,
        verdict: AttachmentVerdict::Broken,
    });
    let err = store
        .record(
            c,
            &rec,
            &[link("http://s/x", "x", LinkKind::Anchor)],
            &[new_url("http://s/x", 1)],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOpen { .. }), "{err}");
    assert!(err.to_string().contains("未写入"));
    let fetches = store.fetches_after(c, None, 10).await.unwrap();
    assert_eq!(
        fetches.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![first]
    );
    assert_eq!(
        store.body(&store::body::sha256_hex(body)).await.unwrap(),
        None
    );
    assert_eq!(store.body_stats().await.unwrap().0, 0);
    assert_eq!(
        store.frontier_counts(c).await.unwrap(),
        (0, 0, 1),
        "http://s/x not queued"
    );
    // a row that does not exist is refused too (by the foreign key or the update)
    let ghost = page_fetch(Some(FrontierId(999_999)), "http://s/", body);
    assert!(store.record(c, &ghost, &[], &[]).await.is_err());
    assert_eq!(store.body_stats().await.unwrap().0, 0);
}

async fn a_frontier_row_is_recorded_once(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let other = store
        .create_crawl("http://t/", &serde_json::json!({}))
        .await
        .unwrap();
    store.enqueue(c, &[new_url("http://s/", 0)]).await.unwrap();
    let item = store.claim(c, 1).await.unwrap().remove(0);
    let rec = timeout_fetch(Some(item.id), &item.url);
    assert!(matches!(
        store.record(other, &rec, &[], &[]).await,
        Err(StoreError::NotOpen { .. })
    ));
    store.record(c, &rec, &[], &[]).await.unwrap();
    assert!(matches!(
        store.record(c, &rec, &[], &[]).await,
        Err(StoreError::NotOpen { .. })
    ));
    assert_eq!(store.fetches_after(c, None, 10).await.unwrap().len(), 1);
    // fetches outside the frontier (robots.txt) are always accepted
    store
        .record(c, &timeout_fetch(None, "http://s/robots.txt"), &[], &[])
        .await
        .unwrap();
    assert_eq!(store.fetches_after(c, None, 10).await.unwrap().len(), 2);
}

async fn bodies_are_deduplicated_by_hash(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let page = "<html><body>页面不存在</body></html>".as_bytes();
    let a = store
        .record(c, &page_fetch(None, "http://s/a", page), &[], &[])
        .await
        .unwrap();
    let b = store
        .record(c, &page_fetch(None, "http://s/b", page), &[], &[])
        .await
        .unwrap();
    let other = store
        .record(c, &page_fetch(None, "http://s/c", b"other"), &[], &[])
        .await
        .unwrap();
    let fa = store.fetch(a).await.unwrap().unwrap();
    let fb = store.fetch(b).await.unwrap().unwrap();
    let fo = store.fetch(other).await.unwrap().unwrap();
    assert_eq!(fa.body_hash, fb.body_hash);
    assert_ne!(fa.body_hash, fo.body_hash);
    let (n, raw, _) = store.body_stats().await.unwrap();
    assert_eq!(n, 2, "two distinct bodies for three fetches");
    assert_eq!(raw, (page.len() + 5) as u64);
    // the same body concurrently from many tasks: still one row, no error
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let rec = page_fetch(None, &format!("http://s/same{i}"), b"same bytes everywhere");
            store.record(c, &rec, &[], &[]).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(store.body_stats().await.unwrap().0, 3);
}

async fn resume_hands_back_only_unrecorded_rows(store: &Store) {
    let seed = "http://s/";
    let c = store
        .create_crawl(seed, &serde_json::json!({}))
        .await
        .unwrap();
    let urls: Vec<NewUrl> = (0..5)
        .map(|i| new_url(&format!("http://s/{i}"), 0))
        .collect();
    store.enqueue(c, &urls).await.unwrap();
    let claimed = store.claim(c, 3).await.unwrap();
    let done = store
        .record(
            c,
            &page_fetch(Some(claimed[0].id), &claimed[0].url, b"x"),
            &[],
            &[],
        )
        .await
        .unwrap();
    // "the process dies here": claimed[1] and claimed[2] are in progress
    assert_eq!(store.frontier_counts(c).await.unwrap(), (2, 2, 1));
    assert_eq!(store.find_resumable(seed).await.unwrap(), Some(c));
    assert_eq!(store.resume(c).await.unwrap(), 2);
    assert_eq!(store.frontier_counts(c).await.unwrap(), (4, 0, 1));
    let again: BTreeSet<String> = store
        .claim(c, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.url)
        .collect();
    assert_eq!(again.len(), 4);
    assert!(
        !again.contains(&claimed[0].url),
        "recorded row is not handed out again"
    );
    assert!(store.fetch(done).await.unwrap().is_some());
}

async fn validators_come_from_earlier_crawls(store: &Store) {
    let url = "http://s/zwgk/";
    assert!(store.previous_fetch(url).await.unwrap().is_none());
    let first = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let body = b"<html>v1</html>";
    let f1 = store
        .record(first, &page_fetch(None, url, body), &[], &[])
        .await
        .unwrap();
    // a later failure does not erase the validators
    store
        .record(first, &timeout_fetch(None, url), &[], &[])
        .await
        .unwrap();
    store
        .finish_crawl(first, CrawlState::Finished)
        .await
        .unwrap();

    let second = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let v = store.previous_fetch(url).await.unwrap().unwrap();
    assert_eq!(v.fetch, f1);
    assert_eq!(v.crawl, first);
    assert_eq!(v.validators.etag.as_deref(), Some("\"abc-123\""));
    assert_eq!(
        v.validators.last_modified.as_deref(),
        Some("Tue, 01 Sep 2026 08:00:00 GMT")
    );
    assert_eq!(
        v.body_hash.as_deref(),
        Some(store::body::sha256_hex(body).as_str())
    );

    let mut revisit = page_fetch(None, url, b"");
    revisit.status = Some(304);
    revisit.outcome = Outcome::NotModified;
    revisit.body = None;
    revisit.unchanged_hash = v.body_hash.clone();
    let f2 = store.record(second, &revisit, &[], &[]).await.unwrap();
    let v2 = store.previous_fetch(url).await.unwrap().unwrap();
    assert_eq!((v2.fetch, v2.crawl), (f2, second));
    assert_eq!(
        v2.body_hash, v.body_hash,
        "304 keeps pointing at the unchanged body"
    );
    let stored = store.fetch(f2).await.unwrap().unwrap();
    assert_eq!(stored.outcome, Outcome::NotModified);
    assert_eq!(stored.body_size, None);
    assert_eq!(
        store
            .body(stored.body_hash.as_deref().unwrap())
            .await
            .unwrap()
            .unwrap(),
        body
    );
}

async fn unverified_outcomes_are_kept_as_such(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let urls: Vec<NewUrl> = (0..Outcome::ALL.len())
        .map(|i| new_url(&format!("http://s/{i}"), 0))
        .chain(std::iter::once(new_url("http://s/late", 0)))
        .collect();
    store.enqueue(c, &urls).await.unwrap();
    let items = store.claim(c, urls.len() as u32).await.unwrap();
    let item = |url: &str| items.iter().find(|it| it.url == url).unwrap().id;
    for (i, outcome) in Outcome::ALL.iter().enumerate() {
        let url = format!("http://s/{i}");
        let mut rec = timeout_fetch(Some(item(&url)), &url);
        rec.outcome = *outcome;
        if *outcome == Outcome::Challenged {
            rec.status = Some(412);
        }
        store.record(c, &rec, &[], &[]).await.unwrap();
    }
    let mut extra = timeout_fetch(Some(item("http://s/late")), "http://s/late");
    extra.outcome = Outcome::Challenged;
    store.record(c, &extra, &[], &[]).await.unwrap();
    // A robots.txt fetch (no frontier row) is the rules, not a page: not counted.
    let robots = timeout_fetch(None, "http://s/robots.txt");
    store.record(c, &robots, &[], &[]).await.unwrap();
    let counts = store.outcome_counts(c).await.unwrap();
    assert_eq!(counts.len(), Outcome::ALL.len());
    assert_eq!(
        counts.iter().map(|(_, n)| n).sum::<u64>(),
        Outcome::ALL.len() as u64 + 1
    );
    assert!(counts.contains(&(Outcome::Challenged, 2)));
    assert_eq!(
        counts.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
        Outcome::ALL.to_vec(),
        "in the enum's order"
    );
    let all = store.fetches_after(c, None, 100).await.unwrap();
    let challenged = all
        .iter()
        .find(|f| f.outcome == Outcome::Challenged)
        .unwrap();
    assert_eq!(challenged.status, Some(412));
    assert_eq!(challenged.outcome.verification(), Verification::Unverified);
    for f in &all {
        let expect = matches!(
            f.outcome,
            Outcome::Challenged
                | Outcome::TimedOut
                | Outcome::Refused
                | Outcome::NetworkError
                | Outcome::RobotsDisallowed
                | Outcome::RobotsUnknown
                | Outcome::TooLarge
                | Outcome::RateLimited
                | Outcome::Skipped
        );
        assert_eq!(
            f.outcome.verification() == Verification::Unverified,
            expect,
            "{}",
            f.outcome
        );
    }
}

async fn paging_streams_a_whole_crawl(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let noise = store
        .create_crawl("http://n/", &serde_json::json!({}))
        .await
        .unwrap();
    for i in 0..7 {
        store
            .record(c, &timeout_fetch(None, &format!("http://s/{i}")), &[], &[])
            .await
            .unwrap();
        store
            .record(noise, &timeout_fetch(None, "http://n/"), &[], &[])
            .await
            .unwrap();
    }
    let mut after = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = store.fetches_after(c, after, 3).await.unwrap();
        if page.is_empty() {
            break;
        }
        pages += 1;
        assert!(page.len() <= 3);
        after = page.last().map(|f| f.id);
        seen.extend(page.into_iter().map(|f| f.url));
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        (0..7).map(|i| format!("http://s/{i}")).collect::<Vec<_>>()
    );
    let list = store.list_crawls().await.unwrap();
    assert_eq!(list[0].fetches, 7);
    assert_eq!(list[1].fetches, 7);
}

async fn concurrent_records_all_land(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let urls: Vec<NewUrl> = (0..40)
        .map(|i| new_url(&format!("http://s/{i}"), 0))
        .collect();
    store.enqueue(c, &urls).await.unwrap();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            loop {
                let items = store.claim(c, 2).await.unwrap();
                if items.is_empty() {
                    return n;
                }
                for item in items {
                    let body = format!("<html>{} by {w}</html>", item.url);
                    let links = [link(
                        &format!("{}/child", item.url),
                        "子页",
                        LinkKind::Anchor,
                    )];
                    // seeds find one child each; children find nothing new
                    let found: Vec<NewUrl> = if item.depth == 0 {
                        vec![new_url(&format!("{}/child", item.url), 1)]
                    } else {
                        vec![]
                    };
                    store
                        .record(
                            c,
                            &page_fetch(Some(item.id), &item.url, body.as_bytes()),
                            &links,
                            &found,
                        )
                        .await
                        .unwrap();
                    n += 1;
                }
            }
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    // 40 seeds + 40 children, each recorded exactly once
    assert_eq!(total, 80);
    assert_eq!(store.frontier_counts(c).await.unwrap(), (0, 0, 80));
    let summary = store.list_crawls().await.unwrap().remove(0);
    assert_eq!((summary.fetches, summary.done), (80, 80));
}

async fn record_batch_is_one_transaction(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let urls: Vec<NewUrl> = (0..5)
        .map(|i| new_url(&format!("http://s/{i}"), 0))
        .collect();
    store.enqueue(c, &urls).await.unwrap();
    let items = store.claim(c, 5).await.unwrap();
    assert!(store.record_batch(c, &[]).await.unwrap().is_empty());

    // three fetches, two with the same (new) body, each with links and a child
    let batch: Vec<(FetchRecord, Vec<NewLink>, Vec<NewUrl>)> = items[..3]
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let body = if n < 2 {
                "同一正文".to_string()
            } else {
                format!("正文 {n}")
            };
            let child = format!("{}/c", item.url);
            (
                page_fetch(Some(item.id), &item.url, body.as_bytes()),
                vec![link(&child, "子页", LinkKind::Anchor)],
                vec![new_url(&child, 1)],
            )
        })
        .collect();
    let ids = store.record_batch(c, &batch).await.unwrap();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in batch order");
    for (id, (rec, _, _)) in ids.iter().zip(&batch) {
        let f = store.fetch(*id).await.unwrap().unwrap();
        assert_eq!(f.url, rec.url);
        assert_eq!(store.links_from(*id).await.unwrap().len(), 1);
    }
    assert_eq!(
        store.body_stats().await.unwrap().0,
        2,
        "deduplicated inside the batch too"
    );
    assert_eq!(store.frontier_counts(c).await.unwrap(), (3, 2, 3));

    // a batch whose last item is refused leaves nothing of the items before it
    let fresh = page_fetch(Some(items[3].id), &items[3].url, b"only in a failed batch");
    let again = page_fetch(Some(items[0].id), &items[0].url, b"x"); // already done
    let bad = vec![
        (
            fresh,
            vec![link("http://s/z", "z", LinkKind::Anchor)],
            vec![new_url("http://s/z", 1)],
        ),
        (again, vec![], vec![]),
    ];
    assert!(matches!(
        store.record_batch(c, &bad).await,
        Err(StoreError::NotOpen { .. })
    ));
    // the same open row twice in one batch: refused too, nothing written
    let twice = vec![
        (
            page_fetch(Some(items[3].id), &items[3].url, b"first"),
            vec![],
            vec![],
        ),
        (
            page_fetch(Some(items[3].id), &items[3].url, b"second"),
            vec![],
            vec![],
        ),
    ];
    assert!(matches!(
        store.record_batch(c, &twice).await,
        Err(StoreError::NotOpen { frontier, .. }) if frontier == items[3].id
    ));
    assert_eq!(store.fetches_after(c, None, 100).await.unwrap().len(), 3);
    assert_eq!(store.body_stats().await.unwrap().0, 2);
    assert_eq!(
        store.frontier_counts(c).await.unwrap(),
        (3, 2, 3),
        "http://s/z not queued"
    );
}

async fn concurrent_batches_sharing_urls_and_bodies_do_not_deadlock(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let seeds: Vec<NewUrl> = (0..64)
        .map(|i| new_url(&format!("http://s/{i}"), 0))
        .collect();
    store.enqueue(c, &seeds).await.unwrap();
    // every page links to the same 40 URLs and half the pages carry the same few bodies, each
    // task in its own order: without one global write order, PostgreSQL would deadlock
    let shared: Vec<String> = (0..40).map(|i| format!("http://s/shared/{i}")).collect();
    let mut tasks = Vec::new();
    for t in 0..8usize {
        let (store, shared) = (store.clone(), shared.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            loop {
                let items = store.claim(c, 4).await.unwrap();
                if items.is_empty() {
                    return n;
                }
                let batch: Vec<_> = items
                    .iter()
                    .enumerate()
                    .map(|(k, item)| {
                        let mut urls = shared.clone();
                        urls.rotate_left((t * 5 + k) % 40);
                        if t % 2 == 1 {
                            urls.reverse();
                        }
                        let body = format!("页面不存在 {}", (t + k) % 3);
                        (
                            page_fetch(Some(item.id), &item.url, body.as_bytes()),
                            vec![],
                            urls.iter().map(|u| new_url(u, 1)).collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                n += store.record_batch(c, &batch).await.unwrap().len();
            }
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(
        total,
        64 + 40,
        "the shared URLs were claimed and recorded too"
    );
    assert_eq!(store.frontier_counts(c).await.unwrap(), (0, 0, 104));
    assert_eq!(store.body_stats().await.unwrap().0, 3);
}

/// A batch longer than one multi-row statement, in no particular frontier order, with an
/// attachment check on some: each returned id must be the fetch of the item at its position,
/// carrying that item's links, attachment check and discovered URL.
async fn a_large_shuffled_batch_keeps_each_fetch_with_its_own_rows(store: &Store) {
    let c = store
        .create_crawl("http://s/", &serde_json::json!({}))
        .await
        .unwrap();
    let urls: Vec<NewUrl> = (0..150)
        .map(|i| new_url(&format!("http://s/p{i}"), 0))
        .collect();
    store.enqueue(c, &urls).await.unwrap();
    let mut items = store.claim(c, 150).await.unwrap();
    assert_eq!(items.len(), 150);
    // out of frontier order: reversed, then rotated
    items.reverse();
    items.rotate_left(61);
    let batch: Vec<PreparedRecord> = items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let mut rec = page_fetch(Some(item.id), &item.url, format!("正文 {n}").as_bytes());
            if n % 7 == 0 {
                rec.attachment = Some(AttachmentCheck {
                    declared_type: Some("application/msword".into()),
                    magic_type: Some("application/x-ole-storage".into()),
                    size: n as u64,
                    verdict: AttachmentVerdict::Ok,
                });
            }
            let child = format!("{}/c", item.url);
            PreparedRecord::new(
                rec,
                vec![link(&child, &format!("子页 {n}"), LinkKind::Anchor)],
                vec![new_url(&child, 1)],
            )
            .unwrap()
        })
        .collect();
    let ids = store.record_prepared(c, &batch).await.unwrap();
    assert_eq!(ids.len(), items.len());
    for (n, (id, item)) in ids.iter().zip(&items).enumerate() {
        let f = store.fetch(*id).await.unwrap().unwrap();
        assert_eq!(f.url, item.url, "position {n}");
        assert_eq!(f.frontier, Some(item.id));
        assert_eq!(
            f.attachment.map(|a| a.size),
            (n % 7 == 0).then_some(n as u64),
            "attachment check of position {n}"
        );
        let links = store.links_from(*id).await.unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].to_url, format!("{}/c", item.url));
        assert_eq!(links[0].text.as_deref(), Some(format!("子页 {n}").as_str()));
        let body = store.body(f.body_hash.as_deref().unwrap()).await.unwrap();
        assert_eq!(body.unwrap(), format!("正文 {n}").into_bytes());
    }
    let children = store.claim(c, 1000).await.unwrap();
    assert_eq!(children.len(), 150);
    for child in &children {
        let parent = child.from_fetch.unwrap();
        let f = store.fetch(parent).await.unwrap().unwrap();
        assert_eq!(
            child.url,
            format!("{}/c", f.url),
            "discovered by its own page"
        );
    }
}

async fn accounts_sessions_answers_and_jobs(store: &Store) {
    let new = |login: &str, role: Role, dept: Option<&str>| NewUser {
        login: login.into(),
        display_name: format!("{login} 名"),
        role,
        department: dept.map(Into::into),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    let zhang = store
        .create_user(&new("zhang", Role::Assessor, None))
        .await
        .unwrap();
    store
        .create_user(&new("jyj", Role::Department, Some("教育局")))
        .await
        .unwrap();
    assert!(matches!(
        store.create_user(&new("zhang", Role::Viewer, None)).await,
        Err(StoreError::UserExists(l)) if l == "zhang"
    ));
    // The schema itself refuses a department account without its department.
    assert!(
        store
            .create_user(&new("bad", Role::Department, None))
            .await
            .is_err()
    );
    let users = store.list_users().await.unwrap();
    assert_eq!(
        users.iter().map(|u| u.login.as_str()).collect::<Vec<_>>(),
        ["jyj", "zhang"]
    );
    let jyj = store.user_by_login("jyj").await.unwrap().unwrap();
    assert_eq!(
        (jyj.role, jyj.department.as_deref()),
        (Role::Department, Some("教育局"))
    );

    // A live session finds its account; an expired one, or one of a disabled account, not.
    // (Expiry far in the future: creating a session clears those expired by the real clock.)
    const END: i64 = 9_000_000_000_000;
    store
        .create_session("h1", zhang, "csrf1", END)
        .await
        .unwrap();
    let (u, csrf) = store.session("h1", END - 1).await.unwrap().unwrap();
    assert_eq!((u.login.as_str(), csrf.as_str()), ("zhang", "csrf1"));
    assert!(store.session("h1", END).await.unwrap().is_none());
    assert!(store.session("nope", 1_000).await.unwrap().is_none());
    store.set_password("zhang", "$argon2id$new").await.unwrap();
    assert!(
        store.session("h1", 1_000).await.unwrap().is_none(),
        "a new password ends sessions"
    );
    assert_eq!(
        store
            .user_by_login("zhang")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$new"
    );
    store
        .create_session("h2", zhang, "csrf2", i64::MAX)
        .await
        .unwrap();
    store.set_disabled("zhang", true).await.unwrap();
    assert!(store.session("h2", 1_000).await.unwrap().is_none());
    assert!(
        store
            .user_by_login("zhang")
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    store.set_disabled("zhang", false).await.unwrap();
    store
        .create_session("h3", zhang, "csrf3", i64::MAX)
        .await
        .unwrap();
    assert!(store.session("h3", 1_000).await.unwrap().is_some());
    store.delete_session("h3").await.unwrap();
    assert!(store.session("h3", 1_000).await.unwrap().is_none());
    assert!(matches!(
        store.set_password("nobody", "x").await,
        Err(StoreError::NoSuchUser(_))
    ));

    // Answers are appended per finding, in order.
    let crawl = store
        .create_crawl("http://127.0.0.1:8080/", &serde_json::json!({}))
        .await
        .unwrap();
    let run = store
        .create_run(&NewRun {
            crawl,
            history_crawl: None,
            rubric_id: "leiyang-2017".into(),
            rubric_version: "v".into(),
            as_of: "2017-12-20".into(),
            extractor: "x".into(),
            profile: None,
            total_hundredths: 6700,
            assessment: "{}".into(),
            findings: vec![],
        })
        .await
        .unwrap();
    let answer = |f: &str, kind: ResponseKind, text: &str| ResponseRow {
        finding: f.into(),
        kind,
        department: "教育局".into(),
        by: "jyj".into(),
        at: "2017-12-22".into(),
        text: text.into(),
    };
    store
        .add_response(run, &answer("a", ResponseKind::Fixed, "已更新"))
        .await
        .unwrap();
    store
        .add_response(run, &answer("b", ResponseKind::Appeal, "不是本单位"))
        .await
        .unwrap();
    store
        .add_response(run, &answer("a", ResponseKind::Appeal, "再申诉"))
        .await
        .unwrap();
    let of_a = store.responses(run, Some("a")).await.unwrap();
    assert_eq!(
        of_a.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(),
        ["已更新", "再申诉"]
    );
    assert_eq!(store.responses(run, None).await.unwrap().len(), 3);
    assert!(matches!(
        store
            .add_response(RunId(run.0 + 9), &answer("a", ResponseKind::Fixed, "x"))
            .await,
        Err(StoreError::NoSuchRun(_))
    ));
    // The run's version moves with an audit row; a published run takes none.
    let v0 = store.run_version(run).await.unwrap().unwrap();
    let audit = DecisionRow {
        finding: "a".into(),
        action: "recheck".into(),
        by: "张三".into(),
        at: "2017-12-23".into(),
        reason: "复查".into(),
        body: "{}".into(),
    };
    store.add_audit(run, &audit).await.unwrap();
    let v1 = store.run_version(run).await.unwrap().unwrap();
    assert_eq!((v0.decisions, v1.decisions), (0, 1));
    store.publish_run(run).await.unwrap();
    assert!(matches!(
        store.add_audit(run, &audit).await,
        Err(StoreError::RunPublished(_))
    ));
    let summaries = store.run_summaries().await.unwrap();
    assert_eq!(summaries.last().unwrap().portal, "http://127.0.0.1:8080/");

    // Jobs: queued, then their progress, crawl and run recorded.
    let job = store
        .create_job("http://x/", "{\"pages\":5}", "张三")
        .await
        .unwrap();
    let j = store.job(job).await.unwrap().unwrap();
    assert_eq!((j.state, j.crawl, j.run), (JobState::Queued, None, None));
    store
        .update_job(job, JobState::Running, "正在评估", "", Some(crawl), None)
        .await
        .unwrap();
    store
        .update_job(job, JobState::Done, "完成", "ok", None, Some(run))
        .await
        .unwrap();
    let j = store.job(job).await.unwrap().unwrap();
    assert_eq!(
        (j.state, j.crawl, j.run),
        (JobState::Done, Some(crawl), Some(run))
    );
    assert_eq!(store.list_jobs().await.unwrap()[0].id, job);
}
