//! The HTML report: one self-contained file that opens offline and prints well. The total,
//! section and department charts (inline SVG), the indicator table, every finding with its
//! evidence, and the run's metadata. No script, no external resource: a Content Security
//! Policy forbids both, so even a mistake here could not load or run anything.

use rubric::{Points, Status};

use crate::chart::{Bar, bars};
use crate::text::{esc, href};
use crate::{Report, Row};

/// Styles shared by the report and the notices: A4, Chinese fonts the office has.
pub(crate) const STYLE: &str = r#"
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", SimSun, sans-serif;
       margin: 2em auto; max-width: 60em; color: #222; line-height: 1.6; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { border-bottom: 2px solid #b22; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n, th.n { text-align: right; white-space: nowrap; }
.meta { color: #555; } .total { font-size: 2.4em; font-weight: bold; color: #b22; }
.badge { display: inline-block; padding: 0 .5em; border-radius: .3em; font-size: .85em; color: #fff; background: #b22; }
.badge.needs_review { background: #c80; } .badge.unverified { background: #777; } .badge.dismissed { background: #999; }
.finding { border: 1px solid #ddd; border-left: 4px solid #b22; padding: .4em .8em; margin: .6em 0; page-break-inside: avoid; }
.finding.needs_review { border-left-color: #c80; } .finding.unverified { border-left-color: #777; }
.evidence { font-size: .88em; color: #444; margin: .3em 0 0 0; padding-left: 1.2em; }
blockquote { margin: .2em 0; padding: .2em .6em; background: #f7f7f7; border-left: 3px solid #ccc; white-space: pre-wrap; word-break: break-all; }
a { color: #14a; word-break: break-all; } code { font-size: .9em; word-break: break-all; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; max-width: none; } a { color: #222; text-decoration: none; } h2 { page-break-after: avoid; } }
"#;

/// The page's head: UTF-8, the policy that forbids scripts and outside resources, the styles.
pub(crate) fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    )
}

/// A link to a page of the portal (text only when the URL is not http or https).
pub(crate) fn link(url: &str) -> String {
    match href(url) {
        Some(h) => format!(
            "<a href=\"{h}\" rel=\"noreferrer noopener\">{}</a>",
            esc(url)
        ),
        None => format!("<code>{}</code>", esc(url)),
    }
}

fn pts(p: Points) -> String {
    p.to_string()
}

/// The whole report.
pub fn report(r: &Report<'_>) -> String {
    let a = r.assessment;
    let title = match &r.department {
        Some(d) => format!("{} 考核报告（{d}）", a.portal),
        None => format!("{} 考核报告", a.portal),
    };
    let mut h = head(&title);
    h.push_str(&format!(
        "<h1>{}</h1>\n<p class=\"meta\">{} · {}</p>\n",
        esc(&a.rubric_title),
        esc(&a.portal),
        esc(&r.run_line())
    ));

    // The total and the counts.
    h.push_str(&format!(
        "<p><span class=\"total\">{} 分</span> / {} 分　扣分 {} 项 · 待复核 {} 项 · 未核实 {} 项{}</p>\n",
        pts(a.total),
        pts(a.max),
        a.counts.deducted,
        a.counts.needs_review,
        a.counts.unverified,
        if a.counts.manual > 0 {
            format!(" · 人工扣分 {} 项", a.counts.manual)
        } else {
            String::new()
        }
    ));
    if let Some(d) = &r.department {
        h.push_str(&format!(
            "<p class=\"meta\">本报告只列出「{}」的问题；总分和各项得分是全站的。</p>\n",
            esc(d)
        ));
    }

    // Sections.
    h.push_str("<h2>分项得分</h2>\n");
    let section_bars: Vec<Bar> = a
        .scores
        .sections
        .iter()
        .map(|s| Bar {
            label: s.name.clone(),
            value: s.score.hundredths() as f64,
            max: s.points.hundredths() as f64,
            text: format!("{}/{}", s.score, s.points),
        })
        .collect();
    h.push_str(&bars("分项得分", &section_bars, "#2a7"));

    // Departments.
    h.push_str("\n<h2>部门扣分</h2>\n");
    let lost: Vec<_> = r
        .departments
        .iter()
        .filter(|d| d.lost > Points::ZERO)
        .collect();
    if lost.is_empty() {
        h.push_str("<p>没有考核单位被扣分。</p>\n");
    } else {
        let top = lost.first().map_or(1.0, |d| d.lost.hundredths() as f64);
        let dept_bars: Vec<Bar> = lost
            .iter()
            .map(|d| Bar {
                label: d.name.clone(),
                value: d.lost.hundredths() as f64,
                max: top,
                text: format!("−{}", d.lost),
            })
            .collect();
        h.push_str(&bars("部门扣分", &dept_bars, "#b22"));
    }
    h.push_str("\n<table>\n<tr><th>名次</th><th>考核单位</th><th class=\"n\">失分</th><th class=\"n\">问题数</th><th>失分指标</th></tr>\n");
    for (i, d) in r.departments.iter().enumerate() {
        h.push_str(&format!(
            "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            i + 1,
            esc(&d.full_name),
            pts(d.lost),
            d.findings,
            esc(&d.indicators.join("、"))
        ));
    }
    h.push_str("</table>\n");

    // Indicators.
    h.push_str("<h2>指标得分</h2>\n<table>\n<tr><th>指标</th><th class=\"n\">分值</th><th class=\"n\">得分</th><th class=\"n\">扣分</th><th class=\"n\">待复核</th><th class=\"n\">未核实</th><th>考核单位</th></tr>\n");
    for s in &a.scores.sections {
        h.push_str(&format!(
            "<tr><th colspan=\"7\">{}（{} 分，得 {} 分）</th></tr>\n",
            esc(&s.name),
            pts(s.points),
            pts(s.score)
        ));
        for i in &s.indicators {
            let depts = r
                .rubric
                .indicator(&i.id)
                .map(|x| x.departments.join("、"))
                .unwrap_or_default();
            h.push_str(&format!(
                "<tr><td>{} {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                esc(&i.id),
                esc(&i.name),
                pts(i.points),
                pts(i.score),
                pts(i.points.saturating_deduct(i.score)),
                i.needs_review.len(),
                i.unverified.len(),
                esc(&depts)
            ));
        }
    }
    h.push_str("</table>\n");

    // Findings, grouped by indicator; the needs-review and unverified ones are in place,
    // marked, so an assessor reads each indicator's whole story at once.
    h.push_str(&format!("<h2>问题清单（{} 项）</h2>\n", r.rows.len()));
    if r.rows.is_empty() {
        h.push_str("<p>没有发现问题。</p>\n");
    }
    let mut current = None;
    for row in &r.rows {
        if current != Some(&row.indicator_name) {
            h.push_str(&format!("<h3>{}</h3>\n", esc(&row.indicator_name)));
            current = Some(&row.indicator_name);
        }
        h.push_str(&finding(row));
    }

    h.push_str("<h2>评估信息</h2>\n<table>\n");
    for (k, v) in r.metadata() {
        h.push_str(&format!("<tr><th>{k}</th><td>{}</td></tr>\n", esc(&v)));
    }
    h.push_str("</table>\n<p class=\"meta\">由 kaohe 生成。每条问题的证据可用 <code>kaohe snapshot show 抓取编号 网址</code> 查看原始抓取记录。</p>\n</body>\n</html>\n");
    h
}

/// One finding with its evidence.
fn finding(row: &Row<'_>) -> String {
    let f = &row.finding.finding;
    let class = if row.decision == Some(rubric::Action::Dismiss) {
        "dismissed"
    } else {
        f.status.as_str()
    };
    let cost = if row.counted > Points::ZERO {
        format!("扣 {} 分", row.counted)
    } else if f.status == Status::Deducted {
        "不另扣分".to_string()
    } else {
        format!("拟扣 {} 分，未计入", row.finding.deduction)
    };
    let mut s = format!(
        "<div class=\"finding {}\" id=\"{}\">\n<p><span class=\"badge {class}\">{}</span> {} <br><span class=\"meta\">{} · {} · {} · 置信度 {:.2} · <code>{}</code></span></p>\n",
        f.status.as_str(),
        esc(&f.id),
        esc(&row.status_zh()),
        esc(&f.message),
        esc(&row.department),
        esc(&row.rule_name),
        cost,
        f.confidence,
        esc(&f.id)
    );
    if let rubric::Origin::Assessor { name, reason } = &f.origin {
        s.push_str(&format!(
            "<p class=\"meta\">人工扣分：{}（{}）</p>\n",
            esc(reason),
            esc(name)
        ));
    }
    if !f.evidence.is_empty() {
        s.push_str("<ul class=\"evidence\">\n");
        for e in &f.evidence {
            s.push_str("<li>");
            if let Some(n) = &e.note {
                s.push_str(&format!("{}：", esc(n)));
            }
            s.push_str(&link(&e.url));
            let mut facts = Vec::new();
            if let Some(t) = &e.fetched_at {
                facts.push(format!("抓取于 {}", esc(t)));
            }
            if let Some(id) = e.fetch {
                facts.push(format!("抓取记录 #{id}"));
            }
            if let Some(l) = &e.label {
                facts.push(format!("匹配标签「{}」", esc(l)));
            }
            if let Some(h) = &e.content_hash {
                facts.push(format!("SHA-256 <code>{}</code>", esc(h)));
            }
            if let Some(w) = &e.warc_record {
                facts.push(format!("WARC <code>{}</code>", esc(w)));
            }
            if !facts.is_empty() {
                s.push_str(&format!(
                    "<br><span class=\"meta\">{}</span>",
                    facts.join(" · ")
                ));
            }
            if let Some(x) = &e.excerpt {
                s.push_str(&format!("<blockquote>{}</blockquote>", esc(x)));
            }
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</div>\n");
    s
}
