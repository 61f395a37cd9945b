package model

import (
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Team is a workspace holding channels.
type Team struct {
	ID                  string  `json:"id"`
	CreateAt            int64   `json:"create_at"`
	UpdateAt            int64   `json:"update_at"`
	DeleteAt            int64   `json:"delete_at"`
	DisplayName         string  `json:"display_name"`
	Name                string  `json:"name"`
	Description         string  `json:"description"`
	Email               string  `json:"email"`
	Type                string  `json:"type"`
	CompanyName         string  `json:"company_name"`
	AllowedDomains      string  `json:"allowed_domains"`
	InviteID            string  `json:"invite_id"`
	AllowOpenInvite     bool    `json:"allow_open_invite"`
	LastTeamIconUpdate  int64   `json:"last_team_icon_update,omitempty"`
	SchemeID            *string `json:"scheme_id"`
	GroupConstrained    *bool   `json:"group_constrained"`
	PolicyID            *string `json:"policy_id"`
	CloudLimitsArchived bool    `json:"cloud_limits_archived"`
}

// TeamPatch holds the fields PUT /teams/{id}/patch may change.
type TeamPatch struct {
	DisplayName      *string `json:"display_name"`
	Description      *string `json:"description"`
	CompanyName      *string `json:"company_name"`
	AllowedDomains   *string `json:"allowed_domains"`
	AllowOpenInvite  *bool   `json:"allow_open_invite"`
	GroupConstrained *bool   `json:"group_constrained"`
}

// TeamMember is a user's membership of a team.
type TeamMember struct {
	TeamID        string `json:"team_id"`
	UserID        string `json:"user_id"`
	Roles         string `json:"roles"`
	DeleteAt      int64  `json:"delete_at"`
	SchemeGuest   bool   `json:"scheme_guest"`
	SchemeUser    bool   `json:"scheme_user"`
	SchemeAdmin   bool   `json:"scheme_admin"`
	ExplicitRoles string `json:"explicit_roles"`
	CreateAt      int64  `json:"create_at,omitempty"`
}

// TeamUnread is the unread summary of one team for one user.
type TeamUnread struct {
	TeamID                   string `json:"team_id"`
	MsgCount                 int64  `json:"msg_count"`
	MentionCount             int64  `json:"mention_count"`
	MentionCountRoot         int64  `json:"mention_count_root"`
	MsgCountRoot             int64  `json:"msg_count_root"`
	ThreadCount              int64  `json:"thread_count"`
	ThreadMentionCount       int64  `json:"thread_mention_count"`
	ThreadUrgentMentionCount int64  `json:"thread_urgent_mention_count"`
}

// TeamStats counts a team's members.
type TeamStats struct {
	TeamID            string `json:"team_id"`
	TotalMemberCount  int64  `json:"total_member_count"`
	ActiveMemberCount int64  `json:"active_member_count"`
}

const (
	TeamOpen   = "O"
	TeamInvite = "I"
)

var (
	teamNameRE = regexp.MustCompile(`^[a-z0-9]+([a-z\-0-9]+|(__)?)[a-z0-9]+$`)
	// reservedTeamNames is Mattermost's model.reservedName, exactly: a team
	// name may not start with one of them.
	reservedTeamNames = []string{"admin", "api", "channel", "claim", "error", "files", "help", "landing", "login",
		"mfa", "oauth", "plug", "plugins", "post", "signup", "boards", "playbooks"}
)

// IsReservedTeamName reports whether a team name starts with a reserved
// word, as Mattermost's IsReservedTeamName does.
func IsReservedTeamName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range reservedTeamNames {
		if strings.HasPrefix(name, w) {
			return true
		}
	}
	return false
}

// IsValidTeamName applies the team URL rule of Team.IsValid, so that the
// importer accepts exactly the names the API does.
func IsValidTeamName(name string) bool {
	return len(name) >= 2 && len(name) <= 64 && !IsReservedTeamName(name) && teamNameRE.MatchString(name)
}

func teamInvalid(field, msg string) *AppError {
	return NewAppError(http.StatusBadRequest, "model.team.is_valid."+field+".app_error", msg)
}

// RolesString recomputes roles from the scheme flags plus explicit roles.
func (m *TeamMember) RolesString() string {
	var r []string
	if m.SchemeGuest {
		r = append(r, "team_guest")
	}
	if m.SchemeUser {
		r = append(r, RoleTeamUser)
	}
	if m.SchemeAdmin {
		r = append(r, RoleTeamAdmin)
	}
	if m.ExplicitRoles != "" {
		r = append(r, m.ExplicitRoles)
	}
	return strings.Join(r, " ")
}

// IsValid checks a team before it is stored.
func (t *Team) IsValid() *AppError {
	n := utf8.RuneCountInString(t.DisplayName)
	switch {
	case n == 0 || n > 64:
		return teamInvalid("name", "Invalid display name.")
	case len(t.Name) < 2 || len(t.Name) > 64:
		return teamInvalid("url", "Name must be 2 to 64 lowercase alphanumeric characters.")
	case IsReservedTeamName(t.Name):
		return teamInvalid("reserved", "This URL is unavailable. Please try another.")
	case !teamNameRE.MatchString(t.Name):
		return teamInvalid("characters", "Name must be lowercase letters, numbers and dashes, starting and ending with a letter or number.")
	case t.Type != TeamOpen && t.Type != TeamInvite:
		return teamInvalid("type", "Invalid type.")
	case utf8.RuneCountInString(t.Description) > 255:
		return teamInvalid("description", "Invalid description.")
	case utf8.RuneCountInString(t.CompanyName) > 64:
		return teamInvalid("company_name", "Invalid company name.")
	case len(t.AllowedDomains) > 500:
		return teamInvalid("domains", "Invalid allowed domains.")
	case len(t.Email) > 128:
		return teamInvalid("email", "Invalid email.")
	}
	return nil
}
