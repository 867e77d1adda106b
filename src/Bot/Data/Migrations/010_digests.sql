-- Digest subscriptions: one row per conversation and kind. Unsubscribing keeps the row (deliveries refer to it);
-- subscribing again re-activates it from that moment.
CREATE TABLE digest_subscriptions (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('monthly', 'quarterly')),
    subscribed_by TEXT NOT NULL,
    subscribed_at INTEGER NOT NULL,
    unsubscribed_at INTEGER,
    UNIQUE (platform, conversation_id, kind)
);

-- The delivery log decides what is posted, not the trigger: one row per (subscription, kind, period), claimed with
-- INSERT ... ON CONFLICT DO NOTHING before anything is posted. A send holds a lease (lease_owner, lease_until) so two
-- instances never post the same row; a failure keeps the row pending until next_attempt_at, or marks it failed.
CREATE TABLE digest_deliveries (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES digest_subscriptions (id),
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER,
    UNIQUE (subscription_id, kind, period)
);
CREATE INDEX ix_digest_deliveries_due ON digest_deliveries (status, next_attempt_at);

-- What the local channel posted (digests), for the local page to poll. The key drops a repeat of the same post.
CREATE TABLE local_posts (
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    posted_at INTEGER NOT NULL,
    reply_json TEXT NOT NULL
);
