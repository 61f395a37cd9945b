-- +goose Up
-- parley:expand
-- The TOTP time step of the last code accepted from each user, so that a
-- code seen once (over a shoulder, in a proxy log) cannot log in again while
-- it is still valid (RFC 6238 §5.2).
ALTER TABLE users ADD COLUMN mfa_last_step BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN mfa_last_step;
