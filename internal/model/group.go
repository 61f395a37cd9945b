package model

import (
	"net/http"
	"regexp"
)

// Group sources, as Mattermost names them. Parley makes only custom groups;
// the column keeps the source so directory groups can live beside them.
const (
	GroupSourceCustom = "custom"
	GroupSourceLdap   = "ldap"
)

// Limits of a group's fields (Mattermost's model.Group*MaxLength).
const (
	GroupNameMaxLength        = 64
	GroupDisplayNameMaxLength = 128
	GroupDescriptionMaxLength = 1024
	// MaxGroupMembersPerRequest bounds the user_ids of one create or
	// membership change, so one request cannot hold a transaction for long.
	MaxGroupMembersPerRequest = 1000
)

// Group is a user group (Mattermost's model.Group): a named set of users that
// an @name mentions when AllowReference is on.
type Group struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	DisplayName    string  `json:"display_name"`
	Description    string  `json:"description"`
	Source         string  `json:"source"`
	RemoteID       *string `json:"remote_id"`
	CreateAt       int64   `json:"create_at"`
	UpdateAt       int64   `json:"update_at"`
	DeleteAt       int64   `json:"delete_at"`
	HasSyncables   bool    `json:"has_syncables"`
	MemberCount    *int64  `json:"member_count,omitempty"`
	AllowReference bool    `json:"allow_reference"`
	// ChannelMemberCount is how many of the members are in the channel
	// GET /groups?include_channel_member_count named.
	ChannelMemberCount *int64   `json:"channel_member_count,omitempty"`
	MemberIDs          []string `json:"member_ids"`
}

// GroupWithUserIDs is the body of POST /groups.
type GroupWithUserIDs struct {
	Group
	UserIDs []string `json:"user_ids"`
}

// GroupPatch is the body of PUT /groups/{id}/patch. Source and remote id
// cannot be patched, as in Mattermost.
type GroupPatch struct {
	Name           *string `json:"name"`
	DisplayName    *string `json:"display_name"`
	Description    *string `json:"description"`
	AllowReference *bool   `json:"allow_reference"`
}

// GroupMember is one membership (Mattermost's model.GroupMember).
type GroupMember struct {
	GroupID  string `json:"group_id"`
	UserID   string `json:"user_id"`
	CreateAt int64  `json:"create_at"`
	DeleteAt int64  `json:"delete_at"`
}

// GroupMemberList is the answer of GET /groups/{id}/members.
type GroupMemberList struct {
	Members []*User `json:"members"`
	Count   int64   `json:"total_member_count"`
}

// GroupStats is the answer of GET /groups/{id}/stats.
type GroupStats struct {
	GroupID          string `json:"group_id"`
	TotalMemberCount int64  `json:"total_member_count"`
}

// GroupModifyMembers is the body of POST and DELETE /groups/{id}/members.
type GroupModifyMembers struct {
	UserIDs []string `json:"user_ids"`
}

// GroupsPage is GET /groups?include_total_count=true.
type GroupsPage struct {
	Groups     []*Group `json:"groups"`
	TotalCount int64    `json:"total_count"`
}

var groupNameRE = regexp.MustCompile(`^[a-z0-9.\-_]+$`)

// ValidateGroup applies Mattermost's rules for a group about to be written
// (model.Group.IsValidForCreate): the name, the display name and description
// lengths.
func ValidateGroup(g *Group) *AppError {
	if err := ValidateGroupName(g.Name); err != nil {
		return err
	}
	if l := len(g.DisplayName); l == 0 || l > GroupDisplayNameMaxLength {
		return ErrInvalid("model.group.display_name.app_error",
			"Must be between 1 and 128 characters.")
	}
	if len(g.Description) > GroupDescriptionMaxLength {
		return ErrInvalid("model.group.description.app_error",
			"Must be no more than 1024 characters.")
	}
	return nil
}

// ValidateGroupName is Mattermost's model.Group.IsValidName for a named group.
func ValidateGroupName(name string) *AppError {
	if l := len(name); l == 0 || l > GroupNameMaxLength {
		return ErrInvalid("model.group.name.invalid_length.app_error",
			"Name must be 1 to 64 lowercase alphanumeric characters.")
	}
	if name == "all" || name == "channel" || name == "here" {
		return ErrInvalid("model.group.name.reserved_name.app_error", "Group name already exists.")
	}
	if !groupNameRE.MatchString(name) {
		return ErrInvalid("model.group.name.invalid_chars.app_error", "Invalid characters in the name property for group.")
	}
	return nil
}

// ErrCustomGroupsDisabled is the answer while custom groups are off.
func ErrCustomGroupsDisabled() *AppError {
	return NewAppError(http.StatusBadRequest, "api.custom_groups.feature_disabled", "User groups feature is disabled.")
}
