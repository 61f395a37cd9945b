-- +goose Up
-- parley:expand
-- Whether each applied migration is an expand step (additive: the previous
-- version's code works on the schema after it) or a contract step (it drops
-- or changes what the previous version uses). Every binary writes the kinds
-- of the migrations it knows; an older binary reads here the kinds of those
-- it does not know, and starts on a newer schema only if all are expand
-- steps (sqlstore.Migrate, docs/cluster.md "Rolling upgrade").
CREATE TABLE migration_kinds (
    version BIGINT PRIMARY KEY,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('expand', 'contract'))
);

-- +goose Down
DROP TABLE migration_kinds;
