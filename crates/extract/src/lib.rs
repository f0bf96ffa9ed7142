//! kaohe-extract: page facts from (URL, bytes, response headers).
//!
//! Map:
//! - [`decode`] (decode.rs): bytes → text, browser order BOM → HTTP charset → meta prescan →
//!   chardetng, with recovery of a wrong declaration; [`Decoded::decided_by`] keeps how.
//! - [`links`] (links.rs): resolved outgoing references of a page, honouring `<base href>`.
//! - [`is_soft_404`], [`attachment_kind`] (sniff.rs): checks the crawler makes on bodies.
//!
//! Callers: crates/crawl (decode, links, sniff while fetching), crates/kaohe (`kaohe inspect`),
//! the assessment (page facts of stored snapshots).
//!
//! Must NOT: fetch, read files, touch a database, or read the clock.
//!
//! Architecture invariant: no I/O; a page's facts depend only on its URL, bytes and headers.

pub mod decode;
pub mod links;
pub mod sniff;
pub mod text;

pub use decode::{DecidedBy, Decoded, decode};
pub use links::{Link, LinkKind, links, links_encoded, links_in};
pub use sniff::{AttachmentKind, FileKind, Magic, attachment_kind, is_soft_404, magic};
