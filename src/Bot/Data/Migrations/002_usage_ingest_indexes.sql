-- Reports read the daily rollups, never usage_records by feature or model, and these two indexes more than doubled
-- the cost of every stored record (a 1,000,000-record import must stay within 2x of sqlite3's own .import).
-- Re-pricing a model after a price override scans usage_records instead; that is rare and runs once per override.
DROP INDEX ix_usage_records_feature_time;
DROP INDEX ix_usage_records_model;
