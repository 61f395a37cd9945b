package sqlstore

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const pushCols = `id, create_at, kind, user_id, session_id, device_id, subscription_id, payload, status, attempts, next_attempt_at,
	update_at, last_error`

func (s *SQLStore) EnqueuePush(ctx context.Context, p *model.QueuedPush) error {
	_, err := s.exec(ctx, `INSERT INTO push_queue (`+pushCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.CreateAt, p.Kind, p.UserID, p.SessionID, p.DeviceID, p.SubscriptionID, p.Payload, p.Status, p.Attempts, p.NextAttemptAt, p.UpdateAt, p.LastError)
	return err
}

func scanPush(sc interface{ Scan(...any) error }) (*model.QueuedPush, error) {
	var p model.QueuedPush
	err := sc.Scan(&p.ID, &p.CreateAt, &p.Kind, &p.UserID, &p.SessionID, &p.DeviceID, &p.SubscriptionID, &p.Payload, &p.Status, &p.Attempts,
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

const webPushCols = `w.id, w.user_id, w.session_id, w.endpoint, w.p256dh, w.auth, w.create_at`

func (s *SQLStore) webPushSubscriptions(ctx context.Context, q string, a ...any) ([]*model.WebPushSubscription, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.WebPushSubscription{}
	for rows.Next() {
		var w model.WebPushSubscription
		if err := rows.Scan(&w.ID, &w.UserID, &w.SessionID, &w.Endpoint, &w.P256dh, &w.Auth, &w.CreateAt); err != nil {
			return nil, err
		}
		out = append(out, &w)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveWebPushSubscription(ctx context.Context, sub *model.WebPushSubscription) error {
	_, err := s.exec(ctx, `INSERT INTO web_push_subscriptions (id, user_id, session_id, endpoint, p256dh, auth, create_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id,
		session_id = excluded.session_id, p256dh = excluded.p256dh, auth = excluded.auth, create_at = excluded.create_at`,
		sub.ID, sub.UserID, sub.SessionID, sub.Endpoint, sub.P256dh, sub.Auth, sub.CreateAt)
	if err != nil {
		return err
	}
	return s.queryRow(ctx, `SELECT id FROM web_push_subscriptions WHERE endpoint = ?`, sub.Endpoint).Scan(&sub.ID)
}

func (s *SQLStore) UserWebPushSubscriptions(ctx context.Context, userID string) ([]*model.WebPushSubscription, error) {
	return s.webPushSubscriptions(ctx, `SELECT `+webPushCols+` FROM web_push_subscriptions w WHERE w.user_id = ?
		ORDER BY w.create_at, w.id`, userID)
}

func (s *SQLStore) WebPushSubscriptions(ctx context.Context, userIDs []string, now int64) ([]*model.WebPushSubscription, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	return s.webPushSubscriptions(ctx, `SELECT `+webPushCols+` FROM web_push_subscriptions w
		JOIN sessions ss ON ss.id = w.session_id AND (ss.expires_at = 0 OR ss.expires_at > ?)
		WHERE w.user_id IN (`+in(len(userIDs))+`) ORDER BY w.user_id, w.id`, args([]any{now}, userIDs)...)
}

func (s *SQLStore) GetWebPushSubscription(ctx context.Context, id string) (*model.WebPushSubscription, error) {
	out, err := s.webPushSubscriptions(ctx, `SELECT `+webPushCols+` FROM web_push_subscriptions w WHERE w.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, store.ErrNotFound
	}
	return out[0], nil
}

func (s *SQLStore) DeleteWebPushSubscription(ctx context.Context, userID, id, endpoint string) error {
	if id != "" {
		return s.execOne(ctx, `DELETE FROM web_push_subscriptions WHERE user_id = ? AND id = ?`, userID, id)
	}
	return s.execOne(ctx, `DELETE FROM web_push_subscriptions WHERE user_id = ? AND endpoint = ?`, userID, endpoint)
}

func (s *SQLStore) SetSystemIfAbsent(ctx context.Context, name, value string) (string, error) {
	if _, err := s.exec(ctx, `INSERT INTO systems (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
		return "", err
	}
	return s.GetSystem(ctx, name)
}
