-- Assessment runs: one assessment of one crawl at an as-of date, its findings, and the
-- assessors' decisions on them (append-only: a decision is never edited or deleted).
-- JSON is TEXT in both backends here: the store keeps it, the assessment reads it.

CREATE TABLE runs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    crawl_id          INTEGER NOT NULL REFERENCES crawls (id),
    history_crawl_id  INTEGER,
    rubric_id         TEXT NOT NULL,
    rubric_version    TEXT NOT NULL,
    as_of             TEXT NOT NULL,          -- YYYY-MM-DD
    extractor         TEXT NOT NULL,
    created_at        TEXT NOT NULL,          -- RFC 3339
    state             TEXT NOT NULL CHECK (state IN ('draft', 'published')),
    profile           TEXT,                   -- the site profile used (TOML), if any
    total_hundredths  INTEGER NOT NULL,
    assessment        TEXT NOT NULL           -- the whole result as JSON (scores with decisions)
);
CREATE INDEX runs_crawl ON runs (crawl_id, id);

CREATE TABLE findings (
    run_id                INTEGER NOT NULL REFERENCES runs (id),
    finding_id            TEXT NOT NULL,
    rule                  TEXT NOT NULL,
    indicator             TEXT NOT NULL,
    department            TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('deducted', 'needs_review', 'unverified')),
    deduction_hundredths  INTEGER NOT NULL,
    confidence            REAL NOT NULL,
    body                  TEXT NOT NULL,       -- the finding as JSON
    PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX findings_department ON findings (run_id, department, status);

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      INTEGER NOT NULL REFERENCES runs (id),
    finding_id  TEXT NOT NULL,
    action      TEXT NOT NULL,
    by_whom     TEXT NOT NULL,
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    body        TEXT NOT NULL                  -- the decision as JSON
);
CREATE INDEX decisions_run ON decisions (run_id, id);
