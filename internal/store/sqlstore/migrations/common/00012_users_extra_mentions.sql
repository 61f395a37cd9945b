-- +goose Up
-- parley:expand
-- Every post looks up which members could be mentioned by more than their
-- username: those with first-name mentions or mention keys on. The flag and
-- its partial index make that a lookup of the few flagged users instead of
-- a LIKE over every member's notify_props. The backfill's LIKE may flag a few
-- users too many; that only adds candidates, which the app checks exactly.
ALTER TABLE users ADD COLUMN extra_mentions BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET extra_mentions = TRUE WHERE notify_props LIKE '%"first_name":"true"%'
    OR (notify_props LIKE '%"mention_keys":"%' AND notify_props NOT LIKE '%"mention_keys":""%');
CREATE INDEX idx_users_extra_mentions ON users (id) WHERE extra_mentions;

-- +goose Down
DROP INDEX idx_users_extra_mentions;
ALTER TABLE users DROP COLUMN extra_mentions;
