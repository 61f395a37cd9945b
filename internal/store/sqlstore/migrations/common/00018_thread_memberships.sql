-- +goose Up
-- parley:expand
-- Collapsed reply threads: who follows a thread and what they have read of
-- it. A row exists once a user took part in a thread (root author, replier,
-- mentioned, or followed it by hand); following = FALSE keeps what they read
-- after they unfollowed. channel_id, team_id ('' for direct and group
-- messages) and last_reply_at repeat the thread's, so that a user's thread
-- list is a walk of idx_thread_memberships_user in last-reply order, bounded
-- by the page, and its totals a walk of the user's own rows only.
CREATE TABLE thread_memberships (
    post_id         TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL,
    team_id         TEXT NOT NULL DEFAULT '',
    following       BOOLEAN NOT NULL DEFAULT TRUE,
    last_viewed     BIGINT NOT NULL DEFAULT 0,
    last_updated    BIGINT NOT NULL DEFAULT 0,
    last_reply_at   BIGINT NOT NULL DEFAULT 0,
    unread_mentions BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX idx_thread_memberships_user ON thread_memberships (user_id, following, last_reply_at);
CREATE INDEX idx_thread_memberships_channel ON thread_memberships (channel_id, user_id);

-- +goose Down
DROP TABLE thread_memberships;
