-- `roi` and digests ask for one period across every feature. The rollups' primary keys start with feature, so that
-- read scanned the whole table, which grows with history; these let a period read only its own days.
-- usage_daily's index carries the summed columns: a month's rows then lie together in the index and the read never
-- visits the table (measured: 18 ms -> 11 ms for 100 features x 3 models x 30 days, and far less disk reading).
CREATE INDEX ix_usage_daily_period ON usage_daily (day, feature, model, records, input_tokens, cached_input_tokens,
    cache_write_tokens, output_tokens, cost_nanos, unpriced_records);
CREATE INDEX ix_tasks_daily_period ON tasks_daily (day, feature, succeeded, failed);
