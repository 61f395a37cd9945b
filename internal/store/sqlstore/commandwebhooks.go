package sqlstore

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

func (s *SQLStore) SaveCommandWebhook(ctx context.Context, h *model.CommandWebhook) error {
	_, err := s.exec(ctx, `INSERT INTO command_webhooks (id, create_at, command_id, user_id, channel_id, team_id, root_id, use_count)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0)`, h.ID, h.CreateAt, h.CommandID, h.UserID, h.ChannelID, h.TeamID, h.RootID)
	return err
}

func (s *SQLStore) UseCommandWebhook(ctx context.Context, id string, notBefore int64, maxUses int) (*model.CommandWebhook, error) {
	// One conditional update both checks and counts, so concurrent calls cannot
	// use a hook more often than allowed.
	if err := s.execOne(ctx, `UPDATE command_webhooks SET use_count = use_count + 1
		WHERE id = ? AND create_at >= ? AND use_count < ?`, id, notBefore, maxUses); err != nil {
		return nil, err
	}
	var h model.CommandWebhook
	err := s.queryRow(ctx, `SELECT id, create_at, command_id, user_id, channel_id, team_id, root_id, use_count
		FROM command_webhooks WHERE id = ?`, id).
		Scan(&h.ID, &h.CreateAt, &h.CommandID, &h.UserID, &h.ChannelID, &h.TeamID, &h.RootID, &h.UseCount)
	if err != nil {
		return nil, mapErr(err)
	}
	return &h, nil
}

func (s *SQLStore) DeleteCommandWebhooksBefore(ctx context.Context, t int64) error {
	_, err := s.exec(ctx, `DELETE FROM command_webhooks WHERE create_at < ?`, t)
	return err
}
