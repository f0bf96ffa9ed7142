-- Snapshot store, SQLite flavour. Timestamps are RFC 3339 TEXT (sqlx chrono encoding),
-- JSON is TEXT, booleans are INTEGER 0/1. Keep in step with ../postgres/0001_snapshot.sql.

CREATE TABLE crawls (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    seed_url    TEXT NOT NULL,
    config      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    state       TEXT NOT NULL CHECK (state IN ('running', 'finished', 'aborted'))
);
CREATE INDEX crawls_seed ON crawls (seed_url, state);

-- Bodies are content-addressed: one row per distinct raw body across all crawls.
CREATE TABLE bodies (
    hash      TEXT PRIMARY KEY,          -- sha256 hex of the raw body
    codec     TEXT NOT NULL CHECK (codec IN ('zstd', 'gzip', 'identity')),
    raw_size  INTEGER NOT NULL,
    data      BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE frontier (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    crawl_id    INTEGER NOT NULL REFERENCES crawls (id),
    url         TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    from_fetch  INTEGER,                 -- fetches.id; no FK: the fetch row commits with it
    purpose     TEXT NOT NULL CHECK (purpose IN ('crawl', 'check')),
    state       TEXT NOT NULL CHECK (state IN ('pending', 'in_progress', 'done')),
    added_at    TEXT NOT NULL,
    claimed_at  TEXT,
    done_at     TEXT,
    UNIQUE (crawl_id, url)
);
-- claim order: breadth first, then discovery order
CREATE INDEX frontier_claim ON frontier (crawl_id, state, depth, id);

CREATE TABLE fetches (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    crawl_id            INTEGER NOT NULL REFERENCES crawls (id),
    frontier_id         INTEGER REFERENCES frontier (id),
    url                 TEXT NOT NULL,
    final_url           TEXT NOT NULL,
    method              TEXT NOT NULL,
    request_headers     TEXT NOT NULL,   -- JSON [[name, value], ...]
    redirects           TEXT NOT NULL,   -- JSON [{url, status, location}, ...]
    status              INTEGER,
    content_type        TEXT,
    etag                TEXT,
    last_modified       TEXT,
    retry_after         TEXT,
    content_length      TEXT,
    server              TEXT,
    content_disposition TEXT,
    started_at          TEXT NOT NULL,
    connect_ms          INTEGER,
    ttfb_ms             INTEGER,
    total_ms            INTEGER,
    outcome             TEXT NOT NULL,
    detail              TEXT,
    encoding            TEXT,
    encoding_source     TEXT,
    encoding_errors     INTEGER,
    body_hash           TEXT REFERENCES bodies (hash),
    body_size           INTEGER,
    body_truncated      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetches_crawl ON fetches (crawl_id, id);
CREATE INDEX fetches_url ON fetches (url, id);
CREATE INDEX fetches_crawl_url ON fetches (crawl_id, url);

CREATE TABLE attachment_checks (
    fetch_id      INTEGER PRIMARY KEY REFERENCES fetches (id),
    declared_type TEXT,
    magic_type    TEXT,
    size          INTEGER NOT NULL,
    verdict       TEXT NOT NULL CHECK (verdict IN ('ok', 'broken', 'soft_404'))
);

CREATE TABLE links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    crawl_id    INTEGER NOT NULL REFERENCES crawls (id),
    from_fetch  INTEGER NOT NULL REFERENCES fetches (id),
    to_url      TEXT NOT NULL,
    text        TEXT,
    kind        TEXT NOT NULL
);
CREATE INDEX links_from ON links (from_fetch);
CREATE INDEX links_to ON links (crawl_id, to_url);
