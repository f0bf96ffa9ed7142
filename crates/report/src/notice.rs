//! The rectification notice (整改通知单) the office sends each department: addressed to it,
//! listing each deducted and needs-review finding with its URL and what is wrong, the seed's
//! scoring text for each indicator concerned, and the deadline left blank for the office to
//! fill in. The same content is written as DOCX (Word, WPS, LibreOffice) and as a printable
//! HTML page.

use rubric::{Department, Points, Status};

use crate::docx::{Doc, Para};
use crate::html::head;
use crate::text::esc;
use crate::view::scoring_text;
use crate::{Report, ReportError};

/// What a notice says, before it is written in either format.
struct Notice {
    title: String,
    number: String,
    addressee: String,
    intro: String,
    rows: Vec<[String; 6]>,
    standards: Vec<String>,
    closing: String,
    issuer: String,
    date_line: String,
    source: String,
}

const HEADER: [&str; 6] = ["序号", "指标", "问题", "网址", "扣分", "状态"];

fn notice(r: &Report<'_>, dept: &Department) -> Notice {
    let a = r.assessment;
    let issuer = r.rubric.issuer.clone();
    let rows_of = r.to_fix_of(&dept.name);
    let mut rows = Vec::new();
    let mut indicators: Vec<&str> = Vec::new();
    for (n, x) in rows_of.iter().enumerate() {
        let f = &x.finding.finding;
        let cost = if x.counted > Points::ZERO {
            x.counted.to_string()
        } else if f.status == Status::NeedsReview {
            format!("待定（{}）", x.finding.deduction)
        } else {
            "0".to_string()
        };
        let status = match (f.status, x.decision) {
            (Status::NeedsReview, Some(rubric::Action::Confirm)) => "已确认扣分",
            (Status::NeedsReview, _) => "待复核：请核对，有异议请说明",
            _ => "扣分",
        };
        rows.push([
            (n + 1).to_string(),
            x.indicator_name.clone(),
            f.message.clone(),
            f.evidence
                .first()
                .map(|e| e.url.clone())
                .unwrap_or_default(),
            cost,
            status.to_string(),
        ]);
        if !indicators.contains(&x.finding.indicator.as_str()) {
            indicators.push(&x.finding.indicator);
        }
    }
    let standards = indicators
        .iter()
        .filter_map(|id| {
            let text = scoring_text(r.rubric, id)?;
            Some(format!(
                "{}：{}",
                crate::view::indicator_name(r.rubric, id),
                text
            ))
        })
        .collect();
    let lost: Points = rows_of.iter().map(|x| x.counted).sum();
    let intro = if rows.is_empty() {
        format!(
            "根据《{}》，{issuer}对{}进行了考核（考核截止日期 {}）。贵单位负责的栏目和事项本次未发现需要整改的问题。",
            a.rubric_title, a.portal, a.as_of
        )
    } else {
        format!(
            "根据《{}》，{issuer}对{}进行了考核（考核截止日期 {}）。贵单位负责的栏目和事项存在以下 {} 项问题，已计扣 {} 分。请于＿＿＿＿年＿＿月＿＿日前整改完毕，并将整改情况书面报送{issuer}。标为“待复核”的问题尚待考核人员确认，如有异议，请在同一期限内提出并附说明。",
            a.rubric_title,
            a.portal,
            a.as_of,
            rows.len(),
            lost
        )
    };
    Notice {
        title: "整改通知单".to_string(),
        number: format!("编号：{}-{}-{}", a.rubric, r.run.id, dept.name),
        addressee: format!("{}：", dept.full_name),
        intro,
        rows,
        standards,
        closing: "特此通知。".to_string(),
        issuer,
        date_line: "＿＿＿＿年＿＿月＿＿日".to_string(),
        source: format!(
            "本通知单由 kaohe 根据评估 #{} 生成（{}）；每项问题的证据（抓取时间、原始页面）见评估报告。",
            r.run.id,
            r.run_line()
        ),
    }
}

/// The notice as a .docx file.
pub fn docx(r: &Report<'_>, dept: &Department) -> Result<Vec<u8>, ReportError> {
    let n = notice(r, dept);
    let mut d = Doc::default();
    d.para(Para::Title, &n.title);
    d.para(Para::Right, &n.number);
    d.para(Para::Heading, &n.addressee);
    d.para(Para::Body, &n.intro);
    if !n.rows.is_empty() {
        let rows: Vec<Vec<String>> = n.rows.iter().map(|r| r.to_vec()).collect();
        d.table(&[5, 14, 36, 27, 8, 12], &HEADER, &rows);
    }
    if !n.standards.is_empty() {
        d.para(Para::Heading, "考核标准");
        for s in &n.standards {
            d.para(Para::Body, s);
        }
    }
    d.para(Para::Body, &n.closing);
    d.para(Para::Right, &n.issuer);
    d.para(Para::Right, &n.date_line);
    d.para(Para::Note, &n.source);
    d.finish(&format!("{}整改通知单", dept.name))
        .map_err(|e| ReportError::Docx(e.to_string()))
}

/// The notice as a printable HTML page.
pub fn html(r: &Report<'_>, dept: &Department) -> String {
    let n = notice(r, dept);
    let mut h = head(&format!("{}整改通知单", dept.name));
    h.push_str(&format!(
        "<h1 style=\"text-align:center\">{}</h1>\n<p style=\"text-align:right\">{}</p>\n<p><strong>{}</strong></p>\n<p style=\"text-indent:2em\">{}</p>\n",
        esc(&n.title),
        esc(&n.number),
        esc(&n.addressee),
        esc(&n.intro)
    ));
    if !n.rows.is_empty() {
        h.push_str("<table>\n<tr>");
        for c in HEADER {
            h.push_str(&format!("<th>{c}</th>"));
        }
        h.push_str("</tr>\n");
        for row in &n.rows {
            h.push_str(&format!(
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                esc(&row[0]),
                esc(&row[1]),
                esc(&row[2]),
                crate::html::link(&row[3]),
                esc(&row[4]),
                esc(&row[5])
            ));
        }
        h.push_str("</table>\n");
    }
    if !n.standards.is_empty() {
        h.push_str("<h3>考核标准</h3>\n");
        for s in &n.standards {
            h.push_str(&format!("<p style=\"text-indent:2em\">{}</p>\n", esc(s)));
        }
    }
    h.push_str(&format!(
        "<p style=\"text-indent:2em\">{}</p>\n<p style=\"text-align:right\">{}<br>{}</p>\n<p class=\"meta\">{}</p>\n</body>\n</html>\n",
        esc(&n.closing),
        esc(&n.issuer),
        esc(&n.date_line),
        esc(&n.source)
    ));
    h
}
