//! The XLSX workbook the office opens in Excel or WPS: 总分, 指标得分, 部门扣分, 问题清单,
//! 待复核, 未核实. Header rows frozen and filtered, numbers as numbers, columns as wide as
//! their Chinese text (East Asian characters count double), printed landscape on A4 one page
//! wide. Text from pages is written as text cells; one that starts like a formula also gets
//! Excel's quote prefix, so editing it cannot turn it into one.

use rubric::{Points, Status};
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, FormatUnderline, Url, Workbook, Worksheet,
    XlsxError,
};

use crate::text::{cell, display_width, looks_like_formula};
use crate::{Report, ReportError, Row};

/// Excel refuses more hyperlinks than this in one sheet; further URLs are written as text.
const MAX_LINKS_PER_SHEET: usize = 65_000;
/// Excel's limit on a hyperlink's length.
const MAX_LINK_CHARS: usize = 2_000;
/// Columns never get wider than this (in characters); longer text wraps.
const MAX_COLUMN_WIDTH: usize = 60;
/// A row's height per line of text, in points (11 pt type).
const LINE_HEIGHT: f64 = 15.0;
/// No row grows taller than this many lines (Excel's limit is 409 points).
const MAX_ROW_LINES: usize = 27;
/// Excel's paper size code for A4.
const A4: u8 = 9;

/// The workbook's bytes.
pub fn workbook(r: &Report<'_>) -> Result<Vec<u8>, ReportError> {
    build(r).map_err(|e| ReportError::Xlsx(e.to_string()))
}

fn build(r: &Report<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{} 考核结果（评估 #{}）",
                r.assessment.portal, r.run.id
            ))
            .set_author("kaohe"),
    );
    let f = Formats::new();

    total_sheet(wb.add_worksheet(), r, &f)?;
    indicator_sheet(wb.add_worksheet(), r, &f)?;
    department_sheet(wb.add_worksheet(), r, &f)?;
    let all: Vec<&Row<'_>> = r.rows.iter().collect();
    findings_sheet(wb.add_worksheet(), "问题清单", &all, &f)?;
    let review: Vec<&Row<'_>> = r
        .rows
        .iter()
        .filter(|x| x.status() == Status::NeedsReview)
        .collect();
    findings_sheet(wb.add_worksheet(), "待复核", &review, &f)?;
    let unverified: Vec<&Row<'_>> = r
        .rows
        .iter()
        .filter(|x| x.status() == Status::Unverified)
        .collect();
    findings_sheet(wb.add_worksheet(), "未核实", &unverified, &f)?;
    wb.save_to_buffer()
}

struct Formats {
    header: Format,
    text: Format,
    wrap: Format,
    quoted: Format,
    quoted_wrap: Format,
    number: Format,
    title: Format,
    link: Format,
}

impl Formats {
    fn new() -> Formats {
        let font = |f: Format| f.set_font_name("宋体").set_font_size(11);
        Formats {
            header: font(Format::new())
                .set_bold()
                .set_background_color("#DDE4EE")
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text: font(Format::new()).set_align(FormatAlign::Top),
            wrap: font(Format::new())
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            quoted: font(Format::new())
                .set_quote_prefix()
                .set_align(FormatAlign::Top),
            quoted_wrap: font(Format::new())
                .set_quote_prefix()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            number: font(Format::new())
                .set_num_format("0.##")
                .set_align(FormatAlign::Top),
            title: font(Format::new()).set_bold().set_font_size(14),
            link: font(Format::new())
                .set_font_color("#0563C1")
                .set_underline(FormatUnderline::Single)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
        }
    }
}

/// A sheet being written: keeps each column's widest text for the widths at the end.
struct Sheet<'w, 'f> {
    ws: &'w mut Worksheet,
    f: &'f Formats,
    widths: Vec<usize>,
    /// Per column, the widest it may get (else [`MAX_COLUMN_WIDTH`]); its text wraps.
    caps: Vec<usize>,
    /// Wrapped cells (row, column, text width): rows are made tall enough for them, since
    /// not every program sizes rows to wrapped text when it opens a file.
    wrapped: Vec<(u32, u16, usize)>,
    links: usize,
}

impl<'w, 'f> Sheet<'w, 'f> {
    fn new(ws: &'w mut Worksheet, name: &str, f: &'f Formats) -> Result<Self, XlsxError> {
        ws.set_name(name)?;
        ws.set_landscape()
            .set_paper_size(A4)
            .set_print_fit_to_pages(1, 0);
        Ok(Sheet {
            ws,
            f,
            widths: Vec::new(),
            caps: Vec::new(),
            wrapped: Vec::new(),
            links: 0,
        })
    }

    fn cap(&self, col: u16) -> usize {
        self.caps
            .get(col as usize)
            .copied()
            .unwrap_or(MAX_COLUMN_WIDTH)
    }

    fn seen(&mut self, col: u16, width: usize) {
        let c = col as usize;
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(width);
    }

    fn header(&mut self, row: u32, names: &[&str]) -> Result<(), XlsxError> {
        for (c, n) in names.iter().enumerate() {
            let c = c as u16;
            self.ws
                .write_string_with_format(row, c, *n, &self.f.header)?;
            self.seen(c, display_width(n) + 2);
        }
        Ok(())
    }

    /// Text from anywhere (a page included): a text cell, quote-prefixed if formula-like.
    fn text(&mut self, row: u32, col: u16, s: &str, wrap: bool) -> Result<(), XlsxError> {
        let s = cell(s);
        let wrap = wrap || display_width(&s) > self.cap(col);
        let fmt = match (looks_like_formula(&s), wrap) {
            (true, true) => &self.f.quoted_wrap,
            (true, false) => &self.f.quoted,
            (false, true) => &self.f.wrap,
            (false, false) => &self.f.text,
        };
        self.ws.write_string_with_format(row, col, &s, fmt)?;
        if wrap {
            let w = s.lines().map(display_width).map(|w| w.max(1)).sum();
            self.wrapped.push((row, col, w));
        }
        self.seen(col, display_width(&s));
        Ok(())
    }

    fn number(&mut self, row: u32, col: u16, v: f64) -> Result<(), XlsxError> {
        self.ws
            .write_number_with_format(row, col, v, &self.f.number)?;
        self.seen(col, 6);
        Ok(())
    }

    fn points(&mut self, row: u32, col: u16, p: Points) -> Result<(), XlsxError> {
        self.number(row, col, p.hundredths() as f64 / 100.0)
    }

    /// A URL as a hyperlink when it is a web address Excel can hold, else as text.
    fn url(&mut self, row: u32, col: u16, url: &str) -> Result<(), XlsxError> {
        let lower = url.to_ascii_lowercase();
        let linkable = (lower.starts_with("http://") || lower.starts_with("https://"))
            && url.chars().count() <= MAX_LINK_CHARS
            && !url.chars().any(char::is_control)
            && self.links < MAX_LINKS_PER_SHEET;
        if linkable
            && self
                .ws
                .write_url_with_format(row, col, Url::new(url).set_text(cell(url)), &self.f.link)
                .is_ok()
        {
            self.links += 1;
            self.wrapped.push((row, col, display_width(url)));
            self.seen(col, display_width(url));
            return Ok(());
        }
        self.text(row, col, url, false)
    }

    /// Column widths from the text, header frozen, filter over the table, header printed on
    /// every page.
    fn finish(self, header_row: u32, last_row: u32) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            let cap = self.cap(c as u16);
            let w = (*w).clamp(cap.min(4), cap) + 2;
            self.ws.set_column_width(c as u16, w as f64)?;
        }
        let mut lines: std::collections::BTreeMap<u32, usize> = Default::default();
        for &(row, col, w) in &self.wrapped {
            let width = self.widths.get(col as usize).copied().unwrap_or(1);
            let cap = self.cap(col);
            let col_w = width.clamp(cap.min(4), cap).max(1);
            let n = w.div_ceil(col_w).clamp(1, MAX_ROW_LINES);
            let e = lines.entry(row).or_default();
            *e = (*e).max(n);
        }
        for (row, n) in lines {
            if n > 1 {
                self.ws.set_row_height(row, LINE_HEIGHT * n as f64)?;
            }
        }
        let last_col = self.widths.len().saturating_sub(1) as u16;
        self.ws.set_freeze_panes(header_row + 1, 0)?;
        self.ws
            .autofilter(header_row, 0, last_row.max(header_row), last_col)?;
        self.ws.set_repeat_rows(header_row, header_row)?;
        Ok(())
    }
}

fn total_sheet(ws: &mut Worksheet, r: &Report<'_>, f: &Formats) -> Result<(), XlsxError> {
    let a = r.assessment;
    let mut s = Sheet::new(ws, "总分", f)?;
    s.ws.write_string_with_format(0, 0, cell(&a.rubric_title), &f.title)?;
    s.text(1, 0, &format!("{} · {}", a.portal, r.run_line()), false)?;
    s.header(3, &["分项", "分值", "得分", "失分"])?;
    let mut row = 4;
    for sec in &a.scores.sections {
        s.text(row, 0, &sec.name, false)?;
        s.points(row, 1, sec.points)?;
        s.points(row, 2, sec.score)?;
        s.points(row, 3, sec.points.saturating_deduct(sec.score))?;
        row += 1;
    }
    s.text(row, 0, "总分", false)?;
    s.points(row, 1, a.max)?;
    s.points(row, 2, a.total)?;
    s.points(row, 3, a.max.saturating_deduct(a.total))?;
    let last = row;
    row += 2;
    for (k, v) in [
        ("扣分问题", a.counts.deducted),
        ("待复核问题", a.counts.needs_review),
        ("未核实问题", a.counts.unverified),
        ("人工扣分", a.counts.manual),
    ] {
        s.text(row, 0, k, false)?;
        s.number(row, 1, v as f64)?;
        row += 1;
    }
    row += 1;
    for (k, v) in r.metadata() {
        s.text(row, 0, k, false)?;
        s.text(row, 1, &v, false)?;
        row += 1;
    }
    // The title and the long metadata values would widen column A and B past use.
    s.widths.iter_mut().for_each(|w| *w = (*w).min(40));
    s.finish(3, last)
}

fn indicator_sheet(ws: &mut Worksheet, r: &Report<'_>, f: &Formats) -> Result<(), XlsxError> {
    let mut s = Sheet::new(ws, "指标得分", f)?;
    s.header(
        0,
        &[
            "分项",
            "指标编号",
            "指标",
            "分值",
            "得分",
            "失分",
            "扣分合计",
            "待复核",
            "未核实",
            "已撤销",
            "考核单位",
        ],
    )?;
    let mut row = 0;
    for sec in &r.assessment.scores.sections {
        for i in &sec.indicators {
            row += 1;
            s.text(row, 0, &sec.name, false)?;
            s.text(row, 1, &i.id, false)?;
            s.text(row, 2, &i.name, false)?;
            s.points(row, 3, i.points)?;
            s.points(row, 4, i.score)?;
            s.points(row, 5, i.points.saturating_deduct(i.score))?;
            s.points(row, 6, i.deducted)?;
            s.number(row, 7, i.needs_review.len() as f64)?;
            s.number(row, 8, i.unverified.len() as f64)?;
            s.number(row, 9, i.dismissed.len() as f64)?;
            let depts = r
                .rubric
                .indicator(&i.id)
                .map(|x| x.departments.join("、"))
                .unwrap_or_default();
            s.text(row, 10, &depts, false)?;
        }
    }
    s.finish(0, row)
}

fn department_sheet(ws: &mut Worksheet, r: &Report<'_>, f: &Formats) -> Result<(), XlsxError> {
    let mut s = Sheet::new(ws, "部门扣分", f)?;
    s.header(
        0,
        &[
            "名次",
            "考核单位",
            "全称",
            "失分",
            "扣分合计",
            "问题数",
            "失分指标",
        ],
    )?;
    let mut row = 0;
    for (n, d) in r.departments.iter().enumerate() {
        row += 1;
        s.number(row, 0, (n + 1) as f64)?;
        s.text(row, 1, &d.name, false)?;
        s.text(row, 2, &d.full_name, false)?;
        s.points(row, 3, d.lost)?;
        s.points(row, 4, d.deducted)?;
        s.number(row, 5, d.findings as f64)?;
        s.text(row, 6, &d.indicators.join("、"), true)?;
    }
    s.finish(0, row)
}

const FINDING_COLUMNS: [&str; 14] = [
    "序号",
    "指标",
    "规则",
    "考核单位",
    "状态",
    "计入扣分",
    "拟扣分",
    "问题",
    "网址",
    "抓取时间",
    "摘录",
    "匹配标签",
    "置信度",
    "问题编号",
];

fn findings_sheet(
    ws: &mut Worksheet,
    name: &str,
    rows: &[&Row<'_>],
    f: &Formats,
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(ws, name, f)?;
    // Narrow enough that the list prints one page wide at a readable scale; long text wraps.
    s.caps = vec![4, 14, 10, 12, 12, 6, 6, 36, 28, 12, 24, 10, 6, 18];
    s.header(0, &FINDING_COLUMNS)?;
    let mut row = 0;
    for (n, x) in rows.iter().enumerate() {
        row += 1;
        let fi = &x.finding.finding;
        let ev = fi.evidence.first();
        s.number(row, 0, (n + 1) as f64)?;
        s.text(row, 1, &x.indicator_name, false)?;
        s.text(row, 2, &x.rule_name, false)?;
        s.text(row, 3, &x.department, false)?;
        s.text(row, 4, &x.status_zh(), false)?;
        s.points(row, 5, x.counted)?;
        s.points(row, 6, x.finding.deduction)?;
        s.text(row, 7, &fi.message, true)?;
        match ev {
            Some(e) => s.url(row, 8, &e.url)?,
            None => s.text(row, 8, "", false)?,
        }
        s.text(
            row,
            9,
            &ev.and_then(|e| e.fetched_at.as_deref())
                .map(short_time)
                .unwrap_or_default(),
            false,
        )?;
        s.text(
            row,
            10,
            ev.and_then(|e| e.excerpt.as_deref()).unwrap_or(""),
            true,
        )?;
        s.text(
            row,
            11,
            ev.and_then(|e| e.label.as_deref()).unwrap_or(""),
            false,
        )?;
        s.number(row, 12, (fi.confidence * 100.0).round() / 100.0)?;
        s.text(row, 13, &fi.id, false)?;
    }
    s.finish(0, row)
}

/// `2017-12-21T07:08:31.123Z` → `2017-12-21 07:08:31` (the cell's width is a date's; the
/// full time is in the JSON and the HTML report).
fn short_time(t: &str) -> String {
    let t: String = t.chars().take(19).collect();
    t.replacen('T', " ", 1)
}
