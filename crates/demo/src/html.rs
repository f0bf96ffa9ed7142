//! Page chrome: the header, navigation, breadcrumb, sidebar and footer of the two CMS
//! template families, and the style sheet. Dates in the top bar, the sidebar calendar and the
//! footer are deliberately there: they are not publication dates.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::site::{Charset, Site, Tpl};

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

pub struct Chrome {
    pub tpl: Tpl,
    pub charset: Charset,
    pub title: String,
    /// Government CMS meta tags (SiteName, ColumnName, PubDate …); only TRS pages carry them.
    pub meta: Vec<(&'static str, String)>,
    /// Breadcrumb after 首页: (name, href); an empty href is the current page.
    pub trail: Vec<(String, String)>,
    pub side: Option<String>,
    pub main: String,
    pub nav_on: &'static str,
}

pub const NAV: &[(&str, &str)] = &[
    ("首页", "/index.html"),
    ("要闻动态", "/ywdt/index.html"),
    ("政务公开", "/xxgk/index.html"),
    ("公共服务", "/ggfw/index.html"),
    ("互动交流", "/hdjl/index.html"),
    ("走进耒阳", "/zjly/index.html"),
];

fn weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn charset_meta(cs: Charset, tpl: Tpl) -> &'static str {
    match (cs, tpl) {
        (Charset::Utf8, Tpl::Empire) => "<meta charset=\"utf-8\">",
        (Charset::Utf8, Tpl::Trs) => {
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />"
        }
        (Charset::Gbk | Charset::Utf8DeclaredGb2312, _) => {
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />"
        }
    }
}

/// A whole page around `c.main`.
pub fn page(site: &Site, c: &Chrome) -> String {
    let mut h = String::with_capacity(c.main.len() + 6000);
    let today = site.as_of;
    match c.tpl {
        Tpl::Trs => h.push_str("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"),
        Tpl::Empire => h.push_str("<!doctype html>\n<html>\n<head>\n"),
    }
    h.push_str(charset_meta(c.charset, c.tpl));
    h.push('\n');
    h.push_str("<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge,chrome=1\" />\n");
    h.push_str(&format!("<title>{}</title>\n", esc(&c.title)));
    for (k, v) in &c.meta {
        h.push_str(&format!("<meta name=\"{k}\" content=\"{}\">\n", esc(v)));
    }
    h.push_str("<meta name=\"keywords\" content=\"耒阳,耒阳市人民政府,政务公开,公共服务\" />\n");
    h.push_str("<link rel=\"stylesheet\" type=\"text/css\" href=\"/skin/css/common.css\" />\n");
    h.push_str("</head>\n");
    h.push_str(&format!(
        "<body class=\"{}\">\n",
        if c.tpl == Tpl::Trs { "trs" } else { "body_bg" }
    ));
    // Top bar: today's date (not a publication date) and links to the higher governments.
    h.push_str(&format!(
        "<div class=\"topbar\"><div class=\"w\"><span class=\"today\">今天是：{}年{}月{}日 {}</span><span class=\"links\"><a href=\"http://www.gov.cn/\" target=\"_blank\">中国政府网</a> | <a href=\"http://www.hunan.gov.cn/\" target=\"_blank\">湖南省人民政府</a> | <a href=\"http://www.hengyang.gov.cn/\" target=\"_blank\">衡阳市人民政府</a></span></div></div>\n",
        today.year(), today.month(), today.day(), weekday(today)
    ));
    h.push_str("<div class=\"header\"><div class=\"w\"><div class=\"logo\"><span class=\"emblem\">★</span><span class=\"sitename\">耒阳市人民政府门户网站</span><span class=\"siteurl\">www.leiyang.gov.cn</span></div>");
    h.push_str("<form class=\"search\" action=\"/e/search/index.php\" method=\"get\"><input type=\"text\" name=\"keyboard\" value=\"请输入关键字\" /><input type=\"submit\" value=\"搜索\" /></form></div></div>\n");
    h.push_str("<div class=\"nav\"><ul class=\"w\">");
    for (name, href) in NAV {
        let on = if *name == c.nav_on {
            " class=\"on\""
        } else {
            ""
        };
        h.push_str(&format!("<li{on}><a href=\"{href}\">{name}</a></li>"));
    }
    h.push_str("</ul></div>\n");
    if !c.trail.is_empty() {
        h.push_str("<div class=\"w curmb\">当前位置：<a href=\"/index.html\">首页</a>");
        for (name, href) in &c.trail {
            if href.is_empty() {
                h.push_str(&format!("&nbsp;&gt;&nbsp;<span>{}</span>", esc(name)));
            } else {
                h.push_str(&format!(
                    "&nbsp;&gt;&nbsp;<a href=\"{href}\">{}</a>",
                    esc(name)
                ));
            }
        }
        h.push_str("</div>\n");
    }
    match &c.side {
        Some(side) => h.push_str(&format!("<div class=\"w main clearfix\"><div class=\"side\">{side}</div><div class=\"content\">{}</div></div>\n", c.main)),
        None => h.push_str(&format!("<div class=\"w main clearfix\">{}</div>\n", c.main)),
    }
    footer(&mut h, site, c.tpl);
    h.push_str("</body>\n</html>\n");
    h
}

fn footer(h: &mut String, site: &Site, tpl: Tpl) {
    h.push_str("<div class=\"footer\"><div class=\"w\">");
    h.push_str("<p><a href=\"/zjly/index.html\">关于我们</a> | <a href=\"/zjly/index.html#lxwm\">联系我们</a> | <a href=\"/ggfw.html\">网上办事（旧版）</a> | <a href=\"/admin/login.html\">网站管理</a></p>");
    h.push_str(
        "<p>主办：耒阳市人民政府办公室　承办：耒阳市电子政务办公室　联系电话：0734-4321234</p>",
    );
    h.push_str("<p>网站标识码：4304810001　<a href=\"http://www.miitbeian.gov.cn/\" target=\"_blank\">湘ICP备05003212号</a>　湘公网安备 43048102000123号</p>");
    match tpl {
        Tpl::Trs => h.push_str(&format!("<p>Copyright © 2009-{} 耒阳市人民政府 版权所有　建议使用1024×768分辨率</p>", site.as_of.year())),
        Tpl::Empire => h.push_str(&format!("<p>本站更新时间：{}　您是第<script src=\"/e/public/ViewClick/?classid=1&amp;id=1&amp;addclick=1\"></script>位访问者</p>", site.as_of.format("%Y-%m-%d"))),
    }
    h.push_str("</div></div>\n");
}

/// A month calendar for the sidebar (dates that are not publication dates), linking to the
/// 政务日历 pages — the crawler trap.
pub fn calendar(year: i32, month: u32, today: Option<u32>) -> String {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    let days = next.map(|n| (n - first).num_days()).unwrap_or(30) as u32;
    let lead = first.weekday().num_days_from_sunday();
    let mut h = format!(
        "<table class=\"cal\"><caption>{year}年{month}月</caption><tr><th>日</th><th>一</th><th>二</th><th>三</th><th>四</th><th>五</th><th>六</th></tr><tr>"
    );
    for _ in 0..lead {
        h.push_str("<td></td>");
    }
    for d in 1..=days {
        let cls = if Some(d) == today {
            " class=\"today\""
        } else {
            ""
        };
        h.push_str(&format!("<td{cls}>{d}</td>"));
        if (lead + d).is_multiple_of(7) && d != days {
            h.push_str("</tr><tr>");
        }
    }
    h.push_str("</tr></table>");
    h
}

pub const CSS: &str = r#"body{margin:0;font:14px/1.7 "Microsoft YaHei","微软雅黑","Noto Sans CJK SC","WenQuanYi Micro Hei",SimSun,sans-serif;color:#333;background:#f3f3f3}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.w{width:1200px;margin:0 auto}.clearfix:after{content:"";display:block;clear:both}
.topbar{background:#f7f7f7;border-bottom:1px solid #e5e5e5;font-size:12px;line-height:32px;color:#666}.topbar .links{float:right}
.header{height:130px;background:linear-gradient(#b5100f,#d8261f 60%,#e94a33)}.header .logo{float:left;padding-top:28px;color:#fff}
.header .emblem{display:inline-block;width:64px;height:64px;line-height:64px;text-align:center;font-size:40px;color:#ffd700;border:3px solid #ffd700;border-radius:50%;vertical-align:middle;margin-right:16px}
.header .sitename{font:bold 40px/64px "STKaiti","KaiTi","Noto Serif CJK SC",serif;letter-spacing:4px;vertical-align:middle;text-shadow:2px 2px 2px #7a0000}
.header .siteurl{display:block;margin-left:84px;font-size:13px;letter-spacing:2px;opacity:.85}
.header .search{float:right;margin-top:48px}.header .search input{height:30px;border:0;padding:0 8px}.header .search input[type=submit]{background:#ffd700;color:#b5100f;font-weight:bold;cursor:pointer}
.nav{background:#1d5aa7;height:46px}.nav ul{padding:0;list-style:none;height:46px}.nav li{float:left;width:200px;text-align:center}
.nav li a{display:block;color:#fff;font-size:18px;line-height:46px}.nav li.on a,.nav li a:hover{background:#0e3f80;color:#fff}
.curmb{line-height:40px;font-size:13px;color:#666}.main{background:#fff;padding:16px;margin-bottom:16px;box-sizing:border-box}
.side{float:left;width:260px}.content{float:right;width:890px}
.side h3,.box h3{margin:0 0 8px;background:#1d5aa7;color:#fff;font-size:16px;line-height:36px;padding-left:12px}
.side ul{margin:0 0 16px;padding:0;list-style:none}.side li{line-height:34px;border-bottom:1px dashed #ddd;padding-left:12px;font-size:13px}
.side li span{float:right;color:#999;padding-right:4px}
.cal{width:100%;border-collapse:collapse;text-align:center;font-size:12px;margin-bottom:16px}.cal caption{background:#eef3fa;line-height:30px;font-weight:bold}.cal td.today{background:#d8261f;color:#fff}
.list_title{border-bottom:2px solid #1d5aa7;font-size:18px;line-height:40px;margin:0 0 10px;color:#1d5aa7}
.news_list{margin:0;padding:0;list-style:none}.news_list li{line-height:38px;border-bottom:1px dashed #ddd;padding-left:14px;background:radial-gradient(circle at 4px 19px,#999 2px,transparent 3px)}
.news_list li .time,.news_list li em{float:right;color:#999;font-style:normal}.news_list h3.year{background:#eef3fa;line-height:30px;margin:12px 0 0;padding-left:8px;font-size:15px}
table.xxgk{width:100%;border-collapse:collapse}table.xxgk th{background:#eef3fa}table.xxgk td,table.xxgk th{border:1px solid #dde3ec;padding:6px}
.page{text-align:center;padding:18px 0;font-size:13px}.page a,.page span{display:inline-block;border:1px solid #ddd;padding:2px 9px;margin:0 2px}.page span.cur{background:#1d5aa7;color:#fff}
.article h1{font-size:24px;text-align:center;color:#1d5aa7;margin:10px 0}.article .info{text-align:center;color:#888;font-size:13px;border-bottom:1px solid #e5e5e5;padding-bottom:10px}
.article .info span{margin:0 10px}.article .zoom{font-size:16px;line-height:2;padding:16px 24px}.article .zoom p{text-indent:2em;margin:6px 0}
table.docmeta{width:100%;border-collapse:collapse;margin:8px 0;font-size:13px}table.docmeta td{border:1px solid #dde3ec;padding:6px}table.docmeta td.k{background:#f4f7fb;width:12%}
.bszn_table,.sxb{border-collapse:collapse;width:100%}.bszn_table td,.sxb td,.sxb th{border:1px solid #c9d6e8;padding:8px;vertical-align:top;text-indent:0}.bszn_table td.bt,.sxb th{background:#eef3fa;font-weight:bold;color:#1d5aa7}
.guide-dl dt{font-weight:bold;color:#1d5aa7;margin-top:10px}.guide-dl dd{margin:4px 0 0 2em}.bszn_tit{color:#1d5aa7;border-left:4px solid #1d5aa7;padding-left:8px;font-size:16px}
.tab_nav{padding:0;list-style:none;border-bottom:2px solid #1d5aa7;height:36px}.tab_nav li{float:left;padding:0 20px;line-height:36px;background:#eef3fa;margin-right:4px}.tab_nav li.on{background:#1d5aa7;color:#fff}
.tab_con .item{border-bottom:1px dashed #ddd;padding:6px 0}.tab_con .tit{display:inline-block;width:130px;color:#1d5aa7;font-weight:bold}
.fujian{border-top:1px dashed #ccc;margin-top:16px}.fujian a,.zoom a{color:#1d5aa7;text-decoration:underline}.prevnext{border-top:1px solid #eee;margin-top:20px;font-size:13px;line-height:28px}
.box{float:left;width:566px;margin:0 10px 16px 0;border:1px solid #e5e5e5;min-height:300px}.box.dept{min-height:0;height:150px}.box.wide{width:1144px;min-height:0}.box ul{margin:0 10px;padding:0;list-style:none}.box li{line-height:34px;border-bottom:1px dashed #eee}.box li span{float:right;color:#999}
.box h3 a.more{float:right;color:#fff;font-size:12px;font-weight:normal;padding-right:10px}
.pic{float:left;width:566px;height:302px;margin:0 10px 16px 0;background:linear-gradient(135deg,#1d5aa7,#5b8fd1);color:#fff;position:relative}.pic .cap{position:absolute;bottom:0;left:0;right:0;background:rgba(0,0,0,.5);line-height:40px;padding:0 12px}
.pic .scene{font-size:50px;text-align:center;padding-top:90px;letter-spacing:6px;opacity:.9;white-space:nowrap}
.services{display:flex;flex-wrap:wrap;padding:8px}.services a{width:180px;margin:6px;line-height:56px;text-align:center;background:#f4f8fd;border:1px solid #d6e2f3;color:#1d5aa7;font-size:16px;border-radius:4px}
.services h4{width:100%;margin:8px 6px 0;color:#d8261f}
.footer{background:#2d3e55;color:#c9d2df;font-size:13px;text-align:center;padding:14px 0}.footer a{color:#c9d2df}.footer p{margin:4px 0}
"#;
