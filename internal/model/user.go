package model

import (
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// StringMap is a map of strings that encodes as {} rather than null.
type StringMap map[string]string

// User is an account. Password and MFA secret are input only.
type User struct {
	ID                 string    `json:"id"`
	CreateAt           int64     `json:"create_at,omitempty"`
	UpdateAt           int64     `json:"update_at,omitempty"`
	DeleteAt           int64     `json:"delete_at"`
	Username           string    `json:"username"`
	Password           string    `json:"password,omitempty"`
	AuthData           *string   `json:"auth_data,omitempty"`
	AuthService        string    `json:"auth_service"`
	Email              string    `json:"email"`
	EmailVerified      bool      `json:"email_verified,omitempty"`
	Nickname           string    `json:"nickname"`
	FirstName          string    `json:"first_name"`
	LastName           string    `json:"last_name"`
	Position           string    `json:"position"`
	Roles              string    `json:"roles"`
	AllowMarketing     bool      `json:"allow_marketing,omitempty"`
	Props              StringMap `json:"props,omitempty"`
	NotifyProps        StringMap `json:"notify_props,omitempty"`
	LastPasswordUpdate int64     `json:"last_password_update,omitempty"`
	LastPictureUpdate  int64     `json:"last_picture_update,omitempty"`
	FailedAttempts     int       `json:"failed_attempts,omitempty"`
	Locale             string    `json:"locale"`
	Timezone           StringMap `json:"timezone"`
	MfaActive          bool      `json:"mfa_active,omitempty"`
	MfaSecret          string    `json:"mfa_secret,omitempty"`
	LastActivityAt     int64     `json:"last_activity_at,omitempty"`
	IsBot              bool      `json:"is_bot,omitempty"`
	BotDescription     string    `json:"bot_description,omitempty"`
	// The terms of service the user last accepted, and when; filled only
	// for the user and system admins (App.GetUser, login), as Mattermost does.
	TermsOfServiceID       string `json:"terms_of_service_id,omitempty"`
	TermsOfServiceCreateAt int64  `json:"terms_of_service_create_at,omitempty"`
	DisableWelcomeMail     bool   `json:"disable_welcome_email"`
}

// UserPatch holds the fields PUT /users/{id}/patch may change.
type UserPatch struct {
	Username    *string   `json:"username"`
	Password    *string   `json:"password,omitempty"`
	Nickname    *string   `json:"nickname"`
	FirstName   *string   `json:"first_name"`
	LastName    *string   `json:"last_name"`
	Position    *string   `json:"position"`
	Email       *string   `json:"email"`
	Props       StringMap `json:"props,omitempty"`
	NotifyProps StringMap `json:"notify_props,omitempty"`
	Locale      *string   `json:"locale"`
	Timezone    StringMap `json:"timezone"`
}

const (
	RoleSystemAdmin      = "system_admin"
	RoleSystemUser       = "system_user"
	RoleSystemUserAccess = "system_user_access_token"
	RoleTeamAdmin        = "team_admin"
	RoleTeamUser         = "team_user"
	RoleChannelAdmin     = "channel_admin"
	RoleChannelUser      = "channel_user"

	// Guest roles are given only by demotion (POST /users/{id}/demote) and
	// LDAP's guest filter, which turn over every membership at once; the
	// roles endpoints refuse them (ErrGuestRole).
	RoleSystemGuest  = "system_guest"
	RoleTeamGuest    = "team_guest"
	RoleChannelGuest = "channel_guest"
)

// IsGuestRole reports whether r is one of the guest roles.
func IsGuestRole(r string) bool {
	return r == RoleSystemGuest || r == RoleTeamGuest || r == RoleChannelGuest
}

// ErrGuestRole refuses to give a guest role through a roles endpoint: a
// guest is made by demotion, which changes the account and all its
// memberships together.
func ErrGuestRole(role string) *AppError {
	return NewAppError(http.StatusBadRequest, "app.role.guest_unsupported.app_error",
		"The "+role+" role cannot be given here: demote the user to guest (POST /users/{user_id}/demote).")
}

var (
	// A letter first, as Mattermost's clients require: names like ".", "..",
	// "-" or ".hidden" would otherwise become paths, flags and mentions.
	usernameRE        = regexp.MustCompile(`^[a-z][a-z0-9.\-_]*$`)
	reservedUsernames = map[string]bool{"all": true, "channel": true, "matterbot": true, "system": true, "here": true}
)

// MaxEmailBytes is the longest address an account may have.
const MaxEmailBytes = 128

// IsValidEmail applies Mattermost's address rule (model.IsValidEmail): one
// plain RFC 5322 address, no display name or angle brackets, and nothing that
// is not printable (a NUL or a newline inside would pass a looser check). The
// API, the CLI and the importer all call it.
func IsValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmailBytes || strings.ContainsFunc(s, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return false
	}
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Name == "" && addr.Address == s
}

// DefaultUserNotifyProps are the notify props of a new account.
func DefaultUserNotifyProps(username string) StringMap {
	return StringMap{
		"email": "true", "push": "mention", "desktop": "mention", "desktop_sound": "true",
		"mention_keys": "", "channel": "true", "push_status": "away", "comments": "never",
		"first_name": "false", "desktop_threads": "all", "email_threads": "all", "push_threads": "all",
	}
}

// HasExtraMentionKeys tells whether a user can be mentioned by more than
// their username: by first name or by one of their mention keys.
func HasExtraMentionKeys(notifyProps StringMap) bool {
	return notifyProps["first_name"] == "true" || strings.Trim(notifyProps["mention_keys"], " ,") != ""
}

// DefaultTimezone is the timezone map of a new account.
func DefaultTimezone() StringMap {
	return StringMap{"useAutomaticTimezone": "true", "automaticTimezone": "", "manualTimezone": ""}
}

// IsValidUsername applies the username rule: 1–64 characters of a-z, 0-9,
// ".", "-" and "_", starting with a letter, not a reserved word.
func IsValidUsername(s string) bool {
	return s != "" && len(s) <= 64 && usernameRE.MatchString(s) && !reservedUsernames[s]
}

// PreSave normalises a new user before validation.
func (u *User) PreSave() {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Locale == "" {
		u.Locale = "en"
	}
	if u.NotifyProps == nil || len(u.NotifyProps) == 0 {
		u.NotifyProps = DefaultUserNotifyProps(u.Username)
	}
	if u.Timezone == nil || len(u.Timezone) == 0 {
		u.Timezone = DefaultTimezone()
	}
	if u.Props == nil {
		u.Props = StringMap{}
	}
}

func userInvalid(field string) *AppError {
	return NewAppError(http.StatusBadRequest, "model.user.is_valid."+field+".app_error",
		"Invalid "+strings.ReplaceAll(field, "_", " ")+".")
}

// IsValid checks the stored fields of a user (not the password).
func (u *User) IsValid() *AppError {
	switch {
	case !IsValidUsername(u.Username):
		return userInvalid("username")
	case !IsValidEmail(u.Email):
		return userInvalid("email")
	case utf8.RuneCountInString(u.Nickname) > 64:
		return userInvalid("nickname")
	case utf8.RuneCountInString(u.FirstName) > 64:
		return userInvalid("first_name")
	case utf8.RuneCountInString(u.LastName) > 64:
		return userInvalid("last_name")
	case utf8.RuneCountInString(u.Position) > 128:
		return userInvalid("position")
	case len(u.Locale) > 5:
		return userInvalid("locale")
	}
	return nil
}

// PasswordPolicy is what a new password must satisfy.
type PasswordPolicy struct {
	MinLength                            int
	Lowercase, Uppercase, Number, Symbol bool
}

// passwordSymbols are the characters Mattermost counts as symbols.
const passwordSymbols = " !\"\\#$%&'()*+,-./:;<=>?@[]^_`|~"

// MaxPasswordLength is Mattermost's PasswordMaximumLength; bcrypt ignores
// what is longer.
const MaxPasswordLength = 72

// IsValidPassword applies the policy with Mattermost's error ids: a length
// error names the bound (model.user.is_valid.pwd_min_length.app_error,
// pwd_max_length); otherwise the id names each missing class
// (model.user.is_valid.pwd_uppercase_number.app_error).
func IsValidPassword(pw string, p PasswordPolicy) *AppError {
	switch {
	case len(pw) < p.MinLength:
		return NewAppError(http.StatusBadRequest, "model.user.is_valid.pwd_min_length.app_error",
			"Your password must contain at least "+strconv.Itoa(p.MinLength)+" characters.")
	case len(pw) > MaxPasswordLength:
		return NewAppError(http.StatusBadRequest, "model.user.is_valid.pwd_max_length.app_error",
			"Your password must contain no more than "+strconv.Itoa(MaxPasswordLength)+" characters.")
	}
	id := "model.user.is_valid.pwd"
	var missing []string
	for _, r := range []struct {
		on    bool
		name  string
		chars string
	}{
		{p.Lowercase, "lowercase", "abcdefghijklmnopqrstuvwxyz"},
		{p.Uppercase, "uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{p.Number, "number", "0123456789"},
		{p.Symbol, "symbol", passwordSymbols},
	} {
		if r.on && !strings.ContainsAny(pw, r.chars) {
			id += "_" + r.name
			missing = append(missing, r.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return NewAppError(http.StatusBadRequest, id+".app_error",
		"Your password must contain at least one "+strings.Join(missing, ", one ")+" character.")
}

// HasRole reports whether the space-separated roles string contains role.
func HasRole(roles, role string) bool {
	for _, r := range strings.Fields(roles) {
		if r == role {
			return true
		}
	}
	return false
}

// IsSystemAdmin reports whether the user holds the system admin role.
func (u *User) IsSystemAdmin() bool { return HasRole(u.Roles, RoleSystemAdmin) }

// IsGuest reports whether u is a guest account (system_guest).
func (u *User) IsGuest() bool { return HasRole(u.Roles, RoleSystemGuest) }

// Sanitize removes what no response may carry, and what other users may not see.
func (u *User) Sanitize(self, admin bool, showEmail, showFullName bool) {
	u.Password = ""
	u.MfaSecret = ""
	empty := ""
	u.AuthData = &empty
	if self || admin {
		return
	}
	u.NotifyProps = nil
	u.EmailVerified = false
	u.AllowMarketing = false
	u.LastPasswordUpdate = 0
	u.FailedAttempts = 0
	u.AuthService = ""
	u.TermsOfServiceID, u.TermsOfServiceCreateAt = "", 0
	if !showEmail {
		u.Email = ""
	}
	if !showFullName {
		u.FirstName, u.LastName = "", ""
	}
}

// DisplayName is what other people see for the user.
func (u *User) DisplayName() string { return u.Username }
