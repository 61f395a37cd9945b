package sqlstore

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

func (s *SQLStore) RecordFailedLogin(ctx context.Context, userID string, n int, at int64) error {
	return s.execOne(ctx, `UPDATE users SET failed_attempts = ?, last_failed_login_at = ? WHERE id = ?`, n, at, userID)
}

func (s *SQLStore) LastFailedLogin(ctx context.Context, userID string) (int64, error) {
	var at int64
	err := s.queryRow(ctx, `SELECT last_failed_login_at FROM users WHERE id = ?`, userID).Scan(&at)
	return at, mapErr(err)
}

func (s *SQLStore) SetMFA(ctx context.Context, userID, secret string, active bool) error {
	return s.execOne(ctx, `UPDATE users SET mfa_secret = ?, mfa_active = ?, update_at = ? WHERE id = ?`,
		secret, active, model.Now(), userID)
}
