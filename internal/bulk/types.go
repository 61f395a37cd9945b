// Package bulk reads, checks and writes the Mattermost bulk-import format: one
// JSON object per line, each holding one team, channel, user, post and so on,
// linked to each other by name. It knows nothing of storage; package app
// applies the lines to the database and produces them for export.
//
// Optional fields are pointers, as in Mattermost's importer, because an absent
// field must leave the stored value unchanged on re-import.
package bulk

import "encoding/json"

// Line types.
const (
	TypeVersion       = "version"
	TypeScheme        = "scheme"
	TypeRole          = "role"
	TypeEmoji         = "emoji"
	TypeTeam          = "team"
	TypeChannel       = "channel"
	TypeUser          = "user"
	TypeBot           = "bot"
	TypePost          = "post"
	TypeDirectChannel = "direct_channel"
	TypeDirectPost    = "direct_post"
)

// Line is one line of the file: a type and the payload under that key.
type Line struct {
	Type          string         `json:"type"`
	Version       *int           `json:"version,omitempty"`
	Info          *VersionInfo   `json:"info,omitempty"`
	Scheme        *Scheme        `json:"scheme,omitempty"`
	Role          *Role          `json:"role,omitempty"`
	Emoji         *Emoji         `json:"emoji,omitempty"`
	Team          *Team          `json:"team,omitempty"`
	Channel       *Channel       `json:"channel,omitempty"`
	User          *User          `json:"user,omitempty"`
	Bot           *Bot           `json:"bot,omitempty"`
	Post          *Post          `json:"post,omitempty"`
	DirectChannel *DirectChannel `json:"direct_channel,omitempty"`
	DirectPost    *DirectPost    `json:"direct_post,omitempty"`
}

// VersionInfo describes the program that wrote the file (informational).
type VersionInfo struct {
	Generator  string         `json:"generator,omitempty"`
	Version    string         `json:"version,omitempty"`
	Created    string         `json:"created,omitempty"`
	Additional map[string]any `json:"additional,omitempty"`
}

// Scheme is a permission scheme with its default roles.
type Scheme struct {
	Name                    *string `json:"name,omitempty"`
	DisplayName             *string `json:"display_name,omitempty"`
	Description             *string `json:"description,omitempty"`
	Scope                   *string `json:"scope,omitempty"`
	DefaultTeamAdminRole    *Role   `json:"default_team_admin_role,omitempty"`
	DefaultTeamUserRole     *Role   `json:"default_team_user_role,omitempty"`
	DefaultTeamGuestRole    *Role   `json:"default_team_guest_role,omitempty"`
	DefaultChannelAdminRole *Role   `json:"default_channel_admin_role,omitempty"`
	DefaultChannelUserRole  *Role   `json:"default_channel_user_role,omitempty"`
	DefaultChannelGuestRole *Role   `json:"default_channel_guest_role,omitempty"`
}

// Role is a named permission set.
type Role struct {
	Name          *string   `json:"name,omitempty"`
	DisplayName   *string   `json:"display_name,omitempty"`
	Description   *string   `json:"description,omitempty"`
	Permissions   *[]string `json:"permissions,omitempty"`
	SchemeManaged *bool     `json:"scheme_managed,omitempty"`
}

// Emoji is a custom emoji; Image is a path resolved like attachments.
type Emoji struct {
	Name  *string `json:"name,omitempty"`
	Image *string `json:"image,omitempty"`
}

// Team is a team, keyed by name.
type Team struct {
	Name            *string `json:"name,omitempty"`
	DisplayName     *string `json:"display_name,omitempty"`
	Type            *string `json:"type,omitempty"`
	Description     *string `json:"description,omitempty"`
	AllowOpenInvite *bool   `json:"allow_open_invite,omitempty"`
	Scheme          *string `json:"scheme,omitempty"`
}

// Channel is a public or private channel, keyed by team and name.
type Channel struct {
	Team        *string `json:"team,omitempty"`
	Name        *string `json:"name,omitempty"`
	DisplayName *string `json:"display_name,omitempty"`
	Type        *string `json:"type,omitempty"`
	Header      *string `json:"header,omitempty"`
	Purpose     *string `json:"purpose,omitempty"`
	Scheme      *string `json:"scheme,omitempty"`
	DeletedAt   *int64  `json:"deleted_at,omitempty"`
}

// User is an account with its memberships and preferences, keyed by username.
type User struct {
	ProfileImage *string          `json:"profile_image,omitempty"`
	Username     *string          `json:"username,omitempty"`
	Email        *string          `json:"email,omitempty"`
	AuthService  *string          `json:"auth_service,omitempty"`
	AuthData     *string          `json:"auth_data,omitempty"`
	Password     *string          `json:"password,omitempty"`
	Nickname     *string          `json:"nickname,omitempty"`
	FirstName    *string          `json:"first_name,omitempty"`
	LastName     *string          `json:"last_name,omitempty"`
	Position     *string          `json:"position,omitempty"`
	Roles        *string          `json:"roles,omitempty"`
	Locale       *string          `json:"locale,omitempty"`
	DeleteAt     *int64           `json:"delete_at,omitempty"`
	Teams        *[]UserTeam      `json:"teams,omitempty"`
	NotifyProps  *UserNotifyProps `json:"notify_props,omitempty"`
	CustomStatus json.RawMessage  `json:"custom_status,omitempty"`

	Theme                       *string `json:"theme,omitempty"`
	UseMilitaryTime             *string `json:"military_time,omitempty"`
	CollapsePreviews            *string `json:"link_previews,omitempty"`
	MessageDisplay              *string `json:"message_display,omitempty"`
	ChannelDisplayMode          *string `json:"channel_display_mode,omitempty"`
	TutorialStep                *string `json:"tutorial_step,omitempty"`
	UseMarkdownPreview          *string `json:"feature_enabled_markdown_preview,omitempty"`
	UseFormatting               *string `json:"formatting,omitempty"`
	ShowUnreadSection           *string `json:"show_unread_section,omitempty"`
	EmailInterval               *string `json:"email_interval,omitempty"`
	CollapseConsecutiveMessages *string `json:"collapse_consecutive_messages,omitempty"`
	ColorizeUsernames           *string `json:"colorize_usernames,omitempty"`
	SendOnCtrlEnter             *string `json:"send_on_ctrl_enter,omitempty"`
	CodeBlockCtrlEnter          *string `json:"code_block_ctrl_enter,omitempty"`
	ShowJoinLeave               *string `json:"show_join_leave,omitempty"`
	ShowUnreadScrollPosition    *string `json:"show_unread_scroll_position,omitempty"`
	SyncDrafts                  *string `json:"sync_drafts,omitempty"`
	LimitVisibleDmsGms          *string `json:"limit_visible_dms_gms,omitempty"`
	NameFormat                  *string `json:"name_format,omitempty"`
}

// UserNotifyProps are an account's notification settings.
type UserNotifyProps struct {
	Desktop          *string `json:"desktop,omitempty"`
	DesktopSound     *string `json:"desktop_sound,omitempty"`
	Email            *string `json:"email,omitempty"`
	Mobile           *string `json:"mobile,omitempty"`
	MobilePushStatus *string `json:"mobile_push_status,omitempty"`
	ChannelTrigger   *string `json:"channel,omitempty"`
	CommentsTrigger  *string `json:"comments,omitempty"`
	MentionKeys      *string `json:"mention_keys,omitempty"`
}

// UserTeam is a team membership.
type UserTeam struct {
	Name     *string        `json:"name,omitempty"`
	Roles    *string        `json:"roles,omitempty"`
	Theme    *string        `json:"theme,omitempty"`
	Channels *[]UserChannel `json:"channels,omitempty"`
}

// UserChannel is a channel membership within a team.
type UserChannel struct {
	Name               *string             `json:"name,omitempty"`
	Roles              *string             `json:"roles,omitempty"`
	NotifyProps        *ChannelNotifyProps `json:"notify_props,omitempty"`
	Favorite           *bool               `json:"favorite,omitempty"`
	MentionCount       *int64              `json:"mention_count,omitempty"`
	MentionCountRoot   *int64              `json:"mention_count_root,omitempty"`
	UrgentMentionCount *int64              `json:"urgend_mention_count,omitempty"`
	MsgCount           *int64              `json:"msg_count,omitempty"`
	MsgCountRoot       *int64              `json:"msg_count_root,omitempty"`
	LastViewedAt       *int64              `json:"last_viewed_at,omitempty"`
}

// ChannelNotifyProps are a membership's notification settings.
type ChannelNotifyProps struct {
	Desktop                  *string `json:"desktop,omitempty"`
	Mobile                   *string `json:"mobile,omitempty"`
	MarkUnread               *string `json:"mark_unread,omitempty"`
	Email                    *string `json:"email,omitempty"`
	IgnoreChannelMentions    *string `json:"ignore_channel_mentions,omitempty"`
	ChannelAutoFollowThreads *string `json:"channel_auto_follow_threads,omitempty"`
}

// Bot is a bot account owned by a user.
type Bot struct {
	Username     *string `json:"username,omitempty"`
	Owner        *string `json:"owner,omitempty"`
	DisplayName  *string `json:"display_name,omitempty"`
	Description  *string `json:"description,omitempty"`
	DeleteAt     *int64  `json:"delete_at,omitempty"`
	ProfileImage *string `json:"profile_image,omitempty"`
}

// Post is a root post in a team channel with its thread.
type Post struct {
	Team    *string `json:"team,omitempty"`
	Channel *string `json:"channel,omitempty"`
	PostBody
	Replies *[]PostBody `json:"replies,omitempty"`
}

// PostBody is what posts, direct posts and replies share.
type PostBody struct {
	User            *string           `json:"user,omitempty"`
	Type            *string           `json:"type,omitempty"`
	Message         *string           `json:"message,omitempty"`
	Props           *map[string]any   `json:"props,omitempty"`
	CreateAt        *int64            `json:"create_at,omitempty"`
	EditAt          *int64            `json:"edit_at,omitempty"`
	FlaggedBy       *[]string         `json:"flagged_by,omitempty"`
	Reactions       *[]Reaction       `json:"reactions,omitempty"`
	Attachments     *[]Attachment     `json:"attachments,omitempty"`
	IsPinned        *bool             `json:"is_pinned,omitempty"`
	ThreadFollowers *[]ThreadFollower `json:"thread_followers,omitempty"`
}

// Reaction is one user's emoji on a post.
type Reaction struct {
	User      *string `json:"user,omitempty"`
	EmojiName *string `json:"emoji_name,omitempty"`
	CreateAt  *int64  `json:"create_at,omitempty"`
}

// Attachment names a file, relative to the import path or data/ in a zip.
type Attachment struct {
	Path *string `json:"path,omitempty"`
}

// ThreadFollower is a user following a thread.
type ThreadFollower struct {
	User           *string `json:"user,omitempty"`
	LastViewed     *int64  `json:"last_viewed,omitempty"`
	UnreadMentions *int64  `json:"unread_mentions,omitempty"`
}

// DirectChannel is a DM (2 members) or group message (3–8), keyed by members.
type DirectChannel struct {
	Members     *[]string `json:"members,omitempty"`
	FavoritedBy *[]string `json:"favorited_by,omitempty"`
	ShownBy     *[]string `json:"shown_by,omitempty"`
	Header      *string   `json:"header,omitempty"`
}

// DirectPost is a post in a DM or group message with its thread.
type DirectPost struct {
	ChannelMembers *[]string `json:"channel_members,omitempty"`
	PostBody
	Replies *[]PostBody `json:"replies,omitempty"`
}

// Ptr returns a pointer to v, for building lines.
func Ptr[T any](v T) *T { return &v }
