package sqlstore

import (
	"context"
	"database/sql"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func (s *SQLStore) SavePostVersion(ctx context.Context, v *model.PostVersion) error {
	_, err := s.exec(ctx, `INSERT INTO post_versions (id, post_id, channel_id, user_id, root_id, create_at, edit_at, message,
		type, props, file_ids) VALUES (`+in(11)+`)`, v.ID, v.PostID, v.ChannelID, v.UserID, v.RootID, v.CreateAt, v.EditAt,
		v.Message, v.Type, asJSON(v.Props), asJSON(v.FileIDs))
	return err
}

func (s *SQLStore) PostVersions(ctx context.Context, postID string) ([]*model.PostVersion, error) {
	rows, err := s.query(ctx, `SELECT id, post_id, channel_id, user_id, root_id, create_at, edit_at, message, type, props, file_ids
		FROM post_versions WHERE post_id = ? ORDER BY edit_at, id`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.PostVersion{}
	for rows.Next() {
		var v model.PostVersion
		if err := rows.Scan(&v.ID, &v.PostID, &v.ChannelID, &v.UserID, &v.RootID, &v.CreateAt, &v.EditAt, &v.Message, &v.Type,
			asJSON(&v.Props), asJSON(&v.FileIDs)); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &v)
	}
	return out, rows.Err()
}

func (s *SQLStore) ChannelMemberHistory(ctx context.Context, channelID string, from, to int64) ([]*model.ChannelMemberHistoryResult, error) {
	rows, err := s.query(ctx, `SELECT h.channel_id, h.user_id, h.join_time, h.leave_time, COALESCE(u.email, ''),
		COALESCE(u.username, ''), COALESCE(u.is_bot, FALSE), COALESCE(u.delete_at, 0)
		FROM channel_member_history h LEFT JOIN users u ON u.id = h.user_id
		WHERE h.channel_id = ? AND h.join_time <= ? AND (h.leave_time IS NULL OR h.leave_time >= ?)
		ORDER BY h.join_time, h.user_id`, channelID, to, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.ChannelMemberHistoryResult{}
	for rows.Next() {
		var h model.ChannelMemberHistoryResult
		var leave sql.NullInt64
		if err := rows.Scan(&h.ChannelID, &h.UserID, &h.JoinTime, &leave, &h.UserEmail, &h.Username, &h.IsBot,
			&h.UserDeleteAt); err != nil {
			return nil, mapErr(err)
		}
		if leave.Valid {
			h.LeaveTime = &leave.Int64
		}
		out = append(out, &h)
	}
	return out, rows.Err()
}

// exportRange selects the posts and versions of a time range, of one
// channel when byChannel (the condition sits in each branch, where the
// (channel_id, update_at) indexes serve it); its placeholders take from, to
// and, when byChannel, the channel id, once per branch.
func exportRange(byChannel bool) string {
	ch := ""
	if byChannel {
		ch = ` AND channel_id = ?`
	}
	return `SELECT id, channel_id, user_id, root_id, '' AS original_id, create_at, update_at, edit_at, delete_at,
		message, type, props, file_ids FROM posts WHERE update_at > ? AND update_at <= ?` + ch + `
		AND type NOT LIKE 'system\_%' ESCAPE '\'
	UNION ALL
	SELECT id, channel_id, user_id, root_id, post_id, create_at, edit_at, 0, edit_at,
		message, type, props, file_ids FROM post_versions WHERE edit_at > ? AND edit_at <= ?` + ch
}

func (s *SQLStore) ExportChannels(ctx context.Context, from, to int64) ([]*store.ExportChannel, error) {
	rows, err := s.query(ctx, `SELECT c.id, c.name, c.display_name, c.type, COALESCE(t.id, ''), COALESCE(t.name, ''),
		COALESCE(t.display_name, '') FROM channels c LEFT JOIN teams t ON t.id = c.team_id
		WHERE c.id IN (SELECT channel_id FROM (`+exportRange(false)+`) r)
		OR c.id IN (SELECT channel_id FROM channel_member_history
			WHERE (join_time > ? AND join_time <= ?) OR (leave_time > ? AND leave_time <= ?))
		ORDER BY c.id`, from, to, from, to, from, to, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*store.ExportChannel{}
	for rows.Next() {
		var c store.ExportChannel
		if err := rows.Scan(&c.ID, &c.Name, &c.DisplayName, &c.Type, &c.TeamID, &c.TeamName, &c.TeamDisplayName); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

func (s *SQLStore) ExportPosts(ctx context.Context, channelID string, from, to int64, after store.ExportCursor, limit int) ([]*store.ExportPost, error) {
	rows, err := s.query(ctx, `SELECT p.id, p.user_id, p.root_id, p.original_id, p.message, p.type, p.create_at, p.update_at,
		p.edit_at, p.delete_at, p.props, p.file_ids, COALESCE(u.email, ''), COALESCE(u.username, ''), COALESCE(u.is_bot, FALSE)
		FROM (`+exportRange(true)+`) p LEFT JOIN users u ON u.id = p.user_id
		WHERE p.update_at > ? OR (p.update_at = ? AND p.id > ?)
		ORDER BY p.update_at, p.id LIMIT ?`,
		from, to, channelID, from, to, channelID, after.UpdateAt, after.UpdateAt, after.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*store.ExportPost{}
	for rows.Next() {
		var p store.ExportPost
		if err := rows.Scan(&p.ID, &p.UserID, &p.RootID, &p.OriginalID, &p.Message, &p.Type, &p.CreateAt, &p.UpdateAt,
			&p.EditAt, &p.DeleteAt, asJSON(&p.Props), asJSON(&p.FileIDs), &p.UserEmail, &p.Username, &p.IsBot); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

func (s *SQLStore) ExportAuthors(ctx context.Context, channelID string, from, to int64) ([]*model.ChannelMemberHistoryResult, error) {
	rows, err := s.query(ctx, `SELECT a.user_id, COALESCE(u.email, ''), COALESCE(u.username, ''), COALESCE(u.is_bot, FALSE),
		COALESCE(u.delete_at, 0) FROM (SELECT DISTINCT user_id FROM (`+exportRange(true)+`) r) a
		LEFT JOIN users u ON u.id = a.user_id ORDER BY a.user_id`, from, to, channelID, from, to, channelID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.ChannelMemberHistoryResult{}
	for rows.Next() {
		h := model.ChannelMemberHistoryResult{ChannelID: channelID}
		if err := rows.Scan(&h.UserID, &h.UserEmail, &h.Username, &h.IsBot, &h.UserDeleteAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &h)
	}
	return out, rows.Err()
}

func (s *SQLStore) CountExportPosts(ctx context.Context, from, to int64) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (`+exportRange(false)+`) r`, from, to, from, to).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) ExportFiles(ctx context.Context, postIDs []string) (map[string][]*model.FileInfo, error) {
	out := map[string][]*model.FileInfo{}
	if len(postIDs) == 0 {
		return out, nil
	}
	fs, err := s.fileInfos(ctx, `SELECT `+fileCols+` FROM file_infos WHERE post_id IN (`+in(len(postIDs))+`)
		ORDER BY post_id, create_at, id`, args(nil, postIDs)...)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		out[f.PostID] = append(out[f.PostID], f)
	}
	return out, nil
}
