package sqlstore

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

const draftColumns = `d.user_id, d.channel_id, d.root_id, d.message, d.props, d.file_ids, d.priority, d.create_at, d.update_at`

func scanDraft(sc interface{ Scan(...any) error }) (*model.Draft, error) {
	d := &model.Draft{}
	if err := sc.Scan(&d.UserID, &d.ChannelID, &d.RootID, &d.Message, asJSON(&d.Props), asJSON(&d.FileIDs),
		asJSON(&d.Priority), &d.CreateAt, &d.UpdateAt); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *SQLStore) UpsertDraft(ctx context.Context, d *model.Draft) (*model.Draft, error) {
	props, files, prio := d.Props, d.FileIDs, d.Priority
	if props == nil {
		props = map[string]any{}
	}
	if files == nil {
		files = []string{}
	}
	if prio == nil {
		prio = map[string]any{}
	}
	row := s.queryRow(ctx, `INSERT INTO drafts (user_id, channel_id, root_id, message, props, file_ids, priority, create_at, update_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, channel_id, root_id) DO UPDATE SET message = excluded.message, props = excluded.props,
			file_ids = excluded.file_ids, priority = excluded.priority, update_at = excluded.update_at
		RETURNING `+strings.ReplaceAll(draftColumns, "d.", ""),
		d.UserID, d.ChannelID, d.RootID, d.Message, asJSON(props), asJSON(files), asJSON(prio), d.CreateAt, d.UpdateAt)
	out, err := scanDraft(row)
	return out, mapErr(err)
}

func (s *SQLStore) GetDraft(ctx context.Context, userID, channelID, rootID string) (*model.Draft, error) {
	d, err := scanDraft(s.queryRow(ctx, `SELECT `+draftColumns+` FROM drafts d
		WHERE d.user_id = ? AND d.channel_id = ? AND d.root_id = ?`, userID, channelID, rootID))
	return d, mapErr(err)
}

func (s *SQLStore) DraftsForUser(ctx context.Context, userID, teamID string) ([]*model.Draft, error) {
	return s.drafts(ctx, `SELECT `+draftColumns+` FROM drafts d
		JOIN channels c ON c.id = d.channel_id
		JOIN channel_members m ON m.channel_id = d.channel_id AND m.user_id = d.user_id
		WHERE d.user_id = ? AND (c.team_id = ? OR c.team_id = '') AND c.delete_at = 0
		ORDER BY d.update_at DESC, d.channel_id, d.root_id`, userID, teamID)
}

func (s *SQLStore) UserDrafts(ctx context.Context, userID string) ([]*model.Draft, error) {
	return s.drafts(ctx, `SELECT `+draftColumns+` FROM drafts d WHERE d.user_id = ?
		ORDER BY d.update_at DESC, d.channel_id, d.root_id`, userID)
}

func (s *SQLStore) drafts(ctx context.Context, q string, args ...any) ([]*model.Draft, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Draft{}
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *SQLStore) DeleteDraft(ctx context.Context, userID, channelID, rootID string) error {
	_, err := s.exec(ctx, `DELETE FROM drafts WHERE user_id = ? AND channel_id = ? AND root_id = ?`, userID, channelID, rootID)
	return err
}
