-- +goose Up
-- parley:expand
-- Only posts sent with a pending_post_id (the client's retry key) are ever
-- looked up by it; imported posts, and those of most bots and scripts, have
-- none, and no longer pay for an entry in this index.
DROP INDEX idx_posts_pending;
CREATE INDEX idx_posts_pending ON posts (user_id, pending_post_id) WHERE pending_post_id <> '';

-- +goose Down
DROP INDEX idx_posts_pending;
CREATE INDEX idx_posts_pending ON posts (user_id, pending_post_id);
