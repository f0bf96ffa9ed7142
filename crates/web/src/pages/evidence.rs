//! The page a finding rests on, as it was fetched, from the snapshot — inert.
//!
//! Three layers keep a hostile or merely busy portal page from doing anything in the
//! assessor's browser: the answer's own Content-Security-Policy (`sandbox`, `default-src
//! 'none'`: no script runs, nothing is loaded, no form is sent), the `sandbox` attribute of the
//! frame that shows it, and the page's own attributes that would load or go somewhere (`src`,
//! `href`, `action`, `http-equiv` …) renamed so they mean nothing. The words the finding quotes
//! are wrapped in `<mark>`. `?view=text` shows the page's visible text instead, rendered by
//! us, with the same highlight.

use std::sync::LazyLock;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;
use regex::Regex;
use serde::Deserialize;
use store::FetchId;

use super::Loaded;
use crate::auth::Viewer;
use crate::{AppState, WebError};

/// The answer's policy: a sandboxed document that may only show itself (inline styles and
/// data: images, nothing from the network).
const EVIDENCE_CSP: &str = "sandbox; default-src 'none'; style-src 'unsafe-inline'; \
                            img-src data:; form-action 'none'; base-uri 'none'; \
                            frame-ancestors 'self'";

#[derive(Deserialize)]
pub struct Which {
    id: String,
    #[serde(default)]
    e: usize,
    #[serde(default)]
    view: String,
    /// A re-check's fetch of this finding's page (named by an audit row of the finding).
    #[serde(default)]
    fetch: Option<i64>,
}

pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    Path(run): Path<i64>,
    Query(q): Query<Which>,
) -> Result<Response, WebError> {
    let l = Loaded::get(&state, run).await?;
    let report = report::Report::new(l.info(), &l.run.assessment, &l.rubric, None)?;
    let row = super::finding::find(&report, &v, &q.id)?;
    let ev = row
        .finding
        .finding
        .evidence
        .get(q.e)
        .ok_or(WebError::NotFound)?;
    let fetch_id = match q.fetch {
        // Only a fetch an assessor's re-check of this very finding made: never any fetch id.
        Some(id) => {
            let named = state
                .store()
                .decisions(store::RunId(run))
                .await?
                .into_iter()
                .filter(|d| d.finding == q.id && d.action == super::finding::AUDIT_RECHECK)
                .filter_map(|d| serde_json::from_str::<serde_json::Value>(&d.body).ok())
                .any(|b| b.get("fetch").and_then(serde_json::Value::as_i64) == Some(id));
            if !named {
                return Err(WebError::NotFound);
            }
            id
        }
        None => ev.fetch.ok_or(WebError::NotFound)?,
    };
    let fetch = state
        .store()
        .fetch(FetchId(fetch_id))
        .await?
        .ok_or(WebError::NotFound)?;
    let bytes = match &fetch.body_hash {
        Some(h) => state.store().body(h).await?.unwrap_or_default(),
        None => Vec::new(),
    };
    let url = url::Url::parse(&fetch.final_url).ok();
    let decoded = extract::decode(&bytes, fetch.headers.content_type.as_deref(), url.as_ref());
    let needle = ev.excerpt.as_deref().unwrap_or("");
    let html_text = if q.view == "text" || !extract::facts::looks_like_html(&decoded.text) {
        text_view(&decoded.text, needle, &fetch.final_url)
    } else {
        inert(&decoded.text, needle)
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, EVIDENCE_CSP),
            (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
        ],
        html_text,
    )
        .into_response())
}

/// Attributes that load, submit or navigate, renamed; `<meta http-equiv>` (a refresh) too.
static ACTIVE_ATTR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(\s)(href|src|srcset|action|formaction|background|poster|data|codebase|ping|http-equiv|on[a-z]+)(\s*=)"#,
    )
    .ok()
});

/// The page source made inert, with the first occurrence of the quoted words marked.
pub fn inert(source: &str, needle: &str) -> String {
    let mut out = match ACTIVE_ATTR.as_ref() {
        Some(re) => re
            .replace_all(source, "${1}data-kaohe-${2}${3}")
            .into_owned(),
        None => return text_view(source, needle, ""),
    };
    if let Some((start, end)) = find_in_text(&out, needle) {
        out.insert_str(end, "</mark>");
        out.insert_str(start, "<mark class=\"kaohe-evidence\">");
    }
    let style = "<style>mark.kaohe-evidence{background:#ffeb3b;outline:3px solid #f57c00}</style>";
    match out
        .find("<head")
        .and_then(|i| out[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => out.insert_str(at, style),
        None => out.insert_str(0, style),
    }
    out
}

/// Where `needle` (or, failing that, its first few characters) occurs in the page's text,
/// outside any tag.
fn find_in_text(source: &str, needle: &str) -> Option<(usize, usize)> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    let chars: Vec<char> = needle.chars().collect();
    for take in [chars.len(), 16, 8] {
        if take > chars.len() || take < 2 {
            continue;
        }
        let n: String = chars[..take].iter().collect();
        let mut from = 0;
        while let Some(i) = source[from..].find(&n) {
            let at = from + i;
            let before = &source[..at];
            let in_tag = before.rfind('<') > before.rfind('>');
            if !in_tag {
                return Some((at, at + n.len()));
            }
            from = at + n.len();
        }
    }
    None
}

/// The page's visible text, laid out by us, with the quoted words marked.
fn text_view(source: &str, needle: &str, url: &str) -> String {
    let doc = if extract::facts::looks_like_html(source) {
        extract::doc::Doc::from_html(source)
    } else {
        extract::doc::Doc::from_text(source)
    };
    let needle = needle.trim();
    html! {
        (maud::DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                style { "body{font:15px/1.6 sans-serif;margin:1em}mark{background:#ffeb3b}p{margin:.2em 0}" }
            }
            body {
                p { small { "页面文字（抓取时）：" (url) } }
                @for line in &doc.lines {
                    @let text = if line.cells.is_empty() { line.text.clone() } else { line.cells.join(" | ") };
                    @if !needle.is_empty() && text.contains(needle) {
                        @let (a, rest) = text.split_at(text.find(needle).unwrap_or(0));
                        @let (m, b) = rest.split_at(needle.len().min(rest.len()));
                        p { (a) mark { (m) } (b) }
                    } @else {
                        p { (text) }
                    }
                }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_page_is_made_inert_and_its_words_marked() {
        let page = r#"<html><head><meta http-equiv="refresh" content="0;url=http://evil/"><script src="http://evil/x.js"></script></head><body onload="steal()"><img src="http://evil/p.gif"><a href="http://evil/">办理时间：工作日</a><form action="http://evil/"></form></body></html>"#;
        let out = inert(page, "办理时间：工作日");
        for live in [" src=", " href=", " action=", " onload=", " http-equiv="] {
            assert!(!out.contains(live), "{live} left in {out}");
        }
        assert!(
            out.contains(r#"<mark class="kaohe-evidence">办理时间：工作日</mark>"#),
            "{out}"
        );
    }

    #[test]
    fn the_mark_is_never_put_inside_a_tag() {
        let page =
            r#"<html><body><a title="收费标准">链接</a><p>收费标准：不收费</p></body></html>"#;
        let out = inert(page, "收费标准");
        assert!(
            out.contains(r#"<p><mark class="kaohe-evidence">收费标准</mark>"#),
            "{out}"
        );
    }
}
