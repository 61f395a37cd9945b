package model

// Session is a login (or the internal session of a personal access token).
type Session struct {
	ID             string       `json:"id"`
	Token          string       `json:"token"`
	CreateAt       int64        `json:"create_at"`
	ExpiresAt      int64        `json:"expires_at"`
	LastActivityAt int64        `json:"last_activity_at"`
	UserID         string       `json:"user_id"`
	DeviceID       string       `json:"device_id"`
	Roles          string       `json:"roles"`
	IsOAuth        bool         `json:"is_oauth"`
	ExpiredNotify  bool         `json:"expired_notify"`
	Props          StringMap    `json:"props"`
	TeamMembers    []TeamMember `json:"team_members,omitempty"`
	Local          bool         `json:"local"`
}

// IsExpired reports whether the session has passed its expiry.
func (s *Session) IsExpired() bool { return s.ExpiresAt > 0 && Now() > s.ExpiresAt }

// CSRF is the token a cookie-authenticated request must echo in X-CSRF-Token.
func (s *Session) CSRF() string { return s.Props["csrf"] }

// UserAccessToken is a personal access token. Token is only sent on creation.
type UserAccessToken struct {
	ID          string `json:"id"`
	Token       string `json:"token,omitempty"`
	UserID      string `json:"user_id"`
	Description string `json:"description"`
	IsActive    bool   `json:"is_active"`
}

// Status is a user's presence.
type Status struct {
	UserID         string `json:"user_id"`
	Status         string `json:"status"`
	Manual         bool   `json:"manual"`
	LastActivityAt int64  `json:"last_activity_at"`
	ActiveChannel  string `json:"active_channel,omitempty"`
	DNDEndTime     int64  `json:"dnd_end_time"`
}

const (
	StatusOnline  = "online"
	StatusAway    = "away"
	StatusOffline = "offline"
	StatusDND     = "dnd"
)
