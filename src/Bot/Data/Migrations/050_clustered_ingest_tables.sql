-- Tables for fast ingestion, each clustered on the key it is written and read by (SQLite's WITHOUT ROWID; on
-- PostgreSQL a plain table with the same primary key). Measured on a 1,000,000-record import, which spent most of its
-- time in B-trees that this removes or turns into appends.
--
-- usage_records: the dedupe key now starts with the record's instant (Unix milliseconds, 8 bytes big-endian) and
-- ends with the first 8 bytes of the same content hash as before, so a time-ordered upload appends instead of
-- touching the key index all over; and the rows live in that key's order, with no rowid table beside the index.
-- Stored keys are rewritten the same way, so a record stored before is still recognised when it is sent again.
CREATE TABLE usage_records_by_key (
    dedupe_key BLOB PRIMARY KEY,
    record_id TEXT,
    source TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    feature TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    cost_nanos INTEGER,
    cost_source TEXT NOT NULL,
    task_id TEXT
) WITHOUT ROWID;
INSERT INTO usage_records_by_key
SELECT unhex(printf('%016X', occurred_at) || hex(substr(dedupe_key, 1, 8))), record_id, source, occurred_at, feature, model,
       input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, requests, cost_nanos, cost_source, task_id
FROM usage_records;
DROP TABLE usage_records;
ALTER TABLE usage_records_by_key RENAME TO usage_records;

-- The rollups: every report reads a range of days, so they are keyed day first and need no second index. Before,
-- each upsert of a daily sum also rewrote an entry of a covering index.
CREATE TABLE usage_daily_by_day (
    day TEXT NOT NULL,
    feature TEXT NOT NULL,
    model TEXT NOT NULL,
    records INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_nanos INTEGER NOT NULL,
    unpriced_records INTEGER NOT NULL,
    PRIMARY KEY (day, feature, model)
) WITHOUT ROWID;
INSERT INTO usage_daily_by_day
SELECT day, feature, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records
FROM usage_daily;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_by_day RENAME TO usage_daily;

CREATE TABLE tasks_daily_by_day (
    day TEXT NOT NULL,
    feature TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    PRIMARY KEY (day, feature)
) WITHOUT ROWID;
INSERT INTO tasks_daily_by_day SELECT day, feature, succeeded, failed FROM tasks_daily;
DROP TABLE tasks_daily;
ALTER TABLE tasks_daily_by_day RENAME TO tasks_daily;

-- tasks: one B-tree instead of a table and its key index.
CREATE TABLE tasks_by_key (
    feature TEXT NOT NULL,
    task_id TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    succeeded INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (feature, task_id)
) WITHOUT ROWID;
INSERT INTO tasks_by_key SELECT feature, task_id, completed_at, succeeded, origin FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_by_key RENAME TO tasks;
