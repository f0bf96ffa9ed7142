//! kaohe-extract: page facts from (URL, bytes, response headers).
//!
//! Map (who calls whom, top down):
//! - [`page`] / [`page_html`] / [`page_text`] (facts.rs) → [`PageFacts`]: kind, title, column
//!   path, publication date and its source, list entries, service-guide elements, forms. The
//!   JSON shape of `PageFacts` is what `kaohe inspect` prints (docs/extract.md).
//! - [`decode()`] (decode.rs): bytes → text, browser order BOM → HTTP charset → meta prescan →
//!   chardetng, recovering a wrong declaration; [`Decoded::decided_by`] keeps how.
//! - doc.rs: HTML or plain text → lines of visible text with their region (main, footer,
//!   sidebar …) and table rows as cells (rowspan/colspan expanded). Every extractor reads this.
//! - column.rs (title, column path), listing.rs (list entries), published.rs (an article's
//!   date and where it came from), dates.rs (every date format), guide.rs (elements) with
//!   cues.rs (what each element's value looks like) and forms.rs (forms, sample texts).
//! - [`Vocabulary`] (vocab.rs): labels, traps, placeholders and column words, built from a
//!   `rubric::Rubric`: a new rubric edition changes extraction without code.
//! - [`links()`] (links.rs), [`is_soft_404`] and [`attachment_kind`] (sniff.rs): what the crawler
//!   needs while fetching.
//!
//! Callers: crates/crawl (decode, links, sniff), crates/kaohe (`kaohe inspect`), the assessment
//! (facts of stored snapshots).
//!
//! Must NOT: fetch, read files, touch a database, read the clock, or panic on any input. Work
//! per page is bounded by size caps (bytes parsed, lines, links, entries, segments), never by
//! timers, so the same bytes always give the same facts.
//!
//! Architecture invariant: no I/O; a page's facts depend only on its URL, bytes and headers.

/// The reader's version, stored with the facts of every fetch. Bump it whenever the facts the
/// same bytes give can change (a new rule, a fixed miss, a new field): `kaohe reread` then
/// re-reads the stored bodies whose facts carry another version, and an assessment never
/// mixes facts of two readers without saying so.
pub const VERSION: &str = "extract-2026.12.05-29";

pub mod column;
mod cues;
pub mod dates;
pub mod decode;
pub mod doc;
pub mod facts;
mod fold;
pub mod forms;
pub mod guide;
pub mod links;
pub mod listing;
pub mod published;
pub mod sniff;
pub mod text;
pub mod vocab;

pub use dates::{find_dates, parse_date};
pub use decode::{DecidedBy, Decoded, decode};
pub use facts::{Kind, PageFacts, page, page_html, page_text};
pub use guide::{ElementFact, Guide};
pub use links::{Link, LinkKind, links, links_encoded, links_in};
pub use listing::Entry;
pub use sniff::{AttachmentKind, FileKind, Magic, attachment_kind, is_soft_404, magic};
pub use vocab::Vocabulary;
