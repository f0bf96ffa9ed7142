//! Decoding on the real dev pages: the two that declare GB2312 but are UTF-8 are recovered,
//! and every page decodes without replacement characters.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::PathBuf;

fn dev_pages() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/dev-pages"
    ));
    if p.is_dir() {
        Some(p)
    } else {
        println!("跳过：找不到 {}", p.display());
        None
    }
}

#[test]
fn dev_pages_decode_cleanly_and_wrong_declarations_are_recovered() {
    let Some(root) = dev_pages() else { return };
    let mut seen = 0;
    for sub in ["article", "list"] {
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let d = extract::decode(&bytes, None, None);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!d.had_errors, "{name}: {d:?}");
            assert!(!d.text.contains('\u{FFFD}'), "{name}");
            if name.contains("gb2312-declared") || name.contains("rtfund") {
                assert_eq!(d.decided_by, extract::DecidedBy::MetaWrong, "{name}");
                assert_eq!(d.encoding, "UTF-8");
            }
            seen += 1;
        }
    }
    assert!(seen >= 10, "only {seen} pages");
}
