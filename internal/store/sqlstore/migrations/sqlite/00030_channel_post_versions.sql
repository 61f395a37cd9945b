-- +goose Up
-- parley:expand
-- Deep history pages (page=N) turn their offset into a cursor through the
-- boundary posts of every 500th post of a channel, counted from the oldest
-- (sqlstore's pageIndex). Appending a post leaves those ranks as they were;
-- anything else that changes which posts a channel lists moves them, so it
-- bumps the channel's version here and the boundaries are read anew. Triggers
-- see every writer (deletes, restores, imports with old create_at, moves,
-- retention and erasure), so no write path can forget. top_create_at/top_id
-- is at least the newest post the channel lists: an insert below it is out
-- of order. A channel without a row is version 0; its first row starts at 1,
-- from the newest post listed then.
CREATE TABLE channel_post_versions (
    channel_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    top_create_at BIGINT NOT NULL,
    top_id TEXT NOT NULL
) WITHOUT ROWID;

-- +goose StatementBegin
CREATE TRIGGER posts_version_insert AFTER INSERT ON posts WHEN new.delete_at = 0 BEGIN
    INSERT INTO channel_post_versions (channel_id, version, top_create_at, top_id)
        VALUES (new.channel_id, 1,
            COALESCE((SELECT create_at FROM posts WHERE channel_id = new.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), 0),
            COALESCE((SELECT id FROM posts WHERE channel_id = new.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), ''))
    ON CONFLICT (channel_id) DO UPDATE SET
        version = version + ((new.create_at, new.id) < (top_create_at, top_id)),
        top_create_at = CASE WHEN (new.create_at, new.id) > (top_create_at, top_id) THEN new.create_at ELSE top_create_at END,
        top_id = CASE WHEN (new.create_at, new.id) > (top_create_at, top_id) THEN new.id ELSE top_id END;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER posts_version_update AFTER UPDATE OF delete_at, create_at, channel_id ON posts
WHEN (old.delete_at = 0) <> (new.delete_at = 0)
    OR (new.delete_at = 0 AND (old.create_at <> new.create_at OR old.channel_id <> new.channel_id)) BEGIN
    INSERT INTO channel_post_versions (channel_id, version, top_create_at, top_id)
        VALUES (old.channel_id, 1,
            COALESCE((SELECT create_at FROM posts WHERE channel_id = old.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), 0),
            COALESCE((SELECT id FROM posts WHERE channel_id = old.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), ''))
    ON CONFLICT (channel_id) DO UPDATE SET version = version + 1;
    -- A post listed again, or moved in, may be newer than any before.
    INSERT INTO channel_post_versions (channel_id, version, top_create_at, top_id)
        VALUES (new.channel_id, 1,
            COALESCE((SELECT create_at FROM posts WHERE channel_id = new.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), 0),
            COALESCE((SELECT id FROM posts WHERE channel_id = new.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), ''))
    ON CONFLICT (channel_id) DO UPDATE SET
        version = version + 1,
        top_create_at = CASE WHEN (excluded.top_create_at, excluded.top_id) > (top_create_at, top_id) THEN excluded.top_create_at ELSE top_create_at END,
        top_id = CASE WHEN (excluded.top_create_at, excluded.top_id) > (top_create_at, top_id) THEN excluded.top_id ELSE top_id END;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER posts_version_delete AFTER DELETE ON posts WHEN old.delete_at = 0 BEGIN
    INSERT INTO channel_post_versions (channel_id, version, top_create_at, top_id)
        VALUES (old.channel_id, 1,
            COALESCE((SELECT create_at FROM posts WHERE channel_id = old.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), 0),
            COALESCE((SELECT id FROM posts WHERE channel_id = old.channel_id AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1), ''))
    ON CONFLICT (channel_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER posts_version_delete;
DROP TRIGGER posts_version_update;
DROP TRIGGER posts_version_insert;
DROP TABLE channel_post_versions;
