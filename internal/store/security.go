package store

import "context"

// SecurityStore keeps login failures and multi-factor authentication state.
type SecurityStore interface {
	// RecordFailedLogin sets the user's count of failed logins and when the
	// last one happened (0 with n = 0 after a success).
	RecordFailedLogin(ctx context.Context, userID string, n int, at int64) error
	// LastFailedLogin is when the user's last failed login happened (0: none).
	LastFailedLogin(ctx context.Context, userID string) (int64, error)
	// SetMFA stores the user's TOTP secret and whether MFA is active.
	SetMFA(ctx context.Context, userID, secret string, active bool) error
}
