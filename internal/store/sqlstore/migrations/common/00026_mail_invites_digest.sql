-- +goose Up
-- A team invitation by mail is a token like a reset link's; it names the
-- team (Mattermost keeps it in the token's extra data). For an invitation,
-- user_id is the member who sent it, which the per-hour invitation limit counts.
ALTER TABLE tokens ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_tokens_type ON tokens (type, user_id, create_at);

-- +goose Down
DROP INDEX idx_tokens_type;
ALTER TABLE tokens DROP COLUMN team_id;
