//! Attachments are real files of their type, not HTML with a .doc name; and the static copy.
#![allow(clippy::unwrap_used)]

fn u16le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// Reads a compound file's directory and returns (name of entry 1, its stream bytes).
fn cfb_stream(b: &[u8]) -> (String, Vec<u8>) {
    assert_eq!(&b[..8], &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    assert_eq!(u16le(b, 28), 0xFFFE, "byte order");
    assert_eq!(u16le(b, 30), 9, "512-byte sectors");
    let sector = |n: u32| &b[512 + n as usize * 512..512 + (n as usize + 1) * 512];
    let fat_sector = u32le(b, 76);
    let fat: Vec<u32> = sector(fat_sector)
        .chunks(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let dir = sector(u32le(b, 48));
    let root_name: String = String::from_utf16(
        &dir[..20]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(root_name, "Root Entry");
    let e = &dir[128..256];
    let len = u16le(e, 64) as usize / 2 - 1;
    let name = String::from_utf16(
        &e[..len * 2]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(e[66], 2, "a stream");
    let size = u32le(e, 120) as usize;
    assert!(size >= 4096, "regular sectors only");
    // Follow the FAT chain.
    let mut data = Vec::new();
    let mut s = u32le(e, 116);
    let mut guard = 0;
    while s != 0xFFFF_FFFE {
        data.extend_from_slice(sector(s));
        s = fat[s as usize];
        guard += 1;
        assert!(guard < 200);
    }
    data.truncate(size);
    (name, data)
}

fn check(ext: &str, b: &[u8]) {
    match ext {
        "doc" => {
            let (name, data) = cfb_stream(b);
            assert_eq!(name, "WordDocument");
            assert_eq!(u16le(&data, 0), 0xA5EC, "Word FIB magic");
        }
        "xls" => {
            let (name, data) = cfb_stream(b);
            assert_eq!(name, "Workbook");
            assert_eq!(u16le(&data, 0), 0x0809, "BIFF BOF record");
            assert_eq!(u16le(&data, 4), 0x0600, "BIFF8");
            // Walk the records to the globals' EOF, then the sheet's BOF at the BOUNDSHEET offset.
            let mut at = 0;
            let mut sheet = None;
            loop {
                let (kind, len) = (u16le(&data, at), u16le(&data, at + 2) as usize);
                if kind == 0x0085 {
                    sheet = Some(u32le(&data, at + 4) as usize);
                }
                at += 4 + len;
                if kind == 0x000A {
                    break;
                }
            }
            let sheet = sheet.expect("a BOUNDSHEET record");
            assert_eq!(sheet, at, "the sheet follows the globals");
            assert_eq!(u16le(&data, sheet), 0x0809);
        }
        "docx" => {
            assert!(b.starts_with(b"PK\x03\x04"));
            let eocd = b.len() - 22;
            assert_eq!(u32le(b, eocd), 0x0605_4b50);
            assert_eq!(u16le(b, eocd + 10), 3, "three entries");
            let cd = u32le(b, eocd + 16) as usize;
            assert_eq!(u32le(b, cd), 0x0201_4b50);
            let text = String::from_utf8_lossy(b);
            assert!(text.contains("[Content_Types].xml") && text.contains("word/document.xml"));
        }
        "pdf" => {
            assert!(b.starts_with(b"%PDF-1.4\n"));
            let text = String::from_utf8_lossy(b);
            let sx: usize = text
                .rsplit("startxref\n")
                .next()
                .unwrap()
                .lines()
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                b[sx..].starts_with(b"xref\n0 8\n"),
                "startxref points at the xref table"
            );
            assert!(text.contains("/Encoding /UniGB-UCS2-H"));
        }
        other => panic!("unexpected extension {other}"),
    }
}

#[test]
fn attachments_are_real_files_of_their_type() {
    let site = demo::Site::new(21, 900);
    let mut seen = std::collections::BTreeMap::new();
    for p in site.paths().filter(|p| p.starts_with("/d/file/")) {
        let r = site.page(&p).unwrap();
        let ext = p.rsplit('.').next().unwrap().to_string();
        if r.header("Content-Type").unwrap().starts_with("text/html") {
            // The seeded soft 404.
            assert!(String::from_utf8_lossy(&r.body).contains("页面不存在"));
            continue;
        }
        check(&ext, &r.body);
        *seen.entry(ext).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 4, "every type is offered: {seen:?}");
}

#[test]
fn write_gives_the_same_bytes_as_the_server_and_the_truth() {
    let site = demo::Site::new(4, 600);
    let dir = tempfile::tempdir().unwrap();
    let sum = demo::write_static(&site, dir.path()).unwrap();
    assert!(sum.files > 500);
    let mut checked = 0;
    for p in site.paths().step_by(5) {
        let r = site.page(&p).unwrap();
        if r.status == 200 && !p.contains('?') {
            assert_eq!(
                std::fs::read(dir.path().join(p.trim_start_matches('/'))).unwrap(),
                r.body,
                "{p}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100);
    // The page behind the firewall challenge is written (a static copy cannot challenge).
    assert!(dir.path().join("hdjl/zxzx/index.html").exists());
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("_kaohe_truth.json")).unwrap())
            .unwrap();
    assert_eq!(
        truth["findings"].as_array().unwrap().len(),
        site.truth().findings.len()
    );
    assert!(
        truth["behaviours"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["in_static_files"] == false)
    );
}
