package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// GroupFilter narrows ListGroups. Empty fields do not filter.
type GroupFilter struct {
	Term            string // part of the name or display name
	Source          string
	AllowReference  bool     // only groups an @name mentions
	HasMember       string   // only groups this user is in
	IncludeArchived bool     // archived groups too
	OnlyArchived    bool     // archived groups only
	Since           int64    // update_at > Since
	Names           []string // only groups of these names
	MemberCount     bool     // fill in MemberCount
}

// GroupMention is one member of a referenceable group named in a message.
type GroupMention struct {
	GroupName string
	UserID    string
}

// GroupStore keeps user groups and their members.
type GroupStore interface {
	// CreateGroup saves g and its first members in one step; ErrConflict
	// when the name (or the source's remote id) is taken.
	CreateGroup(ctx context.Context, g *model.Group, userIDs []string) error
	// GetGroup finds a group, archived or not.
	GetGroup(ctx context.Context, id string) (*model.Group, error)
	// UpdateGroup writes the name, display name, description, reference
	// flag, update_at and delete_at; ErrConflict when the name is taken.
	UpdateGroup(ctx context.Context, g *model.Group) error
	// ListGroups pages groups by display name, then id.
	ListGroups(ctx context.Context, f GroupFilter, p Page) ([]*model.Group, error)
	// CountGroups counts the live groups.
	CountGroups(ctx context.Context) (int64, error)
	// GroupMemberCount counts a group's active members.
	GroupMemberCount(ctx context.Context, groupID string) (int64, error)
	// GroupMemberIDs lists the ids of a group's active members, in order.
	GroupMemberIDs(ctx context.Context, groupID string) ([]string, error)
	// GroupMembers pages a group's active members by username.
	GroupMembers(ctx context.Context, groupID string, p Page) ([]*model.User, error)
	// AddGroupMembers adds users to a group and returns the memberships
	// made; users already in it are left as they are.
	AddGroupMembers(ctx context.Context, groupID string, userIDs []string, at int64) ([]*model.GroupMember, error)
	// RemoveGroupMembers removes users from a group and returns the
	// memberships removed, with DeleteAt set to at.
	RemoveGroupMembers(ctx context.Context, groupID string, userIDs []string, at int64) ([]*model.GroupMember, error)
	// GroupMentions lists the channel's active members who belong to the
	// live, referenceable groups of these names.
	GroupMentions(ctx context.Context, channelID string, names []string) ([]GroupMention, error)
	// GroupChannelMemberCounts counts, for each group, its active members
	// who are in the channel; groups with none are left out.
	GroupChannelMemberCounts(ctx context.Context, channelID string, groupIDs []string) (map[string]int64, error)
	// UserMentionGroups lists the names of the live, referenceable groups a
	// user belongs to.
	UserMentionGroups(ctx context.Context, userID string) ([]string, error)
}
