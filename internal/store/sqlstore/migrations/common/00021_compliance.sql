-- +goose Up
-- parley:expand
-- Compliance: who was in which channel when, and what an edit replaced.

-- One row per stay of a user in a channel, as Mattermost's
-- ChannelMemberHistory: leave_time is NULL while the user is still a member.
-- The store writes it with every membership insert and delete, so that every
-- way in or out (API, CLI, import, leaving a team, deleting a channel) is
-- recorded. Members already there when this table came get join_time 0:
-- when they joined is not known, only that it was before any export.
CREATE TABLE channel_member_history (
    channel_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    join_time  BIGINT NOT NULL,
    leave_time BIGINT,
    PRIMARY KEY (channel_id, user_id, join_time)
);
CREATE INDEX idx_channel_member_history_user ON channel_member_history (user_id);
INSERT INTO channel_member_history (channel_id, user_id, join_time)
    SELECT channel_id, user_id, 0 FROM channel_members;

-- The text a post had before each edit (Mattermost keeps these as deleted
-- copies in Posts with OriginalId set; a table of their own keeps them out of
-- every post query). id is the version's own id, the MessageId an export
-- gives the pre-edit text; edit_at is when it was replaced.
CREATE TABLE post_versions (
    id         TEXT PRIMARY KEY,
    post_id    TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    root_id    TEXT NOT NULL DEFAULT '',
    create_at  BIGINT NOT NULL,
    edit_at    BIGINT NOT NULL,
    message    TEXT NOT NULL,
    type       TEXT NOT NULL DEFAULT '',
    props      TEXT NOT NULL DEFAULT '{}',
    file_ids   TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX idx_post_versions_post ON post_versions (post_id, edit_at);
CREATE INDEX idx_post_versions_channel ON post_versions (channel_id, edit_at);

-- +goose Down
DROP TABLE post_versions;
DROP TABLE channel_member_history;
