package sqlstore

import (
	"context"
	"slices"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const postCols = `id, create_at, update_at, edit_at, delete_at, is_pinned, user_id, channel_id, root_id, original_id,
	message, type, props, hashtags, file_ids, pending_post_id, has_reactions, reply_count, last_reply_at`

func scanPost(r scanner) (*model.Post, error) { return scanPostText(r, new(postText)) }

// postText holds a post row's JSON columns as text, before they are decoded:
// one per query, not two boxed jsonCol and their copies a row.
type postText struct{ props, fileIDs string }

func scanPostText(r scanner, t *postText) (*model.Post, error) {
	var p model.Post
	err := r.Scan(&p.ID, &p.CreateAt, &p.UpdateAt, &p.EditAt, &p.DeleteAt, &p.IsPinned, &p.UserID, &p.ChannelID,
		&p.RootID, &p.OriginalID, &p.Message, &p.Type, &t.props, &p.Hashtags, &t.fileIDs,
		&p.PendingPostID, &p.HasReactions, &p.ReplyCount, &p.LastReplyAt)
	if err != nil {
		return nil, mapErr(err)
	}
	if err := unmarshalCol(t.props, &p.Props); err != nil {
		return nil, err
	}
	if err := unmarshalCol(t.fileIDs, &p.FileIDs); err != nil {
		return nil, err
	}
	if p.Props == nil {
		p.Props = map[string]any{}
	}
	if p.FileIDs == nil {
		p.FileIDs = []string{}
	}
	return &p, nil
}

func (s *SQLStore) posts(ctx context.Context, q string, a ...any) ([]*model.Post, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Post{}
	var t postText
	for rows.Next() {
		p, err := scanPostText(rows, &t)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SavePost in a grouped PostgreSQL transaction is held back, to go with the
// transaction's next statement in one round trip (pipeline.go).
func (s *SQLStore) SavePost(ctx context.Context, p *model.Post) error {
	q := `INSERT INTO posts (` + postCols + `) VALUES (` + in(19) + `)`
	a := []any{p.ID, p.CreateAt, p.UpdateAt, p.EditAt, p.DeleteAt, p.IsPinned, p.UserID, p.ChannelID, p.RootID, p.OriginalID,
		p.Message, p.Type, asJSON(p.Props), p.Hashtags, asJSON(p.FileIDs), p.PendingPostID, p.HasReactions,
		p.ReplyCount, p.LastReplyAt}
	if s.pipe != nil {
		s.hold(q, a)
		return nil
	}
	_, err := s.exec(ctx, q, a...)
	return err
}

func (s *SQLStore) UpdatePost(ctx context.Context, p *model.Post) error {
	return s.execOne(ctx, `UPDATE posts SET update_at = ?, edit_at = ?, delete_at = ?, is_pinned = ?, message = ?,
		props = ?, hashtags = ?, file_ids = ?, has_reactions = ? WHERE id = ?`,
		p.UpdateAt, p.EditAt, p.DeleteAt, p.IsPinned, p.Message, asJSON(p.Props), p.Hashtags, asJSON(p.FileIDs),
		p.HasReactions, p.ID)
}

func (s *SQLStore) GetPost(ctx context.Context, id string) (*model.Post, error) {
	return scanPost(s.queryRow(ctx, `SELECT `+postCols+` FROM posts WHERE id = ?`, id))
}

func (s *SQLStore) GetPostsByIDs(ctx context.Context, ids []string) ([]*model.Post, error) {
	if len(ids) == 0 {
		return []*model.Post{}, nil
	}
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE id IN (`+in(len(ids))+`) ORDER BY create_at DESC, id DESC`, args(nil, ids)...)
}

// GetPostByPendingID also asks for a non-empty pending_post_id, so that the
// planner may use the partial index idx_posts_pending.
func (s *SQLStore) GetPostByPendingID(ctx context.Context, userID, pendingID string) (*model.Post, error) {
	return scanPost(s.queryRow(ctx, `SELECT `+postCols+` FROM posts WHERE user_id = ? AND pending_post_id = ? AND pending_post_id <> '' AND delete_at = 0`,
		userID, pendingID))
}

// ChannelPosts skips the offset in the index (idx_posts_channel_page) and
// reads only the page's rows; a deep offset starts from a boundary post of
// pageIndex instead, so it steps over fewer than pageStride entries.
// Transactions take the plain offset: their own uncommitted changes are
// not what the boundaries' versions describe.
func (s *SQLStore) ChannelPosts(ctx context.Context, channelID string, p store.Page) ([]*model.Post, error) {
	if p.Limit <= 0 {
		return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND delete_at = 0
			ORDER BY create_at DESC, id DESC`, channelID)
	}
	if s.pages != nil && !s.inTx && p.Offset >= s.pages.stride {
		posts, ok, err := s.deepChannelPosts(ctx, channelID, p)
		if err != nil || ok {
			return posts, err
		}
	}
	return s.posts(ctx, s.channelPage(`channel_id = ? AND delete_at = 0`, p), channelID)
}

// channelPage is the statement for a page of posts, newest first, that where
// selects along idx_posts_channel_page, with the offset skipped in the index.
// PostgreSQL skips it in an index-only subquery and reads the page's rows by
// id. SQLite seeks a row only when a column of it is read, after the offset
// test (a deferred seek by the rowid the index entry holds), so its plain
// statement skips the offset in the index alone too, and reads each row at
// once instead of through the id index and a sort.
func (s *SQLStore) channelPage(where string, p store.Page) string {
	const order = ` ORDER BY create_at DESC, id DESC`
	if s.driver == DriverSQLite {
		return `SELECT ` + postCols + ` FROM posts WHERE ` + where + order + limitOffset(p)
	}
	return `SELECT ` + postCols + ` FROM posts WHERE id IN (SELECT id FROM posts WHERE ` + where + order +
		limitOffset(p) + `)` + order
}

// PostsBefore and PostsAfter compare (create_at, id) as a row value, which
// both databases turn into one range of idx_posts_channel_page.
func (s *SQLStore) PostsBefore(ctx context.Context, channelID string, createAt int64, postID string, p store.Page) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND delete_at = 0
		AND (create_at, id) < (?, ?) ORDER BY create_at DESC, id DESC`+limitOffset(p),
		channelID, createAt, postID)
}

func (s *SQLStore) PostsAfter(ctx context.Context, channelID string, createAt int64, postID string, p store.Page) ([]*model.Post, error) {
	out, err := s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND delete_at = 0
		AND (create_at, id) > (?, ?) ORDER BY create_at, id`+limitOffset(p),
		channelID, createAt, postID)
	slices.Reverse(out)
	return out, err
}

func (s *SQLStore) PostsSince(ctx context.Context, channelID string, since int64, limit int) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND update_at > ?
		ORDER BY create_at DESC, id DESC`+limitOffset(store.Page{Limit: limit}), channelID, since)
}

func (s *SQLStore) Thread(ctx context.Context, rootID string) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE (id = ? OR root_id = ?) AND delete_at = 0
		ORDER BY create_at DESC, id DESC`, rootID, rootID)
}

// Threads is one query for a page's threads, not one per root. The held
// page is left out by its ends, so that its rows, already read, are not
// scanned again (in sampledata nearly half of a page's threads' posts).
func (s *SQLStore) Threads(ctx context.Context, rootIDs []string, held []*model.Post) ([]*model.Post, error) {
	if len(rootIDs) == 0 {
		return []*model.Post{}, nil
	}
	q := `SELECT ` + postCols + ` FROM posts WHERE (id IN (` + in(len(rootIDs)) + `) OR root_id IN (` + in(len(rootIDs)) + `))
		AND delete_at = 0`
	a := args(args(nil, rootIDs), rootIDs)
	if len(held) > 0 {
		newest, oldest := held[0], held[len(held)-1]
		q += ` AND NOT (channel_id = ? AND (create_at, id) >= (?, ?) AND (create_at, id) <= (?, ?))`
		a = append(a, newest.ChannelID, oldest.CreateAt, oldest.ID, newest.CreateAt, newest.ID)
	}
	return s.posts(ctx, q+` ORDER BY create_at DESC, id DESC`, a...)
}

func (s *SQLStore) PinnedPosts(ctx context.Context, channelID string) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND is_pinned = TRUE AND delete_at = 0
		ORDER BY create_at DESC, id DESC`, channelID)
}

func (s *SQLStore) PostsFrom(ctx context.Context, channelID string, createAt int64) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND delete_at = 0 AND create_at >= ?
		ORDER BY create_at, id`, channelID, createAt)
}

func (s *SQLStore) FlaggedPosts(ctx context.Context, userID, teamID, channelID string, p store.Page) ([]*model.Post, error) {
	q := `SELECT ` + postCols + ` FROM posts WHERE id IN (SELECT name FROM preferences
		WHERE user_id = ? AND category = 'flagged_post' AND value = 'true') AND delete_at = 0`
	a := []any{userID}
	switch {
	case channelID != "":
		q += ` AND channel_id = ?`
		a = append(a, channelID)
	case teamID != "":
		q += ` AND channel_id IN (SELECT id FROM channels WHERE team_id = ? OR team_id = '')`
		a = append(a, teamID)
	}
	return s.posts(ctx, q+` ORDER BY create_at DESC, id DESC`+limitOffset(p), a...)
}

func (s *SQLStore) CountPinnedPosts(ctx context.Context, channelID string) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM posts WHERE channel_id = ? AND is_pinned = TRUE AND delete_at = 0`, channelID).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) DeletePost(ctx context.Context, id string, at int64, deleteBy string) error {
	if err := s.execOne(ctx, `UPDATE posts SET delete_at = ?, update_at = ?, is_pinned = FALSE WHERE id = ? AND delete_at = 0`, at, at, id); err != nil {
		return err
	}
	_, err := s.exec(ctx, `UPDATE posts SET delete_at = ?, update_at = ?, is_pinned = FALSE WHERE root_id = ? AND delete_at = 0`, at, at, id)
	return err
}

func (s *SQLStore) UpdateThreadStats(ctx context.Context, rootID string, at int64) error {
	_, err := s.exec(ctx, `UPDATE posts SET
		reply_count = (SELECT COUNT(*) FROM posts r WHERE r.root_id = ? AND r.delete_at = 0),
		last_reply_at = (SELECT COALESCE(MAX(r.create_at), 0) FROM posts r WHERE r.root_id = ? AND r.delete_at = 0),
		update_at = ? WHERE id = ?`, rootID, rootID, at, rootID)
	if err != nil {
		return err
	}
	// Thread lists are ordered by the copy of last_reply_at in the memberships.
	_, err = s.exec(ctx, `UPDATE thread_memberships SET last_reply_at = (SELECT last_reply_at FROM posts WHERE id = ?)
		WHERE post_id = ?`, rootID, rootID)
	return err
}

func (s *SQLStore) SetHasReactions(ctx context.Context, postID string, has bool, at int64) error {
	return s.execOne(ctx, `UPDATE posts SET has_reactions = ?, update_at = ? WHERE id = ?`, has, at, postID)
}

const reactionCols = `post_id, user_id, emoji_name, channel_id, create_at, update_at, delete_at`

func (s *SQLStore) SaveReaction(ctx context.Context, r *model.Reaction) error {
	_, err := s.exec(ctx, `INSERT INTO reactions (`+reactionCols+`) VALUES (?, ?, ?, ?, ?, ?, 0)
		ON CONFLICT (post_id, user_id, emoji_name) DO NOTHING`,
		r.PostID, r.UserID, r.EmojiName, r.ChannelID, r.CreateAt, r.UpdateAt)
	return err
}

func (s *SQLStore) DeleteReaction(ctx context.Context, postID, userID, emoji string) (bool, error) {
	res, err := s.exec(ctx, `DELETE FROM reactions WHERE post_id = ? AND user_id = ? AND emoji_name = ?`, postID, userID, emoji)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (s *SQLStore) ListReactions(ctx context.Context, postID string) ([]*model.Reaction, error) {
	m, err := s.ListReactionsForPosts(ctx, []string{postID})
	if err != nil {
		return nil, err
	}
	return m[postID], nil
}

func (s *SQLStore) ListReactionsForPosts(ctx context.Context, postIDs []string) (map[string][]*model.Reaction, error) {
	out := make(map[string][]*model.Reaction, len(postIDs))
	for _, id := range postIDs {
		out[id] = []*model.Reaction{}
	}
	if len(postIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT `+reactionCols+` FROM reactions WHERE post_id IN (`+in(len(postIDs))+`)
		ORDER BY create_at, user_id, emoji_name`, args(nil, postIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r model.Reaction
		if err := rows.Scan(&r.PostID, &r.UserID, &r.EmojiName, &r.ChannelID, &r.CreateAt, &r.UpdateAt, &r.DeleteAt); err != nil {
			return nil, err
		}
		out[r.PostID] = append(out[r.PostID], &r)
	}
	return out, rows.Err()
}

func (s *SQLStore) HasAutoResponseSince(ctx context.Context, channelID, userID string, since int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM posts WHERE channel_id = ? AND create_at >= ? AND user_id = ?
		AND type = ? AND delete_at = 0 LIMIT 1) x`, channelID, since, userID, model.PostTypeAutoResponder).Scan(&n)
	return n > 0, err
}
