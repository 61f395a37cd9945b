-- +goose Up
-- parley:expand
-- The response_url of a custom slash command: a one-off address the command may
-- post to later (30 minutes, 5 times), on behalf of the user who ran it.
CREATE TABLE command_webhooks (
    id         TEXT PRIMARY KEY,
    create_at  BIGINT NOT NULL,
    command_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    team_id    TEXT NOT NULL DEFAULT '',
    root_id    TEXT NOT NULL DEFAULT '',
    use_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_command_webhooks_create ON command_webhooks (create_at);

-- +goose Down
DROP TABLE command_webhooks;
