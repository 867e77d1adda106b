-- `roi` and digests ask for one period across every feature. The rollups' primary keys start with feature, so that
-- read scanned the whole table, which grows with history; these let a period read only its own days.
CREATE INDEX ix_usage_daily_day ON usage_daily (day);
CREATE INDEX ix_tasks_daily_day ON tasks_daily (day);
