//! The site's skeleton: channels, columns and their sizes, built once in [`Site::new`] from
//! (seed, size). Only the skeleton is kept in memory (a few hundred columns); every page,
//! entry and attachment is computed on demand from it, so a page is a pure function of
//! (seed, size, path).

use std::collections::HashMap;

use chrono::{Datelike, Duration as Days, NaiveDate};

use crate::plan::Plan;
use crate::rng::{below, hs, pick};
use crate::vocab::{Ctype, INDICATORS, dept};

/// The as-of date of the ground truth: the day the site is assessed.
pub const AS_OF: (i32, u32, u32) = (2017, 12, 20);

/// Smallest useful size; smaller requests get this.
pub const MIN_PAGES: usize = 600;

/// Which part of the portal a column belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sec {
    /// 要闻动态: news with the TRS-style CMS meta tags.
    News,
    /// 政务公开: GBK, table lists, 成文日期 beside 发布日期.
    Xxgk,
    /// 互动交流.
    Hdjl,
    /// 公共服务: a column of a rubric indicator.
    Service,
}

/// The page chrome a column is rendered with; real portals mix CMS templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tpl {
    /// TRS WCM style: SiteName/ColumnName/PubDate meta tags, `201712/t20171219_123.html`
    /// URLs, paging index.html, index_1.html, …
    Trs,
    /// 帝国CMS style (the saved 柘城 portal): no CMS meta tags, `2017-12-19/123.html` URLs,
    /// paging index.html, index_2.html, …
    Empire,
}

/// How a list page prints its entries and dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStyle {
    /// `<li><a>title</a><span class="time">2017-03-05</span></li>`
    SpanIso,
    /// `<li><a>title</a> [2017-03-05]</li>`
    Bracket,
    /// `<li><span>2017/03/05</span><a>title</a></li>` (date first)
    SlashFirst,
    /// `<li><a>title</a><em>2017年3月5日</em></li>`
    Chinese,
    /// Entries grouped under a `<h3>2017年</h3>` heading, each with only `03-05`.
    YearGroups,
    /// `<table>` 序号/名称/发布机构/发布日期 (政务公开 style).
    Table,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    /// GBK bytes; the charset only in a `<meta>` (the HTTP header says just `text/html`).
    Gbk,
    /// UTF-8 bytes that declare gb2312 in a `<meta>` (a wrong declaration).
    Utf8DeclaredGb2312,
}

/// A list column: a dated list of items, paged.
pub struct Column {
    pub dir: String,
    pub name: String,
    /// Breadcrumb between 首页 and this column: (name, href).
    pub trail: Vec<(String, String)>,
    pub sec: Sec,
    /// Index into [`INDICATORS`] for 公共服务 columns.
    pub ind: Option<usize>,
    /// Canonical department (公共服务) or the publishing office.
    pub dept: &'static str,
    pub ctype: Option<Ctype>,
    pub count: u64,
    pub per_page: u64,
    pub base_id: u64,
    pub newest: NaiveDate,
    pub span: u64,
    pub tpl: Tpl,
    pub list: ListStyle,
    pub charset: Charset,
}

/// A landing page (频道/栏目首页) that shows its children's newest entries.
pub struct Node {
    pub dir: String,
    pub name: String,
    pub trail: Vec<(String, String)>,
    pub children: Vec<Child>,
    pub ind: Option<usize>,
    pub dept: Option<&'static str>,
}

#[derive(Clone, Copy, Debug)]
pub enum Child {
    Col(usize),
    Node(usize),
}

/// The whole portal: a skeleton plus the defect plan; pages are rendered from it on demand.
pub struct Site {
    pub(crate) seed: u64,
    pub(crate) pages: usize,
    pub(crate) as_of: NaiveDate,
    pub(crate) cols: Vec<Column>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) col_by_dir: HashMap<String, usize>,
    pub(crate) node_by_dir: HashMap<String, usize>,
    pub(crate) plan: Plan,
    pub(crate) delays: bool,
    /// Serve the previous version of the site (before the re-dated entry was re-dated).
    /// Shared, so a running server can be switched between versions.
    pub(crate) previous: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Column indices ordered by `base_id`, for id → column lookups.
    pub(crate) by_base: Vec<usize>,
    /// The deliberately slow paths (a handful).
    pub(crate) slow: Vec<(String, std::time::Duration)>,
}

struct Proto {
    dir: String,
    name: String,
    trail: Vec<(String, String)>,
    sec: Sec,
    ind: Option<usize>,
    dept: &'static str,
    ctype: Option<Ctype>,
    weight: f64,
    min: u64,
    per_page: u64,
    gap: u64,
    tpl: Tpl,
    list: ListStyle,
    charset: Charset,
}

pub(crate) const NEWS: &[(&str, &str)] = &[
    ("lyyw", "耒阳要闻"),
    ("bmdt", "部门动态"),
    ("xzdt", "乡镇动态"),
    ("tzgg", "通知公告"),
    ("mtgz", "媒体关注"),
];

pub(crate) const XXGK: &[(&str, &str)] = &[
    ("zfwj", "政府文件"),
    ("zcjd", "政策解读"),
    ("rsxx", "人事信息"),
    ("ghjh", "规划计划"),
    ("czyjs", "财政预决算"),
    ("tjxx", "统计信息"),
    ("ndbg", "政府信息公开年报"),
];

impl Site {
    /// The site for a seed and an approximate number of pages (at least [`MIN_PAGES`]).
    pub fn new(seed: u64, pages: usize) -> Site {
        let pages = pages.max(MIN_PAGES);
        let as_of = NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap_or_default();
        let (protos, nodes) = skeleton(seed);
        let plan = Plan::choose(seed, &protos_view(&protos));
        let counts = size(&protos, pages, &nodes);
        let mut cols = Vec::with_capacity(protos.len());
        let mut base = 1000 + hs(seed, "base", &[]) % 9000;
        for (i, (p, count)) in protos.into_iter().zip(counts).enumerate() {
            let newest = as_of - Days::days(newest_age(seed, i, &p, &plan) as i64);
            let span = (count * p.gap).min(365 * 9);
            cols.push(Column {
                dir: p.dir,
                name: p.name,
                trail: p.trail,
                sec: p.sec,
                ind: p.ind,
                dept: p.dept,
                ctype: p.ctype,
                count,
                per_page: p.per_page,
                base_id: base,
                newest,
                span,
                tpl: p.tpl,
                list: p.list,
                charset: p.charset,
            });
            base += count + 1 + below(hs(seed, "gapid", &[i as u64]), 40);
        }
        let col_by_dir = cols
            .iter()
            .enumerate()
            .map(|(i, c)| (c.dir.clone(), i))
            .collect();
        let node_by_dir = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.dir.clone(), i))
            .collect();
        let mut by_base: Vec<usize> = (0..cols.len()).collect();
        by_base.sort_by_key(|&i| cols[i].base_id);
        let mut site = Site {
            seed,
            pages,
            as_of,
            cols,
            nodes,
            col_by_dir,
            node_by_dir,
            plan,
            delays: true,
            previous: Default::default(),
            by_base,
            slow: Vec::new(),
        };
        site.slow = site.choose_slow();
        site
    }

    /// The same site without the deliberate slow responses (for quick tests and benchmarks).
    pub fn without_delays(mut self) -> Site {
        self.delays = false;
        self
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The size asked for (after the minimum was applied).
    pub fn size(&self) -> usize {
        self.pages
    }

    /// The as-of date the ground truth is stated at.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Serves the previous version of the site (`true`) or the current one. The two differ
    /// only in the re-dated entry's printed date: a second crawl after switching sees an old
    /// entry re-dated with its content unchanged.
    pub fn set_previous(&self, previous: bool) {
        self.previous
            .store(previous, std::sync::atomic::Ordering::SeqCst);
    }

    /// The date item `i` of column `c` shows (in lists and on its page): its date, except
    /// the re-dated entry in the current version.
    pub(crate) fn shown_date(&self, c: usize, i: u64) -> NaiveDate {
        if i == 0
            && self.plan.redated == Some(c)
            && !self.previous.load(std::sync::atomic::Ordering::SeqCst)
        {
            return self.as_of - Days::days(crate::plan::REDATED_AGE as i64);
        }
        self.item_date(c, i)
    }

    /// Date of item `i` (0 = newest) of column `c`: non-increasing in `i`.
    pub(crate) fn item_date(&self, c: usize, i: u64) -> NaiveDate {
        let col = &self.cols[c];
        let n = col.count.max(1);
        let step = col.span / n;
        let jitter = if step > 0 {
            below(hs(self.seed, "jit", &[c as u64, i]), step)
        } else {
            0
        };
        let off = if i == 0 { 0 } else { i * col.span / n + jitter };
        col.newest - Days::days(off as i64)
    }

    pub(crate) fn item_id(&self, c: usize, i: u64) -> u64 {
        self.cols[c].base_id + i
    }

    /// Column and index of an article id.
    pub(crate) fn locate_id(&self, id: u64) -> Option<(usize, u64)> {
        let pos = self
            .by_base
            .partition_point(|&c| self.cols[c].base_id <= id);
        let c = *self.by_base.get(pos.checked_sub(1)?)?;
        let i = id - self.cols[c].base_id;
        (i < self.cols[c].count).then_some((c, i))
    }

    /// URL path of item `i` of column `c`.
    pub(crate) fn item_path(&self, c: usize, i: u64) -> String {
        let col = &self.cols[c];
        let d = self.item_date(c, i);
        let id = self.item_id(c, i);
        match col.tpl {
            Tpl::Trs => format!(
                "{}{:04}{:02}/t{:04}{:02}{:02}_{id}.html",
                col.dir,
                d.year(),
                d.month(),
                d.year(),
                d.month(),
                d.day()
            ),
            Tpl::Empire => format!("{}{}/{id}.html", col.dir, d.format("%Y-%m-%d")),
        }
    }

    pub(crate) fn pages_of(&self, c: usize) -> u64 {
        let col = &self.cols[c];
        col.count.div_ceil(col.per_page).max(1)
    }

    /// Path of list page `p` (0-based) of column `c`.
    pub(crate) fn list_path(&self, c: usize, p: u64) -> String {
        let col = &self.cols[c];
        match (p, col.tpl) {
            (0, _) => format!("{}index.html", col.dir),
            (p, Tpl::Trs) => format!("{}index_{p}.html", col.dir),
            (p, Tpl::Empire) => format!("{}index_{}.html", col.dir, p + 1),
        }
    }

    /// Which list page (0-based) a file name in a column directory is.
    pub(crate) fn list_page_of(&self, c: usize, file: &str) -> Option<u64> {
        if file == "index.html" {
            return Some(0);
        }
        let n: u64 = file
            .strip_prefix("index_")?
            .strip_suffix(".html")?
            .parse()
            .ok()?;
        let p = match self.cols[c].tpl {
            Tpl::Trs if n >= 1 => n,
            Tpl::Empire if n >= 2 => n - 1,
            _ => return None,
        };
        (p < self.pages_of(c)).then_some(p)
    }

    /// Parses an item file name (`2017-12-19/123.html` or `201712/t20171219_123.html`) and
    /// checks that it is the item's real path.
    pub(crate) fn item_of(&self, c: usize, rest: &str) -> Option<u64> {
        let file = rest.rsplit('/').next()?;
        let stem = file.strip_suffix(".html")?;
        let id: u64 = stem.rsplit('_').next()?.parse().ok()?;
        let (c2, i) = self.locate_id(id)?;
        (c2 == c && self.item_path(c, i) == format!("{}{rest}", self.cols[c].dir)).then_some(i)
    }

    /// The department's shown name on this site (seed picks between full and short forms).
    pub(crate) fn dept_shown(&self, canonical: &str) -> String {
        let d = dept(canonical);
        if hs(self.seed, "deptname", &[crate::rng::fnv(canonical)]).is_multiple_of(3) {
            format!("耒阳市{}", d.shown.trim_start_matches('市'))
        } else {
            d.shown.to_string()
        }
    }

    /// The update window of a column in days back from the as-of date (None: not assessed).
    pub(crate) fn window_start(&self, c: usize) -> Option<NaiveDate> {
        let col = &self.cols[c];
        let ind = INDICATORS.get(col.ind?)?;
        let months = window_months(ind.id, col.ctype?);
        self.as_of.checked_sub_months(chrono::Months::new(months))
    }
}

/// Months in the update window of a sub-column, as the rubric says (checked against the
/// rubric by a test).
pub(crate) fn window_months(ind: &str, ct: Ctype) -> u32 {
    match (ind.chars().next(), ct) {
        (Some('2'), _) => 1,
        (Some('1'), Ctype::Policy | Ctype::Utility) => 6,
        (Some('3'), Ctype::Policy) => 6,
        _ => 12,
    }
}

/// The rule a stale column of this indicator breaks.
pub(crate) fn freshness_rule(ind: &str) -> String {
    if ind.starts_with('2') {
        format!("{ind}/monthly")
    } else {
        format!("{ind}/freshness")
    }
}

/// Days between the as-of date and a column's newest entry.
fn newest_age(seed: u64, i: usize, p: &Proto, plan: &Plan) -> u64 {
    let r = hs(seed, "age", &[i as u64]);
    if let Some(age) = plan.stale_age(i) {
        return age;
    }
    match (p.sec, p.ind.map(|k| INDICATORS[k].id)) {
        (Sec::News, _) => below(r, 2),
        (Sec::Xxgk, _) => below(r, 40),
        (Sec::Hdjl, _) => below(r, 10),
        (Sec::Service, Some(id)) => match p.ctype.map(|ct| window_months(id, ct)) {
            Some(1) => 1 + below(r, 18),
            Some(6) => 3 + below(r, 100),
            _ => 5 + below(r, 200),
        },
        _ => below(r, 30),
    }
}

/// What the plan needs to know about columns before sizes exist.
pub(crate) struct ProtoView {
    pub ind: Option<usize>,
    pub dept: &'static str,
    pub ctype: Option<Ctype>,
}

fn protos_view(p: &[Proto]) -> Vec<ProtoView> {
    p.iter()
        .map(|p| ProtoView {
            ind: p.ind,
            dept: p.dept,
            ctype: p.ctype,
        })
        .collect()
}

fn slot_ctypes(seed: u64, ind: usize, dept_idx: usize) -> Vec<Ctype> {
    use Ctype::*;
    let spec = &INDICATORS[ind];
    let r = hs(seed, "slot", &[ind as u64, dept_idx as u64]);
    match spec.id {
        "2.1" => vec![Guide, Policy, Convenience, Forms],
        "2.2" => vec![Policy, Guide, Faq],
        "2.3" if dept_idx == 0 => vec![Policy, Guide],
        "2.3" => vec![Guide],
        id if id.starts_with('3') => vec![Policy, Guide, Samples, Faq, Forms],
        "1.12" if spec.depts[dept_idx] == "住建局" => vec![Guide, Utility, Policy],
        _ if spec.depts.len() == 1 => {
            let mut v = vec![Policy, Guide, Forms, Convenience, Faq];
            if r.is_multiple_of(2) {
                v.push(Samples);
            }
            v
        }
        _ if dept_idx == 0 => vec![Policy, Guide, Forms],
        _ => vec![Guide, pick(&[Policy, Forms, Faq, Convenience], r)],
    }
}

fn skeleton(seed: u64) -> (Vec<Proto>, Vec<Node>) {
    let mut protos = Vec::new();
    let mut nodes = Vec::new();
    let home = || vec![];
    let styles = [
        ListStyle::SpanIso,
        ListStyle::Bracket,
        ListStyle::SlashFirst,
        ListStyle::Chinese,
        ListStyle::YearGroups,
    ];

    // 要闻动态
    let mut kids = Vec::new();
    for (k, (slug, name)) in NEWS.iter().enumerate() {
        kids.push(Child::Col(protos.len()));
        protos.push(Proto {
            dir: format!("/ywdt/{slug}/"),
            name: name.to_string(),
            trail: vec![("要闻动态".into(), "/ywdt/index.html".into())],
            sec: Sec::News,
            ind: None,
            dept: "市人民政府办公室",
            ctype: None,
            weight: if k == 0 { 14.0 } else { 8.0 },
            // Enough news for paging even on the smallest site.
            min: if k == 0 { 25 } else { 2 },
            per_page: 20,
            gap: 1,
            tpl: Tpl::Trs,
            list: if k % 2 == 0 {
                ListStyle::SpanIso
            } else {
                ListStyle::Bracket
            },
            charset: Charset::Utf8,
        });
    }
    nodes.push(Node {
        dir: "/ywdt/".into(),
        name: "要闻动态".into(),
        trail: home(),
        children: kids,
        ind: None,
        dept: None,
    });

    // 政务公开
    let mut kids = Vec::new();
    for (slug, name) in XXGK {
        kids.push(Child::Col(protos.len()));
        protos.push(Proto {
            dir: format!("/xxgk/{slug}/"),
            name: name.to_string(),
            trail: vec![("政务公开".into(), "/xxgk/index.html".into())],
            sec: Sec::Xxgk,
            ind: None,
            // 政府文件 are issued by the government office; other columns by an office.
            dept: if *slug == "zfwj" {
                "市人民政府办公室"
            } else {
                pick(
                    crate::vocab::OFFICES,
                    hs(seed, "xxoff", &[protos.len() as u64]),
                )
            },
            ctype: None,
            weight: 4.0,
            min: 2,
            per_page: 15,
            gap: 12,
            tpl: Tpl::Trs,
            list: ListStyle::Table,
            charset: Charset::Gbk,
        });
    }
    nodes.push(Node {
        dir: "/xxgk/".into(),
        name: "政务公开".into(),
        trail: home(),
        children: kids,
        ind: None,
        dept: None,
    });

    // 互动交流: 在线咨询 (behind the firewall challenge) and 民意征集.
    let mut kids = Vec::new();
    for (slug, name) in [("zxzx", "在线咨询"), ("myzj", "民意征集")] {
        kids.push(Child::Col(protos.len()));
        protos.push(Proto {
            dir: format!("/hdjl/{slug}/"),
            name: name.into(),
            trail: vec![("互动交流".into(), "/hdjl/index.html".into())],
            sec: Sec::Hdjl,
            ind: None,
            dept: "市人民政府办公室",
            ctype: None,
            weight: 2.0,
            min: 2,
            per_page: 15,
            gap: 6,
            tpl: Tpl::Empire,
            list: ListStyle::SpanIso,
            charset: Charset::Utf8,
        });
    }
    nodes.push(Node {
        dir: "/hdjl/".into(),
        name: "互动交流".into(),
        trail: home(),
        children: kids,
        ind: None,
        dept: None,
    });

    // 公共服务
    let ggfw_node = nodes.len();
    nodes.push(Node {
        dir: "/ggfw/".into(),
        name: "公共服务".into(),
        trail: home(),
        children: vec![],
        ind: None,
        dept: None,
    });
    let ggfw_trail = vec![("公共服务".to_string(), "/ggfw/index.html".to_string())];
    for (k, spec) in INDICATORS.iter().enumerate() {
        let ind_name = pick(spec.names, hs(seed, "indname", &[k as u64])).to_string();
        let ind_dir = format!("/ggfw/{}/", spec.slug);
        let mut ind_trail = ggfw_trail.clone();
        ind_trail.push((ind_name.clone(), format!("{ind_dir}index.html")));
        let ind_node = nodes.len();
        nodes.push(Node {
            dir: ind_dir.clone(),
            name: ind_name.clone(),
            trail: ggfw_trail.clone(),
            children: vec![],
            ind: Some(k),
            dept: None,
        });
        nodes[ggfw_node].children.push(Child::Node(ind_node));
        let multi = spec.depts.len() > 1;
        for (d, dname) in spec.depts.iter().enumerate() {
            let dinfo = dept(dname);
            let (base_dir, trail, parent) = if multi {
                let dir = format!("{ind_dir}{}/", dinfo.slug);
                let shown = dinfo.shown.trim_start_matches('市').to_string();
                let mut t = ind_trail.clone();
                t.push((shown.clone(), format!("{dir}index.html")));
                let n = nodes.len();
                nodes.push(Node {
                    dir: dir.clone(),
                    name: shown,
                    trail: ind_trail.clone(),
                    children: vec![],
                    ind: Some(k),
                    dept: Some(dname),
                });
                nodes[ind_node].children.push(Child::Node(n));
                (dir, t, n)
            } else {
                (ind_dir.clone(), ind_trail.clone(), ind_node)
            };
            // One template family per department slot: some slots are TRS with meta tags,
            // some are in GBK, one slot's pages declare gb2312 but are UTF-8.
            let r = hs(seed, "slottpl", &[k as u64, d as u64]);
            let tpl = if r.is_multiple_of(3) {
                Tpl::Trs
            } else {
                Tpl::Empire
            };
            let charset = if spec.id == "1.4" {
                Charset::Utf8DeclaredGb2312
            } else if (r >> 8).is_multiple_of(4) {
                Charset::Gbk
            } else {
                Charset::Utf8
            };
            for (j, ct) in slot_ctypes(seed, k, d).into_iter().enumerate() {
                let name = pick(
                    ct.names(),
                    hs(seed, "ctname", &[k as u64, d as u64, j as u64]),
                )
                .to_string();
                nodes[parent].children.push(Child::Col(protos.len()));
                let (weight, gap, min) = match ct {
                    // One 公共服务 column pages even on the smallest site.
                    Ctype::Policy if spec.id == "1.1" => (2.0, 12, 22),
                    // The key services' guide columns hold just their one guide, so what the
                    // content rule finds there is unambiguous.
                    Ctype::Guide if matches!(spec.id, "2.1" | "2.2") => (0.0, 20, 1),
                    Ctype::Guide => (3.0, 20, 2),
                    Ctype::Policy => (2.0, 30, 1),
                    Ctype::Utility => (2.0, 12, 2),
                    Ctype::Forms | Ctype::Samples => (1.0, 40, 1),
                    _ => (1.0, 30, 1),
                };
                protos.push(Proto {
                    dir: format!("{base_dir}{}/", ct.slug()),
                    name,
                    trail: trail.clone(),
                    sec: Sec::Service,
                    ind: Some(k),
                    dept: dname,
                    ctype: Some(ct),
                    weight,
                    min,
                    per_page: if tpl == Tpl::Trs { 20 } else { 15 },
                    gap,
                    tpl,
                    list: pick(&styles, hs(seed, "style", &[k as u64, d as u64, j as u64])),
                    charset,
                });
            }
        }
    }
    (protos, nodes)
}

/// Item counts per column so that the whole site has about `pages` paths (list pages,
/// items and attachments, counted exactly; fixed pages estimated).
fn size(protos: &[Proto], pages: usize, nodes: &[Node]) -> Vec<u64> {
    let fixed = (nodes.len() + 20) as u64;
    // Attachments of the first k items of a column: guides cycle through their department's
    // services, so the count is whole cycles plus a partial one.
    let cycles: Vec<Vec<u64>> = protos
        .iter()
        .map(|p| match p.ctype {
            Some(Ctype::Guide) => crate::guide::forms_per_service(
                dept(p.dept).slug,
                p.ind.map(|k| INDICATORS[k].id).unwrap_or(""),
            ),
            Some(Ctype::Forms | Ctype::Samples) => vec![1],
            _ => vec![0],
        })
        .collect();
    let count = |p: &Proto, s: f64| ((p.weight * s) as u64).max(p.min);
    let total = |s: f64| -> u64 {
        protos
            .iter()
            .zip(&cycles)
            .map(|(p, cyc)| {
                let n = count(p, s);
                let len = cyc.len() as u64;
                let per_cycle: u64 = cyc.iter().sum();
                let att = (n / len) * per_cycle + cyc.iter().take((n % len) as usize).sum::<u64>();
                n + n.div_ceil(p.per_page) + att
            })
            .sum::<u64>()
            + fixed
    };
    let (mut lo, mut hi) = (0.0f64, pages as f64);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if total(mid) < pages as u64 {
            lo = mid
        } else {
            hi = mid
        }
    }
    protos.iter().map(|p| count(p, hi)).collect()
}
