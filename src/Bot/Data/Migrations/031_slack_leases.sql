-- Leases on Slack delivery claims, so a claim left behind by a stopped instance does not block Slack's retry.
-- state 'processing': owner is answering until lease_until (Unix ms); once that passed, a retry may take the claim over.
-- state 'done': answered at completed_at (Unix ms); every later retry is only acknowledged.
-- Claims made before this migration count as done: never answering twice matters more than a rare lost answer.
ALTER TABLE slack_deliveries ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
ALTER TABLE slack_deliveries ADD COLUMN owner TEXT;
ALTER TABLE slack_deliveries ADD COLUMN lease_until INTEGER;
ALTER TABLE slack_deliveries ADD COLUMN completed_at INTEGER;
