package app

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// passwordPolicy is the configured rule for new passwords.
func (a *App) passwordPolicy() model.PasswordPolicy {
	c := a.Config()
	return model.PasswordPolicy{MinLength: c.PasswordMinLength, Lowercase: c.PasswordRequireLowercase,
		Uppercase: c.PasswordRequireUppercase, Number: c.PasswordRequireNumber, Symbol: c.PasswordRequireSymbol}
}

// lockedOut reports whether u may not try a password now, and how many
// failures count towards the next lock. The lock lifts LoginLockoutMinutes
// after the last failure before it, and failures while locked are not
// counted, so a stranger guessing at an account can keep it locked only by
// guessing again after every period, never for good.
func (a *App) lockedOut(ctx context.Context, u *model.User) (locked bool, counted int, err error) {
	cfg := a.Config()
	if u.FailedAttempts < cfg.MaxLoginAttempts {
		return false, u.FailedAttempts, nil
	}
	if cfg.LoginLockoutMinutes == 0 {
		return true, u.FailedAttempts, nil
	}
	last, err := a.store.LastFailedLogin(ctx, u.ID)
	if err != nil {
		return false, 0, err
	}
	if model.Now()-last < int64(cfg.LoginLockoutMinutes)*60_000 {
		return true, u.FailedAttempts, nil
	}
	return false, 0, nil
}

// loginFailed counts a failed password or MFA code after counted earlier ones.
func (a *App) loginFailed(ctx context.Context, userID string, counted int) error {
	if err := a.store.RecordFailedLogin(ctx, userID, counted+1, model.Now()); err != nil {
		return model.ErrInternal(err)
	}
	return nil
}

func errMFARequired() *model.AppError {
	return model.NewAppError(http.StatusUnauthorized, "mfa.validate_token.authenticate.app_error",
		"Invalid or missing MFA token.")
}

func errMFABadCode() *model.AppError {
	return model.NewAppError(http.StatusUnauthorized, "api.user.check_user_mfa.bad_code.app_error",
		"Invalid MFA token.")
}

func errMFADisabled() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "mfa.mfa_disabled.app_error",
		"Multi-factor authentication has been disabled on this server.")
}

// totpPeriod is the length of a TOTP time step.
const totpPeriod = 30 * time.Second

// totpStep checks a six-digit code against secret with one step of clock
// skew either way (RFC 6238 §5.2), as Mattermost does, and returns the time
// step (Unix time / 30 s) whose code it is.
func totpStep(code, secret string, at time.Time) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 || secret == "" {
		return 0, false
	}
	opts := totp.ValidateOpts{Period: uint(totpPeriod.Seconds()), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	now := at.Unix() / int64(opts.Period)
	// Latest first: should two steps share a code, the later one is used up.
	for step := now + 1; step >= now-1; step-- {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(opts.Period), 0), opts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// useTOTP accepts code from u's secret once: a code already used (or one
// older than the last used) is refused while it would still be valid, so
// that a code seen by someone else cannot be used again (RFC 6238 §5.2).
func (a *App) useTOTP(ctx context.Context, u *model.User, code string) (bool, error) {
	step, ok := totpStep(code, u.MfaSecret, time.Now())
	if !ok {
		return false, nil
	}
	fresh, err := a.store.UseMFAStep(ctx, u.ID, step)
	if err != nil {
		return false, fmt.Errorf("record mfa step of user %s: %w", u.ID, err)
	}
	return fresh, nil
}

// checkMFA is the second factor of a login of u with code. A wrong or
// replayed code counts as a failed login.
func (a *App) checkMFA(ctx context.Context, u *model.User, code string, counted int) error {
	if !u.MfaActive || !a.Config().EnableMFA {
		return nil
	}
	if code == "" {
		return errMFARequired()
	}
	ok, err := a.useTOTP(ctx, u, code)
	if err != nil {
		return model.ErrInternal(err)
	}
	if !ok {
		if err := a.loginFailed(ctx, u.ID, counted); err != nil {
			return err
		}
		return errMFABadCode()
	}
	return nil
}

// MFARequired answers POST /users/mfa: whether logging in as loginID needs a
// code. Unknown accounts answer false, like accounts without MFA, so the
// route does not tell which accounts exist.
func (a *App) MFARequired(ctx context.Context, loginID string) (bool, error) {
	if !a.Config().EnableMFA {
		return false, nil
	}
	var u *model.User
	var err error
	if strings.Contains(loginID, "@") {
		u, err = a.store.GetUserByEmail(ctx, loginID)
	} else {
		u, err = a.store.GetUserByUsername(ctx, loginID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, model.ErrInternal(err)
	}
	return u.MfaActive, nil
}

// MFASecret is the answer of POST /users/{id}/mfa/generate.
type MFASecret struct {
	Secret string `json:"secret"`
	QRCode string `json:"qr_code"` // base64 PNG of the otpauth:// URL
}

// GenerateMFASecret makes a new TOTP secret for the caller and stores it,
// inactive until a code from it is confirmed with ActivateMFA.
func (a *App) GenerateMFASecret(ctx context.Context, s *model.Session, userID string) (*MFASecret, error) {
	if !a.Config().EnableMFA {
		return nil, errMFADisabled()
	}
	if s.UserID != userID {
		return nil, model.ErrForbidden()
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	if u.MfaActive {
		return nil, model.NewAppError(http.StatusBadRequest, "mfa.generate_qr_code.already_active.app_error",
			"Multi-factor authentication is already active; deactivate it first.")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: a.Config().SiteName, AccountName: u.Email, SecretSize: 20})
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, model.ErrInternal(err)
	}
	if err := a.store.SetMFA(ctx, userID, key.Secret(), false); err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	return &MFASecret{Secret: key.Secret(), QRCode: base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// ActivateMFA turns MFA on with a code from the generated secret, or off.
func (a *App) ActivateMFA(ctx context.Context, s *model.Session, userID string, activate bool, code string) error {
	if !a.Config().EnableMFA {
		return errMFADisabled()
	}
	if s.UserID != userID {
		return model.ErrForbidden()
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	if !activate {
		err = a.store.SetMFA(ctx, userID, "", false)
	} else {
		if u.MfaSecret == "" {
			return model.NewAppError(http.StatusBadRequest, "mfa.activate.no_secret.app_error",
				"Generate a multi-factor authentication secret first.")
		}
		ok, useErr := a.useTOTP(ctx, u, code)
		if useErr != nil {
			return model.ErrInternal(useErr)
		}
		if !ok {
			return model.NewAppError(http.StatusBadRequest, "mfa.activate.bad_token.app_error", "Invalid MFA token.")
		}
		err = a.store.SetMFA(ctx, userID, u.MfaSecret, true)
	}
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	what := "mfa deactivated"
	if activate {
		what = "mfa activated"
	}
	a.audit(ctx, s, model.AuditUserUpdate, "user", userID, true, what)
	return nil
}

// ResetMFA turns a user's MFA off, for an admin helping someone who lost
// their device (parley user mfa-reset).
func (a *App) ResetMFA(ctx context.Context, s *model.Session, userID string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	err := a.store.SetMFA(ctx, userID, "", false)
	a.audit(ctx, s, model.AuditUserUpdate, "user", userID, err == nil, "mfa reset")
	return storeErr(err, errUserNotFound())
}

// MFASetupPending reports whether enforced MFA keeps s from the API until its
// user sets it up. Token sessions of bots are exempt, as in Mattermost.
func (a *App) MFASetupPending(ctx context.Context, s *model.Session) (bool, error) {
	if !a.Config().EnforceMFA || s.Props["is_bot"] == "true" {
		return false, nil
	}
	u, err := a.store.GetUser(ctx, s.UserID)
	if err != nil {
		return false, storeErr(err, model.ErrSessionExpired())
	}
	return !u.MfaActive && !u.IsBot, nil
}

// ErrMFASetupRequired refuses a user whom enforce_mfa holds back until they
// set MFA up.
func ErrMFASetupRequired() *model.AppError {
	return model.NewAppError(http.StatusForbidden, "api.context.mfa_required.app_error",
		"Multi-factor authentication is required on this server.")
}

// SocketSession is the session a WebSocket credential opens. A user whom
// enforce_mfa holds back is refused as on the API (ErrMFASetupRequired): the
// socket serves nothing that sets MFA up, and would otherwise stream them
// every message the API keeps from them.
func (a *App) SocketSession(ctx context.Context, token string) (*model.Session, error) {
	s, err := a.SessionFromToken(ctx, token)
	if err != nil {
		return nil, err
	}
	pending, err := a.MFASetupPending(ctx, s)
	if err != nil {
		return nil, err
	}
	if pending {
		return nil, ErrMFASetupRequired()
	}
	return s, nil
}

// reauthWindow is how recent a login must be for a sensitive action taken
// without the password: a stolen long-lived session cannot mint tokens.
const reauthWindow = time.Hour

// requireRecentLogin refuses sensitive actions from a session that did not
// log in recently, unless the request proved the password again.
func (a *App) requireRecentLogin(ctx context.Context, s *model.Session, password string) error {
	if s.Local {
		return nil
	}
	if password != "" {
		u, err := a.store.GetUser(ctx, s.UserID)
		if err != nil {
			return storeErr(err, errUserNotFound())
		}
		if checkPassword(u.Password, password) {
			return nil
		}
		return model.NewAppError(http.StatusUnauthorized, "api.user.check_user_password.invalid.app_error",
			"Login failed because of invalid password.")
	}
	if model.Now()-s.CreateAt <= reauthWindow.Milliseconds() {
		return nil
	}
	return model.NewAppError(http.StatusUnauthorized, "api.context.reauthentication_required.app_error",
		"Log in again, or send your current password, to do this.")
}
