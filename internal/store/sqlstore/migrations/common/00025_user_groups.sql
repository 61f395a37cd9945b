-- +goose Up
-- parley:expand
-- Custom user groups (Mattermost's UserGroups and GroupMembers). A name is
-- unique over archived groups too, as in Mattermost, so restoring one never
-- clashes. Leaving a group deletes the membership row: nothing reads past
-- memberships.
CREATE TABLE user_groups (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL,
    remote_id       TEXT,
    allow_reference BOOLEAN NOT NULL DEFAULT FALSE,
    create_at       BIGINT NOT NULL,
    update_at       BIGINT NOT NULL,
    delete_at       BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX idx_user_groups_name ON user_groups (name);
CREATE UNIQUE INDEX idx_user_groups_remote ON user_groups (source, remote_id) WHERE remote_id IS NOT NULL;

CREATE TABLE group_members (
    group_id  TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    create_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
-- A user's groups (GET /users/{id}/groups, and the mention lookup).
CREATE INDEX idx_group_members_user ON group_members (user_id);

-- +goose Down
DROP TABLE group_members;
DROP TABLE user_groups;
