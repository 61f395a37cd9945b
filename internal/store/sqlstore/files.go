package sqlstore

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const fileCols = `id, user_id, channel_id, post_id, create_at, update_at, delete_at, name, extension, size, mime_type,
	width, height, has_preview_image`

func scanFileInfo(r scanner) (*model.FileInfo, error) {
	var f model.FileInfo
	err := r.Scan(&f.ID, &f.UserID, &f.ChannelID, &f.PostID, &f.CreateAt, &f.UpdateAt, &f.DeleteAt, &f.Name,
		&f.Extension, &f.Size, &f.MimeType, &f.Width, &f.Height, &f.HasPreviewImage)
	if err != nil {
		return nil, mapErr(err)
	}
	return &f, nil
}

func (s *SQLStore) fileInfos(ctx context.Context, q string, a ...any) ([]*model.FileInfo, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.FileInfo{}
	for rows.Next() {
		f, err := scanFileInfo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveFileInfo(ctx context.Context, f *model.FileInfo) error {
	_, err := s.exec(ctx, `INSERT INTO file_infos (`+fileCols+`) VALUES (`+in(14)+`)`,
		f.ID, f.UserID, f.ChannelID, f.PostID, f.CreateAt, f.UpdateAt, f.DeleteAt, f.Name, f.Extension, f.Size,
		f.MimeType, f.Width, f.Height, f.HasPreviewImage)
	return err
}

func (s *SQLStore) GetFileInfo(ctx context.Context, id string) (*model.FileInfo, error) {
	return scanFileInfo(s.queryRow(ctx, `SELECT `+fileCols+` FROM file_infos WHERE id = ?`, id))
}

func (s *SQLStore) FileInfosForPosts(ctx context.Context, postIDs []string) (map[string][]*model.FileInfo, error) {
	out := make(map[string][]*model.FileInfo, len(postIDs))
	if len(postIDs) == 0 {
		return out, nil
	}
	fs, err := s.fileInfos(ctx, `SELECT `+fileCols+` FROM file_infos WHERE post_id IN (`+in(len(postIDs))+`)
		AND delete_at = 0 ORDER BY create_at, id`, args(nil, postIDs)...)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		out[f.PostID] = append(out[f.PostID], f)
	}
	return out, nil
}

func (s *SQLStore) AttachFiles(ctx context.Context, postID, channelID, userID string, ids []string, at int64) error {
	if len(ids) == 0 {
		return nil
	}
	return s.inTxn(ctx, func(tx *SQLStore) error {
		r, err := tx.exec(ctx, `UPDATE file_infos SET post_id = ?, update_at = ? WHERE id IN (`+in(len(ids))+`)
			AND post_id = '' AND channel_id = ? AND user_id = ? AND delete_at = 0`,
			append(args([]any{postID, at}, ids), channelID, userID)...)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n != int64(len(ids)) {
			// The caller's transaction rolls the partial update back.
			return store.ErrNotFound
		}
		return nil
	})
}

func (s *SQLStore) DeleteFiles(ctx context.Context, ids []string, at int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.exec(ctx, `UPDATE file_infos SET delete_at = ?, update_at = ? WHERE delete_at = 0 AND id IN (`+in(len(ids))+`)`,
		args([]any{at, at}, ids)...)
	return err
}

func (s *SQLStore) DeletePostFiles(ctx context.Context, postID string, at int64) error {
	_, err := s.exec(ctx, `UPDATE file_infos SET delete_at = ?, update_at = ? WHERE delete_at = 0 AND post_id <> ''
		AND (post_id = ? OR post_id IN (SELECT id FROM posts WHERE root_id = ?))`, at, at, postID, postID)
	return err
}

func (s *SQLStore) ChannelFiles(ctx context.Context, channelID string, p store.Page) ([]*model.FileInfo, error) {
	return s.fileInfos(ctx, `SELECT `+fileCols+` FROM file_infos WHERE channel_id = ? AND post_id <> '' AND delete_at = 0
		ORDER BY create_at DESC, id DESC`+limitOffset(p), channelID)
}

func (s *SQLStore) UserFiles(ctx context.Context, userID string) ([]*model.FileInfo, error) {
	return s.fileInfos(ctx, `SELECT `+fileCols+` FROM file_infos WHERE user_id = ? ORDER BY create_at, id`, userID)
}

func (s *SQLStore) RemoveFileInfo(ctx context.Context, id string) error {
	return s.purgeFiles(ctx, `id = ?`, id)
}

// purgeFiles deletes the file rows matching where and queues their bytes.
func (s *SQLStore) purgeFiles(ctx context.Context, where string, a ...any) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if _, err := tx.exec(ctx, `INSERT INTO file_purges (kind, id, create_at)
			SELECT ?, id, ? FROM file_infos WHERE `+where+` ON CONFLICT (kind, id) DO NOTHING`,
			append([]any{store.PurgeFile, model.Now()}, a...)...); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM file_infos WHERE `+where, a...)
		return err
	})
}

func (s *SQLStore) PendingPurges(ctx context.Context, limit int) ([][2]string, error) {
	rows, err := s.query(ctx, `SELECT kind, id FROM file_purges ORDER BY create_at, id`+limitOffset(store.Page{Limit: limit}))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *SQLStore) PurgeDone(ctx context.Context, kind, id string) error {
	_, err := s.exec(ctx, `DELETE FROM file_purges WHERE kind = ? AND id = ?`, kind, id)
	return err
}

const emojiCols = `id, create_at, update_at, delete_at, creator_id, name`

func (s *SQLStore) emojis(ctx context.Context, q string, a ...any) ([]*model.Emoji, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Emoji{}
	for rows.Next() {
		var e model.Emoji
		if err := rows.Scan(&e.ID, &e.CreateAt, &e.UpdateAt, &e.DeleteAt, &e.CreatorID, &e.Name); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

func (s *SQLStore) oneEmoji(ctx context.Context, q string, a ...any) (*model.Emoji, error) {
	es, err := s.emojis(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, store.ErrNotFound
	}
	return es[0], nil
}

func (s *SQLStore) SaveEmoji(ctx context.Context, e *model.Emoji) error {
	_, err := s.exec(ctx, `INSERT INTO emoji (`+emojiCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.CreateAt, e.UpdateAt, e.DeleteAt, e.CreatorID, e.Name)
	return err
}

func (s *SQLStore) GetEmoji(ctx context.Context, id string) (*model.Emoji, error) {
	return s.oneEmoji(ctx, `SELECT `+emojiCols+` FROM emoji WHERE id = ? AND delete_at = 0`, id)
}

func (s *SQLStore) GetEmojiByName(ctx context.Context, name string) (*model.Emoji, error) {
	return s.oneEmoji(ctx, `SELECT `+emojiCols+` FROM emoji WHERE name = ? AND delete_at = 0`, name)
}

func (s *SQLStore) GetEmojisByNames(ctx context.Context, names []string) ([]*model.Emoji, error) {
	if len(names) == 0 {
		return []*model.Emoji{}, nil
	}
	return s.emojis(ctx, `SELECT `+emojiCols+` FROM emoji WHERE delete_at = 0 AND name IN (`+in(len(names))+`) ORDER BY name`,
		args(nil, names)...)
}

func (s *SQLStore) ListEmoji(ctx context.Context, p store.Page, byName bool) ([]*model.Emoji, error) {
	order := ` ORDER BY create_at, id`
	if byName {
		order = ` ORDER BY name`
	}
	return s.emojis(ctx, `SELECT `+emojiCols+` FROM emoji WHERE delete_at = 0`+order+limitOffset(p))
}

func (s *SQLStore) SearchEmoji(ctx context.Context, term string, prefixOnly bool, limit int) ([]*model.Emoji, error) {
	// Names are lower case; LIKE ignores case on SQLite only.
	pattern := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(term)) + "%"
	if !prefixOnly {
		pattern = "%" + pattern
	}
	return s.emojis(ctx, `SELECT `+emojiCols+` FROM emoji WHERE delete_at = 0 AND name LIKE ? ESCAPE '\'
		ORDER BY name`+limitOffset(store.Page{Limit: limit}), pattern)
}

func (s *SQLStore) DeleteEmoji(ctx context.Context, id string, at int64) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if err := tx.execOne(ctx, `UPDATE emoji SET delete_at = ?, update_at = ? WHERE id = ? AND delete_at = 0`, at, at, id); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO file_purges (kind, id, create_at) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO NOTHING`,
			store.PurgeEmoji, id, at)
		return err
	})
}

func (s *SQLStore) SearchFiles(ctx context.Context, q *store.FileSearch) ([]*model.FileInfo, error) {
	channels, a := searchChannels(&q.PostSearch)
	where := []string{`channel_id IN (` + channels + `)`, `post_id <> ''`, `delete_at = 0`}
	add := func(cond string, v ...any) { where, a = append(where, cond), append(a, v...) }
	var names []string
	var nameArgs []any
	for _, t := range q.Terms {
		names, nameArgs = append(names, `LOWER(name) LIKE ? ESCAPE '\'`), append(nameArgs, "%"+likePrefix(t.Text))
	}
	if len(names) > 0 {
		op := " AND "
		if q.Or {
			op = " OR "
		}
		add(`(`+strings.Join(names, op)+`)`, nameArgs...)
	}
	for _, t := range q.Excluded {
		add(`LOWER(name) NOT LIKE ? ESCAPE '\'`, "%"+likePrefix(t.Text))
	}
	if len(q.Extensions) > 0 {
		add(`LOWER(extension) IN (`+in(len(q.Extensions))+`)`, args(nil, q.Extensions)...)
	}
	if len(q.FromUsernames) > 0 {
		add(`user_id IN (SELECT id FROM users WHERE username IN (`+in(len(q.FromUsernames))+`))`, args(nil, q.FromUsernames)...)
	}
	if len(q.ExcludedUsernames) > 0 {
		add(`user_id NOT IN (SELECT id FROM users WHERE username IN (`+in(len(q.ExcludedUsernames))+`))`,
			args(nil, q.ExcludedUsernames)...)
	}
	if q.After > 0 {
		add(`create_at > ?`, q.After)
	}
	if q.Before > 0 {
		add(`create_at < ?`, q.Before)
	}
	return s.fileInfos(ctx, `SELECT `+fileCols+` FROM file_infos WHERE `+strings.Join(where, " AND ")+
		` ORDER BY create_at DESC, id DESC`+limitOffset(q.Page), a...)
}
