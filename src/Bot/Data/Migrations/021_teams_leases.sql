-- Leases on the Teams claims (inbound activities and outbound posts), so a claim left behind by a stopped instance
-- or a failed post does not block a redelivery or a later attempt.
-- state 'processing': owner is working on it until lease_until (Unix ms); once that passed, another may take it over.
-- state 'done': finished at completed_at (Unix ms); repeats are skipped.
-- Rows from before this migration count as done: never posting twice matters more than a rare lost answer.
ALTER TABLE teams_inbound_activities ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
ALTER TABLE teams_inbound_activities ADD COLUMN owner TEXT;
ALTER TABLE teams_inbound_activities ADD COLUMN lease_until INTEGER;
ALTER TABLE teams_inbound_activities ADD COLUMN completed_at INTEGER;

ALTER TABLE teams_sent_posts ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
ALTER TABLE teams_sent_posts ADD COLUMN owner TEXT;
ALTER TABLE teams_sent_posts ADD COLUMN lease_until INTEGER;
ALTER TABLE teams_sent_posts ADD COLUMN completed_at INTEGER;
