-- Instants are Unix milliseconds (UTC). Money is integer nano-dollars (1e-9 USD). Minutes are integer milli-minutes.
CREATE TABLE features (
    name TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);

CREATE TABLE baselines (
    id INTEGER PRIMARY KEY,
    feature TEXT NOT NULL REFERENCES features (name),
    minutes_milli INTEGER,
    hourly_rate_nanos INTEGER,
    fixed_nanos INTEGER,
    review_minutes_milli INTEGER NOT NULL DEFAULT 0,
    unit TEXT,
    effective_from INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX ix_baselines_feature ON baselines (feature, effective_from);

CREATE TABLE overheads (
    id INTEGER PRIMARY KEY,
    feature TEXT NOT NULL REFERENCES features (name),
    monthly_nanos INTEGER NOT NULL,
    effective_from INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX ix_overheads_feature ON overheads (feature, effective_from);

-- One row per usage record, normalised at ingestion: input_tokens excludes cached reads and cache writes,
-- output_tokens includes reasoning. cost_nanos is NULL when the model has no known price.
CREATE TABLE usage_records (
    id INTEGER PRIMARY KEY,
    dedupe_key BLOB NOT NULL UNIQUE,
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
);
CREATE INDEX ix_usage_records_feature_time ON usage_records (feature, occurred_at);
CREATE INDEX ix_usage_records_model ON usage_records (model);

-- Daily sums of usage_records per feature and model; day is the calendar day in the reporting time zone.
CREATE TABLE usage_daily (
    feature TEXT NOT NULL,
    day TEXT NOT NULL,
    model TEXT NOT NULL,
    records INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_nanos INTEGER NOT NULL,
    unpriced_records INTEGER NOT NULL,
    PRIMARY KEY (feature, day, model)
);

-- Completed tasks, one row per task. origin 'api' (reported) wins over 'usage' (implied by a task id on usage).
CREATE TABLE tasks (
    feature TEXT NOT NULL,
    task_id TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    succeeded INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (feature, task_id)
);

CREATE TABLE tasks_daily (
    feature TEXT NOT NULL,
    day TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    PRIMARY KEY (feature, day)
);

-- Task totals reported for a whole month (when per-task records are not available). A new report replaces the old.
CREATE TABLE task_counts (
    feature TEXT NOT NULL,
    month TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (feature, month)
);

-- Per-model price overrides, USD nano-dollars per million tokens.
CREATE TABLE price_overrides (
    id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    input_mtok_nanos INTEGER NOT NULL,
    cached_input_mtok_nanos INTEGER,
    cache_write_mtok_nanos INTEGER,
    output_mtok_nanos INTEGER NOT NULL,
    effective_from INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX ix_price_overrides_model ON price_overrides (model, effective_from);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    key_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
