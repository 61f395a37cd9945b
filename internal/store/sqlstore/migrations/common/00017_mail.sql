-- +goose Up
-- parley:expand
-- Outgoing mail, kept until sent so that a restart or an SMTP outage loses
-- nothing. A worker claims a pending row by switching it to 'sent' in one
-- conditional update (so two nodes never both send it) and puts it back to
-- 'pending' with a later next_attempt_at when the delivery fails.
CREATE TABLE mail_queue (
    id              TEXT PRIMARY KEY,
    create_at       BIGINT NOT NULL,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL DEFAULT '',
    html_body       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    update_at       BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_mail_queue_due ON mail_queue (status, next_attempt_at);

-- Single-use tokens of password reset and address verification links; only
-- a SHA-256 of the token is kept.
CREATE TABLE tokens (
    hash      TEXT PRIMARY KEY,
    type      TEXT NOT NULL,
    create_at BIGINT NOT NULL,
    user_id   TEXT NOT NULL,
    email     TEXT NOT NULL
);
CREATE INDEX idx_tokens_user ON tokens (user_id, type);
CREATE INDEX idx_tokens_create ON tokens (create_at);

-- +goose Down
DROP TABLE tokens;
DROP TABLE mail_queue;
