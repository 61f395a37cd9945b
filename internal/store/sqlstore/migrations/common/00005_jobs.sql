-- +goose Up
-- parley:expand
-- Background jobs (import_process, export_process) as API v4 reports them.
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL,
    priority         BIGINT NOT NULL DEFAULT 0,
    create_at        BIGINT NOT NULL,
    start_at         BIGINT NOT NULL DEFAULT 0,
    last_activity_at BIGINT NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,
    progress         BIGINT NOT NULL DEFAULT 0,
    data             TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_jobs_type_create ON jobs (type, create_at);
CREATE INDEX idx_jobs_status_create ON jobs (status, create_at);

-- +goose Down
DROP TABLE jobs;
