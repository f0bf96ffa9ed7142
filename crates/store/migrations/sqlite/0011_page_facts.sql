-- Page facts: what the reader made of a fetched page, stored with the fetch (written in the
-- same transaction) and tagged with the reader's version, so an assessment never parses a
-- page again and `kaohe reread` knows which facts an older reader made.
CREATE TABLE page_facts (
    fetch_id   INTEGER PRIMARY KEY REFERENCES fetches (id),
    extractor  TEXT NOT NULL,                 -- extract::VERSION
    raw_size   INTEGER NOT NULL,
    codec      TEXT NOT NULL CHECK (codec IN ('zstd', 'gzip', 'identity')),
    data       BLOB NOT NULL               -- the facts as JSON, compressed
);
