package model

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

const (
	ChannelOpen    = "O"
	ChannelPrivate = "P"
	ChannelDirect  = "D"
	ChannelGroup   = "G"

	DefaultChannel  = "town-square"
	OffTopicChannel = "off-topic"
)

// Channel is a public, private, direct or group conversation.
type Channel struct {
	ID                string         `json:"id"`
	CreateAt          int64          `json:"create_at"`
	UpdateAt          int64          `json:"update_at"`
	DeleteAt          int64          `json:"delete_at"`
	TeamID            string         `json:"team_id"`
	Type              string         `json:"type"`
	DisplayName       string         `json:"display_name"`
	Name              string         `json:"name"`
	Header            string         `json:"header"`
	Purpose           string         `json:"purpose"`
	LastPostAt        int64          `json:"last_post_at"`
	TotalMsgCount     int64          `json:"total_msg_count"`
	ExtraUpdateAt     int64          `json:"extra_update_at"`
	CreatorID         string         `json:"creator_id"`
	SchemeID          *string        `json:"scheme_id"`
	Props             map[string]any `json:"props"`
	GroupConstrained  *bool          `json:"group_constrained"`
	Shared            *bool          `json:"shared"`
	TotalMsgCountRoot int64          `json:"total_msg_count_root"`
	PolicyID          *string        `json:"policy_id"`
	LastRootPostAt    int64          `json:"last_root_post_at"`
}

// ChannelPatch holds the fields PUT /channels/{id}/patch may change.
type ChannelPatch struct {
	DisplayName      *string `json:"display_name"`
	Name             *string `json:"name"`
	Header           *string `json:"header"`
	Purpose          *string `json:"purpose"`
	GroupConstrained *bool   `json:"group_constrained"`
}

// ChannelMember is a user's membership of a channel, with its unread state.
type ChannelMember struct {
	ChannelID          string    `json:"channel_id"`
	UserID             string    `json:"user_id"`
	Roles              string    `json:"roles"`
	LastViewedAt       int64     `json:"last_viewed_at"`
	MsgCount           int64     `json:"msg_count"`
	MentionCount       int64     `json:"mention_count"`
	MentionCountRoot   int64     `json:"mention_count_root"`
	UrgentMentionCount int64     `json:"urgent_mention_count"`
	MsgCountRoot       int64     `json:"msg_count_root"`
	NotifyProps        StringMap `json:"notify_props"`
	LastUpdateAt       int64     `json:"last_update_at"`
	SchemeGuest        bool      `json:"scheme_guest"`
	SchemeUser         bool      `json:"scheme_user"`
	SchemeAdmin        bool      `json:"scheme_admin"`
	ExplicitRoles      string    `json:"explicit_roles"`
}

// ChannelMemberWithTeamData is a membership with the names of the channel's
// team (empty for DMs and GMs), as GET /users/{id}/channel_members lists them.
type ChannelMemberWithTeamData struct {
	ChannelMember
	TeamDisplayName string `json:"team_display_name"`
	TeamName        string `json:"team_name"`
	TeamUpdateAt    int64  `json:"team_update_at"`
}

// ChannelUnread is a channel's unread summary for one user; MsgCount is the unread count.
type ChannelUnread struct {
	TeamID             string `json:"team_id"`
	ChannelID          string `json:"channel_id"`
	MsgCount           int64  `json:"msg_count"`
	MentionCount       int64  `json:"mention_count"`
	MentionCountRoot   int64  `json:"mention_count_root"`
	MsgCountRoot       int64  `json:"msg_count_root"`
	UrgentMentionCount int64  `json:"urgent_mention_count"`
}

// ChannelStats counts a channel's members and pinned posts.
type ChannelStats struct {
	ChannelID       string `json:"channel_id"`
	MemberCount     int64  `json:"member_count"`
	GuestCount      int64  `json:"guest_count"`
	PinnedPostCount int64  `json:"pinnedpost_count"`
	FilesCount      int64  `json:"files_count"`
}

// SidebarCategory is one section of a user's sidebar in a team.
type SidebarCategory struct {
	ID          string   `json:"id"`
	UserID      string   `json:"user_id"`
	TeamID      string   `json:"team_id"`
	SortOrder   int64    `json:"sort_order"`
	Sorting     string   `json:"sorting"`
	Type        string   `json:"type"`
	DisplayName string   `json:"display_name"`
	Muted       bool     `json:"muted"`
	Collapsed   bool     `json:"collapsed"`
	ChannelIDs  []string `json:"channel_ids"`
}

// SidebarCategories is the GET categories response.
type SidebarCategories struct {
	Categories []*SidebarCategory `json:"categories"`
	Order      []string           `json:"order"`
}

// DefaultChannelNotifyProps are the notify props of a new channel membership.
func DefaultChannelNotifyProps() StringMap {
	return StringMap{"desktop": "default", "email": "default", "push": "default",
		"mark_unread": "all", "ignore_channel_mentions": "default", "channel_auto_follow_threads": "off"}
}

// RolesString recomputes roles from the scheme flags plus explicit roles.
func (m *ChannelMember) RolesString() string {
	var r []string
	if m.SchemeGuest {
		r = append(r, "channel_guest")
	}
	if m.SchemeUser {
		r = append(r, RoleChannelUser)
	}
	if m.SchemeAdmin {
		r = append(r, RoleChannelAdmin)
	}
	if m.ExplicitRoles != "" {
		r = append(r, m.ExplicitRoles)
	}
	return strings.Join(r, " ")
}

// channelNameRE is Mattermost's IsValidChannelIdentifier: lower case only,
// starting with a letter or digit.
var channelNameRE = regexp.MustCompile(`^[a-z0-9]+([a-z\-\_0-9]+|(__)?)[a-z0-9]*$`)

// gmNameRE is the shape of a group message's name, refused for other channels.
var gmNameRE = regexp.MustCompile(`^[a-f0-9]{40}$`)

// IsValidChannelName applies the name rule for public and private channels.
func IsValidChannelName(name string) bool {
	return len(name) >= 1 && len(name) <= 64 && channelNameRE.MatchString(name)
}

// IsValidOpenOrPrivateChannelName is the name rule of Channel.IsValid for a
// public or private channel: the identifier rule, and not the shape of a DM's
// or group message's name.
func IsValidOpenOrPrivateChannelName(name string) bool {
	return IsValidChannelName(name) && !looksLikeDMOrGM(name)
}

// looksLikeDMOrGM reports whether a name has the shape of a DM's (two ids)
// or a group message's name.
func looksLikeDMOrGM(name string) bool {
	a, b, ok := strings.Cut(name, "__")
	return gmNameRE.MatchString(name) || ok && IsValidID(a) && IsValidID(b)
}

func channelInvalid(field, msg string) *AppError {
	return NewAppError(http.StatusBadRequest, "model.channel.is_valid."+field+".app_error", msg)
}

// IsValid checks a channel before it is stored.
func (c *Channel) IsValid() *AppError {
	switch {
	case utf8.RuneCountInString(c.DisplayName) > 64:
		return channelInvalid("display_name", "Invalid display name.")
	case (c.Type == ChannelOpen || c.Type == ChannelPrivate) && strings.TrimSpace(c.DisplayName) == "":
		return ErrInvalidBody("display_name")
	case c.Type != ChannelDirect && c.Type != ChannelGroup && !IsValidChannelName(c.Name):
		return channelInvalid("1_or_more", "Name must be 1 or more lowercase alphanumeric characters.")
	case c.Type != ChannelDirect && c.Type != ChannelGroup && looksLikeDMOrGM(c.Name):
		return channelInvalid("name", "Invalid name.")
	case c.Type != ChannelOpen && c.Type != ChannelPrivate && c.Type != ChannelDirect && c.Type != ChannelGroup:
		return channelInvalid("type", "Invalid type.")
	case utf8.RuneCountInString(c.Header) > 1024:
		return channelInvalid("header", "Invalid header.")
	case utf8.RuneCountInString(c.Purpose) > 250:
		return channelInvalid("purpose", "Invalid purpose.")
	}
	return nil
}

// IsGroupOrDirect reports whether the channel is a DM or group message.
func (c *Channel) IsGroupOrDirect() bool { return c.Type == ChannelDirect || c.Type == ChannelGroup }

// DirectChannelName is the name of the DM between two users.
func DirectChannelName(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "__" + b
}

// GroupChannelName is the name of the group message between these users.
func GroupChannelName(userIDs []string) string {
	ids := append([]string(nil), userIDs...)
	sort.Strings(ids)
	h := sha1.Sum([]byte(strings.Join(ids, "")))
	return hex.EncodeToString(h[:])
}

// DirectChannelOtherUser returns the other member's id of a DM name, or "".
func DirectChannelOtherUser(name, me string) string {
	a, b, ok := strings.Cut(name, "__")
	if !ok {
		return ""
	}
	if a == me {
		return b
	}
	return a
}

// GroupsWithCount is Mattermost's answer for a channel's or team's groups.
type GroupsWithCount struct {
	Groups          []any `json:"groups"`
	TotalGroupCount int64 `json:"total_group_count"`
}

// UnreadCounts is what a member has not read after marking a post unread.
type UnreadCounts struct {
	Posts, Roots, Mentions, MentionsRoot int64
}

// ChannelUnreadAt is a member's unread state after POST …/set_unread.
type ChannelUnreadAt struct {
	TeamID             string    `json:"team_id"`
	UserID             string    `json:"user_id"`
	ChannelID          string    `json:"channel_id"`
	MsgCount           int64     `json:"msg_count"`
	MentionCount       int64     `json:"mention_count"`
	MentionCountRoot   int64     `json:"mention_count_root"`
	UrgentMentionCount int64     `json:"urgent_mention_count"`
	MsgCountRoot       int64     `json:"msg_count_root"`
	LastViewedAt       int64     `json:"last_viewed_at"`
	NotifyProps        StringMap `json:"notify_props"`
}

// PostInfo tells where a post is and whether the caller is in that channel
// and team, for permalinks into channels not joined.
type PostInfo struct {
	ChannelID          string `json:"channel_id"`
	ChannelType        string `json:"channel_type"`
	ChannelDisplayName string `json:"channel_display_name"`
	HasJoinedChannel   bool   `json:"has_joined_channel"`
	TeamID             string `json:"team_id"`
	TeamType           string `json:"team_type"`
	TeamDisplayName    string `json:"team_display_name"`
	HasJoinedTeam      bool   `json:"has_joined_team"`
}

// GroupMessageConversion is the body of POST /channels/{id}/convert_to_channel.
type GroupMessageConversion struct {
	ChannelID   string `json:"channel_id"`
	TeamID      string `json:"team_id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// Sidebar category types, as in Mattermost.
const (
	SidebarCategoryFavorites      = "favorites"
	SidebarCategoryChannels       = "channels"
	SidebarCategoryDirectMessages = "direct_messages"
	SidebarCategoryCustom         = "custom"
)
