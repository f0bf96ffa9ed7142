//! Prints the facts of HTML files (a developer's quick look; users run `kaohe inspect`).
#![allow(clippy::unwrap_used)]
fn main() {
    let vocab = extract::Vocabulary::bundled().unwrap();
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).unwrap();
        let url = url::Url::parse("http://example.invalid/").unwrap();
        let f = extract::page(&url, &bytes, None, &vocab);
        println!("{p}\n{}", serde_json::to_string_pretty(&f).unwrap());
    }
}
