-- +goose Up
-- parley:expand
-- Uploaded files, custom emoji, and the queue of stored bytes to remove after
-- permanent deletions (filled in the deleting transaction, drained by the app
-- once it has committed, so bytes never go before their rows).
CREATE TABLE file_infos (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL,
    channel_id        TEXT NOT NULL,
    post_id           TEXT NOT NULL DEFAULT '',
    create_at         BIGINT NOT NULL,
    update_at         BIGINT NOT NULL,
    delete_at         BIGINT NOT NULL DEFAULT 0,
    name              TEXT NOT NULL,
    extension         TEXT NOT NULL DEFAULT '',
    size              BIGINT NOT NULL,
    mime_type         TEXT NOT NULL DEFAULT '',
    width             INTEGER NOT NULL DEFAULT 0,
    height            INTEGER NOT NULL DEFAULT 0,
    has_preview_image BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX idx_file_infos_post ON file_infos (post_id);
CREATE INDEX idx_file_infos_channel ON file_infos (channel_id, create_at);
CREATE INDEX idx_file_infos_user ON file_infos (user_id);

CREATE TABLE emoji (
    id         TEXT PRIMARY KEY,
    create_at  BIGINT NOT NULL,
    update_at  BIGINT NOT NULL,
    delete_at  BIGINT NOT NULL DEFAULT 0,
    creator_id TEXT NOT NULL,
    name       TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_emoji_live_name ON emoji (name) WHERE delete_at = 0;

CREATE TABLE file_purges (
    kind      TEXT NOT NULL,
    id        TEXT NOT NULL,
    create_at BIGINT NOT NULL,
    PRIMARY KEY (kind, id)
);

-- +goose Down
DROP TABLE file_purges;
DROP INDEX idx_emoji_live_name;
DROP TABLE emoji;
DROP INDEX idx_file_infos_user;
DROP INDEX idx_file_infos_channel;
DROP INDEX idx_file_infos_post;
DROP TABLE file_infos;
