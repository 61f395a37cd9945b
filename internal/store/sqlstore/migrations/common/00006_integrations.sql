-- +goose Up
-- parley:expand
-- Integrations: incoming and outgoing webhooks, slash commands, bots and the
-- cache of link previews.
CREATE TABLE incoming_webhooks (
    id             TEXT PRIMARY KEY,
    create_at      BIGINT NOT NULL,
    update_at      BIGINT NOT NULL,
    delete_at      BIGINT NOT NULL DEFAULT 0,
    user_id        TEXT NOT NULL,
    channel_id     TEXT NOT NULL,
    team_id        TEXT NOT NULL,
    display_name   TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    username       TEXT NOT NULL DEFAULT '',
    icon_url       TEXT NOT NULL DEFAULT '',
    channel_locked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX idx_incoming_webhooks_team ON incoming_webhooks (team_id, delete_at);

CREATE TABLE outgoing_webhooks (
    id            TEXT PRIMARY KEY,
    token         TEXT NOT NULL,
    create_at     BIGINT NOT NULL,
    update_at     BIGINT NOT NULL,
    delete_at     BIGINT NOT NULL DEFAULT 0,
    creator_id    TEXT NOT NULL,
    channel_id    TEXT NOT NULL DEFAULT '',
    team_id       TEXT NOT NULL,
    trigger_words TEXT NOT NULL DEFAULT '[]',
    trigger_when  INTEGER NOT NULL DEFAULT 0,
    callback_urls TEXT NOT NULL DEFAULT '[]',
    display_name  TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    content_type  TEXT NOT NULL DEFAULT '',
    username      TEXT NOT NULL DEFAULT '',
    icon_url      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_outgoing_webhooks_team ON outgoing_webhooks (team_id, delete_at);

CREATE TABLE commands (
    id                 TEXT PRIMARY KEY,
    token              TEXT NOT NULL,
    create_at          BIGINT NOT NULL,
    update_at          BIGINT NOT NULL,
    delete_at          BIGINT NOT NULL DEFAULT 0,
    creator_id         TEXT NOT NULL,
    team_id            TEXT NOT NULL,
    trigger_word       TEXT NOT NULL,
    method             TEXT NOT NULL DEFAULT 'P',
    username           TEXT NOT NULL DEFAULT '',
    icon_url           TEXT NOT NULL DEFAULT '',
    auto_complete      BOOLEAN NOT NULL DEFAULT FALSE,
    auto_complete_desc TEXT NOT NULL DEFAULT '',
    auto_complete_hint TEXT NOT NULL DEFAULT '',
    display_name       TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    url                TEXT NOT NULL
);
CREATE INDEX idx_commands_team ON commands (team_id, delete_at);

CREATE TABLE bots (
    user_id          TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    description      TEXT NOT NULL DEFAULT '',
    owner_id         TEXT NOT NULL,
    last_icon_update BIGINT NOT NULL DEFAULT 0,
    create_at        BIGINT NOT NULL,
    update_at        BIGINT NOT NULL,
    delete_at        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idx_bots_owner ON bots (owner_id);

-- One fetched preview per URL, shared by every post that links to it.
CREATE TABLE link_metadata (
    url        TEXT PRIMARY KEY,
    fetched_at BIGINT NOT NULL,
    data       TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE link_metadata;
DROP INDEX idx_bots_owner;
DROP TABLE bots;
DROP INDEX idx_commands_team;
DROP TABLE commands;
DROP INDEX idx_outgoing_webhooks_team;
DROP TABLE outgoing_webhooks;
DROP INDEX idx_incoming_webhooks_team;
DROP TABLE incoming_webhooks;
