-- Microsoft Teams. Instants are Unix milliseconds (UTC).
-- Where the bot can post without being asked: one row per conversation it was added to or spoken to in.
CREATE TABLE teams_conversations (
    conversation_id TEXT PRIMARY KEY,
    service_url TEXT NOT NULL,
    tenant_id TEXT,
    conversation_type TEXT,
    team_id TEXT,
    channel_id TEXT,
    bot_id TEXT NOT NULL,
    bot_name TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Service URLs that arrived in a validated Bot Connector token: the only hosts the bot sends its token to.
CREATE TABLE teams_trusted_service_urls (
    service_url TEXT PRIMARY KEY,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

-- Inbound activities already taken: Teams redelivers after 15 s without an answer, and any instance may get it.
CREATE TABLE teams_inbound_activities (
    conversation_id TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, activity_id)
);
CREATE INDEX ix_teams_inbound_activities_received ON teams_inbound_activities (received_at);

-- Posts already made, by idempotency key, so a repeated reply or digest is not posted twice.
CREATE TABLE teams_sent_posts (
    idempotency_key TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    activity_id TEXT
);
