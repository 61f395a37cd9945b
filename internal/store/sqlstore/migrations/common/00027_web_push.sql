-- +goose Up
-- parley:expand
-- Web Push subscriptions of Parley's own web client (RFC 8030/8291): one per
-- browser, tied to the session that made it, so that logging out, a revoked
-- or deleted session and a deactivated account (whose sessions are deleted)
-- remove it with the session row. endpoint is unique: a browser re-subscribing
-- under another login moves its subscription. p256dh and auth are the
-- browser's public key and auth secret, base64url as the browser gives them.
CREATE TABLE web_push_subscriptions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    endpoint   TEXT NOT NULL UNIQUE,
    p256dh     TEXT NOT NULL,
    auth       TEXT NOT NULL,
    create_at  BIGINT NOT NULL
);
CREATE INDEX idx_web_push_subscriptions_user ON web_push_subscriptions (user_id);
CREATE INDEX idx_web_push_subscriptions_session ON web_push_subscriptions (session_id);

-- A Web Push goes through push_queue like a push to the mobile apps: kind
-- "web" rows name the subscription instead of a device, and their payload is
-- the plaintext JSON the service worker shows (encrypted when sent, with a
-- fresh key per attempt). Existing rows are pushes to the proxy.
ALTER TABLE push_queue ADD COLUMN kind TEXT NOT NULL DEFAULT 'proxy';
ALTER TABLE push_queue ADD COLUMN subscription_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE push_queue DROP COLUMN subscription_id;
ALTER TABLE push_queue DROP COLUMN kind;
DROP TABLE web_push_subscriptions;
