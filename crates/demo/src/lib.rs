//! kaohe-demo: the sample portal — a seeded, deterministic county government portal
//! (耒阳市人民政府门户网站, fictional content) with known defects, its HTTP server on loopback,
//! and the ground truth of what a correct assessment finds on it.
//!
//! # Brief overview
//!
//! - [`Site::new`]`(seed, pages)` builds the skeleton only (channels, columns, sizes, the
//!   defect plan: a few hundred small records, whatever the size). [`Site::page`]`(path)`
//!   renders one response on demand — a page is a pure function of (seed, size, path), so
//!   a 50,000-page site is never held in memory. [`Site::paths`] enumerates every path.
//! - [`Site::truth`] gives the [`Manifest`]: every expected finding (indicator, department,
//!   rule, subject, URL, deduction), the scores `rubric::score` gives for them at the as-of
//!   date, the columns and guides as they really are, and the behaviours a crawler meets.
//! - [`serve`] runs the site over HTTP on loopback in a background thread and returns a
//!   [`Server`] handle (stops on drop); [`write_static`] writes it as files.
//!
//! ```
//! let site = demo::Site::new(1, 600);
//! let home = site.page("/index.html").expect("the home page");
//! assert_eq!(home.status, 200);
//! assert!(String::from_utf8_lossy(&home.body).contains("耒阳市人民政府门户网站"));
//! let truth = site.truth();
//! let scores = truth.scores.as_ref().expect("scored by the rubric engine");
//! assert!(scores.total < rubric::Points::new(100));
//! // Over HTTP, on a free loopback port; dropping the handle stops the server.
//! let server = demo::serve(site, "127.0.0.1:0".parse().expect("an address")).expect("a port");
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! ```
//!
//! Modules: `site` (skeleton, URL schemes, dates), `plan` (the seeded defects), `vocab`
//! (county, departments, services, names), `text` (titles and bodies), `guide` (service
//! guides and their layouts), `html` (page chrome), `render` (router and page kinds),
//! `files` (real .doc/.xls/.docx/.pdf bytes), `truth` (the manifest), `server`, `paths`.
//!
//! The generator is designed from real portals (the saved 柘城县 portal, the dev pages,
//! `domain-cn.md`), never from the extractor: this crate must not depend on `kaohe-extract`,
//! and its only kaohe dependency is `kaohe-rubric` (for canonical names and for scoring the
//! ground truth).
//!
//! Architecture invariant: a response depends only on (seed, size, path, cookie) — plus, in
//! the server, whether this is the first request to a flaky path — and the manifest's scores
//! are `rubric::score` of the manifest's findings, never written by hand.

mod files;
mod guide;
mod html;
mod paths;
mod plan;
mod render;
mod rng;
mod server;
mod site;
mod text;
mod truth;
mod vocab;
mod write;

pub use render::{CALENDAR_PATH, CHALLENGE_PATH, Response, Visit, challenge_cookie};
pub use server::{Server, serve};
pub use site::{AS_OF, MIN_PAGES, Site};
pub use truth::{Behaviour, ColumnTruth, ExpectedFinding, FormTruth, GuideTruth, Manifest};
pub use write::{WriteSummary, write_static};

/// Element labels the generator uses (element name, labels): exposed for tests.
pub fn guide_labels() -> &'static [(&'static str, &'static [&'static str])] {
    guide::LABELS
}
