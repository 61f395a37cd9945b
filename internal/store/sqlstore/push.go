package sqlstore

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const pushCols = `id, create_at, user_id, session_id, device_id, payload, status, attempts, next_attempt_at, update_at, last_error`

func (s *SQLStore) EnqueuePush(ctx context.Context, p *model.QueuedPush) error {
	_, err := s.exec(ctx, `INSERT INTO push_queue (`+pushCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.CreateAt, p.UserID, p.SessionID, p.DeviceID, p.Payload, p.Status, p.Attempts, p.NextAttemptAt, p.UpdateAt, p.LastError)
	return err
}

func scanPush(sc interface{ Scan(...any) error }) (*model.QueuedPush, error) {
	var p model.QueuedPush
	err := sc.Scan(&p.ID, &p.CreateAt, &p.UserID, &p.SessionID, &p.DeviceID, &p.Payload, &p.Status, &p.Attempts,
		&p.NextAttemptAt, &p.UpdateAt, &p.LastError)
	return &p, err
}

func (s *SQLStore) DuePush(ctx context.Context, now int64, limit int) ([]*model.QueuedPush, error) {
	rows, err := s.query(ctx, `SELECT `+pushCols+` FROM push_queue WHERE status = ? AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?`, model.MailPending, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.QueuedPush
	for rows.Next() {
		p, err := scanPush(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *SQLStore) ClaimPush(ctx context.Context, id string, now int64) (bool, error) {
	err := s.execOne(ctx, `UPDATE push_queue SET status = ?, attempts = attempts + 1, update_at = ?
		WHERE id = ? AND status = ? AND next_attempt_at <= ?`, model.MailSent, now, id, model.MailPending, now)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (s *SQLStore) RetryPush(ctx context.Context, id string, next, now int64, lastErr string) error {
	status := model.MailPending
	if next == 0 {
		status = model.MailFailed
	}
	return s.execOne(ctx, `UPDATE push_queue SET status = ?, next_attempt_at = ?, update_at = ?, last_error = ?
		WHERE id = ? AND status = ?`, status, next, now, lastErr, id, model.MailSent)
}

func (s *SQLStore) QueuedPush(ctx context.Context, id string) (*model.QueuedPush, error) {
	p, err := scanPush(s.queryRow(ctx, `SELECT `+pushCols+` FROM push_queue WHERE id = ?`, id))
	return p, mapErr(err)
}

func (s *SQLStore) DeviceSessions(ctx context.Context, userIDs []string, now int64) ([]*model.Session, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT `+sessionCols+` FROM sessions
		WHERE user_id IN (`+in(len(userIDs))+`) AND device_id <> '' AND (expires_at = 0 OR expires_at > ?)
		ORDER BY user_id, id`, append(args(nil, userIDs), now)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Session
	for rows.Next() {
		ses, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ses)
	}
	return out, rows.Err()
}

func (s *SQLStore) ChannelDeviceUserIDs(ctx context.Context, channelID string, now int64) ([]string, error) {
	return s.strings(ctx, `SELECT DISTINCT cm.user_id FROM channel_members cm
		JOIN sessions ss ON ss.user_id = cm.user_id AND ss.device_id <> '' AND (ss.expires_at = 0 OR ss.expires_at > ?)
		WHERE cm.channel_id = ? ORDER BY 1`, now, channelID)
}

func (s *SQLStore) ClearDeviceElsewhere(ctx context.Context, userID, deviceID, keep string) error {
	_, err := s.exec(ctx, `UPDATE sessions SET device_id = '' WHERE user_id = ? AND device_id = ? AND id <> ?`,
		userID, deviceID, keep)
	return err
}

func (s *SQLStore) BadgeCount(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT CAST(COALESCE(SUM(CASE WHEN c.type = ? THEN c.total_msg_count - cm.msg_count
		ELSE cm.mention_count END), 0) AS BIGINT) FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
		WHERE cm.user_id = ? AND c.delete_at = 0`, model.ChannelDirect, userID).Scan(&n)
	return n, err
}
