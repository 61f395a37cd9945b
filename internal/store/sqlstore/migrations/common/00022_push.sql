-- +goose Up
-- parley:expand
-- Outgoing push notifications to the mobile apps, one row per device, kept
-- until the push proxy took them so that a restart or a proxy outage loses
-- nothing. Claimed and retried exactly as mail_queue. payload is the
-- notification (Mattermost's PushNotification JSON) without the badge, which
-- is counted when it is sent.
CREATE TABLE push_queue (
    id              TEXT PRIMARY KEY,
    create_at       BIGINT NOT NULL,
    user_id         TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    update_at       BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_push_queue_due ON push_queue (status, next_attempt_at);
-- The sessions a push can reach: those with a device.
CREATE INDEX idx_sessions_device ON sessions (user_id) WHERE device_id <> '';

-- +goose Down
DROP INDEX idx_sessions_device;
DROP TABLE push_queue;
