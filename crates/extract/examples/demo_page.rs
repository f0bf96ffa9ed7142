//! Prints the visible lines of a sample-portal page and its facts (developer's look).
#![allow(clippy::unwrap_used)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let site = demo::Site::new(20_170_301, demo::MIN_PAGES).without_delays();
    let vocab = extract::Vocabulary::bundled().unwrap();
    for p in &args {
        let r = site.page(p).unwrap();
        let html = extract::decode(&r.body, r.header("content-type"), None).text;
        if std::env::var_os("LINES").is_some() {
            let d = extract::doc::Doc::from_html(&html);
            for l in &d.lines {
                println!("{:?} {:?} {}", l.region, l.cells, l.text);
            }
        }
        let url = url::Url::parse(&format!("http://www.leiyang.gov.cn{p}")).unwrap();
        let f = extract::page(&url, &r.body, r.header("content-type"), &vocab);
        println!("{}", serde_json::to_string_pretty(&f).unwrap());
    }
}
