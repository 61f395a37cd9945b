-- +goose Up
-- parley:expand
-- The channel-driven search (searchScoped) looks each text match up in the
-- set of the searched channels' index keys. Building that set read every
-- post of the channels to find its key by text id (~6 µs each under load,
-- most of a 35-60 ms search of two words common in channels the searcher is
-- not in). post_search keeps each post's channel beside its key, so the set
-- is one range of idx_post_search_channel. Triggers keep it in step: posts
-- are never moved by the store, but a write that changes channel_id by any
-- path moves the key with it.
ALTER TABLE post_search ADD COLUMN channel_id TEXT NOT NULL DEFAULT '';
-- One primary-key lookup per key: a few seconds per million posts.
UPDATE post_search SET channel_id = COALESCE((SELECT p.channel_id FROM posts p WHERE p.id = post_search.post_id), '');
CREATE INDEX idx_post_search_channel ON post_search (channel_id, id);

DROP TRIGGER posts_search_insert;

-- +goose StatementBegin
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts
WHEN NOT EXISTS (SELECT 1 FROM search_deferred WHERE post_id = new.id) BEGIN
    INSERT INTO post_search (post_id, channel_id) VALUES (new.id, new.channel_id);
    INSERT INTO posts_fts (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_words (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_cjk (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0
        AND new.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER posts_search_channel AFTER UPDATE OF channel_id ON posts
WHEN old.channel_id IS NOT new.channel_id BEGIN
    UPDATE post_search SET channel_id = new.channel_id WHERE post_id = new.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER posts_search_channel;
DROP TRIGGER posts_search_insert;

-- +goose StatementBegin
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts
WHEN NOT EXISTS (SELECT 1 FROM search_deferred WHERE post_id = new.id) BEGIN
    INSERT INTO post_search (post_id) VALUES (new.id);
    INSERT INTO posts_fts (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_words (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_cjk (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0
        AND new.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';
END;
-- +goose StatementEnd

DROP INDEX idx_post_search_channel;
ALTER TABLE post_search DROP COLUMN channel_id;
