-- +goose Up
-- parley:expand
-- Bulk imports index posts in bulk: the row-by-row insert trigger was most of
-- an imported post's cost. An import records the ids of its new posts here,
-- in the transaction that inserts them, and the insert trigger leaves those
-- posts alone; IndexDeferredPosts indexes them in large chunks at the end of
-- the import, and at every start, so that an import that did not finish
-- leaves no post out of search for long.
CREATE TABLE search_deferred (
    post_id TEXT PRIMARY KEY
) WITHOUT ROWID;

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
        AND new.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';
END;
-- +goose StatementEnd

-- +goose Down
-- Posts still waiting are indexed before the table that names them goes.
INSERT INTO post_search (post_id)
    SELECT d.post_id FROM search_deferred d JOIN posts p ON p.id = d.post_id
    WHERE NOT EXISTS (SELECT 1 FROM post_search s WHERE s.post_id = d.post_id);
INSERT INTO posts_fts (rowid, message)
    SELECT s.id, p.message FROM search_deferred d JOIN post_search s ON s.post_id = d.post_id
    JOIN posts p ON p.id = d.post_id WHERE p.delete_at = 0;
INSERT INTO posts_words (rowid, message)
    SELECT s.id, p.message FROM search_deferred d JOIN post_search s ON s.post_id = d.post_id
    JOIN posts p ON p.id = d.post_id WHERE p.delete_at = 0;
INSERT INTO posts_cjk (rowid, message)
    SELECT s.id, p.message FROM search_deferred d JOIN post_search s ON s.post_id = d.post_id
    JOIN posts p ON p.id = d.post_id WHERE p.delete_at = 0 AND p.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';

DROP TRIGGER posts_search_insert;

-- +goose StatementBegin
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (post_id) VALUES (new.id);
    INSERT INTO posts_fts (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_words (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_cjk (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0
        AND new.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';
END;
-- +goose StatementEnd

DROP TABLE search_deferred;
