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
-- bump_channel_posts records a change of channel ch's listing: bump adds to
-- its version, as does a post now listed (lo) below its top; hi, when given,
-- is the newest post it now lists.
CREATE FUNCTION bump_channel_posts(ch text, bump boolean, lo_at bigint, lo_id text, hi_at bigint, hi_id text)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO channel_post_versions AS v (channel_id, version, top_create_at, top_id)
    SELECT ch, 1, COALESCE(t.create_at, 0), COALESCE(t.id, '')
    FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT create_at, id FROM posts
        WHERE channel_id = ch AND delete_at = 0 ORDER BY create_at DESC, id DESC LIMIT 1) t ON TRUE
    ON CONFLICT (channel_id) DO UPDATE SET
        version = v.version + CASE WHEN bump OR (lo_at, lo_id) < (v.top_create_at, v.top_id) THEN 1 ELSE 0 END,
        top_create_at = CASE WHEN (hi_at, hi_id) > (v.top_create_at, v.top_id) THEN hi_at ELSE v.top_create_at END,
        top_id = CASE WHEN (hi_at, hi_id) > (v.top_create_at, v.top_id) THEN hi_id ELSE v.top_id END
$$;
-- +goose StatementEnd

-- The triggers run once a statement, over its rows in transition tables: a
-- row trigger updated the channel's row once a post, and an import's
-- thousands of updates of one row in one transaction each walked the chain
-- of its earlier versions.

-- +goose StatementBegin
CREATE FUNCTION posts_version_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT lo.channel_id, lo.create_at AS lo_at, lo.id AS lo_id, hi.create_at AS hi_at, hi.id AS hi_id
        FROM (SELECT DISTINCT ON (channel_id) channel_id, create_at, id FROM new_posts WHERE delete_at = 0
            ORDER BY channel_id, create_at, id) lo
        JOIN (SELECT DISTINCT ON (channel_id) channel_id, create_at, id FROM new_posts WHERE delete_at = 0
            ORDER BY channel_id, create_at DESC, id DESC) hi USING (channel_id)
        ORDER BY lo.channel_id -- one order of row locks for every writer
    LOOP
        PERFORM bump_channel_posts(r.channel_id, FALSE, r.lo_at, r.lo_id, r.hi_at, r.hi_id);
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION posts_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN WITH changed AS (SELECT o.channel_id AS old_channel, n.channel_id, n.create_at, n.id, n.delete_at
            FROM old_posts o JOIN new_posts n ON n.id = o.id
            WHERE (o.delete_at = 0) <> (n.delete_at = 0)
                OR (n.delete_at = 0 AND (o.create_at <> n.create_at OR o.channel_id <> n.channel_id)))
        SELECT DISTINCT ON (ch) ch, hi_at, hi_id FROM (
            SELECT old_channel AS ch, NULL::bigint AS hi_at, NULL::text AS hi_id FROM changed
            UNION ALL SELECT channel_id, create_at, id FROM changed WHERE delete_at = 0) c
        ORDER BY ch, hi_at DESC NULLS LAST, hi_id DESC NULLS LAST
    LOOP
        PERFORM bump_channel_posts(r.ch, TRUE, NULL, NULL, r.hi_at, r.hi_id);
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION posts_version_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT DISTINCT channel_id FROM old_posts WHERE delete_at = 0 ORDER BY channel_id LOOP
        PERFORM bump_channel_posts(r.channel_id, TRUE, NULL, NULL, NULL, NULL);
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER posts_version_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION posts_version_insert();
-- Transition tables admit no column list: every update runs it, and finds
-- no changed row unless one was deleted, restored or moved.
CREATE TRIGGER posts_version_update AFTER UPDATE ON posts REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION posts_version_update();
CREATE TRIGGER posts_version_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_posts
    FOR EACH STATEMENT EXECUTE FUNCTION posts_version_delete();

-- +goose Down
DROP TRIGGER posts_version_delete ON posts;
DROP TRIGGER posts_version_update ON posts;
DROP TRIGGER posts_version_insert ON posts;
DROP FUNCTION posts_version_delete();
DROP FUNCTION posts_version_update();
DROP FUNCTION posts_version_insert();
DROP FUNCTION bump_channel_posts(text, boolean, bigint, text, bigint, text);
DROP TABLE channel_post_versions;
