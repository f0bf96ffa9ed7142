-- Which fetches carry a body: WARC revisit records point at the original, and later stages
-- (soft-404 detection, change detection between crawls) group pages by body.
CREATE INDEX fetches_body_hash ON fetches (body_hash);
