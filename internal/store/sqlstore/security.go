package sqlstore

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
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
	if active {
		return s.execOne(ctx, `UPDATE users SET mfa_secret = ?, mfa_active = ?, update_at = ? WHERE id = ?`,
			secret, active, model.Now(), userID)
	}
	return s.execOne(ctx, `UPDATE users SET mfa_secret = ?, mfa_active = ?, mfa_last_step = 0, update_at = ? WHERE id = ?`,
		secret, active, model.Now(), userID)
}

func (s *SQLStore) UseMFAStep(ctx context.Context, userID string, step int64) (bool, error) {
	// One conditional write, so that of two logins racing with the same code
	// only one can win.
	err := s.execOne(ctx, `UPDATE users SET mfa_last_step = ? WHERE id = ? AND mfa_last_step < ?`, step, userID, step)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}
