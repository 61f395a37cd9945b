package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

// maxParams bounds the parameters of one statement well under SQLite's and
// PostgreSQL's limits (32766 and 65535).
const maxParams = 30000

func (s *SQLStore) PostsAt(ctx context.Context, channelID string, createAts []int64) ([]*model.Post, error) {
	out := []*model.Post{}
	for len(createAts) > 0 {
		n := min(len(createAts), maxParams-1)
		a := make([]any, 0, n+1)
		a = append(a, channelID)
		for _, t := range createAts[:n] {
			a = append(a, t)
		}
		createAts = createAts[n:]
		ps, err := s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND create_at IN (`+in(n)+`)`, a...)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

func (s *SQLStore) BulkSaveReactions(ctx context.Context, rs []*model.Reaction) error {
	const cols = 7
	for len(rs) > 0 {
		n := min(len(rs), maxParams/cols)
		vals := make([]string, n)
		a := make([]any, 0, n*cols)
		for i, r := range rs[:n] {
			vals[i] = "(" + in(cols) + ")"
			a = append(a, r.PostID, r.UserID, r.EmojiName, r.ChannelID, r.CreateAt, r.UpdateAt, r.DeleteAt)
		}
		rs = rs[n:]
		if _, err := s.exec(ctx, `INSERT INTO reactions (`+reactionCols+`) VALUES `+strings.Join(vals, ", ")+`
			ON CONFLICT (post_id, user_id, emoji_name) DO NOTHING`, a...); err != nil {
			return err
		}
	}
	return nil
}

func (s *SQLStore) BulkSavePreferences(ctx context.Context, prefs []model.Preference) error {
	// One statement may not touch the same row twice (PostgreSQL), so the last value of a key wins here.
	type key struct{ u, c, n string }
	last := make(map[key]int, len(prefs))
	for i, p := range prefs {
		last[key{p.UserID, p.Category, p.Name}] = i
	}
	uniq := make([]model.Preference, 0, len(last))
	for i, p := range prefs {
		if last[key{p.UserID, p.Category, p.Name}] == i {
			uniq = append(uniq, p)
		}
	}
	for len(uniq) > 0 {
		n := min(len(uniq), maxParams/4)
		vals := make([]string, n)
		a := make([]any, 0, n*4)
		for i, p := range uniq[:n] {
			vals[i] = "(?, ?, ?, ?)"
			a = append(a, p.UserID, p.Category, p.Name, p.Value)
		}
		uniq = uniq[n:]
		if _, err := s.exec(ctx, `INSERT INTO preferences (user_id, category, name, value) VALUES `+strings.Join(vals, ", ")+`
			ON CONFLICT (user_id, category, name) DO UPDATE SET value = excluded.value`, a...); err != nil {
			return err
		}
	}
	return nil
}

func (s *SQLStore) ExportRootPosts(ctx context.Context, channelID string, afterCreateAt int64, afterID string, limit int) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE channel_id = ? AND root_id = '' AND delete_at = 0
		AND (create_at > ? OR (create_at = ? AND id > ?)) ORDER BY create_at, id`+limitOffset(store.Page{Limit: limit}),
		channelID, afterCreateAt, afterCreateAt, afterID)
}

func (s *SQLStore) ExportReplies(ctx context.Context, rootIDs []string) ([]*model.Post, error) {
	out := []*model.Post{}
	for len(rootIDs) > 0 {
		n := min(len(rootIDs), maxParams)
		ps, err := s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE root_id IN (`+in(n)+`) AND delete_at = 0
			ORDER BY create_at, id`, args(nil, rootIDs[:n])...)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		rootIDs = rootIDs[n:]
	}
	return out, nil
}

func (s *SQLStore) FlaggedBy(ctx context.Context, postIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	for len(postIDs) > 0 {
		n := min(len(postIDs), maxParams)
		rows, err := s.query(ctx, `SELECT name, user_id FROM preferences WHERE category = 'flagged_post' AND value = 'true'
			AND name IN (`+in(n)+`) ORDER BY name, user_id`, args(nil, postIDs[:n])...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var post, user string
			if err := rows.Scan(&post, &user); err != nil {
				rows.Close()
				return nil, err
			}
			out[post] = append(out[post], user)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		postIDs = postIDs[n:]
	}
	return out, nil
}

func (s *SQLStore) ListGroupAndDirectChannels(ctx context.Context, afterID string, limit int) ([]*model.Channel, error) {
	return s.channels(ctx, `SELECT `+channelCols+` FROM channels WHERE type IN ('D', 'G') AND id > ? ORDER BY id`+
		limitOffset(store.Page{Limit: limit}), afterID)
}

const jobCols = `id, type, priority, create_at, start_at, last_activity_at, status, progress, data`

func scanJob(r scanner) (*model.Job, error) {
	var j model.Job
	if err := r.Scan(&j.ID, &j.Type, &j.Priority, &j.CreateAt, &j.StartAt, &j.LastActivityAt, &j.Status, &j.Progress,
		asJSON(&j.Data)); err != nil {
		return nil, mapErr(err)
	}
	if j.Data == nil {
		j.Data = model.StringMap{}
	}
	return &j, nil
}

func (s *SQLStore) SaveJob(ctx context.Context, j *model.Job) error {
	_, err := s.exec(ctx, `INSERT INTO jobs (`+jobCols+`) VALUES (`+in(9)+`)`,
		j.ID, j.Type, j.Priority, j.CreateAt, j.StartAt, j.LastActivityAt, j.Status, j.Progress, asJSON(j.Data))
	return err
}

func (s *SQLStore) EndJob(ctx context.Context, j *model.Job) error {
	return s.execOne(ctx, `UPDATE jobs SET last_activity_at = ?, status = ?, progress = ?, data = ?
		WHERE id = ? AND status IN ('in_progress', 'cancel_requested')`,
		j.LastActivityAt, j.Status, j.Progress, asJSON(j.Data), j.ID)
}

func (s *SQLStore) GetJob(ctx context.Context, id string) (*model.Job, error) {
	return scanJob(s.queryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
}

func (s *SQLStore) ListJobsByType(ctx context.Context, typ string, p store.Page) ([]*model.Job, error) {
	return s.jobs(ctx, `SELECT `+jobCols+` FROM jobs WHERE type = ? ORDER BY create_at DESC, id DESC`+limitOffset(p), typ)
}

func (s *SQLStore) jobs(ctx context.Context, q string, args ...any) ([]*model.Job, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func (s *SQLStore) PendingJobs(ctx context.Context, limit int) ([]*model.Job, error) {
	return s.jobs(ctx, `SELECT `+jobCols+` FROM jobs WHERE status = 'pending' ORDER BY create_at, id`+limitOffset(store.Page{Limit: limit}))
}

func (s *SQLStore) ClaimJob(ctx context.Context, id string, at int64) error {
	return s.execOne(ctx, `UPDATE jobs SET status = 'in_progress', start_at = ?, last_activity_at = ? WHERE id = ? AND status = 'pending'`,
		at, at, id)
}

func (s *SQLStore) JobProgress(ctx context.Context, id string, progress, at int64) error {
	return s.execOne(ctx, `UPDATE jobs SET progress = ?, last_activity_at = ? WHERE id = ? AND status = 'in_progress'`, progress, at, id)
}

func (s *SQLStore) StaleJobs(ctx context.Context, before int64) ([]*model.Job, error) {
	return s.jobs(ctx, `SELECT `+jobCols+` FROM jobs WHERE status IN ('in_progress', 'cancel_requested')
		AND last_activity_at < ? ORDER BY create_at, id`, before)
}

func (s *SQLStore) EndStaleJob(ctx context.Context, j *model.Job, before int64) error {
	return s.execOne(ctx, `UPDATE jobs SET last_activity_at = ?, status = ?, data = ?
		WHERE id = ? AND status IN ('in_progress', 'cancel_requested') AND last_activity_at < ?`,
		j.LastActivityAt, j.Status, asJSON(j.Data), j.ID, before)
}

func (s *SQLStore) CancelJob(ctx context.Context, id string, at int64) error {
	return s.execOne(ctx, `UPDATE jobs SET last_activity_at = ?,
		status = CASE WHEN status = 'pending' THEN 'canceled' ELSE 'cancel_requested' END
		WHERE id = ? AND status IN ('pending', 'in_progress')`, at, id)
}

func (s *SQLStore) ImportPosts(ctx context.Context, posts []*model.Post) error {
	if s.driver != DriverSQLite {
		return s.BulkInsertPosts(ctx, posts)
	}
	// The ids go in first: the insert trigger skips the posts they name.
	for rest := posts; len(rest) > 0; {
		n := min(len(rest), maxParams)
		a := make([]any, n)
		for i, p := range rest[:n] {
			a[i] = p.ID
		}
		rest = rest[n:]
		if _, err := s.exec(ctx, `INSERT INTO search_deferred (post_id) VALUES `+strings.Repeat("(?), ", n-1)+`(?)`, a...); err != nil {
			return fmt.Errorf("defer search indexing: %w", err)
		}
	}
	return s.BulkInsertPosts(ctx, posts)
}

// indexChunk is how many deferred posts one transaction indexes: large enough
// that FTS5 writes big segments, small enough that a running server's writes
// wait a fraction of a second behind each.
const indexChunk = 20000

// cjkGlob is search.CJKClass as a GLOB pattern, as the search triggers test it.
// GLOB with a character class steps through a message a character at a time
// (5% of a 1,000,000-post import); the bulk path first skips messages whose
// byte and character lengths agree, which are all ASCII and so hold no CJK.
const cjkGlob = `'*` + search.CJKClass + `*'`

func (s *SQLStore) IndexDeferredPosts(ctx context.Context) (int, error) {
	if s.driver != DriverSQLite {
		return 0, nil
	}
	total := 0
	for {
		var added int64
		done := false
		err := s.Tx(ctx, func(tx store.Store) error {
			t := tx.(*SQLStore)
			var last string
			err := t.queryRow(ctx, `SELECT post_id FROM search_deferred ORDER BY post_id LIMIT 1 OFFSET ?`, indexChunk-1).Scan(&last)
			if errors.Is(err, sql.ErrNoRows) {
				err = t.queryRow(ctx, `SELECT COALESCE(MAX(post_id), '') FROM search_deferred`).Scan(&last)
			}
			if err != nil {
				return err
			}
			if last == "" {
				done = true
				return nil
			}
			var before int64
			if err := t.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM post_search`).Scan(&before); err != nil {
				return err
			}
			// A deferred post may have been deleted since; one indexed already
			// (which only a bug could cause) keeps its entry.
			res, err := t.exec(ctx, `INSERT INTO post_search (post_id, channel_id)
				SELECT d.post_id, p.channel_id FROM search_deferred d JOIN posts p ON p.id = d.post_id
				WHERE d.post_id <= ? AND NOT EXISTS (SELECT 1 FROM post_search s WHERE s.post_id = d.post_id)
				ORDER BY d.post_id`, last)
			if err != nil {
				return err
			}
			if added, err = res.RowsAffected(); err != nil {
				return err
			}
			for _, q := range []string{
				`INSERT INTO posts_fts (rowid, message) SELECT s.id, p.message FROM post_search s JOIN posts p ON p.id = s.post_id
					WHERE s.id > ? AND p.delete_at = 0`,
				`INSERT INTO posts_words (rowid, message) SELECT s.id, p.message FROM post_search s JOIN posts p ON p.id = s.post_id
					WHERE s.id > ? AND p.delete_at = 0`,
				`INSERT INTO posts_cjk (rowid, message) SELECT s.id, p.message FROM post_search s JOIN posts p ON p.id = s.post_id
					WHERE s.id > ? AND p.delete_at = 0
					AND length(CAST(p.message AS BLOB)) <> length(p.message) AND p.message GLOB ` + cjkGlob,
			} {
				if _, err := t.exec(ctx, q, before); err != nil {
					return err
				}
			}
			_, err = t.exec(ctx, `DELETE FROM search_deferred WHERE post_id <= ?`, last)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("index deferred posts: %w", err)
		}
		if done {
			return total, nil
		}
		total += int(added)
	}
}

func (s *SQLStore) AnalyzePosts(ctx context.Context) error {
	if s.driver != DriverPostgres {
		return nil
	}
	if _, err := s.exec(ctx, `ANALYZE posts`); err != nil {
		return fmt.Errorf("analyze posts: %w", err)
	}
	return nil
}
