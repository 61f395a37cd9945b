-- +goose Up
-- parley:contract
-- Granular retention policies as Mattermost keeps them (RetentionPolicies,
-- RetentionPoliciesTeams, RetentionPoliciesChannels): a team or a channel
-- belongs to at most one policy, hence the key on its id. post_duration and
-- file_duration are days, -1 keeps forever; a NULL file_duration leaves the
-- files of the policy's channels to the global policy.
CREATE TABLE retention_policies_granular (
    id                    TEXT PRIMARY KEY,
    display_name          TEXT NOT NULL,
    post_duration         BIGINT NOT NULL,
    file_duration         BIGINT,
    preserve_pinned_posts BOOLEAN NOT NULL DEFAULT FALSE,
    create_at             BIGINT NOT NULL,
    update_at             BIGINT NOT NULL
);
CREATE INDEX idx_retention_policies_granular_name ON retention_policies_granular (display_name, id);
CREATE TABLE retention_policy_teams (
    team_id   TEXT PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE,
    policy_id TEXT NOT NULL REFERENCES retention_policies_granular (id) ON DELETE CASCADE
);
CREATE INDEX idx_retention_policy_teams_policy ON retention_policy_teams (policy_id);
CREATE TABLE retention_policy_channels (
    channel_id TEXT PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    policy_id  TEXT NOT NULL REFERENCES retention_policies_granular (id) ON DELETE CASCADE
);
CREATE INDEX idx_retention_policy_channels_policy ON retention_policy_channels (policy_id);

-- The team and channel policies of before become granular policies, one
-- each, named after their team or channel and with its id (a valid policy id
-- that cannot clash): 0 days (forever) becomes -1, and their file period is
-- kept. retention_policies keeps the global policy only.
INSERT INTO retention_policies_granular (id, display_name, post_duration, file_duration, create_at, update_at)
    SELECT r.target_id, 'Team ' || t.display_name, CASE WHEN r.post_days = 0 THEN -1 ELSE r.post_days END,
           CASE WHEN r.file_days = 0 THEN -1 ELSE r.file_days END, r.update_at, r.update_at
    FROM retention_policies r JOIN teams t ON t.id = r.target_id WHERE r.scope = 'team';
INSERT INTO retention_policy_teams (team_id, policy_id)
    SELECT r.target_id, r.target_id FROM retention_policies r JOIN teams t ON t.id = r.target_id WHERE r.scope = 'team';
INSERT INTO retention_policies_granular (id, display_name, post_duration, file_duration, create_at, update_at)
    SELECT r.target_id, 'Channel ' || c.display_name, CASE WHEN r.post_days = 0 THEN -1 ELSE r.post_days END,
           CASE WHEN r.file_days = 0 THEN -1 ELSE r.file_days END, r.update_at, r.update_at
    FROM retention_policies r JOIN channels c ON c.id = r.target_id WHERE r.scope = 'channel';
INSERT INTO retention_policy_channels (channel_id, policy_id)
    SELECT r.target_id, r.target_id FROM retention_policies r JOIN channels c ON c.id = r.target_id WHERE r.scope = 'channel';
DELETE FROM retention_policies WHERE scope <> 'global';
ALTER TABLE retention_policies ADD COLUMN preserve_pinned_posts BOOLEAN NOT NULL DEFAULT FALSE;

-- Legal holds: what they cover (posts, with their files, by the users or in
-- the channels named, created from starts_at to ends_at; ends_at 0 is open)
-- is kept from retention, and a user or channel they name is not erased.
CREATE TABLE legal_holds (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL DEFAULT 0,
    create_at    BIGINT NOT NULL,
    update_at    BIGINT NOT NULL,
    creator_id   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE legal_hold_users (
    hold_id TEXT NOT NULL REFERENCES legal_holds (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    PRIMARY KEY (hold_id, user_id)
);
CREATE INDEX idx_legal_hold_users_user ON legal_hold_users (user_id);
CREATE TABLE legal_hold_channels (
    hold_id    TEXT NOT NULL REFERENCES legal_holds (id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    PRIMARY KEY (hold_id, channel_id)
);
CREATE INDEX idx_legal_hold_channels_channel ON legal_hold_channels (channel_id);

-- +goose Down
DROP TABLE legal_hold_channels;
DROP TABLE legal_hold_users;
DROP TABLE legal_holds;
ALTER TABLE retention_policies DROP COLUMN preserve_pinned_posts;
INSERT INTO retention_policies (scope, target_id, post_days, file_days, update_at)
    SELECT 'team', t.team_id, CASE WHEN p.post_duration < 0 THEN 0 ELSE p.post_duration END,
           CASE WHEN COALESCE(p.file_duration, 0) < 0 THEN 0 ELSE COALESCE(p.file_duration, 0) END, p.update_at
    FROM retention_policy_teams t JOIN retention_policies_granular p ON p.id = t.policy_id;
INSERT INTO retention_policies (scope, target_id, post_days, file_days, update_at)
    SELECT 'channel', c.channel_id, CASE WHEN p.post_duration < 0 THEN 0 ELSE p.post_duration END,
           CASE WHEN COALESCE(p.file_duration, 0) < 0 THEN 0 ELSE COALESCE(p.file_duration, 0) END, p.update_at
    FROM retention_policy_channels c JOIN retention_policies_granular p ON p.id = c.policy_id;
DROP TABLE retention_policy_channels;
DROP TABLE retention_policy_teams;
DROP TABLE retention_policies_granular;
