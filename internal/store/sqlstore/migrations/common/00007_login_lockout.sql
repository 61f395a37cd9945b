-- +goose Up
-- parley:expand
-- When the last failed login happened, so that a lockout ends by itself and
-- cannot be used to keep someone out of their account for good.
ALTER TABLE users ADD COLUMN last_failed_login_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN last_failed_login_at;
