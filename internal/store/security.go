package store

import "context"

// SecurityStore keeps login failures and multi-factor authentication state.
type SecurityStore interface {
	// RecordFailedLogin sets the user's count of failed logins and when the
	// last one happened (0 with n = 0 after a success).
	RecordFailedLogin(ctx context.Context, userID string, n int, at int64) error
	// LastFailedLogin is when the user's last failed login happened (0: none).
	LastFailedLogin(ctx context.Context, userID string) (int64, error)
	// SetMFA stores the user's TOTP secret and whether MFA is active. Setting
	// it inactive (a new secret, or MFA off) forgets the last step used.
	SetMFA(ctx context.Context, userID, secret string, active bool) error
	// UseMFAStep records that a TOTP code of time step was accepted from the
	// user. It reports false, recording nothing, when that step or a later
	// one was used already: the code is a replay.
	UseMFAStep(ctx context.Context, userID string, step int64) (bool, error)
}
