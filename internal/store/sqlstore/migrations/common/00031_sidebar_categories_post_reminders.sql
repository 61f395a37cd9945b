-- +goose Up
-- parley:expand
-- Sidebar categories a user keeps per team: their custom categories, and the
-- default ones (favorites, channels, direct_messages) once the user has
-- reordered, collapsed or re-sorted them. A user who never touched their
-- sidebar has no row: the default sidebar is computed. Favorites stay in the
-- favorite_channel preferences, as in Mattermost.
CREATE TABLE sidebar_categories (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id      TEXT NOT NULL,
    type         TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    sort_order   BIGINT NOT NULL DEFAULT 0,
    sorting      TEXT NOT NULL DEFAULT '',
    muted        BOOLEAN NOT NULL DEFAULT FALSE,
    collapsed    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX idx_sidebar_categories_user_team ON sidebar_categories (user_id, team_id);

-- The channels a user moved into a custom category: at most one category per
-- channel in a team (the key), the others being in their default category.
CREATE TABLE sidebar_channels (
    user_id     TEXT NOT NULL,
    team_id     TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES sidebar_categories(id) ON DELETE CASCADE,
    sort_order  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, team_id, channel_id)
);
CREATE INDEX idx_sidebar_channels_category ON sidebar_channels (category_id);

-- Post reminders ("remind me"): one per user and post, a later one replacing
-- it. target_time is in unix seconds, as the API takes it; a due reminder is
-- deleted by the statement that takes it, so one node delivers it.
CREATE TABLE post_reminders (
    post_id     TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target_time BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX idx_post_reminders_target ON post_reminders (target_time);

-- +goose Down
DROP TABLE post_reminders;
DROP TABLE sidebar_channels;
DROP TABLE sidebar_categories;
