-- +goose Up
-- parley:expand
-- History pages list a channel's live posts by (create_at, id). With delete_at
-- and id in the index a page is read in index order without sorting the whole
-- channel, and a deep page skips its offset inside the index (see ChannelPosts).
CREATE INDEX idx_posts_channel_page ON posts (channel_id, delete_at, create_at, id);

-- +goose Down
DROP INDEX idx_posts_channel_page;
