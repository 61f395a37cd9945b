package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// UserFilter narrows ListUsers. Empty fields do not filter.
type UserFilter struct {
	InTeam       string
	NotInTeam    string
	InChannel    string
	NotInChannel string
	WithoutTeam  bool
	Active       *bool // nil: both; true: only active; false: only deactivated
	Role         string
	Term         string // prefix of username, names, nickname (and email when SearchEmail)
	SearchEmail  bool
	SkipFullName bool   // Term does not match first and last names
	Sort         string // "" (username), "create_at", "last_activity_at", "admin" (InChannel's admins first)
	Since        int64  // update_at > Since
}

// UserStore keeps accounts.
type UserStore interface {
	SaveUser(ctx context.Context, u *model.User) error
	UpdateUser(ctx context.Context, u *model.User) error
	GetUser(ctx context.Context, id string) (*model.User, error)
	GetUserByUsername(ctx context.Context, username string) (*model.User, error)
	GetUserByEmail(ctx context.Context, email string) (*model.User, error)
	// GetUserByAuth finds the account an external identity (auth_service
	// "ldap" and the directory's id attribute) belongs to.
	GetUserByAuth(ctx context.Context, service, data string) (*model.User, error)
	// UsersByAuthService lists every account of one auth_service, active or not.
	UsersByAuthService(ctx context.Context, service string) ([]*model.User, error)
	GetUsersByIDs(ctx context.Context, ids []string, since int64) ([]*model.User, error)
	GetUsersByUsernames(ctx context.Context, names []string) ([]*model.User, error)
	ListUsers(ctx context.Context, f UserFilter, p Page) ([]*model.User, error)
	CountUsers(ctx context.Context, includeDeleted bool) (int64, error)
	UpdatePassword(ctx context.Context, userID, hash string, at int64) error
	UpdateFailedAttempts(ctx context.Context, userID string, n int) error
	// SetLastPictureUpdate moves a user's last_picture_update from one value
	// to another and sets update_at; ErrNotFound (and no change) if the user
	// is gone or no longer at from.
	SetLastPictureUpdate(ctx context.Context, userID string, from, to, at int64) error
	// RecordLogin sets the user's last login (Mattermost's Users.LastLogin)
	// and last activity to at.
	RecordLogin(ctx context.Context, userID string, at int64) error
	// KnownUserIDs returns the ids of users sharing a team or channel with userID.
	KnownUserIDs(ctx context.Context, userID string) ([]string, error)
}

// SessionStore keeps logins and personal access tokens.
type SessionStore interface {
	SaveSession(ctx context.Context, s *model.Session) error
	GetSessionByToken(ctx context.Context, token string) (*model.Session, error)
	GetSession(ctx context.Context, id string) (*model.Session, error)
	ListSessions(ctx context.Context, userID string) ([]*model.Session, error)
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID string) error
	DeleteAllSessions(ctx context.Context) error
	// TouchSession records a session's last activity: when, and from where
	// (props.last_activity_ip), as ip; an empty ip leaves the address alone.
	TouchSession(ctx context.Context, id string, at int64, ip string) error
	UpdateSessionDevice(ctx context.Context, id, deviceID string, expiresAt int64) error
	UpdateSessionRoles(ctx context.Context, userID, roles string) error

	SaveAccessToken(ctx context.Context, t *model.UserAccessToken) error
	GetAccessToken(ctx context.Context, id string) (*model.UserAccessToken, error)
	GetAccessTokenByToken(ctx context.Context, token string) (*model.UserAccessToken, error)
	ListAccessTokens(ctx context.Context, userID string, p Page) ([]*model.UserAccessToken, error)
	SearchAccessTokens(ctx context.Context, term string) ([]*model.UserAccessToken, error)
	SetAccessTokenActive(ctx context.Context, id string, active bool) error
	DeleteAccessToken(ctx context.Context, id string) error
	// DeleteSessionsByAccessToken removes the sessions of a personal access token.
	DeleteSessionsByAccessToken(ctx context.Context, tokenID string) error
}

// StatusStore keeps presence.
type StatusStore interface {
	SaveStatus(ctx context.Context, s *model.Status) error
	GetStatus(ctx context.Context, userID string) (*model.Status, error)
	GetStatuses(ctx context.Context, userIDs []string) ([]*model.Status, error)
}

// PreferenceStore keeps per-user settings.
type PreferenceStore interface {
	SavePreferences(ctx context.Context, prefs []model.Preference) error
	GetPreferences(ctx context.Context, userID, category string) ([]model.Preference, error)
	GetPreference(ctx context.Context, userID, category, name string) (*model.Preference, error)
	DeletePreferences(ctx context.Context, userID string, prefs []model.Preference) error
}

// DraftStore keeps users' unsent messages.
type DraftStore interface {
	// UpsertDraft saves d, keeping the create_at of an existing draft.
	UpsertDraft(ctx context.Context, d *model.Draft) (*model.Draft, error)
	GetDraft(ctx context.Context, userID, channelID, rootID string) (*model.Draft, error)
	// DraftsForUser are the user's drafts in channels of teamID and in their
	// direct and group messages, of channels they are still a member of,
	// newest first.
	DraftsForUser(ctx context.Context, userID, teamID string) ([]*model.Draft, error)
	DeleteDraft(ctx context.Context, userID, channelID, rootID string) error
	// UserDrafts are all of a user's drafts, for their data export.
	UserDrafts(ctx context.Context, userID string) ([]*model.Draft, error)
}
