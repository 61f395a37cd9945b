-- +goose Up
-- parley:expand
-- Custom terms of service, as Mattermost keeps them: every text a system
-- admin published is a version of its own (the newest is the one in force),
-- and each user's acceptance is one row naming the version and when. A
-- version is never changed or removed, so an acceptance always names the
-- text that was accepted.
CREATE TABLE terms_of_service (
    id        TEXT PRIMARY KEY,
    create_at BIGINT NOT NULL,
    user_id   TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX idx_terms_of_service_create_at ON terms_of_service (create_at);
CREATE TABLE user_terms_of_service (
    user_id             TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    terms_of_service_id TEXT NOT NULL REFERENCES terms_of_service(id),
    create_at           BIGINT NOT NULL
);

-- +goose Down
DROP TABLE user_terms_of_service;
DROP INDEX idx_terms_of_service_create_at;
DROP TABLE terms_of_service;
