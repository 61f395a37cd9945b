-- +goose Up
-- parley:expand
-- When each user last logged in, Mattermost's Users.LastLogin, which the
-- user report shows: kept on the user, so a logout or an expired session does
-- not lose it. Until now a login was the only write of last_activity_at.
ALTER TABLE users ADD COLUMN last_login BIGINT NOT NULL DEFAULT 0;
UPDATE users SET last_login = last_activity_at;

-- +goose Down
ALTER TABLE users DROP COLUMN last_login;
