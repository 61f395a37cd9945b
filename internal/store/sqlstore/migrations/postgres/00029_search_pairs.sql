-- +goose Up
-- parley:expand
-- Phrases on PostgreSQL: GIN over a tsvector stores no positions, so a phrase
-- query read every post holding all its words to check their order (for the
-- two commonest words of a million posts, 16,000 rows for 1,500 phrases).
-- search_pairs holds a hash of every pair of lexemes at neighbouring
-- positions of search_vector; a phrase's pairs narrow it through a GIN index
-- of their own, and the tsquery still decides. Hashes collide now and then,
-- which only lets a row through to that check.
-- +goose StatementBegin
CREATE FUNCTION post_word_pairs(v tsvector) RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT hashtext(a.lexeme || ' ' || b.lexeme)), '{}')
    FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) a
    JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) b ON b.pos = a.pos + 1
$$;
-- +goose StatementEnd

ALTER TABLE posts ADD COLUMN search_pairs integer[];

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.delete_at > 0 THEN
        NEW.search_vector := NULL;
        NEW.search_pairs := NULL;
    ELSE
        NEW.search_vector := to_tsvector((SELECT language FROM search_settings WHERE id = 1), unaccent(NEW.message))
            || to_tsvector('simple', unaccent(NEW.message));
        NEW.search_pairs := post_word_pairs(NEW.search_vector);
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- Rewrites every live post: about a minute per million posts (docs/search.md).
UPDATE posts SET search_pairs = post_word_pairs(search_vector) WHERE search_vector IS NOT NULL;
CREATE INDEX idx_posts_search_pairs ON posts USING gin (search_pairs);

-- +goose Down
DROP INDEX idx_posts_search_pairs;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
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
ALTER TABLE posts DROP COLUMN search_pairs;
DROP FUNCTION post_word_pairs(tsvector);
