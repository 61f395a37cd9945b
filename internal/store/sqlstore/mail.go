package sqlstore

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const mailCols = `id, create_at, to_address, subject, text_body, html_body, status, attempts, next_attempt_at, update_at, last_error,
	list_unsubscribe`

func (s *SQLStore) EnqueueMail(ctx context.Context, m *model.QueuedMail) error {
	_, err := s.exec(ctx, `INSERT INTO mail_queue (`+mailCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.CreateAt, m.To, m.Subject, m.Text, m.HTML, m.Status, m.Attempts, m.NextAttemptAt, m.UpdateAt, m.LastError,
		m.ListUnsubscribe)
	return err
}

func scanMail(sc interface{ Scan(...any) error }) (*model.QueuedMail, error) {
	var m model.QueuedMail
	err := sc.Scan(&m.ID, &m.CreateAt, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Status, &m.Attempts, &m.NextAttemptAt,
		&m.UpdateAt, &m.LastError, &m.ListUnsubscribe)
	return &m, err
}

func (s *SQLStore) DueMail(ctx context.Context, now int64, limit int) ([]*model.QueuedMail, error) {
	rows, err := s.query(ctx, `SELECT `+mailCols+` FROM mail_queue WHERE status = ? AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?`, model.MailPending, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.QueuedMail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *SQLStore) ClaimMail(ctx context.Context, id string, now int64) (bool, error) {
	err := s.execOne(ctx, `UPDATE mail_queue SET status = ?, attempts = attempts + 1, update_at = ?
		WHERE id = ? AND status = ? AND next_attempt_at <= ?`, model.MailSent, now, id, model.MailPending, now)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (s *SQLStore) RetryMail(ctx context.Context, id string, next, now int64, lastErr string) error {
	status := model.MailPending
	if next == 0 {
		status = model.MailFailed
	}
	return s.execOne(ctx, `UPDATE mail_queue SET status = ?, next_attempt_at = ?, update_at = ?, last_error = ?
		WHERE id = ? AND status = ?`, status, next, now, lastErr, id, model.MailSent)
}

func (s *SQLStore) QueuedMail(ctx context.Context, id string) (*model.QueuedMail, error) {
	m, err := scanMail(s.queryRow(ctx, `SELECT `+mailCols+` FROM mail_queue WHERE id = ?`, id))
	return m, mapErr(err)
}

func (s *SQLStore) SaveToken(ctx context.Context, t *model.Token) error {
	_, err := s.exec(ctx, `INSERT INTO tokens (hash, type, create_at, user_id, email, team_id) VALUES (?, ?, ?, ?, ?, ?)`,
		t.Hash, t.Type, t.CreateAt, t.UserID, t.Email, t.TeamID)
	return err
}

func (s *SQLStore) GetToken(ctx context.Context, hash, typ string) (*model.Token, error) {
	t := model.Token{Hash: hash}
	err := s.queryRow(ctx, `SELECT type, create_at, user_id, email, team_id FROM tokens WHERE hash = ? AND type = ?`, hash, typ).
		Scan(&t.Type, &t.CreateAt, &t.UserID, &t.Email, &t.TeamID)
	if err != nil {
		return nil, mapErr(err)
	}
	return &t, nil
}

func (s *SQLStore) CountUserTokensSince(ctx context.Context, userID, typ string, since int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM tokens WHERE type = ? AND user_id = ? AND create_at >= ?`, typ, userID, since).Scan(&n)
	return n, err
}

func (s *SQLStore) DeleteTokensOfType(ctx context.Context, typ string) error {
	_, err := s.exec(ctx, `DELETE FROM tokens WHERE type = ?`, typ)
	return err
}

func (s *SQLStore) TakeToken(ctx context.Context, hash, typ string) (*model.Token, error) {
	t, err := s.GetToken(ctx, hash, typ)
	if err != nil {
		return nil, err
	}
	// The delete decides: of two requests with one token, one deletes the row
	// and the other finds nothing to delete.
	if err := s.execOne(ctx, `DELETE FROM tokens WHERE hash = ?`, hash); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *SQLStore) DeleteUserTokens(ctx context.Context, userID, typ string) error {
	_, err := s.exec(ctx, `DELETE FROM tokens WHERE user_id = ? AND type = ?`, userID, typ)
	return err
}

func (s *SQLStore) DeleteTokensBefore(ctx context.Context, before int64) error {
	_, err := s.exec(ctx, `DELETE FROM tokens WHERE create_at < ?`, before)
	return err
}

func (s *SQLStore) VerifyEmail(ctx context.Context, userID, email string, at int64) error {
	return s.execOne(ctx, `UPDATE users SET email_verified = ?, update_at = ? WHERE id = ? AND email = ?`, true, at, userID, email)
}

func (s *SQLStore) AddDigestItem(ctx context.Context, it *model.DigestItem) error {
	_, err := s.exec(ctx, `INSERT INTO mail_digest_items (id, user_id, create_at, send_after, channel_id, text_body, html_body)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, it.ID, it.UserID, it.CreateAt, it.SendAfter, it.ChannelID, it.Text, it.HTML)
	return err
}

func (s *SQLStore) DueDigestUsers(ctx context.Context, now int64, limit int) ([]string, error) {
	rows, err := s.query(ctx, `SELECT user_id FROM mail_digest_items GROUP BY user_id HAVING MIN(send_after) <= ?
		ORDER BY MIN(send_after), user_id LIMIT ?`, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (s *SQLStore) DigestItems(ctx context.Context, userID string) ([]*model.DigestItem, error) {
	rows, err := s.query(ctx, `SELECT d.id, d.user_id, d.create_at, d.send_after, d.channel_id, d.text_body, d.html_body,
		CASE WHEN cm.last_viewed_at >= d.create_at THEN 1 ELSE 0 END
		FROM mail_digest_items d LEFT JOIN channel_members cm ON cm.channel_id = d.channel_id AND cm.user_id = d.user_id
		WHERE d.user_id = ? ORDER BY d.create_at, d.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.DigestItem
	for rows.Next() {
		var it model.DigestItem
		var seen int
		if err := rows.Scan(&it.ID, &it.UserID, &it.CreateAt, &it.SendAfter, &it.ChannelID, &it.Text, &it.HTML, &seen); err != nil {
			return nil, err
		}
		it.Seen = seen == 1
		out = append(out, &it)
	}
	return out, rows.Err()
}

func (s *SQLStore) DeleteDigestItems(ctx context.Context, ids []string) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	r, err := s.exec(ctx, `DELETE FROM mail_digest_items WHERE id IN (`+in(len(ids))+`)`, args(nil, ids)...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}
