-- +goose Up
-- parley:expand
-- GIN adds new rows to a pending list that every search through the index
-- reads in full until the list is merged (by VACUUM, or by the insert that
-- fills it). With the default limit of 4 MB, 13,000 posts written since the
-- last merge (the load test's post runs) cost each two-word search 20-30 ms
-- before it read a single match. 64 kB, the smallest limit, holds a few
-- hundred posts, which a search reads in well under a millisecond and an
-- insert merges in a few.
ALTER INDEX idx_posts_search SET (gin_pending_list_limit = 64);
ALTER INDEX idx_posts_search_pairs SET (gin_pending_list_limit = 64);
-- The lists already longer are merged now, not by the next post.
SELECT gin_clean_pending_list('idx_posts_search'), gin_clean_pending_list('idx_posts_search_pairs');

-- +goose Down
ALTER INDEX idx_posts_search RESET (gin_pending_list_limit);
ALTER INDEX idx_posts_search_pairs RESET (gin_pending_list_limit);
