-- +goose Up
-- parley:expand
-- Synced drafts: at most one per user, channel and thread ('' for the channel
-- itself). A sent or emptied draft is deleted, not marked.
CREATE TABLE drafts (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    root_id    TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL,
    props      TEXT NOT NULL DEFAULT '{}',
    file_ids   TEXT NOT NULL DEFAULT '[]',
    priority   TEXT NOT NULL DEFAULT '{}',
    create_at  BIGINT NOT NULL,
    update_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, channel_id, root_id)
);
CREATE INDEX idx_drafts_user_update ON drafts (user_id, update_at);

-- +goose Down
DROP TABLE drafts;
