-- +goose Up
-- parley:expand
-- Logins and syncs through LDAP (and later SSO) find an account by the
-- directory's id for it, once per login and per user on each sync.
CREATE INDEX idx_users_auth ON users (auth_service, auth_data);

-- +goose Down
DROP INDEX idx_users_auth;
