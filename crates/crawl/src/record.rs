//! Turning a [`Fetch`] into the store's [`FetchRecord`]: the one place where the crawler's
//! vocabulary meets the store's. The mapping keeps the unverified-vs-checked line where
//! [`Outcome::verdict`] draws it.

use chrono::{DateTime, Utc};
use store::{
    AttachmentCheck, AttachmentVerdict, EncodingInfo, EncodingSource, FetchRecord, FrontierId,
    FrontierItem, LinkKind, RedirectHop, ResponseHeaders, Timing,
};
use url::Url;

use crate::canon;
use crate::classify::Expect;
use crate::fetch::Fetch;
use crate::outcome::{Failure, Outcome};

/// The store's outcome for ours, and the detail (Chinese) to keep beside it.
pub fn store_outcome(o: &Outcome) -> (store::Outcome, Option<String>) {
    use store::Outcome as S;
    let detail = Some(o.to_string());
    match o {
        Outcome::Fetched => (S::Fetched, None),
        Outcome::NotModified => (S::NotModified, None),
        Outcome::HttpError { .. } => (S::HttpError, detail),
        Outcome::SoftNotFound => (S::Soft404, detail),
        Outcome::BadAttachment { .. } => (S::Broken, detail),
        Outcome::Challenged { .. } => (S::Challenged, detail),
        Outcome::TimedOut { .. } => (S::TimedOut, detail),
        Outcome::Unreachable {
            failure: Failure::Refused | Failure::Reset,
            ..
        } => (S::Refused, detail),
        Outcome::Unreachable { .. } => (S::NetworkError, detail),
        Outcome::TooLarge { .. } => (S::TooLarge, detail),
        Outcome::RedirectLimit { .. } => (S::RedirectLoop, detail),
        Outcome::RateLimited { .. } | Outcome::HostGaveUp { .. } => (S::RateLimited, detail),
        Outcome::RobotsDisallowed => (S::RobotsDisallowed, detail),
        Outcome::RobotsUnverified => (S::RobotsUnknown, detail),
        Outcome::LeftScope | Outcome::PrivateAddress { .. } => (S::Skipped, detail),
    }
}

/// The record of `f`, completing frontier row `frontier` (`None` for robots.txt).
pub fn to_record(
    frontier: Option<FrontierId>,
    f: &Fetch,
    prev: Option<&store::PreviousFetch>,
) -> FetchRecord {
    let (outcome, detail) = store_outcome(&f.outcome);
    let h = |n: &str| f.header(n).map(str::to_owned);
    let mut headers = ResponseHeaders {
        content_type: h("content-type"),
        etag: h("etag"),
        last_modified: h("last-modified"),
        retry_after: h("retry-after"),
        content_length: h("content-length"),
        server: h("server"),
        content_disposition: h("content-disposition"),
    };
    let mut unchanged_hash = None;
    if f.outcome == Outcome::NotModified
        && let Some(p) = prev
    {
        // Keep the validators in force so the next crawl can send them again.
        headers.etag = headers.etag.or_else(|| p.validators.etag.clone());
        headers.last_modified = headers
            .last_modified
            .or_else(|| p.validators.last_modified.clone());
        unchanged_hash = p.body_hash.clone();
    }
    let encoding = f.decoded.as_ref().map(|d| EncodingInfo {
        name: d.encoding.to_owned(),
        source: match d.decided_by {
            extract::DecidedBy::Bom => EncodingSource::Bom,
            extract::DecidedBy::HttpHeader => EncodingSource::HttpHeader,
            extract::DecidedBy::Meta => EncodingSource::Meta,
            // A wrong declaration recovered by detection was decided by the detector.
            extract::DecidedBy::Detector
            | extract::DecidedBy::HttpHeaderWrong
            | extract::DecidedBy::MetaWrong => EncodingSource::Detected,
        },
        had_errors: d.had_errors,
    });
    let started_at: DateTime<Utc> = f.started.into();
    FetchRecord {
        frontier,
        url: f.url.to_string(),
        final_url: f.final_url.to_string(),
        method: "GET".into(),
        request_headers: f.request_headers.clone(),
        redirects: f
            .redirects
            .iter()
            .map(|r| RedirectHop {
                url: r.url.to_string(),
                status: r.status,
                location: r.location.clone(),
            })
            .collect(),
        status: f.status,
        headers,
        timing: Timing {
            started_at,
            connect_ms: None,
            ttfb_ms: f.ttfb.map(ms),
            total_ms: Some(ms(f.elapsed)),
        },
        outcome,
        detail,
        encoding,
        body: f.body.clone(),
        body_truncated: f.truncated,
        unchanged_hash,
        attachment: attachment_check(f),
    }
}

fn ms(d: std::time::Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// The download check of an attachment, when the site answered.
fn attachment_check(f: &Fetch) -> Option<AttachmentCheck> {
    if f.expect != Expect::Attachment || f.status.is_none() {
        return None;
    }
    let verdict = match f.outcome {
        Outcome::Fetched | Outcome::NotModified => AttachmentVerdict::Ok,
        Outcome::SoftNotFound => AttachmentVerdict::Soft404,
        Outcome::HttpError { .. }
        | Outcome::BadAttachment { .. }
        | Outcome::RedirectLimit { .. } => AttachmentVerdict::Broken,
        // Unverified: no verdict on the file.
        _ => return None,
    };
    let body = f.body.as_deref().unwrap_or(&[]);
    let magic_type = match extract::magic(&body[..body.len().min(4096)]) {
        extract::Magic::Ole => Some("application/x-ole-storage"),
        extract::Magic::Zip => Some("application/zip"),
        extract::Magic::Pdf => Some("application/pdf"),
        extract::Magic::Rar => Some("application/vnd.rar"),
        extract::Magic::SevenZ => Some("application/x-7z-compressed"),
        extract::Magic::Html => Some("text/html"),
        extract::Magic::Empty | extract::Magic::Unknown => None,
    };
    Some(AttachmentCheck {
        declared_type: f.header("content-type").map(str::to_owned),
        magic_type: magic_type.map(str::to_owned),
        size: body.len() as u64,
        verdict,
    })
}

/// The store's kind of a link found on a page.
pub fn link_kind(l: &extract::Link, u: &Url) -> LinkKind {
    use extract::LinkKind as K;
    match l.kind {
        K::A | K::Area if canon::is_attachment(u) => LinkKind::Attachment,
        K::A | K::Area => LinkKind::Anchor,
        K::Img | K::Embed => LinkKind::Image,
        K::Script => LinkKind::Script,
        K::Stylesheet => LinkKind::Stylesheet,
        K::Frame | K::Iframe => LinkKind::Frame,
        K::MetaRefresh => LinkKind::Refresh,
        K::Form => LinkKind::Form,
    }
}

/// A frontier URL that does not parse: recorded as skipped so the frontier row is closed.
pub fn unparsable(item: &FrontierItem) -> FetchRecord {
    FetchRecord {
        frontier: Some(item.id),
        url: item.url.clone(),
        final_url: item.url.clone(),
        method: "GET".into(),
        request_headers: Vec::new(),
        redirects: Vec::new(),
        status: None,
        headers: ResponseHeaders::default(),
        timing: Timing {
            started_at: Utc::now(),
            connect_ms: None,
            ttfb_ms: None,
            total_ms: None,
        },
        outcome: store::Outcome::Skipped,
        detail: Some("网址无法解析，未抓取".into()),
        encoding: None,
        body: None,
        body_truncated: false,
        unchanged_hash: None,
        attachment: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Phase, Verdict};
    use store::Verification;

    /// Architecture invariant: our own failure to fetch is never recorded as the site's defect.
    /// Every outcome keeps its meaning when it reaches the store.
    #[test]
    fn store_keeps_the_unverified_line() {
        let all = [
            Outcome::Fetched,
            Outcome::NotModified,
            Outcome::HttpError { status: 404 },
            Outcome::SoftNotFound,
            Outcome::BadAttachment { reason: "x".into() },
            Outcome::Challenged { status: 412 },
            Outcome::TimedOut { phase: Phase::Read },
            Outcome::Unreachable {
                failure: Failure::Refused,
                detail: "连接被拒绝: x".into(),
            },
            Outcome::Unreachable {
                failure: Failure::Other,
                detail: "网络错误: x".into(),
            },
            Outcome::TooLarge { limit: 1 },
            Outcome::RedirectLimit { looped: true },
            Outcome::RateLimited { status: 429 },
            Outcome::RobotsDisallowed,
            Outcome::RobotsUnverified,
            Outcome::LeftScope,
        ];
        for o in all {
            let (s, _) = store_outcome(&o);
            let want = match o.verdict() {
                Verdict::Ok | Verdict::Broken => Verification::Checked,
                Verdict::Unverified | Verdict::Skipped => Verification::Unverified,
            };
            assert_eq!(s.verification(), want, "{o:?} -> {s:?}");
        }
    }
}
