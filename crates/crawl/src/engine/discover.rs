//! Discovery: what a fetched page adds to the frontier. Its links (from the HTML, or the
//! `<loc>`s of a sitemap) are all stored as evidence; the in-scope ones that are not excluded,
//! not traps and not seen before in this run become new URLs.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use store::{NewLink, NewUrl, Purpose};
use url::Url;

use super::Shared;
use crate::canon::{self, Trap};
use crate::fetch::Fetch;
use crate::record;

/// Said beside a link that carried credentials (they are dropped, never used).
pub const CREDENTIALS_NOTE: &str = "【此链接含用户名或密码，已去除，未使用】";

impl Shared {
    /// Links of a page and the URLs to put in the frontier.
    pub(super) fn links(
        &self,
        f: &Fetch,
        text: Option<(&str, &'static str)>,
        depth: u32,
    ) -> (Vec<NewLink>, Vec<NewUrl>) {
        let Some((text, enc_name)) = text else {
            return (Vec::new(), Vec::new());
        };
        let enc =
            encoding_rs::Encoding::for_label(enc_name.as_bytes()).unwrap_or(encoding_rs::UTF_8);
        let found = extract::links_encoded(&f.final_url, text, enc);
        let mut links = Vec::with_capacity(found.len());
        let mut new_urls = Vec::new();
        let mut seen = HashSet::new();
        let mut edges = HashSet::new();
        let scope = self.scope();
        for l in found {
            let u = canon::canonicalize(&l.url);
            let kind = record::link_kind(&l, &u);
            let text = l.text.trim();
            let mut text: Option<String> =
                (!text.is_empty()).then(|| text.chars().take(500).collect());
            if canon::has_credentials(&l.url) {
                // The portal published a user name or password in a link: a defect worth
                // reporting. The link is kept (without them) with that said beside it.
                text = Some(format!(
                    "{}{CREDENTIALS_NOTE}",
                    text.as_deref().unwrap_or("")
                ));
            }
            let link = NewLink {
                to_url: u.to_string(),
                text,
                kind,
            };
            // The same link repeated on a page (header, sidebar, footer) is one edge; a
            // different anchor text is kept, it is evidence (a form's name, say).
            if edges.insert((link.to_url.clone(), link.kind, link.text.clone())) {
                links.push(link);
            }
            if !seen.insert(u.to_string()) {
                continue;
            }
            let asset = matches!(
                kind,
                store::LinkKind::Image | store::LinkKind::Script | store::LinkKind::Stylesheet
            );
            if kind == store::LinkKind::Form || (asset && !self.opts.check_assets) {
                continue;
            }
            if scope.contains(&u) {
                if self.excluded(&u) {
                    continue;
                }
                if let Some(t) = canon::trap(&u, depth + 1, &self.opts.traps) {
                    self.count_trap(t);
                    continue;
                }
                if !self.first_sight(&u) {
                    continue;
                }
                new_urls.push(NewUrl {
                    url: u.to_string(),
                    depth: depth + 1,
                    from_fetch: None,
                    purpose: Purpose::Crawl,
                });
            } else if self.opts.check_offsite_attachments
                && canon::is_attachment(&u)
                && self.first_sight(&u)
            {
                // Off-scope downloads are checked (one fetch), never crawled.
                new_urls.push(NewUrl {
                    url: u.to_string(),
                    depth: depth + 1,
                    from_fetch: None,
                    purpose: Purpose::Check,
                });
            }
        }
        (links, new_urls)
    }

    /// The `<loc>`s of a sitemap (or the `Sitemap:` lines of robots.txt) as links, and the
    /// in-scope ones not seen yet as new URLs. A sitemap index's `<loc>`s are sitemaps
    /// themselves: they are fetched like pages and recognised by their content.
    pub(super) fn sitemap_links(&self, locs: &[String], depth: u32) -> (Vec<NewLink>, Vec<NewUrl>) {
        let scope = self.scope();
        let mut links = Vec::new();
        let mut new_urls = Vec::new();
        let mut seen = HashSet::new();
        for loc in locs {
            let Ok(u) = Url::parse(loc) else { continue };
            if !matches!(u.scheme(), "http" | "https") {
                continue;
            }
            let u = canon::canonicalize(&u);
            if !seen.insert(u.to_string()) {
                continue;
            }
            links.push(NewLink {
                to_url: u.to_string(),
                text: None,
                kind: store::LinkKind::Sitemap,
            });
            if !scope.contains(&u) || self.excluded(&u) {
                continue;
            }
            if let Some(t) = canon::trap(&u, depth + 1, &self.opts.traps) {
                self.count_trap(t);
                continue;
            }
            if self.first_sight(&u) {
                self.stats.from_sitemaps.fetch_add(1, Ordering::Relaxed);
                new_urls.push(NewUrl {
                    url: u.to_string(),
                    depth: depth + 1,
                    from_fetch: None,
                    purpose: Purpose::Crawl,
                });
            }
        }
        (links, new_urls)
    }

    /// Whether `u` matches `--exclude` (and is counted so).
    fn excluded(&self, u: &Url) -> bool {
        let hit = self.opts.exclude.iter().any(|r| r.is_match(u.as_str()));
        if hit {
            self.stats.excluded.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    /// Whether this run has not handed `u` to the store yet (and now has).
    fn first_sight(&self, u: &Url) -> bool {
        self.enqueued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(Box::from(u.as_str()))
    }

    fn count_trap(&self, t: Trap) {
        self.stats.trapped.fetch_add(1, Ordering::Relaxed);
        *self
            .traps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(t.as_str())
            .or_default() += 1;
    }
}
