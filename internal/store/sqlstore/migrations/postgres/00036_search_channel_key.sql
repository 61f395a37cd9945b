-- +goose Up
-- parley:expand
-- The words' GIN index also holds each post's channel, as one more lexeme
-- (a space and the channel id: the parser never makes a lexeme with a
-- space), so a search ANDs the searcher's channels (up to sqlstore's
-- pgKeyedChannelsMax) into its tsquery and the index intersects them with
-- the words. Without it a pair of words
-- common in channels the searcher is not in (make bench's `review
-- meeting`: 41,014 matches, 58 theirs) had every match intersected, and
-- counted by searchScoped, before the channels filtered them. A btree_gin
-- index over (channel_id, search_vector) was tried first: the planner
-- cannot tell how selective the membership subquery's channels are, so it
-- kept the channel out of the index scan and read all 41,014 rows (105 ms
-- against 1.4 ms; docs/performance.md). Queries repeat the expression
-- (sqlstore's pgSearchKey), word-only ones too. idx_posts_search, which
-- this code no longer reads, stays: the previous version's nodes search
-- through it during a rolling upgrade (docs/cluster.md), so dropping it is
-- a contract step for a later release. About 0.7 s per 100,000 posts
-- (docs/search.md).
CREATE INDEX idx_posts_search_key ON posts USING gin ((search_vector || array_to_tsvector(ARRAY[' ' || channel_id])))
    WITH (gin_pending_list_limit = 64);

-- +goose Down
DROP INDEX idx_posts_search_key;
