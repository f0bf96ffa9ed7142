//! From a path to a response: the router and the page kinds (home, landing pages, lists,
//! articles, guides, item tables, attachments, the calendar, robots.txt, redirects, the
//! firewall challenge, soft and hard 404s).

use std::time::Duration;

use chrono::{Datelike, NaiveDate};

use crate::guide::{self, Special};
use crate::html::{self, Chrome, esc};
use crate::plan::FormDefect;
use crate::rng::{hs, pick};
use crate::site::{Charset, Child, ListStyle, Sec, Site, Tpl};
use crate::text;
use crate::vocab::{Ctype, INDICATORS};

/// One HTTP response of the sample portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How long the server waits before answering (the deliberately slow pages).
    pub delay: Duration,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a visitor brings that changes the answer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Visit<'a> {
    /// The request's Cookie header.
    pub cookie: Option<&'a str>,
}

/// The cookie the firewall challenge's script sets.
pub fn challenge_cookie(seed: u64) -> String {
    format!("wzws_cid={:016x}", hs(seed, "waf", &[]))
}

pub const CHALLENGE_PATH: &str = "/hdjl/zxzx/index.html";
pub const CALENDAR_PATH: &str = "/hdjl/zwrl/index.html";

/// Redirect chains from old addresses: each hop is a 301.
pub const REDIRECTS: &[(&str, &str)] = &[
    ("/zwgk/index.htm", "/zwgk/"),
    ("/zwgk/", "/xxgk/"),
    ("/ggfw.html", "/ggfw/"),
];

fn html_response(html: String, charset: Charset, status: u16) -> Response {
    let (body, ctype) = match charset {
        Charset::Utf8 => (html.into_bytes(), "text/html; charset=utf-8"),
        Charset::Gbk => (encoding_rs::GBK.encode(&html).0.into_owned(), "text/html"),
        Charset::Utf8DeclaredGb2312 => (html.into_bytes(), "text/html"),
    };
    Response {
        status,
        headers: vec![("Content-Type".into(), ctype.into())],
        body,
        delay: Duration::ZERO,
    }
}

fn redirect(to: &str) -> Response {
    Response {
        status: 301,
        headers: vec![("Location".into(), to.into()), ("Content-Type".into(), "text/html; charset=utf-8".into())],
        body: format!("<html><head><title>301 Moved Permanently</title></head><body><h1>301 Moved Permanently</h1><p>页面已永久移动到 <a href=\"{to}\">{to}</a></p></body></html>").into_bytes(),
        delay: Duration::ZERO,
    }
}

impl Site {
    /// The response to a GET of `path` (with its query string, if any) by a plain client.
    /// `None` is a 404. Deterministic: the same (seed, size, path) gives the same bytes.
    pub fn page(&self, path: &str) -> Option<Response> {
        self.respond(path, Visit::default())
    }

    /// The response for a visitor with the given cookies (the firewall challenge is passed
    /// with [`challenge_cookie`]).
    pub fn respond(&self, path: &str, visit: Visit<'_>) -> Option<Response> {
        let (p, query) = path.split_once('?').unwrap_or((path, ""));
        let mut r = self.route(p, query, visit)?;
        if self.delays {
            r.delay = self.delay_of(p);
        }
        Some(r)
    }

    /// The pages answered slowly, and how slowly.
    pub fn slow_paths(&self) -> Vec<(String, Duration)> {
        self.slow.clone()
    }

    pub(crate) fn choose_slow(&self) -> Vec<(String, Duration)> {
        let mut v = vec![(
            "/xxgk/zfwj/index.html".to_string(),
            Duration::from_millis(2500),
        )];
        if let Some(c) = self.col("/ywdt/lyyw/") {
            v.push((self.item_path(c, 2), Duration::from_millis(8000)));
        }
        if let Some(p) = self.first_download_path() {
            v.push((p, Duration::from_millis(3000)));
        }
        v
    }

    fn delay_of(&self, p: &str) -> Duration {
        self.slow
            .iter()
            .find(|(s, _)| s == p)
            .map(|(_, d)| *d)
            .unwrap_or_default()
    }

    /// Paths whose first request in a server's life fails with this status (then succeed).
    pub fn flaky_paths(&self) -> Vec<(String, u16)> {
        let mut v = vec![("/ywdt/tzgg/index.html".to_string(), 503)];
        if let Some(c) = self.col("/xxgk/zfwj/") {
            v.push((self.item_path(c, 0), 500));
        }
        // A guide column of 公共服务 without a seeded defect: a crawler that does not retry
        // loses it.
        let clean = (0..self.cols.len()).find(|&c| {
            self.cols[c].ctype == Some(Ctype::Guide)
                && self.cols[c]
                    .ind
                    .is_some_and(|k| INDICATORS[k].id.starts_with("1."))
                && !self.plan.guides.keys().any(|(gc, _)| *gc == c)
                && !self.plan.forms.keys().any(|(gc, _)| *gc == c)
        });
        if let Some(c) = clean {
            v.push((self.list_path(c, 0), 502));
        }
        v
    }

    pub(crate) fn col(&self, dir: &str) -> Option<usize> {
        self.col_by_dir.get(dir).copied()
    }

    fn first_download_path(&self) -> Option<String> {
        let c = (0..self.cols.len()).find(|&c| self.cols[c].ctype == Some(Ctype::Forms))?;
        let id = self.item_id(c, 0);
        Some(crate::files::attachment_path(
            self.seed,
            id,
            0,
            self.item_date(c, 0),
            guide::ext_of(id, 0),
        ))
    }

    fn route(&self, p: &str, query: &str, visit: Visit<'_>) -> Option<Response> {
        match p {
            "/" | "/index.html" => return Some(self.html(self.home(), Charset::Utf8)),
            "/robots.txt" => return Some(text_response(ROBOTS, "text/plain; charset=utf-8")),
            "/skin/css/common.css" => return Some(text_response(html::CSS, "text/css; charset=utf-8")),
            "/zjly/index.html" => return Some(self.html(self.about(), Charset::Utf8)),
            "/zjly/" => return Some(redirect("/zjly/index.html")),
            CALENDAR_PATH => return self.calendar(query).map(|h| self.html(h, Charset::Utf8)),
            "/hdjl/zwrl/" => return Some(redirect(CALENDAR_PATH)),
            "/e/search/index.php" => return Some(self.html(self.simple("站内搜索", "<p>请输入关键字后再搜索。</p>"), Charset::Utf8)),
            "/e/api/sxxq.php" => return Some(text_response("{\"lxdh\":\"\"}", "application/json")),
            "/admin/login.html" => return Some(self.html(self.simple("网站管理系统登录", "<form method=\"post\" action=\"/admin/login.php\"><p>用户名：<input name=\"u\" /></p><p>密　码：<input type=\"password\" name=\"p\" /></p><p><input type=\"submit\" value=\"登录\" /></p></form>"), Charset::Utf8)),
            _ => {}
        }
        if p.starts_with("/e/public/ViewClick") {
            return Some(text_response(
                "document.write('1024');",
                "application/javascript",
            ));
        }
        if let Some((_, to)) = REDIRECTS.iter().find(|(from, _)| *from == p) {
            return Some(redirect(to));
        }
        if p == CHALLENGE_PATH && !passed(self.seed, &visit) {
            return Some(self.challenge());
        }
        if p.starts_with("/d/file/") {
            return self.attachment(p);
        }
        // Directories without index.html answer with a 301 to it.
        if p.ends_with('/') && (self.node_by_dir.contains_key(p) || self.col_by_dir.contains_key(p))
        {
            return Some(redirect(&format!("{p}index.html")));
        }
        let (dir, file) = match p.rfind('/') {
            Some(k) => (&p[..=k], &p[k + 1..]),
            None => return None,
        };
        if let Some(&n) = self.node_by_dir.get(dir) {
            if file == "index.html" {
                return Some(self.node_page(n));
            }
            if file == "sxslb.html" {
                let k = self.nodes[n].ind?;
                if INDICATORS[k].id.starts_with('3') && self.nodes[n].dept.is_none() {
                    return Some(self.html(self.item_table(n), Charset::Utf8));
                }
            }
            return None;
        }
        // A column's list page or an item (items live one directory below the column).
        if let Some(&c) = self.col_by_dir.get(dir) {
            let page = self.list_page_of(c, file)?;
            return Some(self.html(self.list_page(c, page), self.cols[c].charset));
        }
        let parent = &dir[..dir[..dir.len() - 1].rfind('/')? + 1];
        let &c = self.col_by_dir.get(parent)?;
        let i = self.item_of(c, &p[parent.len()..])?;
        if self.plan.walled == Some((c, i)) && !passed(self.seed, &visit) {
            return Some(self.challenge());
        }
        Some(self.html(self.item_page(c, i), self.cols[c].charset))
    }

    fn html(&self, h: String, cs: Charset) -> Response {
        html_response(h, cs, 200)
    }

    fn challenge(&self) -> Response {
        let cookie = challenge_cookie(self.seed);
        let body = format!(
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><meta http-equiv=\"Pragma\" content=\"no-cache\"></head><body><script type=\"text/javascript\">(function(){{var _0x5f=['{}','path=/'];document.cookie=_0x5f[0]+';'+_0x5f[1];setTimeout(function(){{location.reload();}},200);}})();</script></body></html>",
            cookie
        );
        Response {
            status: 412,
            headers: vec![
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
                ("Cache-Control".into(), "no-cache".into()),
            ],
            body: body.into_bytes(),
            delay: Duration::ZERO,
        }
    }

    fn simple(&self, title: &str, body: &str) -> String {
        html::page(
            self,
            &Chrome {
                tpl: Tpl::Empire,
                charset: Charset::Utf8,
                title: format!("{title}_耒阳市人民政府门户网站"),
                meta: vec![],
                trail: vec![(title.into(), String::new())],
                side: None,
                main: format!("<div class=\"article\"><h1>{title}</h1>{body}</div>"),
                nav_on: "",
            },
        )
    }

    fn nav_of(&self, dir: &str) -> &'static str {
        match dir.split('/').nth(1) {
            Some("ywdt") => "要闻动态",
            Some("xxgk") => "政务公开",
            Some("ggfw") => "公共服务",
            Some("hdjl") => "互动交流",
            _ => "首页",
        }
    }

    fn site_meta(&self, column: &str) -> Vec<(&'static str, String)> {
        vec![
            ("SiteName", "耒阳市人民政府".into()),
            ("SiteDomain", "www.leiyang.gov.cn".into()),
            ("SiteIDCode", "4304810001".into()),
            ("ColumnName", column.into()),
        ]
    }

    /// Newest entries of a column for a block: (title, path, date).
    pub(crate) fn latest(&self, c: usize, n: u64) -> Vec<(String, String, NaiveDate)> {
        (0..n.min(self.cols[c].count))
            .map(|i| {
                (
                    text::title(self, c, i),
                    self.item_path(c, i),
                    self.shown_date(c, i),
                )
            })
            .collect()
    }

    fn home(&self) -> String {
        let mut m = String::new();
        let lyyw = self.col("/ywdt/lyyw/");
        let pic_title = lyyw.map(|c| text::title(self, c, 0)).unwrap_or_default();
        let pic_href = lyyw.map(|c| self.item_path(c, 0)).unwrap_or_default();
        m.push_str(&format!("<div class=\"pic\"><div class=\"scene\">蔡伦故里 · 耒阳</div><a class=\"cap\" href=\"{pic_href}\" style=\"color:#fff\">{}</a></div>", esc(&pic_title)));
        let block = |name: &str, dir: &str, n: u64, wide: bool| -> String {
            let Some(c) = self.col(dir) else {
                return String::new();
            };
            let mut b = format!(
                "<div class=\"box{}\"><h3>{name}<a class=\"more\" href=\"{dir}index.html\">更多&gt;&gt;</a></h3><ul>",
                if wide { " wide" } else { "" }
            );
            for (t, href, d) in self.latest(c, n) {
                b.push_str(&format!(
                    "<li><a href=\"{href}\" title=\"{}\">{}</a><span>{}</span></li>",
                    esc(&t),
                    esc(&t),
                    d.format("%m-%d")
                ));
            }
            b.push_str("</ul></div>");
            b
        };
        m.push_str(&block("耒阳要闻", "/ywdt/lyyw/", 8, false));
        m.push_str(&block("通知公告", "/ywdt/tzgg/", 8, false));
        m.push_str(&block("政府文件", "/xxgk/zfwj/", 8, false));
        // 公共服务: every indicator's column, grouped as the rubric groups them.
        m.push_str("<div class=\"box wide\"><h3>公共服务<a class=\"more\" href=\"/ggfw/index.html\">更多&gt;&gt;</a></h3><div class=\"services\">");
        for (sec, title) in [
            ('1', "民生服务"),
            ('2', "重点办事服务"),
            ('3', "重点领域服务"),
        ] {
            m.push_str(&format!("<h4>{title}</h4>"));
            for n in &self.nodes {
                if let (Some(k), None) = (n.ind, n.dept)
                    && INDICATORS[k].id.starts_with(sec)
                {
                    m.push_str(&format!(
                        "<a href=\"{}index.html\">{}</a>",
                        n.dir,
                        esc(&n.name)
                    ));
                }
            }
        }
        m.push_str("</div></div>");
        m.push_str(&block("部门动态", "/ywdt/bmdt/", 8, false));
        m.push_str(&block("乡镇动态", "/ywdt/xzdt/", 8, false));
        m.push_str("<div class=\"box wide\"><h3>互动交流</h3><div class=\"services\"><a href=\"/hdjl/zxzx/index.html\">在线咨询</a><a href=\"/hdjl/myzj/index.html\">民意征集</a><a href=\"/hdjl/zwrl/index.html\">政务日历</a><a href=\"/zwgk/index.htm\">政府信息公开（旧版）</a><a href=\"/ggfw.html\">网上办事（旧版）</a></div></div>");
        html::page(
            self,
            &Chrome {
                tpl: Tpl::Empire,
                charset: Charset::Utf8,
                title: "耒阳市人民政府门户网站".into(),
                meta: vec![],
                trail: vec![],
                side: None,
                main: m,
                nav_on: "首页",
            },
        )
    }

    fn about(&self) -> String {
        self.simple("走进耒阳", "<div class=\"zoom\"><p>耒阳市位于湖南省东南部，衡阳市南部，是“纸圣”蔡伦的故乡，总面积2656平方公里，辖19个镇、7个乡、7个街道。</p><p>耒阳历史悠久，秦置耒县，因治所在耒水之阳得名耒阳。</p><p id=\"lxwm\">联系我们：耒阳市人民政府办公室，地址：耒阳市蔡伦大道，联系电话：0734-4321234。</p></div>")
    }

    fn node_page(&self, n: usize) -> Response {
        let node = &self.nodes[n];
        let mut m = String::new();
        if let Some(k) = node.ind {
            let spec = &INDICATORS[k];
            let depts: Vec<String> = match node.dept {
                Some(d) => vec![self.dept_shown(d)],
                None => spec.depts.iter().map(|d| self.dept_shown(d)).collect(),
            };
            m.push_str(&format!(
                "<div class=\"list_title\">{}</div><p class=\"zrdw\">责任单位：{}</p>",
                esc(&node.name),
                esc(&depts.join("、"))
            ));
            if spec.id.starts_with('3') && node.dept.is_none() {
                m.push_str(&format!(
                    "<p><a href=\"{}sxslb.html\">{}服务事项梳理表</a></p>",
                    node.dir,
                    esc(item_table_title(spec.id))
                ));
            }
        }
        for ch in &node.children {
            match *ch {
                Child::Col(c) => {
                    let col = &self.cols[c];
                    m.push_str(&format!("<div class=\"box\"><h3>{}<a class=\"more\" href=\"{}index.html\">更多&gt;&gt;</a></h3><ul>", esc(&col.name), col.dir));
                    for (t, href, d) in self.latest(c, 6) {
                        m.push_str(&format!(
                            "<li><a href=\"{href}\">{}</a><span>{}</span></li>",
                            esc(&t),
                            d.format("%Y-%m-%d")
                        ));
                    }
                    m.push_str("</ul></div>");
                }
                Child::Node(k) => {
                    let sub = &self.nodes[k];
                    m.push_str(&format!("<div class=\"box dept\"><h3>{}<a class=\"more\" href=\"{}index.html\">进入&gt;&gt;</a></h3><ul>", esc(&sub.name), sub.dir));
                    for ch2 in &sub.children {
                        match *ch2 {
                            Child::Col(c) => m.push_str(&format!(
                                "<li><a href=\"{}index.html\">{}</a></li>",
                                self.cols[c].dir,
                                esc(&self.cols[c].name)
                            )),
                            Child::Node(k2) => m.push_str(&format!(
                                "<li><a href=\"{}index.html\">{}</a></li>",
                                self.nodes[k2].dir,
                                esc(&self.nodes[k2].name)
                            )),
                        }
                    }
                    m.push_str("</ul></div>");
                }
            }
        }
        let mut trail = node.trail.clone();
        trail.push((node.name.clone(), String::new()));
        let h = html::page(
            self,
            &Chrome {
                tpl: Tpl::Empire,
                charset: Charset::Utf8,
                title: format!("{}_耒阳市人民政府门户网站", node.name),
                meta: vec![],
                trail,
                side: None,
                main: m,
                nav_on: self.nav_of(&node.dir),
            },
        );
        self.html(h, Charset::Utf8)
    }

    fn sidebar(&self, c: usize) -> String {
        let mut s = String::new();
        // Sibling columns.
        let parent = self.nodes.iter().find(|n| {
            n.children
                .iter()
                .any(|ch| matches!(ch, Child::Col(x) if *x == c))
        });
        if let Some(p) = parent {
            s.push_str(&format!("<h3>{}</h3><ul>", esc(&p.name)));
            for ch in &p.children {
                if let Child::Col(x) = ch {
                    s.push_str(&format!(
                        "<li><a href=\"{}index.html\">{}</a></li>",
                        self.cols[*x].dir,
                        esc(&self.cols[*x].name)
                    ));
                }
            }
            s.push_str("</ul>");
        }
        // The newest news of the whole site, with dates: not this column's dates.
        if let Some(n) = self.col("/ywdt/lyyw/") {
            s.push_str("<h3>最新信息</h3><ul class=\"zxxx\">");
            for (t, href, d) in self.latest(n, 5) {
                let short: String = t.chars().take(12).collect();
                s.push_str(&format!(
                    "<li><a href=\"{href}\" title=\"{}\">{}</a><span>{}</span></li>",
                    esc(&t),
                    esc(&short),
                    d.format("%m-%d")
                ));
            }
            s.push_str("</ul>");
        }
        let a = self.as_of;
        s.push_str(&format!(
            "<h3><a href=\"{CALENDAR_PATH}?ym={}\" style=\"color:#fff\">政务日历</a></h3>",
            a.format("%Y-%m")
        ));
        s.push_str(&html::calendar(a.year(), a.month(), Some(a.day())));
        s
    }

    fn list_page(&self, c: usize, page: u64) -> String {
        let col = &self.cols[c];
        let start = page * col.per_page;
        let end = (start + col.per_page).min(col.count);
        let mut m = format!("<div class=\"list_title\">{}</div>\n", esc(&col.name));
        let entry_date = |d: NaiveDate| match col.list {
            ListStyle::SpanIso | ListStyle::Bracket => d.format("%Y-%m-%d").to_string(),
            ListStyle::SlashFirst => d.format("%Y/%m/%d").to_string(),
            ListStyle::Chinese => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            ListStyle::YearGroups => d.format("%m-%d").to_string(),
            ListStyle::Table => {
                if col.name.len().is_multiple_of(2) {
                    d.format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y年%m月%d日").to_string()
                }
            }
        };
        if col.list == ListStyle::Table {
            m.push_str("<table class=\"xxgk\"><tr><th width=\"6%\">序号</th><th>名称</th><th width=\"18%\">发布机构</th><th width=\"14%\">发布日期</th></tr>\n");
            for i in start..end {
                let t = text::title(self, c, i);
                m.push_str(&format!(
                    "<tr><td>{}</td><td><a href=\"{}\" target=\"_blank\" title=\"{}\">{}</a></td><td>{}</td><td>{}</td></tr>\n",
                    i + 1,
                    self.item_path(c, i),
                    esc(&t),
                    esc(&t),
                    esc(&self.publisher(c)),
                    entry_date(self.shown_date(c, i))
                ));
            }
            m.push_str("</table>\n");
        } else {
            m.push_str("<ul class=\"news_list\">\n");
            let mut year = None;
            for i in start..end {
                let t = esc(&text::title(self, c, i));
                let href = self.item_path(c, i);
                let d = self.shown_date(c, i);
                let ds = entry_date(d);
                let li = match col.list {
                    ListStyle::SpanIso | ListStyle::YearGroups => format!(
                        "<li><a href=\"{href}\" target=\"_blank\" title=\"{t}\">{t}</a><span class=\"time\">{ds}</span></li>"
                    ),
                    ListStyle::Bracket => {
                        format!("<li><a href=\"{href}\" target=\"_blank\">{t}</a>&nbsp;[{ds}]</li>")
                    }
                    ListStyle::SlashFirst => format!(
                        "<li><span class=\"date\">{ds}</span>&nbsp;&nbsp;<a href=\"{href}\" target=\"_blank\">{t}</a></li>"
                    ),
                    _ => format!(
                        "<li><a href=\"{href}\" target=\"_blank\">{t}</a><em>{ds}</em></li>"
                    ),
                };
                if col.list == ListStyle::YearGroups && year != Some(d.year()) {
                    if year.is_some() {
                        m.push_str("</ul>\n<ul class=\"news_list\">\n");
                    }
                    m.push_str(&format!("<h3 class=\"year\">{}年</h3>\n", d.year()));
                    year = Some(d.year());
                }
                m.push_str(&li);
                m.push('\n');
            }
            m.push_str("</ul>\n");
        }
        m.push_str(&self.pager(c, page));
        let mut trail = col.trail.clone();
        trail.push((col.name.clone(), format!("{}index.html", col.dir)));
        let meta = if col.tpl == Tpl::Trs {
            let mut v = self.site_meta(&col.name);
            v.push((
                "ColumnType",
                col.ctype
                    .map(|t| t.names()[0].to_string())
                    .unwrap_or_default(),
            ));
            v
        } else {
            vec![]
        };
        html::page(
            self,
            &Chrome {
                tpl: col.tpl,
                charset: col.charset,
                title: format!("{}_耒阳市人民政府门户网站", col.name),
                meta,
                trail,
                side: (col.tpl == Tpl::Empire).then(|| self.sidebar(c)),
                main: m,
                nav_on: self.nav_of(&col.dir),
            },
        )
    }

    fn pager(&self, c: usize, page: u64) -> String {
        let col = &self.cols[c];
        let n = self.pages_of(c);
        let link = |p: u64| {
            self.list_path(c, p)
                .rsplit('/')
                .next()
                .unwrap_or("index.html")
                .to_string()
        };
        let mut h = format!(
            "<div class=\"page\">共{}条&nbsp;第{}/{}页&nbsp;",
            col.count,
            page + 1,
            n
        );
        if page > 0 {
            h.push_str(&format!(
                "<a href=\"{}\">首页</a><a href=\"{}\">上一页</a>",
                link(0),
                link(page - 1)
            ));
        }
        let lo = page.saturating_sub(3);
        let hi = (page + 4).min(n);
        for p in lo..hi {
            if p == page {
                h.push_str(&format!("<span class=\"cur\">{}</span>", p + 1));
            } else {
                h.push_str(&format!("<a href=\"{}\">{}</a>", link(p), p + 1));
            }
        }
        if page + 1 < n {
            h.push_str(&format!(
                "<a href=\"{}\">下一页</a><a href=\"{}\">尾页</a>",
                link(page + 1),
                link(n - 1)
            ));
        }
        h.push_str("</div>\n");
        h
    }

    fn publisher(&self, c: usize) -> String {
        let col = &self.cols[c];
        match col.sec {
            Sec::Service => self.dept_shown(col.dept),
            _ => format!("耒阳市{}", col.dept.trim_start_matches('市')),
        }
    }

    fn item_page(&self, c: usize, i: u64) -> String {
        let col = &self.cols[c];
        let date = self.shown_date(c, i);
        let r = hs(self.seed, "art", &[c as u64, i]);
        let (hh, mm, ss) = (8 + r % 10, (r >> 8) % 60, (r >> 16) % 60);
        let is_guide = col.ctype == Some(Ctype::Guide);
        let g = is_guide.then(|| guide::build(self, c, i));
        let title = match &g {
            Some(g) => g.title.clone(),
            None => text::title(self, c, i),
        };
        let source = self.publisher(c);
        // Date label and format vary by column, as they vary across real CMS templates.
        let cr = hs(self.seed, "datefmt", &[c as u64]);
        let label = match col.sec {
            Sec::News => "发布时间：",
            Sec::Xxgk => "发布日期：",
            _ => pick(&["发布时间：", "发布日期：", "日期：", "时间："], cr),
        };
        let shown = match col.sec {
            Sec::News => format!("{} {hh:02}:{mm:02}", date.format("%Y-%m-%d")),
            // Some old templates print full-width digits.
            Sec::Hdjl => full_width(&format!(
                "{}年{}月{}日",
                date.year(),
                date.month(),
                date.day()
            )),
            Sec::Xxgk => date.format("%Y-%m-%d").to_string(),
            _ => match (cr >> 4) % 4 {
                0 => format!("{} {hh:02}:{mm:02}", date.format("%Y-%m-%d")),
                1 => date.format("%Y-%m-%d").to_string(),
                2 => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
                _ => format!("{} {hh:02}:{mm:02}:{ss:02}", date.format("%Y/%m/%d")),
            },
        };
        let mut m = format!("<div class=\"article\">\n<h1>{}</h1>\n", esc(&title));
        let written = date - chrono::Duration::days((3 + r % 9) as i64);
        // Some guides are published through the 政务公开 article template (索引号 block,
        // 发布机构, 成文日期), as real portals publish them: still guides.
        let article_template = is_guide && (r >> 12).is_multiple_of(4);
        if col.sec == Sec::Xxgk || article_template {
            m.push_str(&format!(
                "<table class=\"docmeta\"><tr><td class=\"k\">索引号：</td><td>43048100{}/{}-{:05}</td><td class=\"k\">主题分类：</td><td>{}</td></tr><tr><td class=\"k\">发布机构：</td><td>{}</td><td class=\"k\">成文日期：</td><td>{}</td></tr><tr><td class=\"k\">文　　号：</td><td>耒政办发〔{}〕{}号</td><td class=\"k\">发布日期：</td><td>{}</td></tr></table>\n",
                r % 10, date.year(), (r >> 5) % 100000, esc(&col.name), esc(&source), written.format("%Y-%m-%d"), date.year(), (r >> 9) % 90 + 1, date.format("%Y-%m-%d")
            ));
        } else {
            // TRS-style templates let a script write the date the visitor sees.
            let by_script =
                !matches!(col.sec, Sec::News | Sec::Hdjl) && (cr >> 8).is_multiple_of(4);
            let shown = if by_script {
                format!(
                    "<script type=\"text/javascript\">var pubdata='{shown}';document.write(pubdata);</script>"
                )
            } else {
                shown
            };
            m.push_str(&format!(
                "<div class=\"info\"><span>{label}{shown}</span><span>来源：{}</span><span>浏览次数：<script src=\"/e/public/ViewClick/?classid={c}&amp;id={}&amp;addclick=1\"></script></span></div>\n",
                esc(&source),
                self.item_id(c, i)
            ));
        }
        m.push_str("<div class=\"zoom\" id=\"zoom\">\n");
        let mut attachments: Vec<(String, String)> = Vec::new();
        match (&g, guide::special(self, c, i)) {
            (Some(g), _) => m.push_str(&guide::render(g, self.seed)),
            (None, Some(Special::ResidenceHolderBenefits)) => {
                for p in [
                    "居住证持有人在居住地依法享受劳动就业，参加社会保险，缴存、提取和使用住房公积金的权利。",
                    "居住地人民政府为居住证持有人提供义务教育、基本公共就业服务、基本公共卫生服务和计划生育服务、公共文化体育服务、法律援助和其他法律服务。",
                    "居住证持有人享有的便利：办理出入境证件，换领、补领居民身份证，机动车登记，申领机动车驾驶证，报名参加职业资格考试，申请授予职业资格。",
                ] {
                    m.push_str(&format!("<p>{p}</p>\n"));
                }
            }
            (None, Some(Special::StartupPolicy)) => {
                for p in [
                    "一、创业扶持政策：高校毕业生在我市自主创业的，可按规定享受创业担保贷款、一次性创业补贴和场地租金补贴。",
                    "二、税收优惠：毕业年度内高校毕业生从事个体经营的，在3年内按每户每年9600元为限额依次扣减其当年实际应缴纳的有关税费。",
                    "三、工商登记便利：实行“先照后证”和注册资本认缴登记制，免收登记类、证照类行政事业性收费。",
                ] {
                    m.push_str(&format!("<p>{p}</p>\n"));
                }
            }
            _ => {
                for p in text::body(self, c, i, date) {
                    m.push_str(&format!("<p>{}</p>\n", esc(&p)));
                }
                if matches!(col.ctype, Some(Ctype::Forms | Ctype::Samples)) {
                    let id = self.item_id(c, i);
                    let ext = guide::ext_of(id, 0);
                    let href = crate::files::attachment_path(self.seed, id, 0, date, ext);
                    let name = guide::form_for_download(self, c, i);
                    attachments.push((href, format!("{}.{ext}", name.trim_matches(['《', '》']))));
                }
            }
        }
        if col.sec == Sec::Xxgk {
            m.push_str(&format!(
                "<p style=\"text-align:right\">{}</p><p style=\"text-align:right\">{}</p>\n",
                esc(&source),
                chinese_date(written)
            ));
        }
        m.push_str("</div>\n");
        if !attachments.is_empty() {
            m.push_str("<div class=\"fujian\"><p>附件：</p>");
            for (href, name) in attachments {
                m.push_str(&format!("<p><a href=\"{href}\">{}</a></p>", esc(&name)));
            }
            m.push_str("</div>\n");
        }
        // Previous / next entries, as CMS article templates show them.
        m.push_str("<div class=\"prevnext\">");
        if i > 0 {
            m.push_str(&format!(
                "<p>上一篇：<a href=\"{}\">{}</a></p>",
                self.item_path(c, i - 1),
                esc(&text::title(self, c, i - 1))
            ));
        }
        if i + 1 < col.count {
            m.push_str(&format!(
                "<p>下一篇：<a href=\"{}\">{}</a></p>",
                self.item_path(c, i + 1),
                esc(&text::title(self, c, i + 1))
            ));
        }
        m.push_str("</div>\n</div>\n");
        let mut trail = col.trail.clone();
        trail.push((col.name.clone(), format!("{}index.html", col.dir)));
        trail.push(("正文".into(), String::new()));
        let meta = if col.tpl == Tpl::Trs {
            let mut v = self.site_meta(&col.name);
            v.push(("ArticleTitle", title.clone()));
            v.push((
                "PubDate",
                format!("{} {hh:02}:{mm:02}", date.format("%Y-%m-%d")),
            ));
            v.push(("ContentSource", source.clone()));
            v
        } else {
            vec![]
        };
        html::page(
            self,
            &Chrome {
                tpl: col.tpl,
                charset: col.charset,
                title: format!("{}_耒阳市人民政府门户网站", title),
                meta,
                trail,
                side: None,
                main: m,
                nav_on: self.nav_of(&col.dir),
            },
        )
    }

    fn item_table(&self, n: usize) -> String {
        let node = &self.nodes[n];
        let id = node.ind.map(|k| INDICATORS[k].id).unwrap_or("");
        let rows = item_table_rows(id);
        let missing = self.plan.table_missing.get(id).copied();
        let mut m = format!(
            "<div class=\"article\"><h1>{}服务事项梳理表</h1><div class=\"info\"><span>发布日期：{}</span></div><div class=\"zoom\">",
            esc(item_table_title(id)),
            (self.as_of - chrono::Duration::days(35)).format("%Y-%m-%d")
        );
        m.push_str("<table class=\"bszn_table\"><tr><td class=\"bt\">序号</td><td class=\"bt\">服务事项</td><td class=\"bt\">实施机构</td><td class=\"bt\">承诺时限</td><td class=\"bt\">说明</td></tr>");
        let mut k = 0;
        for (e, (name, org, limit, note)) in rows.iter().enumerate() {
            if Some(e) == missing {
                continue;
            }
            k += 1;
            m.push_str(&format!(
                "<tr><td>{k}</td><td>{name}</td><td>{org}</td><td>{limit}</td><td>{note}</td></tr>"
            ));
        }
        m.push_str("</table></div></div>");
        let mut trail = node.trail.clone();
        trail.push((node.name.clone(), format!("{}index.html", node.dir)));
        trail.push(("服务事项梳理表".into(), String::new()));
        html::page(
            self,
            &Chrome {
                tpl: Tpl::Empire,
                charset: Charset::Utf8,
                title: format!(
                    "{}服务事项梳理表_耒阳市人民政府门户网站",
                    item_table_title(id)
                ),
                meta: vec![],
                trail,
                side: None,
                main: m,
                nav_on: "公共服务",
            },
        )
    }

    fn calendar(&self, query: &str) -> Option<String> {
        let ym = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("ym="))
            .unwrap_or("");
        let (y, mo) = if ym.is_empty() {
            (self.as_of.year(), self.as_of.month())
        } else {
            let (y, m) = ym.split_once('-')?;
            (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)
        };
        if !(1..=9999).contains(&y) || !(1..=12).contains(&mo) {
            return None;
        }
        let prev = if mo == 1 {
            format!("{}-12", y - 1)
        } else {
            format!("{y}-{:02}", mo - 1)
        };
        let next = if mo == 12 {
            format!("{}-01", y + 1)
        } else {
            format!("{y}-{:02}", mo + 1)
        };
        let today =
            (y == self.as_of.year() && mo == self.as_of.month()).then_some(self.as_of.day());
        let m = format!(
            "<div class=\"article\"><h1>政务日历</h1><p style=\"text-align:center\"><a href=\"{CALENDAR_PATH}?ym={prev}\">&lt;&lt; 上一月</a>　<strong>{y}年{mo}月</strong>　<a href=\"{CALENDAR_PATH}?ym={next}\">下一月 &gt;&gt;</a></p>{}<p>本月暂无公开的政务活动安排。</p></div>",
            html::calendar(y, mo, today)
        );
        Some(html::page(
            self,
            &Chrome {
                tpl: Tpl::Empire,
                charset: Charset::Utf8,
                title: format!("政务日历（{y}年{mo}月）_耒阳市人民政府门户网站"),
                meta: vec![],
                trail: vec![
                    ("互动交流".into(), "/hdjl/index.html".into()),
                    ("政务日历".into(), String::new()),
                ],
                side: None,
                main: m,
                nav_on: "互动交流",
            },
        ))
    }

    fn attachment(&self, p: &str) -> Option<Response> {
        let (id, k, ext, date) = crate::files::parse_attachment(self.seed, p)?;
        let (c, i) = self.locate_id(id)?;
        if self.item_date(c, i).format("%Y/%m-%d").to_string() != date
            || guide::ext_of(id, k) != ext
        {
            return None;
        }
        let col = &self.cols[c];
        let name = match col.ctype? {
            Ctype::Guide => {
                let g = guide::build(self, c, i);
                let f = g.forms.get(k as usize)?;
                match f.defect {
                    Some(FormDefect::NotFound) | Some(FormDefect::NotLinked) => return None,
                    Some(FormDefect::Soft404) => return Some(self.soft404()),
                    None => f.name.clone(),
                }
            }
            Ctype::Forms | Ctype::Samples if k == 0 => guide::form_for_download(self, c, i),
            _ => return None,
        };
        let title = name.trim_matches(['《', '》']).to_string();
        let lines = vec![
            format!("申请人（单位）：＿＿＿＿＿＿＿＿　联系电话：＿＿＿＿＿＿"),
            "身份证号码（统一社会信用代码）：＿＿＿＿＿＿＿＿＿＿＿＿".to_string(),
            "申请事项：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿".to_string(),
            format!("受理单位：{}", self.dept_shown(col.dept)),
            "申请人签名：＿＿＿＿＿＿　　　年　　月　　日".to_string(),
        ];
        let body = crate::files::file_bytes(&ext, &title, &lines);
        Some(Response {
            status: 200,
            headers: vec![
                (
                    "Content-Type".into(),
                    crate::files::content_type(&ext).into(),
                ),
                (
                    "Content-Disposition".into(),
                    format!(
                        "attachment; filename=\"{}\"",
                        p.rsplit('/').next().unwrap_or("file")
                    ),
                ),
            ],
            body,
            delay: Duration::ZERO,
        })
    }

    /// A 200 answer that says the page does not exist (what many CMSs do).
    fn soft404(&self) -> Response {
        let h = self.simple("页面不存在", "<p>对不起，您访问的页面不存在或已被删除！</p><p><a href=\"/index.html\">返回首页</a></p>");
        self.html(h, Charset::Utf8)
    }

    /// The real 404 page.
    pub fn not_found(&self) -> Response {
        let h = self.simple(
            "404 页面未找到",
            "<p>抱歉，您要访问的页面不存在。</p><p><a href=\"/index.html\">返回首页</a></p>",
        );
        html_response(h, Charset::Utf8, 404)
    }
}

fn text_response(s: &str, ctype: &str) -> Response {
    Response {
        status: 200,
        headers: vec![("Content-Type".into(), ctype.into())],
        body: s.as_bytes().to_vec(),
        delay: Duration::ZERO,
    }
}

/// ２０１７年１２月５日: ASCII digits made full-width.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// 二〇一七年十二月十五日: how official documents date their signature.
pub fn chinese_date(d: NaiveDate) -> String {
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let num = |n: u32| -> String {
        match n {
            0..=9 => D[n as usize].to_string(),
            10 => "十".into(),
            11..=19 => format!("十{}", D[(n - 10) as usize]),
            _ if n.is_multiple_of(10) => format!("{}十", D[(n / 10) as usize]),
            _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        }
    };
    let y: String = d
        .year()
        .to_string()
        .chars()
        .map(|c| D[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    format!("{y}年{}月{}日", num(d.month()), num(d.day()))
}

pub const ROBOTS: &str = "# robots.txt for www.leiyang.gov.cn\nUser-agent: Baiduspider\nCrawl-delay: 2\nDisallow: /e/\nDisallow: /admin/\n\nUser-agent: *\nDisallow: /e/\nDisallow: /admin/\nDisallow: /d/tmp/\nDisallow: /member/\n";

/// Whether a visitor carries the cookie the firewall challenge's script sets.
fn passed(seed: u64, visit: &Visit<'_>) -> bool {
    let want = challenge_cookie(seed);
    visit
        .cookie
        .is_some_and(|c| c.split(';').any(|kv| kv.trim() == want))
}

pub fn item_table_title(id: &str) -> &'static str {
    match id {
        "3.1" => "居民身份证",
        "3.2" => "老年人",
        "3.3" => "残疾人",
        "3.4" => "生育服务证",
        _ => "保障性住房",
    }
}

/// Rows of a key area's item-sorting table, in the rubric's entry order; each row names only
/// its own entry (a test checks that no row carries another entry's labels).
pub fn item_table_rows(
    id: &str,
) -> &'static [(&'static str, &'static str, &'static str, &'static str)] {
    match id {
        "3.1" => &[
            (
                "居民身份证首次申领",
                "户籍所在地公安派出所",
                "60日",
                "年满十六周岁的公民首次申请领取",
            ),
            (
                "居民身份证到期换领",
                "户籍所在地公安派出所",
                "60日",
                "有效期满前三个月内申请",
            ),
            (
                "居民身份证丢失补领",
                "户籍所在地公安派出所",
                "60日",
                "证件遗失的，凭户口簿申请",
            ),
            (
                "临时居民身份证申请",
                "户籍所在地公安派出所",
                "3日",
                "正在办理居民身份证期间急需使用的",
            ),
        ],
        "3.2" => &[
            (
                "老年人医疗服务（就医绿色通道）",
                "市卫计局、各医疗机构",
                "即时",
                "七十岁以上老人挂号、取药优先",
            ),
            (
                "老年人乘车服务（免费乘车）",
                "市交通运输和旅游局",
                "即时",
                "凭证免费乘坐市内公交",
            ),
            (
                "老年人休闲服务（文体活动场所）",
                "市文体广电新闻出版局",
                "即时",
                "公共文化场馆向老人免费开放",
            ),
            (
                "特殊养老补贴发放",
                "市民政局",
                "20个工作日",
                "经济困难的失能、半失能老人",
            ),
            (
                "高龄老人津贴发放",
                "市民政局",
                "20个工作日",
                "八十周岁以上本市户籍老人按月发放",
            ),
            (
                "老年人优待证办理",
                "市老龄办",
                "5个工作日",
                "六十周岁以上老人凭身份证申请",
            ),
        ],
        "3.3" => &[
            (
                "残疾人证办理",
                "市残联",
                "30个工作日",
                "经指定医院评定后核发",
            ),
            (
                "残疾学生助学",
                "市残联、市教育局",
                "15个工作日",
                "在校残疾学生及残疾人家庭子女",
            ),
            (
                "残疾人就业扶持（职业培训）",
                "市残联",
                "10个工作日",
                "适龄残疾人免费参加技能培训",
            ),
            (
                "残疾人康复服务（辅助器具适配）",
                "市残联",
                "15个工作日",
                "持证残疾人免费适配基本型辅助器具",
            ),
        ],
        "3.4" => &[
            (
                "一孩生育服务证登记",
                "户籍所在地乡镇（街道）计生办",
                "即时",
                "夫妻生育第一个子女的",
            ),
            (
                "二孩生育服务证登记",
                "户籍所在地乡镇（街道）计生办",
                "即时",
                "夫妻生育第二个子女的",
            ),
        ],
        _ => &[
            (
                "房屋产权首次登记",
                "市不动产登记中心",
                "10个工作日",
                "新建房屋的初始登记",
            ),
            (
                "房屋产权转移登记（过户）",
                "市不动产登记中心",
                "10个工作日",
                "买卖、赠与、继承等",
            ),
            (
                "房屋产权变更登记",
                "市不动产登记中心",
                "10个工作日",
                "权利人姓名、房屋坐落等发生变化",
            ),
            (
                "房屋抵押权登记",
                "市不动产登记中心",
                "5个工作日",
                "以房屋设定抵押的",
            ),
        ],
    }
}
