-- +goose Up
-- parley:expand
-- Full-text search on PostgreSQL: a tsvector column with a GIN index for words
-- (stemmed in the configured language, accents removed by unaccent, plus the
-- words unstemmed for prefix searches: "deploym*" must find "deployment",
-- which the stemmer keeps as "deploy"), and a
-- pg_trgm index for substrings of Chinese, Japanese and Korean posts. A trigger
-- keeps the vector in step inside the transaction that writes the post; deleted
-- posts have none. Both extensions are trusted: a database owner may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE search_settings (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    language regconfig NOT NULL
);
INSERT INTO search_settings (id, language) VALUES (1, 'english');

ALTER TABLE posts ADD COLUMN search_vector tsvector;

-- +goose StatementBegin
CREATE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.delete_at > 0 THEN
        NEW.search_vector := NULL;
    ELSE
        NEW.search_vector := to_tsvector((SELECT language FROM search_settings WHERE id = 1), unaccent(NEW.message))
            || to_tsvector('simple', unaccent(NEW.message));
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER posts_search_insert BEFORE INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_vector();
CREATE TRIGGER posts_search_update BEFORE UPDATE OF message, delete_at ON posts
    FOR EACH ROW WHEN (OLD.message IS DISTINCT FROM NEW.message OR OLD.delete_at IS DISTINCT FROM NEW.delete_at)
    EXECUTE FUNCTION posts_search_vector();

UPDATE posts SET search_vector = to_tsvector('english', unaccent(message)) || to_tsvector('simple', unaccent(message))
    WHERE delete_at = 0;
CREATE INDEX idx_posts_search ON posts USING gin (search_vector);
-- The predicate is search.CJKClass; queries repeat it so the planner can use the index.
CREATE INDEX idx_posts_cjk ON posts USING gin (message gin_trgm_ops)
    WHERE message ~ '[ᄀ-ᇿ぀-ヿ㄰-㆏㐀-鿿가-힯豈-﫿]';

-- +goose Down
DROP INDEX idx_posts_cjk;
DROP INDEX idx_posts_search;
DROP TRIGGER posts_search_update ON posts;
DROP TRIGGER posts_search_insert ON posts;
DROP FUNCTION posts_search_vector();
ALTER TABLE posts DROP COLUMN search_vector;
DROP TABLE search_settings;
