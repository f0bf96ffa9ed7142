-- The workbench: accounts, server-side sessions, departments' answers to findings, and
-- background jobs (crawl + assess started from the browser). Times are RFC 3339 TEXT, except
-- session expiry, kept as Unix seconds so it can be compared in SQL on both backends.

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'assessor', 'department', 'viewer')),
    department     TEXT,                  -- canonical name; set exactly for role 'department'
    password_hash  TEXT NOT NULL,         -- Argon2id, PHC string
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL,
    CHECK ((role = 'department') = (department IS NOT NULL))
);

-- Only a hash of the session token is kept: a copy of the database does not log anyone in.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A department's answer to a finding: 'fixed' (整改完成) or 'appeal' (申诉). Append-only.
CREATE TABLE responses (
    id          BIGSERIAL PRIMARY KEY,
    run_id      BIGINT NOT NULL REFERENCES runs (id),
    finding_id  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('fixed', 'appeal')),
    department  TEXT NOT NULL,
    by_whom     TEXT NOT NULL,
    at          TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX responses_run ON responses (run_id, finding_id, id);

-- A crawl and assessment started from the workbench. A job left 'running' by a server that
-- stopped is resumed when the server starts again (the crawl resumes from its frontier).
CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    seed_url     TEXT NOT NULL,
    options      TEXT NOT NULL,           -- JSON: pages, as-of date, rubric …
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    crawl_id     BIGINT,
    run_id       BIGINT,
    progress     TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL DEFAULT ''
);
