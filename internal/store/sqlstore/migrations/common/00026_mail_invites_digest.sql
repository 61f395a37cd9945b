-- +goose Up
-- parley:expand
-- A team invitation by mail is a token like a reset link's; it names the
-- team (Mattermost keeps it in the token's extra data). For an invitation,
-- user_id is the member who sent it, which the per-hour invitation limit counts.
ALTER TABLE tokens ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_tokens_type ON tokens (type, user_id, create_at);

-- Notification mails waiting to go out together as one digest per member
-- (email batching). A row is written in the transaction of its post; the
-- digest's mail_queue row is written, and its items deleted, in one
-- transaction, so an item is mailed once or not at all.
CREATE TABLE mail_digest_items (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    create_at  BIGINT NOT NULL,
    send_after BIGINT NOT NULL,
    channel_id TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL
);
CREATE INDEX idx_mail_digest_user ON mail_digest_items (user_id, create_at);
CREATE INDEX idx_mail_digest_due ON mail_digest_items (send_after);

-- Notification mails carry a one-click unsubscribe URL (RFC 8058 headers).
ALTER TABLE mail_queue ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE mail_queue DROP COLUMN list_unsubscribe;
DROP TABLE mail_digest_items;
DROP INDEX idx_tokens_type;
ALTER TABLE tokens DROP COLUMN team_id;
