-- Slack deliveries already taken by some instance of the bot: "event:<event_id>" and "message:<channel>:<ts>".
-- A key is claimed before the work starts, so a retry that arrives while the first delivery is still being
-- answered finds it taken. claimed_at is Unix milliseconds (UTC); keys older than the dedupe window may be reclaimed.
CREATE TABLE slack_deliveries (
    delivery_key TEXT PRIMARY KEY,
    claimed_at INTEGER NOT NULL
);
CREATE INDEX ix_slack_deliveries_claimed_at ON slack_deliveries (claimed_at);
