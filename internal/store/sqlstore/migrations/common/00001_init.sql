-- +goose Up
-- parley:expand
-- Written to run unchanged on SQLite and PostgreSQL.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    create_at            BIGINT NOT NULL,
    update_at            BIGINT NOT NULL,
    delete_at            BIGINT NOT NULL DEFAULT 0,
    username             TEXT NOT NULL UNIQUE,
    password             TEXT NOT NULL DEFAULT '',
    auth_data            TEXT,
    auth_service         TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL UNIQUE,
    email_verified       BOOLEAN NOT NULL DEFAULT FALSE,
    nickname             TEXT NOT NULL DEFAULT '',
    first_name           TEXT NOT NULL DEFAULT '',
    last_name            TEXT NOT NULL DEFAULT '',
    position             TEXT NOT NULL DEFAULT '',
    roles                TEXT NOT NULL DEFAULT '',
    allow_marketing      BOOLEAN NOT NULL DEFAULT FALSE,
    props                TEXT NOT NULL DEFAULT '{}',
    notify_props         TEXT NOT NULL DEFAULT '{}',
    last_password_update BIGINT NOT NULL DEFAULT 0,
    last_picture_update  BIGINT NOT NULL DEFAULT 0,
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    locale               TEXT NOT NULL DEFAULT 'en',
    timezone             TEXT NOT NULL DEFAULT '{}',
    mfa_active           BOOLEAN NOT NULL DEFAULT FALSE,
    mfa_secret           TEXT NOT NULL DEFAULT '',
    last_activity_at     BIGINT NOT NULL DEFAULT 0,
    is_bot               BOOLEAN NOT NULL DEFAULT FALSE,
    bot_description      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    token            TEXT NOT NULL UNIQUE,
    create_at        BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL DEFAULT 0,
    last_activity_at BIGINT NOT NULL DEFAULT 0,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id        TEXT NOT NULL DEFAULT '',
    roles            TEXT NOT NULL DEFAULT '',
    is_oauth         BOOLEAN NOT NULL DEFAULT FALSE,
    props            TEXT NOT NULL DEFAULT '{}',
    access_token_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_sessions_user ON sessions (user_id);

CREATE TABLE user_access_tokens (
    id          TEXT PRIMARY KEY,
    token       TEXT NOT NULL UNIQUE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    description TEXT NOT NULL DEFAULT '',
    is_active   BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX idx_user_access_tokens_user ON user_access_tokens (user_id);

CREATE TABLE teams (
    id                    TEXT PRIMARY KEY,
    create_at             BIGINT NOT NULL,
    update_at             BIGINT NOT NULL,
    delete_at             BIGINT NOT NULL DEFAULT 0,
    display_name          TEXT NOT NULL,
    name                  TEXT NOT NULL UNIQUE,
    description           TEXT NOT NULL DEFAULT '',
    email                 TEXT NOT NULL DEFAULT '',
    type                  TEXT NOT NULL,
    company_name          TEXT NOT NULL DEFAULT '',
    allowed_domains       TEXT NOT NULL DEFAULT '',
    invite_id             TEXT NOT NULL,
    allow_open_invite     BOOLEAN NOT NULL DEFAULT FALSE,
    last_team_icon_update BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idx_teams_invite ON teams (invite_id);

CREATE TABLE team_members (
    team_id        TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    create_at      BIGINT NOT NULL DEFAULT 0,
    delete_at      BIGINT NOT NULL DEFAULT 0,
    scheme_guest   BOOLEAN NOT NULL DEFAULT FALSE,
    scheme_user    BOOLEAN NOT NULL DEFAULT TRUE,
    scheme_admin   BOOLEAN NOT NULL DEFAULT FALSE,
    explicit_roles TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX idx_team_members_user ON team_members (user_id);

CREATE TABLE channels (
    id                   TEXT PRIMARY KEY,
    create_at            BIGINT NOT NULL,
    update_at            BIGINT NOT NULL,
    delete_at            BIGINT NOT NULL DEFAULT 0,
    team_id              TEXT NOT NULL DEFAULT '',
    type                 TEXT NOT NULL,
    display_name         TEXT NOT NULL DEFAULT '',
    name                 TEXT NOT NULL,
    header               TEXT NOT NULL DEFAULT '',
    purpose              TEXT NOT NULL DEFAULT '',
    last_post_at         BIGINT NOT NULL DEFAULT 0,
    total_msg_count      BIGINT NOT NULL DEFAULT 0,
    total_msg_count_root BIGINT NOT NULL DEFAULT 0,
    last_root_post_at    BIGINT NOT NULL DEFAULT 0,
    creator_id           TEXT NOT NULL DEFAULT '',
    props                TEXT NOT NULL DEFAULT 'null',
    UNIQUE (team_id, name)
);

CREATE TABLE channel_members (
    channel_id           TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id              TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_viewed_at       BIGINT NOT NULL DEFAULT 0,
    msg_count            BIGINT NOT NULL DEFAULT 0,
    mention_count        BIGINT NOT NULL DEFAULT 0,
    mention_count_root   BIGINT NOT NULL DEFAULT 0,
    urgent_mention_count BIGINT NOT NULL DEFAULT 0,
    msg_count_root       BIGINT NOT NULL DEFAULT 0,
    notify_props         TEXT NOT NULL DEFAULT '{}',
    last_update_at       BIGINT NOT NULL DEFAULT 0,
    scheme_guest         BOOLEAN NOT NULL DEFAULT FALSE,
    scheme_user          BOOLEAN NOT NULL DEFAULT TRUE,
    scheme_admin         BOOLEAN NOT NULL DEFAULT FALSE,
    explicit_roles       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX idx_channel_members_user ON channel_members (user_id);

CREATE TABLE posts (
    id              TEXT PRIMARY KEY,
    create_at       BIGINT NOT NULL,
    update_at       BIGINT NOT NULL,
    edit_at         BIGINT NOT NULL DEFAULT 0,
    delete_at       BIGINT NOT NULL DEFAULT 0,
    is_pinned       BOOLEAN NOT NULL DEFAULT FALSE,
    user_id         TEXT NOT NULL,
    channel_id      TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    root_id         TEXT NOT NULL DEFAULT '',
    original_id     TEXT NOT NULL DEFAULT '',
    message         TEXT NOT NULL DEFAULT '',
    type            TEXT NOT NULL DEFAULT '',
    props           TEXT NOT NULL DEFAULT '{}',
    hashtags        TEXT NOT NULL DEFAULT '',
    file_ids        TEXT NOT NULL DEFAULT '[]',
    pending_post_id TEXT NOT NULL DEFAULT '',
    has_reactions   BOOLEAN NOT NULL DEFAULT FALSE,
    reply_count     BIGINT NOT NULL DEFAULT 0,
    last_reply_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idx_posts_channel_create ON posts (channel_id, create_at);
CREATE INDEX idx_posts_channel_update ON posts (channel_id, update_at);
CREATE INDEX idx_posts_root ON posts (root_id, create_at);
CREATE INDEX idx_posts_pending ON posts (user_id, pending_post_id);

CREATE TABLE reactions (
    post_id    TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    emoji_name TEXT NOT NULL,
    channel_id TEXT NOT NULL DEFAULT '',
    create_at  BIGINT NOT NULL,
    update_at  BIGINT NOT NULL,
    delete_at  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, user_id, emoji_name)
);

CREATE TABLE preferences (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, category, name)
);

CREATE TABLE statuses (
    user_id          TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    status           TEXT NOT NULL,
    manual           BOOLEAN NOT NULL DEFAULT FALSE,
    last_activity_at BIGINT NOT NULL DEFAULT 0,
    dnd_end_time     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE systems (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE systems;
DROP TABLE statuses;
DROP TABLE preferences;
DROP TABLE reactions;
DROP TABLE posts;
DROP TABLE channel_members;
DROP TABLE channels;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE user_access_tokens;
DROP TABLE sessions;
DROP TABLE users;
