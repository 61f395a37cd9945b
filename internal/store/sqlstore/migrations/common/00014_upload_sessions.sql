-- +goose Up
-- parley:expand
-- Resumable uploads (POST /api/v4/uploads). The bytes received so far are
-- chunks in the file store under uploads/<id>/; parts lists their names in
-- order, space-separated, and grows with file_offset in one conditional
-- update, so two requests racing at one offset cannot both be counted.
CREATE TABLE upload_sessions (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    create_at   BIGINT NOT NULL,
    user_id     TEXT NOT NULL,
    channel_id  TEXT NOT NULL DEFAULT '',
    filename    TEXT NOT NULL,
    file_size   BIGINT NOT NULL,
    file_offset BIGINT NOT NULL DEFAULT 0,
    parts       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_upload_sessions_user ON upload_sessions (user_id, create_at);
CREATE INDEX idx_upload_sessions_create ON upload_sessions (create_at);

-- +goose Down
DROP TABLE upload_sessions;
