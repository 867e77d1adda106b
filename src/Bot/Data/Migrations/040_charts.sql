-- Rendered chart images, served to chat clients (Teams cards) under signed links until expires_at
-- (Unix milliseconds). id is 128 random bits in hex. Expired rows are deleted when a new chart is stored.
CREATE TABLE charts (
    id TEXT PRIMARY KEY,
    png BLOB NOT NULL,
    file_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX ix_charts_expires_at ON charts (expires_at);
