-- +goose Up
-- parley:expand
-- The audit log and the retention policies (GDPR tools).
CREATE TABLE audits (
    id          TEXT PRIMARY KEY,
    create_at   BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    ip_address  TEXT NOT NULL DEFAULT '',
    session_id  TEXT NOT NULL DEFAULT '',
    success     BOOLEAN NOT NULL DEFAULT TRUE,
    details     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_audits_create ON audits (create_at);
CREATE INDEX idx_audits_actor ON audits (actor_id, create_at);
CREATE INDEX idx_audits_target ON audits (target_id, create_at);

CREATE TABLE retention_policies (
    scope     TEXT NOT NULL,
    target_id TEXT NOT NULL DEFAULT '',
    post_days INTEGER NOT NULL DEFAULT 0,
    file_days INTEGER NOT NULL DEFAULT 0,
    update_at BIGINT NOT NULL,
    PRIMARY KEY (scope, target_id)
);

CREATE INDEX idx_posts_user ON posts (user_id, create_at);
CREATE INDEX idx_reactions_user ON reactions (user_id);

-- +goose Down
DROP INDEX idx_reactions_user;
DROP INDEX idx_posts_user;
DROP TABLE retention_policies;
DROP TABLE audits;
