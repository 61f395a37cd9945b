package model

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxPostRunes is the longest message accepted.
const MaxPostRunes = 16383

const (
	PostTypeJoinChannel     = "system_join_channel"
	PostTypeLeaveChannel    = "system_leave_channel"
	PostTypeAddToChannel    = "system_add_to_channel"
	PostTypeRemoveFromChan  = "system_remove_from_channel"
	PostTypeJoinTeam        = "system_join_team"
	PostTypeLeaveTeam       = "system_leave_team"
	PostTypeAddToTeam       = "system_add_to_team"
	PostTypeRemoveFromTeam  = "system_remove_from_team"
	PostTypeHeaderChange    = "system_header_change"
	PostTypeDisplayName     = "system_displayname_change"
	PostTypePurposeChange   = "system_purpose_change"
	PostTypeChannelDeleted  = "system_channel_deleted"
	PostTypeChannelRestored = "system_channel_restored"
	PostTypeGMConverted     = "system_gm_to_channel"
	PostTypeAutoResponder   = "system_auto_responder"
	PostTypeMe              = "me"
)

// Post is a message.
type Post struct {
	ID            string         `json:"id"`
	CreateAt      int64          `json:"create_at"`
	UpdateAt      int64          `json:"update_at"`
	EditAt        int64          `json:"edit_at"`
	DeleteAt      int64          `json:"delete_at"`
	IsPinned      bool           `json:"is_pinned"`
	UserID        string         `json:"user_id"`
	ChannelID     string         `json:"channel_id"`
	RootID        string         `json:"root_id"`
	OriginalID    string         `json:"original_id"`
	Message       string         `json:"message"`
	Type          string         `json:"type"`
	Props         map[string]any `json:"props"`
	Hashtags      string         `json:"hashtags"`
	FileIDs       []string       `json:"file_ids"`
	PendingPostID string         `json:"pending_post_id"`
	HasReactions  bool           `json:"has_reactions,omitempty"`
	ReplyCount    int64          `json:"reply_count"`
	LastReplyAt   int64          `json:"last_reply_at"`
	Participants  []*User        `json:"participants"`
	IsFollowing   *bool          `json:"is_following,omitempty"`
	Metadata      *PostMetadata  `json:"metadata,omitempty"`
}

// PostMetadata carries what clients render alongside a post.
type PostMetadata struct {
	Embeds    []any       `json:"embeds,omitempty"`
	Emojis    []*Emoji    `json:"emojis,omitempty"`
	Files     []*FileInfo `json:"files,omitempty"`
	Images    any         `json:"images,omitempty"`
	Reactions []*Reaction `json:"reactions,omitempty"`
	Priority  any         `json:"priority,omitempty"`
}

// PostPatch holds the fields PUT /posts/{id}/patch may change.
type PostPatch struct {
	Message      *string         `json:"message"`
	IsPinned     *bool           `json:"is_pinned"`
	Props        *map[string]any `json:"props"`
	FileIDs      *[]string       `json:"file_ids"`
	HasReactions *bool           `json:"has_reactions"`
}

// PostList is a page of posts, newest first in Order.
type PostList struct {
	Order                     []string         `json:"order"`
	Posts                     map[string]*Post `json:"posts"`
	NextPostID                string           `json:"next_post_id"`
	PrevPostID                string           `json:"prev_post_id"`
	HasNext                   *bool            `json:"has_next,omitempty"`
	FirstInaccessiblePostTime int64            `json:"first_inaccessible_post_time"`
}

// NewPostList returns an empty list that encodes with [] and {}, never null.
func NewPostList() *PostList {
	return &PostList{Order: []string{}, Posts: map[string]*Post{}}
}

// Add puts a post in the map and appends its id to the order.
func (l *PostList) Add(p *Post) {
	l.Order = append(l.Order, p.ID)
	l.Posts[p.ID] = p
}

// IsSystemMessage reports whether the post type is a system one.
func (p *Post) IsSystemMessage() bool { return strings.HasPrefix(p.Type, "system_") }

// JoinLeavePostTypes are the system messages about membership. As in
// Mattermost, they move a channel's last_post_at but not its message counts,
// so a join does not make the channel unread. system_join_leave and
// system_add_remove are Mattermost's older types, found in imported data.
var JoinLeavePostTypes = []string{
	"system_join_leave", "system_add_remove", PostTypeJoinChannel, PostTypeLeaveChannel, PostTypeJoinTeam,
	PostTypeLeaveTeam, PostTypeAddToChannel, PostTypeRemoveFromChan, PostTypeAddToTeam, PostTypeRemoveFromTeam,
}

// IsJoinLeaveMessage reports whether p is one of JoinLeavePostTypes.
func (p *Post) IsJoinLeaveMessage() bool { return slices.Contains(JoinLeavePostTypes, p.Type) }

var hashtagRE = regexp.MustCompile(`(?:^|\s)(#[\pL\pN][\pL\pN_.\-]*[\pL\pN])`)

// ParseHashtags returns the space-separated #tags of a message.
func ParseHashtags(msg string) string {
	seen := map[string]bool{}
	var tags []string
	for _, m := range hashtagRE.FindAllStringSubmatch(msg, -1) {
		t := m[1]
		if len(t) < 4 || seen[t] {
			continue
		}
		seen[t] = true
		tags = append(tags, t)
	}
	return strings.Join(tags, " ")
}

func postInvalid(field string) *AppError {
	return NewAppError(http.StatusBadRequest, "model.post.is_valid."+field+".app_error", "Invalid "+field+".")
}

// IsValid checks a post before it is stored.
func (p *Post) IsValid() *AppError {
	switch {
	case !IsValidID(p.ChannelID):
		return postInvalid("channel_id")
	case p.RootID != "" && !IsValidID(p.RootID):
		return postInvalid("root_id")
	case utf8.RuneCountInString(p.Message) > MaxPostRunes:
		return postInvalid("msg")
	case len(p.FileIDs) > 10:
		return postInvalid("file_ids")
	case len(p.Type) > 50:
		return postInvalid("type")
	}
	return nil
}

// PreCommit fills defaults before storage.
func (p *Post) PreCommit() {
	if p.Props == nil {
		p.Props = map[string]any{}
	}
	if p.FileIDs == nil {
		p.FileIDs = []string{}
	}
	p.Hashtags = ParseHashtags(p.Message)
}

// Reaction is one user's emoji on a post.
type Reaction struct {
	UserID    string  `json:"user_id"`
	PostID    string  `json:"post_id"`
	EmojiName string  `json:"emoji_name"`
	CreateAt  int64   `json:"create_at"`
	UpdateAt  int64   `json:"update_at"`
	DeleteAt  int64   `json:"delete_at"`
	RemoteID  *string `json:"remote_id"`
	ChannelID string  `json:"channel_id"`
}

var emojiNameRE = regexp.MustCompile(`^[a-zA-Z0-9_+\-]+$`)

// IsValidEmojiName applies the emoji name rule of reactions.
func IsValidEmojiName(s string) bool {
	return len(s) >= 1 && len(s) <= 64 && emojiNameRE.MatchString(s)
}

// Preference is one user setting.
type Preference struct {
	UserID   string `json:"user_id"`
	Category string `json:"category"`
	Name     string `json:"name"`
	Value    string `json:"value"`
}

// IsValid checks a preference before it is stored.
func (p *Preference) IsValid() *AppError {
	switch {
	case !IsValidID(p.UserID):
		return NewAppError(http.StatusBadRequest, "model.preference.is_valid.id.app_error", "Invalid user id.")
	case len(p.Category) == 0 || len(p.Category) > 32:
		return NewAppError(http.StatusBadRequest, "model.preference.is_valid.category.app_error", "Invalid category.")
	case len(p.Name) > 32:
		return NewAppError(http.StatusBadRequest, "model.preference.is_valid.name.app_error", "Invalid name.")
	case utf8.RuneCountInString(p.Value) > 2000:
		return NewAppError(http.StatusBadRequest, "model.preference.is_valid.value.app_error", "Invalid value.")
	}
	if p.Category == "theme" && p.Value != "" && !strings.HasPrefix(strings.TrimSpace(p.Value), "{") {
		return NewAppError(http.StatusBadRequest, "model.preference.is_valid.theme.app_error", "Invalid theme.")
	}
	return nil
}

// PostReminder is a user's "remind me" on a post; TargetTime is in unix
// seconds, as the API takes it.
type PostReminder struct {
	PostID     string `json:"post_id"`
	UserID     string `json:"user_id"`
	TargetTime int64  `json:"target_time"`
}

// PostTypeReminder is the system bot's reminder message.
const PostTypeReminder = "reminder"
