//! The same seed gives byte-identical pages; another seed gives another site.
#![allow(clippy::unwrap_used)]

mod common;

#[test]
fn same_seed_same_bytes_and_another_seed_differs() {
    let a = demo::Site::new(7, 500);
    let b = demo::Site::new(7, 500);
    let c = demo::Site::new(8, 500);
    let paths: Vec<String> = a.paths().collect();
    assert_eq!(paths, b.paths().collect::<Vec<_>>());
    let mut differ = 0;
    for p in &paths {
        let ra = a
            .page(p)
            .unwrap_or_else(|| panic!("{p} is listed but does not answer"));
        assert_eq!(
            Some(&ra),
            b.page(p).as_ref(),
            "{p} differs between two sites of the same seed"
        );
        if c.page(p).map(|r| r.body) != Some(ra.body) {
            differ += 1;
        }
    }
    assert!(
        differ * 2 > paths.len(),
        "another seed should change most pages ({differ} of {})",
        paths.len()
    );
    assert_ne!(
        a.page("/index.html").unwrap().body,
        c.page("/index.html").unwrap().body
    );
    // The manifest too.
    let ta = serde_json::to_string(&a.truth()).unwrap();
    assert_eq!(ta, serde_json::to_string(&b.truth()).unwrap());
    assert_ne!(ta, serde_json::to_string(&c.truth()).unwrap());
}

#[test]
fn served_bytes_equal_generated_bytes() {
    let site = demo::Site::new(3, 400).without_delays();
    let expect = demo::Site::new(3, 400);
    let server = demo::serve(site, "127.0.0.1:0".parse().unwrap()).unwrap();
    for p in expect.paths().step_by(7).take(60) {
        let want = expect.page(&p).unwrap();
        if want.status != 200
            || expect
                .truth()
                .behaviours
                .iter()
                .any(|b| b.kind == "flaky_5xx" && b.path == p)
        {
            continue;
        }
        let got = common::get(server.addr(), &p);
        assert_eq!(got.status, 200, "{p}");
        assert_eq!(
            got.body, want.body,
            "{p}: served bytes differ from Site::page"
        );
    }
}

#[test]
fn sizes_from_hundreds_to_fifty_thousand_are_lazy() {
    let small = demo::Site::new(1, 600);
    let n_small = small.paths().count();
    assert!(
        (550..=700).contains(&n_small),
        "small site has {n_small} paths"
    );
    let big = demo::Site::new(1, 50_000).without_delays();
    let mut n = 0usize;
    let mut last = String::new();
    for p in big.paths() {
        n += 1;
        last = p;
    }
    assert!(n >= 50_000, "big site has only {n} paths");
    // Any page, deep in the site, is rendered on demand.
    assert_eq!(big.page(&last).unwrap().status, 200);
    let deep = big
        .truth()
        .columns
        .iter()
        .max_by_key(|c| c.list_pages)
        .unwrap()
        .clone();
    assert!(deep.list_pages > 10);
    let lastpage = deep
        .url
        .replace("index.html", &format!("index_{}.html", deep.list_pages));
    let alt = deep
        .url
        .replace("index.html", &format!("index_{}.html", deep.list_pages - 1));
    assert!(big.page(&lastpage).is_some() || big.page(&alt).is_some());
}

#[test]
fn every_path_is_reachable_by_links_from_the_home_page() {
    let site = demo::Site::new(9, 700).without_delays();
    // Links, scripts, styles and form actions; relative links (the pager's) resolved.
    let link = regex::Regex::new(r##"(?:href|src|action)="([^"#]+)""##).unwrap();
    let cookie = demo::challenge_cookie(9);
    let mut seen = std::collections::BTreeSet::new();
    let mut queue =
        std::collections::VecDeque::from(["/index.html".to_string(), "/robots.txt".to_string()]);
    while let Some(p) = queue.pop_front() {
        if !seen.insert(p.clone()) {
            continue;
        }
        let Some(r) = site.respond(
            &p,
            demo::Visit {
                cookie: Some(&cookie),
            },
        ) else {
            continue;
        };
        if let Some(to) = r.header("Location") {
            queue.push_back(to.to_string());
        }
        if !r
            .header("Content-Type")
            .unwrap_or("")
            .starts_with("text/html")
        {
            continue;
        }
        let text = String::from_utf8(r.body.clone())
            .unwrap_or_else(|_| encoding_rs::GBK.decode(&r.body).0.into_owned());
        for c in link.captures_iter(&text) {
            let mut u = c[1].replace("&amp;", "&");
            if !u.starts_with('/') && !u.contains(':') {
                u = format!("{}{u}", &p[..=p.rfind('/').unwrap()]);
            }
            if u.starts_with('/') && !u.contains('?') && !seen.contains(&u) {
                queue.push_back(u);
            }
        }
    }
    let missing: Vec<String> = site.paths().filter(|p| !seen.contains(p)).collect();
    assert!(missing.is_empty(), "not linked from anywhere: {missing:?}");
}
