//! Bar charts as inline SVG: drawn by the browser from the report file itself, so the report
//! needs no script, no chart library and no network, and prints as it shows.

use crate::text::esc;

/// One bar: its label, its value and the scale's end (the indicator's points, say).
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub max: f64,
    /// The text at the bar's end (`33/48`, `−4`).
    pub text: String,
}

const LABEL_W: f64 = 190.0;
const BAR_W: f64 = 420.0;
const ROW_H: f64 = 26.0;

/// A horizontal bar chart; `color` fills the bars, the rest of each scale is grey.
pub fn bars(caption: &str, rows: &[Bar], color: &str) -> String {
    let h = ROW_H * rows.len() as f64 + 8.0;
    let w = LABEL_W + BAR_W + 80.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" \
         viewBox=\"0 0 {w} {h}\" width=\"100%\" style=\"max-width:{w}px\">",
        esc(caption)
    );
    for (i, b) in rows.iter().enumerate() {
        let y = 4.0 + ROW_H * i as f64;
        let share = if b.max > 0.0 {
            (b.value / b.max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        s.push_str(&format!(
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\">{label}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{BAR_W}\" height=\"18\" fill=\"#e8e8e8\"/>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{fw:.1}\" height=\"18\" fill=\"{color}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{text}</text>",
            x = LABEL_W - 8.0,
            ty = y + 14.0,
            label = esc(&b.label),
            bx = LABEL_W,
            fw = BAR_W * share,
            tx = LABEL_W + BAR_W + 6.0,
            text = esc(&b.text),
        ));
    }
    s.push_str("</svg>");
    s
}
