-- +goose Up
-- parley:expand
-- Full-text search on SQLite (FTS5). The indexes are contentless: they keep
-- the words, not a second copy of the messages. Their rowids come from
-- post_search, because posts has a text primary key and the implicit rowid of
-- such a table may change on VACUUM. Triggers keep everything in step inside the
-- transaction that writes the post; deleted posts leave the indexes.
CREATE TABLE search_settings (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    language TEXT NOT NULL
);
INSERT INTO search_settings (id, language) VALUES (1, 'english');

CREATE TABLE post_search (
    id      INTEGER PRIMARY KEY,
    post_id TEXT NOT NULL UNIQUE
);

-- Words: Porter stemming (English) over Unicode words, case and accents folded.
-- A store opened with another search_language rebuilds this table with its tokenizer.
CREATE VIRTUAL TABLE posts_fts USING fts5(message, content='', contentless_delete=1,
    tokenize='porter unicode61 remove_diacritics 2');

-- The same words unstemmed, for prefix searches: a stemmer cannot stem a word it
-- sees only the start of ("deploym*" must find "deployment", stemmed "deploy").
CREATE VIRTUAL TABLE posts_words USING fts5(message, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 2');

-- Substrings of posts written in Chinese, Japanese or Korean, which have no spaces
-- between words. Only such posts are indexed here (the GLOB class is search.CJKClass).
CREATE VIRTUAL TABLE posts_cjk USING fts5(message, content='', contentless_delete=1,
    tokenize='trigram remove_diacritics 1');

INSERT INTO post_search (post_id) SELECT id FROM posts;
INSERT INTO posts_fts (rowid, message)
    SELECT s.id, p.message FROM post_search s JOIN posts p ON p.id = s.post_id WHERE p.delete_at = 0;
INSERT INTO posts_words (rowid, message)
    SELECT s.id, p.message FROM post_search s JOIN posts p ON p.id = s.post_id WHERE p.delete_at = 0;
INSERT INTO posts_cjk (rowid, message)
    SELECT s.id, p.message FROM post_search s JOIN posts p ON p.id = s.post_id
    WHERE p.delete_at = 0 AND p.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';

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

-- +goose StatementBegin
CREATE TRIGGER posts_search_update AFTER UPDATE OF message, delete_at ON posts
WHEN old.message IS NOT new.message OR old.delete_at IS NOT new.delete_at BEGIN
    DELETE FROM posts_fts WHERE rowid = (SELECT id FROM post_search WHERE post_id = old.id) AND old.delete_at = 0;
    DELETE FROM posts_words WHERE rowid = (SELECT id FROM post_search WHERE post_id = old.id) AND old.delete_at = 0;
    DELETE FROM posts_cjk WHERE rowid = (SELECT id FROM post_search WHERE post_id = old.id) AND old.delete_at = 0
        AND old.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';
    INSERT INTO posts_fts (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_words (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0;
    INSERT INTO posts_cjk (rowid, message)
        SELECT id, new.message FROM post_search WHERE post_id = new.id AND new.delete_at = 0
        AND new.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
    DELETE FROM posts_fts WHERE rowid = (SELECT id FROM post_search WHERE post_id = old.id) AND old.delete_at = 0;
    DELETE FROM posts_words WHERE rowid = (SELECT id FROM post_search WHERE post_id = old.id) AND old.delete_at = 0;
    DELETE FROM posts_cjk WHERE rowid = (SELECT id FROM post_search WHERE post_id = old.id) AND old.delete_at = 0
        AND old.message GLOB '*[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]*';
    DELETE FROM post_search WHERE post_id = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER posts_search_delete;
DROP TRIGGER posts_search_update;
DROP TRIGGER posts_search_insert;
DROP TABLE posts_cjk;
DROP TABLE posts_words;
DROP TABLE posts_fts;
DROP TABLE post_search;
DROP TABLE search_settings;
