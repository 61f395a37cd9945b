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
-- of order. Every change goes through the channel's row, whose lock orders
-- concurrent inserts, so one that commits below another is seen as out of
-- order even though neither saw the other's post. A channel without a row
-- is version 0; its first row starts at 1, from the newest post listed then.
CREATE TABLE channel_post_versions (
    channel_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    top_create_at BIGINT NOT NULL,
    top_id TEXT NOT NULL
);

-- +goose StatementBegin
-- bump_channel_posts records a change of channel ch's listing: bump adds
-- to its version, and (at, id), when given, is a post it now lists.
CREATE FUNCTION bump_channel_posts(ch text, bump bigint, at bigint, pid text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO channel_post_versions AS v (channel_id, version, top_create_at, top_id)
    SELECT ch, 1, COALESCE(t.create_at, 0), COALESCE(t.id, '')
    FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT create_at, id FROM posts
        WHERE channel_id = ch AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1) t ON TRUE
    ON CONFLICT (channel_id) DO UPDATE SET
        version = v.version + CASE WHEN bump > 0 OR (at, pid) < (v.top_create_at, v.top_id) THEN 1 ELSE 0 END,
        top_create_at = CASE WHEN pid IS NOT NULL AND (at, pid) > (v.top_create_at, v.top_id) THEN at ELSE v.top_create_at END,
        top_id = CASE WHEN pid IS NOT NULL AND (at, pid) > (v.top_create_at, v.top_id) THEN pid ELSE v.top_id END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION posts_channel_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.delete_at = 0 THEN
            PERFORM bump_channel_posts(NEW.channel_id, 0, NEW.create_at, NEW.id);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.delete_at = 0 THEN
            PERFORM bump_channel_posts(OLD.channel_id, 1, NULL, NULL);
        END IF;
        RETURN NULL;
    END IF;
    IF (OLD.delete_at = 0) <> (NEW.delete_at = 0)
        OR (NEW.delete_at = 0 AND (OLD.create_at <> NEW.create_at OR OLD.channel_id <> NEW.channel_id)) THEN
        PERFORM bump_channel_posts(OLD.channel_id, 1, NULL, NULL);
        IF NEW.delete_at = 0 THEN
            PERFORM bump_channel_posts(NEW.channel_id, 1, NEW.create_at, NEW.id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER posts_channel_version AFTER INSERT OR DELETE OR UPDATE OF delete_at, create_at, channel_id ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_channel_version();

-- +goose Down
DROP TRIGGER posts_channel_version ON posts;
DROP FUNCTION posts_channel_version();
DROP FUNCTION bump_channel_posts(text, bigint, bigint, text);
DROP TABLE channel_post_versions;
