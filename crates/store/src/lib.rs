//! kaohe-store: the snapshot store — every crawl, frontier row, fetch, body and link, in one
//! SQLite file by default or in PostgreSQL when given a `postgres://` URL.
//!
//! # Map
//! - [`Store`] (`store.rs`) is the one interface. [`Store::open`] picks the backend from the
//!   target's scheme (an explicit enum over `SqlitePool` / `PgPool`, not `AnyPool`) and applies
//!   the embedded migrations (`migrations/sqlite`, `migrations/postgres`, kept in step). The
//!   write path of fetches (`record*`, `enqueue`) is `store/write.rs`.
//! - `model.rs` holds the vocabulary: ids ([`CrawlId`], [`FrontierId`], [`FetchId`]), what the
//!   crawler writes ([`NewUrl`], [`FetchRecord`], [`NewLink`]) and what readers get
//!   ([`Crawl`], [`FrontierItem`], [`StoredFetch`], [`Validators`], …). Closed sets are enums:
//!   [`Outcome`] carries the unverified-vs-checked rule ([`Outcome::verification`]).
//! - `body.rs` hashes (sha256 of the raw bytes) and compresses (zstd) bodies, stored once per
//!   hash in `bodies`.
//! - [`warc`] writes a crawl as WARC/1.1 (one gzip member per record) for web-archive tools.
//!
//! Who calls whom: `crawl` writes (`create_crawl`, `enqueue`, `claim`, `record_prepared`,
//! `finish_crawl`, `resume`, `validators`, `has_other_crawls`); `kaohe snapshot` and later
//! stages read (`list_crawls`, `fetches_after`, `body`, `links_from`, …). The store never
//! fetches, never parses HTML, never canonicalises URLs (it compares the bytes it is given)
//! and never prints.
//!
//! # Crash safety
//! [`Store::record`] writes the fetch, its body, its attachment check, its links, the newly
//! found URLs and the "done" mark of its frontier row in ONE transaction. A process killed at
//! any point leaves either all of it or none of it; [`Store::resume`] turns the rows that were
//! claimed but not recorded back into pending ones. [`Store::record_batch`] does the same for
//! many fetches in one transaction, and [`Store::record_prepared`] for records whose body was
//! already hashed and compressed ([`PreparedRecord::new`], called where CPU is free so the
//! single writer only writes); a batch is a handful of multi-row statements, not a handful per
//! fetch (`store/write.rs`). Inside a transaction, rows other writers may touch are written in
//! one global order (bodies by hash, new URLs by URL; frontier rows belong to the one writer
//! that claimed them), so concurrent writers on PostgreSQL wait for each other instead of
//! deadlocking. On SQLite the store uses WAL with
//! `synchronous=NORMAL` (a committed transaction survives the process being killed; an OS
//! crash may lose the last few, never corrupt the file), `busy_timeout`, and a single writer
//! connection taking `BEGIN IMMEDIATE`, so writers never deadlock on lock upgrades.
//!
//! # The workbench's tables
//! Accounts, sessions (only a hash of each token), departments' answers to findings and
//! background jobs are `store/workbench.rs`; an assessor's every act on a run (decisions,
//! manual deductions, re-checks) is a row of the append-only `decisions` table, which is the
//! audit log.
//!
//! # Room for later
//! Many workers on PostgreSQL already work with [`Store::claim`] (`FOR UPDATE SKIP
//! LOCKED`); leases with expiry would be a `claimed_by`/`lease_until` pair on `frontier`.
//!
//! Architecture invariant: what the crawler saw is stored as it saw it (raw body bytes, the
//! headers, the redirect hops, the outcome), written atomically, and never edited afterwards;
//! only a frontier row's state changes.

pub mod body;
mod model;
mod open_error;
mod store;
pub mod warc;

/// The public types use chrono's `DateTime<Utc>`; re-exported so callers use the same version.
pub use chrono;
pub use model::*;
pub use open_error::{redact, redact_in};
pub use store::{PreparedRecord, Store};

/// Everything that can go wrong in the store. Messages are Chinese: they reach the user as is.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The target is neither a file path nor a `postgres://` URL we can parse.
    #[error("无法识别的数据库地址 {target:?}：应为 SQLite 文件路径或 postgres:// 地址")]
    BadTarget { target: String },
    /// `--db` names a directory.
    #[error("{path} 是一个目录，不是快照库文件：请给出文件路径，如 {path}/kaohe.sqlite")]
    IsDirectory { path: String },
    /// A read-only command was given a file kaohe did not make (empty, or another program's):
    /// it is left untouched.
    #[error(
        "{path} 不是 kaohe 快照库（文件为空，或不是 kaohe 建立的）：请检查 --db 的路径；文件未作任何改动"
    )]
    NotAStore { path: String },
    /// The database file does not exist (read-only commands never create one).
    #[error("数据库文件 {path} 不存在（可用 --db 或环境变量 KAOHE_DB 指定）")]
    Missing { path: String },
    /// `target` has its password masked; `reason` is Chinese where the cause is a common one
    /// (no such database, wrong password, nothing listening, an unreadable file).
    #[error("无法打开数据库 {target}：{reason}")]
    Open { target: String, reason: String },
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("数据库操作失败：{0}")]
    Db(#[from] sqlx::Error),
    #[error("正文压缩或解压失败：{0}")]
    Codec(#[source] std::io::Error),
    /// A stored value the code cannot read: a damaged or newer store.
    #[error("数据库内容异常：{0}")]
    Corrupt(String),
    #[error("抓取任务 {0} 不存在")]
    NoSuchCrawl(CrawlId),
    /// `record` for a frontier row that is missing, of another crawl, or already recorded.
    #[error("抓取任务 {crawl} 的待抓取项 {frontier} 不存在或已记录，本次记录未写入")]
    NotOpen {
        crawl: CrawlId,
        frontier: FrontierId,
    },
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
    #[error("评估 {0} 不存在：请用 kaohe run list 查看已有的评估")]
    NoSuchRun(RunId),
    #[error("评估 {0} 已发布，不能再修改（如需更正，请重新评估）")]
    RunPublished(RunId),
    #[error("账号 {0} 已存在：请换一个登录名，或用 kaohe user passwd 修改其口令")]
    UserExists(String),
    #[error("账号 {0} 不存在：请用 kaohe user list 查看已有账号")]
    NoSuchUser(String),
}
