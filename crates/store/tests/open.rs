//! Opening a store from what a user types: bad targets and broken files are clear Chinese
//! errors, never panics, and read-only opening never creates a file.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use store::{Store, StoreError};

#[tokio::test]
async fn bad_targets_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();

    let missing = dir.path().join("nope.sqlite");
    let err = Store::open_existing(missing.to_str().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Missing { .. }));
    assert!(err.to_string().contains("不存在"), "{err}");
    assert!(!missing.exists(), "read-only open creates nothing");

    let err = Store::open("mysql://root@localhost/x").await.unwrap_err();
    assert!(matches!(err, StoreError::BadTarget { .. }));
    assert!(err.to_string().contains("postgres://"), "{err}");

    let garbage = dir.path().join("notes.txt");
    std::fs::write(&garbage, "这不是数据库文件，只是一段文字。".repeat(200)).unwrap();
    let err = Store::open(garbage.to_str().unwrap()).await.unwrap_err();
    assert!(
        err.to_string().starts_with("无法打开数据库") || err.to_string().starts_with("数据库"),
        "{err}"
    );

    let no_dir = dir.path().join("no/such/dir/kaohe.sqlite");
    let err = Store::open(no_dir.to_str().unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("无法打开数据库"), "{err}");

    // nobody listens on port 1: a clear error, not a hang or a panic
    let err = Store::open("postgres://postgres@127.0.0.1:1/test")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("连接被拒绝"), "{err}");
}

/// The usual PostgreSQL mistakes, said in Chinese with the password masked. (This machine's
/// server trusts loopback, so a wrong password cannot be provoked here; an unknown role and a
/// missing database can.)
#[tokio::test]
async fn postgres_mistakes_are_said_in_chinese() {
    let Ok(base) = std::env::var("KAOHE_TEST_POSTGRES_URL") else {
        eprintln!("skipped on PostgreSQL: KAOHE_TEST_POSTGRES_URL is not set");
        return;
    };
    let Some((scheme, rest)) = base.split_once("://") else {
        panic!("KAOHE_TEST_POSTGRES_URL is not a URL: {base}");
    };
    let host_and_db = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host_and_db.split('/').next().unwrap();
    let no_db = format!("{scheme}://postgres:pw-9431@{host}/kaohe_no_such_db");
    let err = Store::open(&no_db).await.unwrap_err().to_string();
    assert!(err.contains("数据库不存在"), "{err}");
    assert!(
        err.contains("postgres:***@") && !err.contains("pw-9431"),
        "{err}"
    );
    let no_role = format!("{scheme}://kaohe_no_such_role@{host}/postgres");
    let err = Store::open(&no_role).await.unwrap_err().to_string();
    assert!(err.contains("拒绝了该用户的连接"), "{err}");
}

#[tokio::test]
async fn a_store_reopens_with_its_data_and_sqlite_urls_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    let c = store
        .create_crawl("http://s/", &serde_json::json!({"a": 1}))
        .await
        .unwrap();
    store.close().await;
    // reopening applies no migration twice and sees the data; the sqlite: form names the same file
    let again = Store::open_existing(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    assert_eq!(
        again.crawl(c).await.unwrap().unwrap().config,
        serde_json::json!({"a": 1})
    );
    again.close().await;
}
