package app

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errUserNotFound() *model.AppError {
	return model.ErrNotFound("app.user.missing_account.const", "user")
}

func errUsernameExists() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "app.user.save.username_exists.app_error",
		"An account with that username already exists.")
}

func errEmailExists() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "app.user.save.email_exists.app_error",
		"An account with that email already exists.")
}

// userConflict tells which unique field a failed user write collided on.
func userConflict(err error) error {
	if errors.Is(err, store.ErrConflict) {
		if strings.Contains(err.Error(), "email") {
			return errEmailExists().Wrap(err)
		}
		return errUsernameExists().Wrap(err)
	}
	return model.ErrInternal(err)
}

// sanitize strips what the viewer may not see from u, in place.
func (a *App) sanitize(viewer *model.Session, u *model.User) {
	cfg := a.Config()
	self := viewer != nil && viewer.UserID == u.ID
	admin := viewer != nil && a.IsAdmin(viewer)
	u.Sanitize(self, admin, cfg.ShowEmailAddress, cfg.ShowFullName)
}

func (a *App) sanitizeAll(viewer *model.Session, us []*model.User) []*model.User {
	for _, u := range us {
		a.sanitize(viewer, u)
	}
	return us
}

// CreateUser signs up a new account. s is nil for an anonymous sign-up. The first
// account of an installation becomes system admin.
func (a *App) CreateUser(ctx context.Context, s *model.Session, u *model.User, inviteID string) (*model.User, error) {
	return a.createUser(ctx, s, u, inviteID, "")
}

// CreateUserWithToken signs up with an email invitation (the raw token of
// its link): the account gets the invited address, counts as verified,
// joins the team, and the invitation is used up.
func (a *App) CreateUserWithToken(ctx context.Context, s *model.Session, u *model.User, token string) (*model.User, error) {
	return a.createUser(ctx, s, u, "", token)
}

func (a *App) createUser(ctx context.Context, s *model.Session, u *model.User, inviteID, token string) (*model.User, error) {
	cfg := a.Config()
	admin := s != nil && a.IsAdmin(s)
	var inviteTeam *model.Team
	var invitation *model.Token
	if token != "" {
		tok, t, err := a.invitation(ctx, token)
		if err != nil {
			return nil, err
		}
		invitation, inviteTeam = tok, t
	} else if inviteID != "" {
		t, err := a.store.GetTeamByInviteID(ctx, inviteID)
		if err != nil {
			return nil, storeErr(err, model.NewAppError(http.StatusBadRequest,
				"api.user.create_user.signup_link_invalid.app_error", "The signup link does not appear to be valid."))
		}
		inviteTeam = t
	}
	count, err := a.store.CountUsers(ctx, true)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	first := count == 0
	if !first && !admin {
		// Mattermost's IsUserSignUpAllowed: both switches must be on.
		if !cfg.EnableUserCreation || !cfg.EnableSignUpWithEmail {
			return nil, model.NewAppError(http.StatusNotImplemented, "api.user.create_user.signup_email_disabled.app_error",
				"User sign-up with email is disabled.")
		}
		if !cfg.EnableOpenServer && inviteTeam == nil {
			return nil, model.NewAppError(http.StatusForbidden, "api.user.create_user.no_open_server",
				"This server does not allow open signups. Please speak with your Administrator to receive an invitation.")
		}
	}
	now := model.Now()
	nu := &model.User{
		ID: model.NewID(), CreateAt: now, UpdateAt: now, Username: u.Username, Email: u.Email,
		Nickname: u.Nickname, FirstName: u.FirstName, LastName: u.LastName, Position: u.Position,
		Locale: u.Locale, Props: u.Props, NotifyProps: u.NotifyProps, Timezone: u.Timezone,
		AllowMarketing: u.AllowMarketing, Roles: model.RoleSystemUser, LastPasswordUpdate: now,
	}
	if invitation != nil {
		// The mail reached this address: it is the account's, and verified.
		nu.Email, nu.EmailVerified = invitation.Email, true
	}
	if admin {
		nu.EmailVerified = u.EmailVerified
		if u.AuthService != "" {
			nu.AuthService, nu.AuthData = u.AuthService, u.AuthData
		}
	}
	if first {
		nu.Roles = model.RoleSystemAdmin + " " + model.RoleSystemUser
	}
	nu.PreSave()
	if appErr := nu.IsValid(); appErr != nil {
		return nil, appErr
	}
	if !admin && !first && !domainsAllow(nu.Email, cfg.RestrictCreationToDomains) {
		return nil, model.NewAppError(http.StatusBadRequest, "api.user.create_user.accepted_domain.app_error",
			"The email you provided does not belong to an accepted domain. Please contact your administrator or sign up with a different email.")
	}
	if nu.AuthService == "" {
		if appErr := model.IsValidPassword(u.Password, a.passwordPolicy()); appErr != nil {
			return nil, appErr
		}
		var h string
		if werr := a.passwordWork(ctx, func() { h, err = hashPassword(u.Password) }); werr != nil {
			return nil, model.ErrInternal(werr)
		}
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		nu.Password = h
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if invitation != nil {
			if _, err := tx.TakeToken(ctx, invitation.Hash, model.TokenTypeTeamInvitation); err != nil {
				return storeErr(err, errSignupLinkInvalid())
			}
		}
		if err := a.saveNewUser(ctx, tx, nu); err != nil {
			return err
		}
		if err := a.queueWelcomeMail(ctx, tx, nu, u.DisableWelcomeMail); err != nil {
			return err
		}
		if inviteTeam != nil {
			_, _, err := a.joinTeam(ctx, tx, inviteTeam, nu, joining{})
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.audit(ctx, s, model.AuditUserCreate, "user", nu.ID, true, "username="+nu.Username)
	a.sanitize(&model.Session{UserID: nu.ID}, nu)
	return nu, nil
}

// saveNewUser stores a new account and announces it (new_user) once tx
// commits: how an account comes to be for sign-up, the importer and sample
// data alike.
func (a *App) saveNewUser(ctx context.Context, tx store.Store, u *model.User) error {
	if err := tx.SaveUser(ctx, u); err != nil {
		return userConflict(err)
	}
	a.publishTx(ctx, tx, model.NewEvent(model.EventNewUser, model.Broadcast{}, map[string]any{"user_id": u.ID}))
	return nil
}

// updateUser stores the changes of an account that was old: one deactivated
// is signed out everywhere, and clients hear user_updated once tx commits.
// The API's profile changes and the importer's both come here.
func (a *App) updateUser(ctx context.Context, tx store.Store, old, u *model.User) error {
	if err := tx.UpdateUser(ctx, u); err != nil {
		return userConflict(err)
	}
	if old.DeleteAt == 0 && u.DeleteAt > 0 {
		if err := a.endSessions(ctx, tx, u.ID); err != nil {
			return err
		}
	}
	a.publishTx(ctx, tx, a.userUpdatedEvent(u))
	return nil
}

// GetUser returns a user as the viewer may see it.
func (a *App) GetUser(ctx context.Context, s *model.Session, id string) (*model.User, error) {
	u, err := a.store.GetUser(ctx, id)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	a.sanitize(s, u)
	if s != nil && (s.UserID == u.ID || a.IsAdmin(s)) {
		if err := a.addTermsOfService(ctx, u); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// GetUserByUsername returns a user by name.
func (a *App) GetUserByUsername(ctx context.Context, s *model.Session, name string) (*model.User, error) {
	u, err := a.store.GetUserByUsername(ctx, name)
	if err != nil {
		return nil, storeErr(err, model.ErrNotFound("app.user.get_by_username.app_error", "user"))
	}
	a.sanitize(s, u)
	return u, nil
}

// GetUserByEmail returns a user by email, when the viewer may see emails.
func (a *App) GetUserByEmail(ctx context.Context, s *model.Session, email string) (*model.User, error) {
	if !a.Config().ShowEmailAddress && !a.IsAdmin(s) {
		return nil, model.NewAppError(http.StatusForbidden, "api.user.get_user_by_email.permissions.app_error",
			"Unable to get user by email.")
	}
	u, err := a.store.GetUserByEmail(ctx, email)
	if err != nil {
		return nil, storeErr(err, model.ErrNotFound("app.user.get_by_email.app_error", "user"))
	}
	a.sanitize(s, u)
	return u, nil
}

// GetUsersByIDs returns the known users among ids, updated after since.
func (a *App) GetUsersByIDs(ctx context.Context, s *model.Session, ids []string, since int64) ([]*model.User, error) {
	us, err := a.store.GetUsersByIDs(ctx, ids, since)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return a.sanitizeAll(s, us), nil
}

// GetUsersByUsernames returns the known users among names.
func (a *App) GetUsersByUsernames(ctx context.Context, s *model.Session, names []string) ([]*model.User, error) {
	us, err := a.store.GetUsersByUsernames(ctx, names)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return a.sanitizeAll(s, us), nil
}

// ListUsers lists users with filters after checking the caller may use them.
func (a *App) ListUsers(ctx context.Context, s *model.Session, f store.UserFilter, p, perPage int) ([]*model.User, error) {
	for _, teamID := range []string{f.InTeam, f.NotInTeam} {
		if teamID != "" && !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
			return nil, model.ErrForbidden()
		}
	}
	for _, chID := range []string{f.InChannel, f.NotInChannel} {
		if chID == "" {
			continue
		}
		ch, err := a.store.GetChannel(ctx, chID)
		if err != nil {
			return nil, storeErr(err, model.ErrForbidden())
		}
		if !a.CanReadChannel(ctx, s, ch) {
			return nil, model.ErrForbidden()
		}
	}
	if f.WithoutTeam && !a.HasPermission(s, model.PermListUsersWithoutTeam) {
		return nil, model.ErrForbidden()
	}
	f.SearchEmail = f.SearchEmail && (a.Config().ShowEmailAddress || a.IsAdmin(s))
	// Names hidden from the viewer must not be searchable either.
	f.SkipFullName = !a.Config().ShowFullName && !a.IsAdmin(s)
	// A list may lag by a read replica's delay; who may list was checked above.
	us, err := a.store.LagTolerant().ListUsers(ctx, f, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return a.sanitizeAll(s, us), nil
}

// KnownUsers lists ids of users sharing a team or channel with the caller.
func (a *App) KnownUsers(ctx context.Context, s *model.Session) ([]string, error) {
	ids, err := a.store.KnownUserIDs(ctx, s.UserID)
	return ids, storeErr(err, nil)
}

// UserCount counts active users.
func (a *App) UserCount(ctx context.Context) (int64, error) {
	n, err := a.store.CountUsers(ctx, false)
	return n, storeErr(err, nil)
}

// canEditUser: self, or edit_other_users (and manage_system for a system admin target).
func (a *App) canEditUser(s *model.Session, target *model.User) bool {
	if s.UserID == target.ID {
		return true
	}
	if !a.HasPermission(s, model.PermEditOtherUsers) {
		return false
	}
	return !target.IsSystemAdmin() || a.IsAdmin(s)
}

// PatchUser changes profile fields.
func (a *App) PatchUser(ctx context.Context, s *model.Session, userID string, p *model.UserPatch) (*model.User, error) {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	if !a.canEditUser(s, u) {
		return nil, model.ErrForbidden()
	}
	if field := a.ldapOwnedAttribute(u, p); field != "" {
		return nil, model.NewAppError(http.StatusConflict, "api.user.patch_user.login_provider_attribute_set.app_error",
			"The "+field+" of this user is set by their login provider (LDAP) and cannot be changed here.")
	}
	if field := a.samlOwnedAttribute(u, p); field != "" {
		return nil, model.NewAppError(http.StatusConflict, "api.user.patch_user.login_provider_attribute_set.app_error",
			"The "+field+" of this user is set by their login provider (SAML) and cannot be changed here.")
	}
	if p.Email != nil && strings.ToLower(*p.Email) != u.Email && s.UserID == u.ID && !a.IsAdmin(s) {
		if p.Password == nil || !checkPassword(u.Password, *p.Password) {
			return nil, model.NewAppError(http.StatusBadRequest, "api.user.check_user_password.invalid.app_error",
				"Login failed because of invalid password.")
		}
	}
	oldName := u.Username
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&u.Username, p.Username)
	set(&u.Nickname, p.Nickname)
	set(&u.FirstName, p.FirstName)
	set(&u.LastName, p.LastName)
	set(&u.Position, p.Position)
	set(&u.Email, p.Email)
	set(&u.Locale, p.Locale)
	if p.Props != nil {
		u.Props = p.Props
	}
	wasResponding := u.NotifyProps[notifyAutoResponderActive] == "true"
	if p.NotifyProps != nil {
		u.NotifyProps = p.NotifyProps
	}
	if p.Timezone != nil {
		u.Timezone = p.Timezone
	}
	out, err := a.saveUser(ctx, s, u, oldName)
	if err == nil {
		a.autoResponderStatus(ctx, u.ID, wasResponding, u.NotifyProps[notifyAutoResponderActive] == "true")
	}
	return out, err
}

// UpdateUser replaces the profile fields of a user with those of u.
func (a *App) UpdateUser(ctx context.Context, s *model.Session, u *model.User) (*model.User, error) {
	patch := &model.UserPatch{Username: &u.Username, Nickname: &u.Nickname, FirstName: &u.FirstName, LastName: &u.LastName,
		Position: &u.Position, Email: &u.Email, Locale: &u.Locale, Props: u.Props, NotifyProps: u.NotifyProps, Timezone: u.Timezone}
	if u.Password != "" {
		patch.Password = &u.Password
	}
	return a.PatchUser(ctx, s, u.ID, patch)
}

func (a *App) saveUser(ctx context.Context, s *model.Session, u *model.User, oldName string) (*model.User, error) {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if appErr := u.IsValid(); appErr != nil {
		return nil, appErr
	}
	if oldName != u.Username && u.NotifyProps != nil {
		keys := strings.Split(u.NotifyProps["mention_keys"], ",")
		for i, k := range keys {
			if k == oldName || k == "@"+oldName {
				keys[i] = u.Username
			}
		}
		u.NotifyProps["mention_keys"] = strings.Join(keys, ",")
	}
	u.UpdateAt = model.Now()
	if err := a.updateUser(ctx, a.store, u, u); err != nil {
		return nil, err
	}
	if s.UserID != u.ID {
		a.audit(ctx, s, model.AuditUserUpdate, "user", u.ID, true, "profile")
	}
	a.sanitize(s, u)
	return u, nil
}

func (a *App) publishUserUpdated(ctx context.Context, u *model.User) {
	a.publish(ctx, a.userUpdatedEvent(u))
}

// userUpdatedEvent is user_updated with u as anyone may see it.
func (a *App) userUpdatedEvent(u *model.User) *model.Event {
	pub := *u
	pub.Sanitize(false, false, a.Config().ShowEmailAddress, a.Config().ShowFullName)
	return model.NewEvent(model.EventUserUpdated, model.Broadcast{}, map[string]any{"user": &pub})
}

// UpdatePassword changes a password: the user with their current one, or an admin.
func (a *App) UpdatePassword(ctx context.Context, s *model.Session, userID, current, next string) error {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	if s.UserID == userID {
		if u.AuthService != "" {
			return model.NewAppError(http.StatusBadRequest, "api.user.update_password.oauth.app_error",
				"Update password failed because the user is logged in through an OAuth service.")
		}
		if current == "" {
			return model.ErrInvalidBody("current_password")
		}
		if !checkPassword(u.Password, current) {
			return model.NewAppError(http.StatusBadRequest, "api.user.update_password.incorrect.app_error",
				"The \"Current Password\" you entered is incorrect. Please check that Caps Lock is off and try again.")
		}
	} else if !a.HasPermission(s, model.PermSysconsoleWriteUserMgmt) {
		return model.ErrForbidden()
	}
	if appErr := model.IsValidPassword(next, a.passwordPolicy()); appErr != nil {
		return appErr
	}
	h, err := hashPassword(next)
	if err != nil {
		return model.ErrInternal(err)
	}
	if err := a.store.UpdatePassword(ctx, userID, h, model.Now()); err != nil {
		return storeErr(err, errUserNotFound())
	}
	a.audit(ctx, s, model.AuditUserPassword, "user", userID, true, "")
	if !a.Config().RevokeSessionsOnPasswordChange {
		return nil
	}
	// Whoever knew the old password is logged out; the user changing their
	// own keeps the session they changed it from.
	keep := ""
	if s.UserID == userID {
		keep = s.ID
	}
	return a.revokeOtherSessions(ctx, userID, keep)
}

// DeactivateUser is DELETE /users/{id}. As in Mattermost, deactivating
// someone else needs edit_other_users before the rules of SetUserActive.
func (a *App) DeactivateUser(ctx context.Context, s *model.Session, userID string) error {
	if s.UserID != userID && !a.HasPermission(s, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	return a.SetUserActive(ctx, s, userID, false)
}

// SetUserActive deactivates or reactivates an account; deactivation ends its sessions.
func (a *App) SetUserActive(ctx context.Context, s *model.Session, userID string, active bool) error {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	if s.UserID == userID && !a.IsAdmin(s) {
		if active || !a.Config().EnableUserDeactivation {
			return model.NewAppError(http.StatusUnauthorized, "api.user.update_active.not_enable.app_error",
				"You cannot deactivate yourself because this feature is not enabled. Please contact your System Administrator.")
		}
	} else if !a.HasPermission(s, model.PermSysconsoleWriteUserMgmt) {
		return model.NewAppError(http.StatusForbidden, "api.user.update_active.permissions.app_error",
			"You do not have the appropriate permissions.")
	} else if u.IsSystemAdmin() && !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if s.UserID == userID && !active {
		if err := a.requireRecentLogin(ctx, s, ""); err != nil {
			return err
		}
	}
	now := model.Now()
	if active {
		u.DeleteAt = 0
	} else if u.DeleteAt == 0 {
		u.DeleteAt = now
	}
	u.UpdateAt = now
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return model.ErrInternal(err)
		}
		if !active {
			return a.endSessions(ctx, tx, userID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	action := model.AuditUserActivate
	if !active {
		action = model.AuditUserDeactivate
	}
	a.audit(ctx, s, action, "user", userID, true, "")
	a.publishUserUpdated(ctx, u)
	return nil
}

// UpdateUserRoles sets a user's system roles.
func (a *App) UpdateUserRoles(ctx context.Context, s *model.Session, userID, roles string) error {
	if !a.HasPermission(s, model.PermManageRoles) {
		return model.ErrForbidden()
	}
	fields := strings.Fields(roles)
	base := false
	for _, r := range fields {
		if _, ok := a.roles[r]; !ok || !strings.HasPrefix(r, "system_") {
			return model.ErrInvalidBody("roles")
		}
		if model.IsGuestRole(r) {
			return model.ErrGuestRole(r)
		}
		base = base || r == model.RoleSystemUser
	}
	// Every account keeps a base role; without one it could do nothing at all.
	if !base {
		return model.ErrInvalidBody("roles")
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	u.Roles = strings.Join(fields, " ")
	u.UpdateAt = model.Now()
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return model.ErrInternal(err)
		}
		return storeErr(tx.UpdateSessionRoles(ctx, userID, u.Roles), nil)
	})
	if err != nil {
		return err
	}
	a.audit(ctx, s, model.AuditRoleChange, "user", userID, true, "roles="+u.Roles)
	a.publish(ctx, model.NewEvent(model.EventUserRoleUpdated, model.Broadcast{UserID: userID},
		map[string]any{"user_id": userID, "roles": u.Roles}))
	return nil
}

// canReadUserTeams reports whether the caller may list another user's teams.
func (a *App) canReadUserTeams(s *model.Session, userID string) bool {
	return a.IsSelfOr(s, userID, model.PermReadOtherUsersTeams)
}
