package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const groupCols = `g.id, g.name, g.display_name, g.description, g.source, g.remote_id, g.allow_reference,
	g.create_at, g.update_at, g.delete_at`

// activeGroupMembers counts a group's members whose accounts are active; the
// groups list and the member count agree on it.
const activeGroupMembers = `(SELECT COUNT(*) FROM group_members gm JOIN users u ON u.id = gm.user_id
	WHERE gm.group_id = g.id AND u.delete_at = 0)`

func scanGroup(r scanner, withCount bool) (*model.Group, error) {
	g := &model.Group{}
	var remote sql.NullString
	dest := []any{&g.ID, &g.Name, &g.DisplayName, &g.Description, &g.Source, &remote, &g.AllowReference,
		&g.CreateAt, &g.UpdateAt, &g.DeleteAt}
	var n int64
	if withCount {
		dest = append(dest, &n)
	}
	if err := r.Scan(dest...); err != nil {
		return nil, mapErr(err)
	}
	if remote.Valid {
		g.RemoteID = &remote.String
	}
	if withCount {
		g.MemberCount = &n
	}
	return g, nil
}

func (s *SQLStore) CreateGroup(ctx context.Context, g *model.Group, userIDs []string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if _, err := tx.exec(ctx, `INSERT INTO user_groups (id, name, display_name, description, source, remote_id,
			allow_reference, create_at, update_at, delete_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			g.ID, g.Name, g.DisplayName, g.Description, g.Source, g.RemoteID, g.AllowReference,
			g.CreateAt, g.UpdateAt, g.DeleteAt); err != nil {
			return mapErr(err)
		}
		_, err := tx.AddGroupMembers(ctx, g.ID, userIDs, g.CreateAt)
		return err
	})
}

func (s *SQLStore) GetGroup(ctx context.Context, id string) (*model.Group, error) {
	return scanGroup(s.queryRow(ctx, `SELECT `+groupCols+` FROM user_groups g WHERE g.id = ?`, id), false)
}

func (s *SQLStore) UpdateGroup(ctx context.Context, g *model.Group) error {
	_, err := s.exec(ctx, `UPDATE user_groups SET name = ?, display_name = ?, description = ?, allow_reference = ?,
		update_at = ?, delete_at = ? WHERE id = ?`,
		g.Name, g.DisplayName, g.Description, g.AllowReference, g.UpdateAt, g.DeleteAt, g.ID)
	return mapErr(err)
}

func (s *SQLStore) ListGroups(ctx context.Context, f store.GroupFilter, p store.Page) ([]*model.Group, error) {
	var where []string
	var a []any
	switch {
	case f.OnlyArchived:
		where = append(where, `g.delete_at > 0`)
	case !f.IncludeArchived:
		where = append(where, `g.delete_at = 0`)
	}
	if f.Term != "" {
		like := "%" + strings.TrimSuffix(likePrefix(f.Term), "%") + "%"
		where = append(where, `(LOWER(g.name) LIKE ? ESCAPE '\' OR LOWER(g.display_name) LIKE ? ESCAPE '\')`)
		a = append(a, like, like)
	}
	if f.Source != "" {
		where = append(where, `g.source = ?`)
		a = append(a, f.Source)
	}
	if f.AllowReference {
		where = append(where, `g.allow_reference`)
	}
	if f.HasMember != "" {
		where = append(where, `EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND gm.user_id = ?)`)
		a = append(a, f.HasMember)
	}
	if len(f.Names) > 0 {
		where = append(where, `g.name IN (`+in(len(f.Names))+`)`)
		a = args(a, f.Names)
	}
	if f.Since > 0 {
		where = append(where, `g.update_at > ?`)
		a = append(a, f.Since)
	}
	cols := groupCols
	if f.MemberCount {
		cols += ", " + activeGroupMembers
	}
	q := `SELECT ` + cols + ` FROM user_groups g`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.query(ctx, q+` ORDER BY g.display_name, g.id`+limitOffset(p), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Group{}
	for rows.Next() {
		g, err := scanGroup(rows, f.MemberCount)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *SQLStore) CountGroups(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM user_groups WHERE delete_at = 0`).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) GroupMemberCount(ctx context.Context, groupID string) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT `+activeGroupMembers+` FROM user_groups g WHERE g.id = ?`, groupID).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) GroupMemberIDs(ctx context.Context, groupID string) ([]string, error) {
	return s.strings(ctx, `SELECT gm.user_id FROM group_members gm JOIN users u ON u.id = gm.user_id
		WHERE gm.group_id = ? AND u.delete_at = 0 ORDER BY gm.user_id`, groupID)
}

func (s *SQLStore) GroupMembers(ctx context.Context, groupID string, p store.Page) ([]*model.User, error) {
	return s.users(ctx, `SELECT `+userCols+` FROM users WHERE delete_at = 0
		AND id IN (SELECT user_id FROM group_members WHERE group_id = ?) ORDER BY username`+limitOffset(p), groupID)
}

func (s *SQLStore) AddGroupMembers(ctx context.Context, groupID string, userIDs []string, at int64) ([]*model.GroupMember, error) {
	out := []*model.GroupMember{}
	err := s.inTxn(ctx, func(tx *SQLStore) error {
		for _, id := range userIDs {
			r, err := tx.exec(ctx, `INSERT INTO group_members (group_id, user_id, create_at) VALUES (?, ?, ?)
				ON CONFLICT (group_id, user_id) DO NOTHING`, groupID, id, at)
			if err != nil {
				return mapErr(err)
			}
			if n, err := r.RowsAffected(); err != nil {
				return err
			} else if n > 0 {
				out = append(out, &model.GroupMember{GroupID: groupID, UserID: id, CreateAt: at})
			}
		}
		return nil
	})
	return out, err
}

func (s *SQLStore) RemoveGroupMembers(ctx context.Context, groupID string, userIDs []string, at int64) ([]*model.GroupMember, error) {
	out := []*model.GroupMember{}
	err := s.inTxn(ctx, func(tx *SQLStore) error {
		for _, id := range userIDs {
			var created int64
			err := tx.queryRow(ctx, `DELETE FROM group_members WHERE group_id = ? AND user_id = ? RETURNING create_at`,
				groupID, id).Scan(&created)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return mapErr(err)
			}
			out = append(out, &model.GroupMember{GroupID: groupID, UserID: id, CreateAt: created, DeleteAt: at})
		}
		return nil
	})
	return out, err
}

func (s *SQLStore) GroupMentions(ctx context.Context, channelID string, names []string) ([]store.GroupMention, error) {
	if len(names) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT g.name, gm.user_id FROM user_groups g
		JOIN group_members gm ON gm.group_id = g.id
		JOIN channel_members cm ON cm.user_id = gm.user_id AND cm.channel_id = ?
		JOIN users u ON u.id = gm.user_id
		WHERE g.name IN (`+in(len(names))+`) AND g.allow_reference AND g.delete_at = 0 AND u.delete_at = 0
		ORDER BY g.name, gm.user_id`, args([]any{channelID}, names)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.GroupMention
	for rows.Next() {
		var m store.GroupMention
		if err := rows.Scan(&m.GroupName, &m.UserID); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *SQLStore) UserMentionGroups(ctx context.Context, userID string) ([]string, error) {
	return s.strings(ctx, `SELECT g.name FROM user_groups g JOIN group_members gm ON gm.group_id = g.id
		WHERE gm.user_id = ? AND g.allow_reference AND g.delete_at = 0 ORDER BY g.name`, userID)
}

func (s *SQLStore) GroupChannelMemberCounts(ctx context.Context, channelID string, groupIDs []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(groupIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT gm.group_id, COUNT(*) FROM group_members gm
		JOIN channel_members cm ON cm.user_id = gm.user_id AND cm.channel_id = ?
		JOIN users u ON u.id = gm.user_id AND u.delete_at = 0
		WHERE gm.group_id IN (`+in(len(groupIDs))+`) GROUP BY gm.group_id`, args([]any{channelID}, groupIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
