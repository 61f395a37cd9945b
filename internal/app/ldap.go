package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// AuthServiceLDAP is the auth_service of accounts whose password and
// profile live in the directory.
const AuthServiceLDAP = "ldap"

// ldapEntry is one directory user, with the attributes Parley maps.
type ldapEntry struct {
	DN, ID, Username, LoginID, Email        string
	FirstName, LastName, Nickname, Position string
	Admin, Guest                            bool
}

func errLdapDisabled() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "ent.ldap.disabled.app_error", "LDAP is disabled.")
}

// ldapDial connects to the directory and binds as the search account (or
// anonymously when none is set).
func ldapDial(cfg *config.Config) (*ldap.Conn, error) {
	addr := net.JoinHostPort(cfg.LdapServer, strconv.Itoa(cfg.LdapPort))
	timeout := time.Duration(cfg.LdapQueryTimeout) * time.Second
	tlsCfg := &tls.Config{ServerName: cfg.LdapServer, InsecureSkipVerify: cfg.LdapSkipCertificateVerification, MinVersion: tls.VersionTLS12}
	d := &net.Dialer{Timeout: timeout}
	var opts []ldap.DialOpt
	opts = append(opts, ldap.DialWithDialer(d))
	url := "ldap://" + addr
	if cfg.LdapConnectionSecurity == "TLS" {
		url = "ldaps://" + addr
		opts = append(opts, ldap.DialWithTLSConfig(tlsCfg))
	}
	conn, err := ldap.DialURL(url, opts...)
	if err != nil {
		return nil, model.NewAppError(http.StatusInternalServerError, "ent.ldap.do_login.unable_to_connect.app_error",
			"Unable to connect to the LDAP server: "+err.Error())
	}
	conn.SetTimeout(timeout)
	if cfg.LdapConnectionSecurity == "STARTTLS" {
		if err := conn.StartTLS(tlsCfg); err != nil {
			conn.Close()
			return nil, model.NewAppError(http.StatusInternalServerError, "ent.ldap.do_login.unable_to_connect.app_error",
				"STARTTLS with the LDAP server failed: "+err.Error())
		}
	}
	if cfg.LdapBindUsername != "" {
		err = conn.Bind(cfg.LdapBindUsername, cfg.LdapBindPassword)
	} else {
		err = conn.UnauthenticatedBind("")
	}
	if err != nil {
		conn.Close()
		return nil, model.NewAppError(http.StatusInternalServerError, "ent.ldap.do_login.bind_admin_user.app_error",
			"Unable to bind to the LDAP server. Check BindUsername and BindPassword: "+err.Error())
	}
	return conn, nil
}

// ldapAttributes are the attributes a search asks for.
func ldapAttributes(cfg *config.Config) []string {
	var out []string
	for _, a := range []string{cfg.LdapIDAttribute, cfg.LdapUsernameAttribute, cfg.LdapLoginIDAttribute, cfg.LdapEmailAttribute,
		cfg.LdapFirstNameAttribute, cfg.LdapLastNameAttribute, cfg.LdapNicknameAttribute, cfg.LdapPositionAttribute} {
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}

// ldapFilter ANDs the user filter with more conditions; an empty user filter
// matches every entry.
func ldapFilter(userFilter string, more ...string) string {
	parts := []string{}
	if f := strings.TrimSpace(userFilter); f != "" {
		if !strings.HasPrefix(f, "(") {
			f = "(" + f + ")"
		}
		parts = append(parts, f)
	}
	parts = append(parts, more...)
	switch len(parts) {
	case 0:
		return "(objectClass=*)"
	case 1:
		return parts[0]
	}
	return "(&" + strings.Join(parts, "") + ")"
}

func (a *App) ldapSearch(conn *ldap.Conn, cfg *config.Config, filter string) ([]*ldap.Entry, error) {
	req := ldap.NewSearchRequest(cfg.LdapBaseDN, ldap.ScopeWholeSubtree, ldap.DerefAlways, 0, cfg.LdapQueryTimeout, false,
		filter, ldapAttributes(cfg), nil)
	var res *ldap.SearchResult
	var err error
	if cfg.LdapMaxPageSize > 0 {
		res, err = conn.SearchWithPaging(req, uint32(cfg.LdapMaxPageSize))
	} else {
		res, err = conn.Search(req)
	}
	if err != nil {
		return nil, model.NewAppError(http.StatusInternalServerError, "ent.ldap.do_login.search_ldap_server.app_error",
			"Searching the LDAP server failed: "+err.Error())
	}
	return res.Entries, nil
}

// ldapEntries searches for the users matching extra (ANDed with the user
// filter), marking admins and guests by their filters.
func (a *App) ldapEntries(conn *ldap.Conn, cfg *config.Config, extra string) ([]ldapEntry, error) {
	var more []string
	if extra != "" {
		more = append(more, extra)
	}
	raw, err := a.ldapSearch(conn, cfg, ldapFilter(cfg.LdapUserFilter, more...))
	if err != nil {
		return nil, err
	}
	marked := func(on bool, filter string) (map[string]bool, error) {
		if !on || strings.TrimSpace(filter) == "" || len(raw) == 0 {
			return nil, nil
		}
		es, err := a.ldapSearch(conn, cfg, ldapFilter(cfg.LdapUserFilter, append(more, ldapFilter(filter))...))
		if err != nil {
			return nil, err
		}
		set := make(map[string]bool, len(es))
		for _, e := range es {
			set[e.DN] = true
		}
		return set, nil
	}
	admins, err := marked(cfg.LdapEnableAdminFilter, cfg.LdapAdminFilter)
	if err != nil {
		return nil, err
	}
	guests, err := marked(cfg.GuestAccountsEnable, cfg.LdapGuestFilter)
	if err != nil {
		return nil, err
	}
	out := make([]ldapEntry, 0, len(raw))
	for _, e := range raw {
		le := ldapEntry{DN: e.DN, ID: e.GetAttributeValue(cfg.LdapIDAttribute),
			Username: strings.ToLower(e.GetAttributeValue(cfg.LdapUsernameAttribute)),
			LoginID:  e.GetAttributeValue(cfg.LdapLoginIDAttribute), Email: strings.ToLower(e.GetAttributeValue(cfg.LdapEmailAttribute)),
			Admin: admins[e.DN], Guest: guests[e.DN] && !admins[e.DN]}
		get := func(attr string) string {
			if attr == "" {
				return ""
			}
			return e.GetAttributeValue(attr)
		}
		le.FirstName, le.LastName = get(cfg.LdapFirstNameAttribute), get(cfg.LdapLastNameAttribute)
		le.Nickname, le.Position = get(cfg.LdapNicknameAttribute), get(cfg.LdapPositionAttribute)
		if le.ID == "" {
			a.log.Warn("LDAP entry without the id attribute is skipped", "dn", e.DN, "attribute", cfg.LdapIDAttribute)
			continue
		}
		out = append(out, le)
	}
	return out, nil
}

// ldapAuthenticate checks loginID and password against the directory and
// returns the account, creating it on first login or bringing its profile up
// to date. known is the local account the login id named, if any: its
// directory id finds the entry even when its login id changed. A wrong
// password and an unknown user answer alike, as Mattermost masks them.
// Wrong passwords count against the account as email logins do, so that
// Parley cannot be used to guess directory passwords; counted is the count
// the MFA check goes on from.
func (a *App) ldapAuthenticate(ctx context.Context, loginID string, known *model.User, password string) (u *model.User, counted int, err error) {
	cfg := a.Config()
	conn, err := ldapDial(cfg)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close()
	filter := "(" + ldap.EscapeFilter(cfg.LdapLoginIDAttribute) + "=" + ldap.EscapeFilter(loginID) + ")"
	if known != nil && known.AuthService == AuthServiceLDAP && known.AuthData != nil {
		filter = "(" + ldap.EscapeFilter(cfg.LdapIDAttribute) + "=" + ldap.EscapeFilter(*known.AuthData) + ")"
	}
	es, err := a.ldapEntries(conn, cfg, filter)
	if err != nil {
		return nil, 0, err
	}
	if len(es) != 1 {
		return nil, 0, errInvalidCredentials()
	}
	e := es[0]
	u, err = a.store.GetUserByAuth(ctx, AuthServiceLDAP, e.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, 0, model.ErrInternal(err)
	}
	if u != nil {
		locked, n, err := a.lockedOut(ctx, u)
		if err != nil {
			return nil, 0, model.ErrInternal(err)
		}
		if locked {
			return nil, 0, model.NewAppError(http.StatusUnauthorized, "api.user.check_user_login_attempts.too_many.app_error",
				"Your account is locked because of too many failed password attempts.")
		}
		counted = n
	}
	if err := conn.Bind(e.DN, password); err != nil {
		if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			return nil, 0, model.ErrInternal(fmt.Errorf("ldap bind as %s: %w", e.DN, err))
		}
		if u != nil {
			if err := a.loginFailed(ctx, u.ID, counted); err != nil {
				return nil, 0, err
			}
		}
		return nil, 0, errInvalidCredentials()
	}
	if u == nil {
		u, err = a.createLdapUser(ctx, e)
		return u, 0, err
	}
	u, err = a.applyLdapEntry(ctx, u, e, false)
	return u, counted, err
}

// ldapRoles is the system roles an entry gives.
func ldapRoles(e ldapEntry) string {
	switch {
	case e.Admin:
		return model.RoleSystemAdmin + " " + model.RoleSystemUser
	case e.Guest:
		return model.RoleSystemGuest
	}
	return model.RoleSystemUser
}

func (a *App) createLdapUser(ctx context.Context, e ldapEntry) (*model.User, error) {
	now := model.Now()
	id := e.ID
	u := &model.User{ID: model.NewID(), CreateAt: now, UpdateAt: now, Username: e.Username, Email: e.Email, EmailVerified: true,
		FirstName: e.FirstName, LastName: e.LastName, Nickname: e.Nickname, Position: e.Position,
		AuthService: AuthServiceLDAP, AuthData: &id, Roles: ldapRoles(e)}
	u.PreSave()
	if appErr := u.IsValid(); appErr != nil {
		return nil, appErr
	}
	if err := a.saveNewUser(ctx, a.store, u); err != nil {
		return nil, err
	}
	a.audit(ctx, nil, model.AuditUserCreate, "user", u.ID, true, "username="+u.Username+" auth_service=ldap")
	return u, nil
}

// applyLdapEntry copies the directory's attributes onto u and saves it when
// something changed; reactivate brings back an account a sync deactivated.
func (a *App) applyLdapEntry(ctx context.Context, u *model.User, e ldapEntry, reactivate bool) (*model.User, error) {
	cfg := a.Config()
	before := *u
	u.Username, u.Email, u.EmailVerified = e.Username, e.Email, true
	for _, f := range []struct {
		attr string
		dst  *string
		from string
	}{{cfg.LdapFirstNameAttribute, &u.FirstName, e.FirstName}, {cfg.LdapLastNameAttribute, &u.LastName, e.LastName},
		{cfg.LdapNicknameAttribute, &u.Nickname, e.Nickname}, {cfg.LdapPositionAttribute, &u.Position, e.Position}} {
		if f.attr != "" {
			*f.dst = f.from
		}
	}
	// The admin filter decides only when it is in use, so a role given in
	// Parley survives while it is off; the guest filter's changes go through
	// demotion and promotion below, which also turn the memberships over.
	guestFilter := cfg.GuestAccountsEnable && cfg.LdapGuestFilter != ""
	if cfg.LdapEnableAdminFilter && cfg.LdapAdminFilter != "" && !u.IsGuest() && !e.Guest {
		u.Roles = ldapRoles(e)
	}
	if reactivate {
		u.DeleteAt = 0
	}
	changed := u.Username != before.Username || u.Email != before.Email || u.FirstName != before.FirstName || u.LastName != before.LastName ||
		u.Nickname != before.Nickname || u.Position != before.Position || u.Roles != before.Roles || u.DeleteAt != before.DeleteAt ||
		u.EmailVerified != before.EmailVerified
	return a.saveProviderUser(ctx, u, changed, guestFilter, e.Guest)
}

// saveProviderUser stores what a directory or identity provider changed of
// u, then, when the provider decides guests (decidesGuest), demotes or
// promotes u to match guest, which also turns the memberships over.
func (a *App) saveProviderUser(ctx context.Context, u *model.User, changed, decidesGuest, guest bool) (*model.User, error) {
	if changed {
		if appErr := u.IsValid(); appErr != nil {
			return nil, appErr
		}
		u.UpdateAt = model.Now()
		if err := a.store.UpdateUser(ctx, u); err != nil {
			return nil, userConflict(err)
		}
		a.publishUserUpdated(ctx, u)
	}
	if decidesGuest && u.IsGuest() != guest && !u.IsSystemAdmin() {
		if err := a.setGuest(ctx, SystemSession(), u.ID, guest); err != nil {
			return nil, err
		}
		nu, err := a.store.GetUser(ctx, u.ID)
		return nu, storeErr(err, errUserNotFound())
	}
	return u, nil
}

// ldapOwnedAttribute names the first field of p the directory owns for u
// and p would change, or "".
func (a *App) ldapOwnedAttribute(u *model.User, p *model.UserPatch) string {
	if u.AuthService != AuthServiceLDAP || !a.Config().LdapEnable {
		return ""
	}
	cfg := a.Config()
	return changedOwnedAttribute(u, p, [6]string{cfg.LdapUsernameAttribute, cfg.LdapEmailAttribute, cfg.LdapFirstNameAttribute,
		cfg.LdapLastNameAttribute, cfg.LdapNicknameAttribute, cfg.LdapPositionAttribute})
}

// changedOwnedAttribute names the first profile field p would change whose
// provider attribute is set in attrs (username, email, first name, last
// name, nickname, position), or "".
func changedOwnedAttribute(u *model.User, p *model.UserPatch, attrs [6]string) string {
	for i, f := range []struct {
		name string
		cur  string
		next *string
	}{{"username", u.Username, p.Username}, {"email", u.Email, p.Email}, {"first_name", u.FirstName, p.FirstName},
		{"last_name", u.LastName, p.LastName}, {"nickname", u.Nickname, p.Nickname}, {"position", u.Position, p.Position}} {
		if attrs[i] != "" && f.next != nil && !strings.EqualFold(strings.TrimSpace(*f.next), f.cur) {
			return f.name
		}
	}
	return ""
}

// TestLdap is POST /ldap/test: can Parley connect, bind and search?
func (a *App) TestLdap(ctx context.Context, s *model.Session) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	cfg := a.Config()
	if !cfg.LdapEnable {
		return errLdapDisabled()
	}
	conn, err := ldapDial(cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = a.ldapSearch(conn, cfg, ldapFilter(cfg.LdapUserFilter))
	return err
}

// StartLdapSync is POST /ldap/sync: it queues an ldap_sync job, which the
// jobs loop of some node runs at once.
func (a *App) StartLdapSync(ctx context.Context, s *model.Session) (*model.Job, error) {
	return a.CreateJob(ctx, s, model.JobTypeLdapSync, nil)
}

// LdapSyncResult counts what a sync changed.
type LdapSyncResult struct {
	Updated, Deactivated int
}

// SyncLdap brings every LDAP account in line with the directory: attributes
// copied, accounts gone from it (or no longer matching the user filter)
// deactivated, their sessions and sockets ended, and returning ones
// reactivated. New directory users are created at their first login, as in
// Mattermost.
func (a *App) SyncLdap(ctx context.Context) (LdapSyncResult, error) {
	var res LdapSyncResult
	cfg := a.Config()
	if !cfg.LdapEnable {
		return res, errLdapDisabled()
	}
	conn, err := ldapDial(cfg)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	es, err := a.ldapEntries(conn, cfg, "")
	if err != nil {
		return res, err
	}
	byID := make(map[string]ldapEntry, len(es))
	for _, e := range es {
		byID[e.ID] = e
	}
	users, err := a.store.UsersByAuthService(ctx, AuthServiceLDAP)
	if err != nil {
		return res, model.ErrInternal(err)
	}
	var errs []error
	for _, u := range users {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		e, ok := byID[derefString(u.AuthData)]
		if !ok {
			if u.DeleteAt == 0 {
				if err := a.SetUserActive(ctx, SystemSession(), u.ID, false); err != nil {
					errs = append(errs, fmt.Errorf("deactivate %s: %w", u.Username, err))
					continue
				}
				res.Deactivated++
			}
			continue
		}
		before := u.UpdateAt
		nu, err := a.applyLdapEntry(ctx, u, e, true)
		if err != nil {
			errs = append(errs, fmt.Errorf("update %s: %w", u.Username, err))
			continue
		}
		if nu.UpdateAt != before {
			res.Updated++
		}
	}
	return res, errors.Join(errs...)
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// LdapSyncLoop queues a sync every ldap_sync_interval_minutes while LDAP
// and its sync are on, until ctx ends. The interval is read each round, so
// a reload takes effect at the next one.
func (a *App) LdapSyncLoop(ctx context.Context) {
	for {
		cfg := a.Config()
		wait := time.Duration(cfg.LdapSyncIntervalMinutes) * time.Minute
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if cfg = a.Config(); !cfg.LdapEnable || !cfg.LdapEnableSync {
			continue
		}
		if _, err := a.CreateJob(ctx, SystemSession(), model.JobTypeLdapSync, nil); err != nil {
			a.log.WarnContext(ctx, "queue LDAP sync", "err", err)
		}
	}
}

func (a *App) runLdapSyncJob(ctx context.Context, j *model.Job) error {
	res, err := a.SyncLdap(ctx)
	j.Data["updated"] = strconv.Itoa(res.Updated)
	j.Data["deactivated"] = strconv.Itoa(res.Deactivated)
	return err
}

// AuthMigration is one account moved to another login method.
type AuthMigration struct {
	UserID, Username, Problem string
}

// MigrateAuthToLdap is `parley user migrate-auth email ldap FIELD` (mmctl
// user migrate-auth): every email/password account whose email, username or
// id (match, against the email, username or id attribute) names exactly one
// directory entry becomes an LDAP account of that entry. An account without
// such an entry, or whose entry another account already has, is a problem:
// without force nothing is changed while there is one; with force the others
// are migrated. dryRun changes nothing either way.
func (a *App) MigrateAuthToLdap(ctx context.Context, match string, force, dryRun bool) ([]AuthMigration, error) {
	cfg := a.Config()
	if !cfg.LdapEnable {
		return nil, errLdapDisabled()
	}
	attr := map[string]string{"email": cfg.LdapEmailAttribute, "username": cfg.LdapUsernameAttribute, "id": cfg.LdapIDAttribute}[match]
	if attr == "" {
		return nil, model.NewAppError(http.StatusBadRequest, "api.user.migrate_auth.match_field.app_error",
			"The match field must be email, username or id.")
	}
	conn, err := ldapDial(cfg)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	es, err := a.ldapEntries(conn, cfg, "")
	if err != nil {
		return nil, err
	}
	byValue := map[string][]ldapEntry{}
	for _, e := range es {
		v := map[string]string{"email": e.Email, "username": e.Username, "id": e.ID}[match]
		byValue[strings.ToLower(v)] = append(byValue[strings.ToLower(v)], e)
	}
	users, err := a.store.UsersByAuthService(ctx, "")
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var plan []AuthMigration
	entries := map[string]ldapEntry{}
	failed := false
	for _, u := range users {
		if u.IsBot {
			continue
		}
		key := map[string]string{"email": u.Email, "username": u.Username, "id": u.ID}[match]
		m := AuthMigration{UserID: u.ID, Username: u.Username}
		switch found := byValue[strings.ToLower(key)]; {
		case len(found) == 0:
			m.Problem = "no directory entry has " + attr + "=" + key
		case len(found) > 1:
			m.Problem = strconv.Itoa(len(found)) + " directory entries have " + attr + "=" + key
		default:
			if other, err := a.store.GetUserByAuth(ctx, AuthServiceLDAP, found[0].ID); err == nil {
				m.Problem = "the directory entry " + found[0].DN + " already belongs to " + other.Username
			} else if !errors.Is(err, store.ErrNotFound) {
				return nil, model.ErrInternal(err)
			}
			entries[u.ID] = found[0]
		}
		failed = failed || m.Problem != ""
		plan = append(plan, m)
	}
	if dryRun || (failed && !force) {
		return plan, nil
	}
	for i, m := range plan {
		if m.Problem != "" {
			continue
		}
		if err := a.setAuth(ctx, m.UserID, AuthServiceLDAP, entries[m.UserID].ID); err != nil {
			plan[i].Problem = err.Error()
		}
	}
	return plan, nil
}

// MigrateAuthToEmail is `parley user migrate-auth ldap email`: every LDAP
// account becomes an email account without a password, so its owner sets
// one through "Forgot password?" (or an admin with `parley user password`).
func (a *App) MigrateAuthToEmail(ctx context.Context, from string, dryRun bool) ([]AuthMigration, error) {
	users, err := a.store.UsersByAuthService(ctx, from)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	plan := make([]AuthMigration, 0, len(users))
	for _, u := range users {
		m := AuthMigration{UserID: u.ID, Username: u.Username}
		if !dryRun {
			if err := a.setAuth(ctx, u.ID, "", ""); err != nil {
				m.Problem = err.Error()
			}
		}
		plan = append(plan, m)
	}
	return plan, nil
}

// setAuth moves an account to service (empty: email and password) with the
// provider's id for it, dropping the password the provider now checks.
func (a *App) setAuth(ctx context.Context, userID, service, data string) error {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	u.AuthService, u.AuthData, u.Password = service, nil, ""
	if data != "" {
		u.AuthData = &data
	}
	u.UpdateAt = model.Now()
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return userConflict(err)
	}
	a.audit(ctx, SystemSession(), model.AuditUserUpdate, "user", userID, true, "auth_service="+service)
	a.publishUserUpdated(ctx, u)
	return nil
}
