package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// LoginRequest is the body of POST /users/login.
type LoginRequest struct {
	LoginID  string `json:"login_id"`
	Password string `json:"password"`
	Token    string `json:"token"`
	DeviceID string `json:"device_id"`
	ID       string `json:"id"`
	LDAPOnly string `json:"ldap_only"`
	// Mobile: the sign-in came from a mobile app's single sign-on, which
	// no request body can claim.
	Mobile bool `json:"-"`
}

func errInvalidCredentials() *model.AppError {
	return model.NewAppError(http.StatusUnauthorized, "api.user.login.invalid_credentials_email_username",
		"Enter a valid email or username and/or password.")
}

// dummyHash is compared against when an account does not exist.
func (a *App) dummyHash() []byte {
	a.dummyOnce.Do(func() {
		a.dummy, _ = bcrypt.GenerateFromPassword([]byte(model.NewID()), bcrypt.DefaultCost)
	})
	return a.dummy
}

// Login checks credentials and opens a session.
func (a *App) Login(ctx context.Context, req LoginRequest, userAgent string) (*model.User, *model.Session, error) {
	if req.Password == "" {
		return nil, nil, model.NewAppError(http.StatusBadRequest, "api.user.login.blank_pwd.app_error",
			"Password field must not be blank")
	}
	cfg := a.Config()
	ldapOnly := req.LDAPOnly == "true"
	if ldapOnly && !cfg.LdapEnable {
		return nil, nil, model.NewAppError(http.StatusNotImplemented, "api.user.login_ldap.disabled.app_error",
			"LDAP not enabled on this server")
	}
	var u *model.User
	var err error
	switch {
	case ldapOnly:
		err = store.ErrNotFound
	case req.ID != "":
		u, err = a.store.GetUser(ctx, req.ID)
	case strings.Contains(req.LoginID, "@"):
		u, err = a.store.GetUserByEmail(ctx, req.LoginID)
	default:
		u, err = a.store.GetUserByUsername(ctx, req.LoginID)
	}
	if cfg.LdapEnable && (errors.Is(err, store.ErrNotFound) || (err == nil && u.AuthService == AuthServiceLDAP)) {
		// The directory checks the password of its users, and of login ids
		// Parley does not know yet: their first login creates the account.
		u, counted, err := a.ldapAuthenticate(ctx, req.LoginID, u, req.Password)
		if err != nil {
			return nil, nil, err
		}
		return a.finishLogin(ctx, u, req, userAgent, counted)
	}
	if errors.Is(err, store.ErrNotFound) {
		// Spend the time a real check would, so timing does not reveal accounts.
		if err := a.passwordWork(ctx, func() { _ = bcrypt.CompareHashAndPassword(a.dummyHash(), []byte(req.Password)) }); err != nil {
			return nil, nil, model.ErrInternal(err)
		}
		return nil, nil, errInvalidCredentials()
	}
	if err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	if u.IsBot {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.login.bot_login_forbidden.app_error",
			"Bot login is forbidden.")
	}
	locked, counted, err := a.lockedOut(ctx, u)
	if err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	if locked {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.check_user_login_attempts.too_many.app_error",
			"Your account is locked because of too many failed password attempts. Please reset your password.")
	}
	var match bool
	if err := a.passwordWork(ctx, func() { match = checkPassword(u.Password, req.Password) }); err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	if !match {
		if err := a.loginFailed(ctx, u.ID, counted); err != nil {
			return nil, nil, err
		}
		return nil, nil, errInvalidCredentials()
	}
	return a.finishLogin(ctx, u, req, userAgent, counted)
}

// finishLogin opens the session of a user whose credentials were checked;
// counted is the failed-login count the MFA check adds to.
func (a *App) finishLogin(ctx context.Context, u *model.User, req LoginRequest, userAgent string, counted int) (*model.User, *model.Session, error) {
	if u.DeleteAt > 0 {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.login.inactive.app_error",
			"Login failed because your account has been deactivated. Please contact an administrator.")
	}
	if u.IsGuest() && !a.Config().GuestAccountsEnable {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.login.guest_accounts.disabled.error",
			"Login failed because guest accounts are disabled.")
	}
	if u.IsGuest() && u.AuthService == "" && !a.Config().GuestAccountsAllowEmailAccounts {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.login.guest_accounts.email_disabled.error",
			"Login failed because guests may not log in with email and password.")
	}
	if a.Config().RequireEmailVerification && !u.EmailVerified {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.login.not_verified.app_error",
			"Login failed because email address has not been verified.")
	}
	if err := a.checkMFA(ctx, u, req.Token, counted); err != nil {
		return nil, nil, err
	}
	if u.FailedAttempts > 0 {
		if err := a.store.RecordFailedLogin(ctx, u.ID, 0, 0); err != nil {
			return nil, nil, model.ErrInternal(err)
		}
	}
	if u.AuthService == "" {
		a.upgradePasswordHash(ctx, u, req.Password)
	}
	now := model.Now()
	// As Mattermost: a mobile app's login (its SSO, or naming its device)
	// lasts the mobile session length and says so in isMobile.
	mobile := req.Mobile || req.DeviceID != ""
	days := a.Config().SessionLengthDays
	if mobile {
		days = a.Config().SessionLengthMobileDays
	}
	s := &model.Session{
		ID: model.NewID(), Token: model.NewID(), CreateAt: now, LastActivityAt: now, UserID: u.ID,
		DeviceID: req.DeviceID, Roles: u.Roles,
		ExpiresAt: now + int64(days)*int64(24*time.Hour/time.Millisecond),
		Props: model.StringMap{"csrf": model.NewID(), "is_guest": strconv.FormatBool(u.IsGuest()), "platform": platform(userAgent),
			"browser": userAgent, "os": ""},
	}
	if mobile {
		s.Props["isMobile"] = "true"
	}
	if ip := ClientIP(ctx); ip != "" {
		s.Props["ip"] = ip
	}
	if err := a.store.SaveSession(ctx, s); err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	if err := a.store.RecordLogin(ctx, u.ID, now); err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	a.sanitize(s, u)
	return u, s, nil
}

func platform(ua string) string {
	switch {
	case strings.Contains(ua, "Windows"):
		return "Windows"
	case strings.Contains(ua, "Macintosh"):
		return "Macintosh"
	case strings.Contains(ua, "Linux"):
		return "Linux"
	}
	return ""
}

// Logout revokes the session.
func (a *App) Logout(ctx context.Context, s *model.Session) error {
	if s == nil {
		return nil
	}
	if err := a.store.DeleteSession(ctx, s.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return model.ErrInternal(err)
	}
	a.publishRevoked(ctx, Revocation{UserID: s.UserID, SessionID: s.ID})
	return nil
}

// SessionFromToken resolves a session or personal access token. Expired and
// unknown tokens, and tokens of deactivated users, are refused.
func (a *App) SessionFromToken(ctx context.Context, token string) (*model.Session, error) {
	if token == "" || len(token) > 64 {
		return nil, model.ErrSessionExpired()
	}
	s, err := a.store.GetSessionByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		s, err = a.accessTokenSession(ctx, token)
	}
	if err != nil {
		return nil, err
	}
	if s.IsExpired() {
		_ = a.store.DeleteSession(ctx, s.ID)
		a.publishRevoked(ctx, Revocation{UserID: s.UserID, SessionID: s.ID})
		return nil, model.ErrSessionExpired()
	}
	// Touch at most once a minute so reads do not turn into writes.
	if now := model.Now(); now-s.LastActivityAt > 60_000 {
		ip := ClientIP(ctx)
		if err := a.store.TouchSession(ctx, s.ID, now, ip); err != nil {
			a.log.WarnContext(ctx, "touch session", "err", err)
		}
		s.LastActivityAt = now
		if ip != "" {
			s.Props["last_activity_ip"] = ip
		}
	}
	return s, nil
}

// accessTokenSession finds or creates the internal session of a personal access token.
func (a *App) accessTokenSession(ctx context.Context, token string) (*model.Session, error) {
	t, err := a.store.GetAccessTokenByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, model.ErrSessionExpired()
	}
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if !t.IsActive {
		return nil, model.ErrSessionExpired()
	}
	u, err := a.store.GetUser(ctx, t.UserID)
	if err != nil || u.DeleteAt > 0 {
		return nil, model.ErrSessionExpired()
	}
	if !a.Config().EnableUserAccessTokens && !u.IsBot {
		return nil, model.ErrSessionExpired()
	}
	now := model.Now()
	s := &model.Session{ID: model.NewID(), Token: token, CreateAt: now, LastActivityAt: now, UserID: u.ID,
		Roles: u.Roles, Props: model.StringMap{"type": "UserAccessToken", "user_access_token_id": t.ID,
			"is_bot": strconv.FormatBool(u.IsBot), "is_guest": strconv.FormatBool(u.IsGuest())}}
	if err := a.store.SaveSession(ctx, s); err != nil {
		// Another request for the same token created it first.
		if errors.Is(err, store.ErrConflict) {
			return a.store.GetSessionByToken(ctx, token)
		}
		return nil, model.ErrInternal(err)
	}
	return s, nil
}

// Sessions lists a user's sessions with their tokens blanked.
func (a *App) Sessions(ctx context.Context, s *model.Session, userID string) ([]*model.Session, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	list, err := a.store.ListSessions(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, x := range list {
		x.Token = ""
	}
	return list, nil
}

// RevokeSession ends one of the user's sessions.
func (a *App) RevokeSession(ctx context.Context, s *model.Session, userID, sessionID string) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	target, err := a.store.GetSession(ctx, sessionID)
	if err != nil || target.UserID != userID {
		return model.ErrInvalidBody("session_id")
	}
	if err := a.store.DeleteSession(ctx, sessionID); err != nil {
		return storeErr(err, nil)
	}
	a.publishRevoked(ctx, Revocation{UserID: userID, SessionID: sessionID})
	return nil
}

// RevokeAllSessions ends every session of a user, or of everyone when userID is "".
func (a *App) RevokeAllSessions(ctx context.Context, s *model.Session, userID string) error {
	if userID == "" {
		if !a.IsAdmin(s) {
			return model.ErrForbidden()
		}
		if err := a.store.DeleteAllSessions(ctx); err != nil {
			return storeErr(err, nil)
		}
		a.publishRevoked(ctx, Revocation{})
		return nil
	}
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	if err := a.store.DeleteUserSessions(ctx, userID); err != nil {
		return storeErr(err, nil)
	}
	a.publishRevoked(ctx, Revocation{UserID: userID})
	return nil
}

// AttachDevice records the push device of the current session, which from
// then on lasts the mobile session length, as Mattermost's attachDeviceId
// makes it.
func (a *App) AttachDevice(ctx context.Context, s *model.Session, deviceID string) error {
	if deviceID == "" {
		return model.ErrInvalidBody("device_id")
	}
	expiresAt := model.Now() + int64(a.Config().SessionLengthMobileDays)*int64(24*time.Hour/time.Millisecond)
	return a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.UpdateSessionDevice(ctx, s.ID, deviceID, expiresAt); err != nil {
			return storeErr(err, model.ErrSessionExpired())
		}
		// The phone logged in again: its older session must not get its pushes too.
		return storeErr(tx.ClearDeviceElsewhere(ctx, s.UserID, deviceID, s.ID), nil)
	})
}

// CreateAccessToken makes a personal access token for userID.
func (a *App) CreateAccessToken(ctx context.Context, s *model.Session, userID, description string) (*model.UserAccessToken, error) {
	if !a.Config().EnableUserAccessTokens {
		return nil, model.NewAppError(http.StatusNotImplemented, "app.user_access_token.disabled",
			"Personal access tokens are disabled on this server.")
	}
	if (!a.HasPermission(s, model.PermCreateUserAccessToken) || !a.IsSelfOr(s, userID, model.PermEditOtherUsers)) &&
		!a.managesBot(ctx, s, userID) {
		return nil, model.ErrForbidden()
	}
	if err := a.requireRecentLogin(ctx, s, ""); err != nil {
		return nil, err
	}
	if strings.TrimSpace(description) == "" || len(description) > 255 {
		return nil, model.NewAppError(http.StatusBadRequest, "model.user_access_token.is_valid.description.app_error",
			"Invalid description, must be 255 or less characters")
	}
	if _, err := a.store.GetUser(ctx, userID); err != nil {
		return nil, storeErr(err, model.ErrNotFound("app.user.missing_account.const", "user"))
	}
	t := &model.UserAccessToken{ID: model.NewID(), Token: model.NewID(), UserID: userID, Description: description, IsActive: true}
	if err := a.store.SaveAccessToken(ctx, t); err != nil {
		return nil, model.ErrInternal(err)
	}
	return t, nil
}

// AccessTokens lists tokens of a user ("" for all, admins only); secrets blanked.
func (a *App) AccessTokens(ctx context.Context, s *model.Session, userID string, p, perPage int) ([]*model.UserAccessToken, error) {
	if userID == "" && !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if userID != "" && (!a.HasPermission(s, model.PermReadUserAccessToken) || !a.IsSelfOr(s, userID, model.PermEditOtherUsers)) {
		return nil, model.ErrForbidden()
	}
	list, err := a.store.ListAccessTokens(ctx, userID, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, t := range list {
		t.Token = ""
	}
	return list, nil
}

// SearchAccessTokens finds tokens by id, owner username or description (admins only).
func (a *App) SearchAccessTokens(ctx context.Context, s *model.Session, term string) ([]*model.UserAccessToken, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	list, err := a.store.SearchAccessTokens(ctx, term)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, t := range list {
		t.Token = ""
	}
	return list, nil
}

func errTokenNotFound() *model.AppError {
	return model.ErrNotFound("app.user_access_token.get_by_user.app_error", "personal access token")
}

// AccessToken returns one token (without its secret) that the caller may read.
func (a *App) AccessToken(ctx context.Context, s *model.Session, tokenID string, perm string) (*model.UserAccessToken, error) {
	t, err := a.store.GetAccessToken(ctx, tokenID)
	if err != nil {
		return nil, storeErr(err, errTokenNotFound())
	}
	if !a.HasPermission(s, perm) || !a.IsSelfOr(s, t.UserID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	t.Token = ""
	return t, nil
}

// RevokeAccessToken deletes a token and its session.
func (a *App) RevokeAccessToken(ctx context.Context, s *model.Session, tokenID string) error {
	t, err := a.AccessToken(ctx, s, tokenID, model.PermRevokeUserAccessToken)
	if err != nil {
		return err
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.DeleteSessionsByAccessToken(ctx, tokenID); err != nil {
			return model.ErrInternal(err)
		}
		return storeErr(tx.DeleteAccessToken(ctx, tokenID), errTokenNotFound())
	})
	if err == nil {
		a.publishRevoked(ctx, Revocation{UserID: t.UserID, AccessTokenID: tokenID})
	}
	return err
}

// SetAccessTokenActive enables or disables a token; disabling ends its session.
func (a *App) SetAccessTokenActive(ctx context.Context, s *model.Session, tokenID string, active bool) error {
	perm := model.PermRevokeUserAccessToken
	if active {
		perm = model.PermCreateUserAccessToken
	}
	t, err := a.AccessToken(ctx, s, tokenID, perm)
	if err != nil {
		return err
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if !active {
			if err := tx.DeleteSessionsByAccessToken(ctx, tokenID); err != nil {
				return model.ErrInternal(err)
			}
		}
		return storeErr(tx.SetAccessTokenActive(ctx, tokenID, active), errTokenNotFound())
	})
	if err == nil && !active {
		a.publishRevoked(ctx, Revocation{UserID: t.UserID, AccessTokenID: tokenID})
	}
	return err
}
