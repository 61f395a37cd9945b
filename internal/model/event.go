package model

import "encoding/json"

// WebSocket event names (reference: websocket.md).
const (
	EventPosted               = "posted"
	EventPostEdited           = "post_edited"
	EventPostDeleted          = "post_deleted"
	EventReactionAdded        = "reaction_added"
	EventReactionRemoved      = "reaction_removed"
	EventTyping               = "typing"
	EventChannelViewed        = "channel_viewed"
	EventPostUnread           = "post_unread"
	EventOpenDialog           = "open_dialog"
	EventChannelCreated       = "channel_created"
	EventChannelUpdated       = "channel_updated"
	EventChannelDeleted       = "channel_deleted"
	EventChannelRestored      = "channel_restored"
	EventChannelConverted     = "channel_converted"
	EventChannelMemberUpdated = "channel_member_updated"
	EventUserAdded            = "user_added"
	EventUserRemoved          = "user_removed"
	EventAddedToTeam          = "added_to_team"
	EventLeaveTeam            = "leave_team"
	EventUpdateTeam           = "update_team"
	EventDeleteTeam           = "delete_team"
	EventNewUser              = "new_user"
	EventUserUpdated          = "user_updated"
	EventDirectAdded          = "direct_added"
	EventGroupAdded           = "group_added"
	EventStatusChange         = "status_change"
	EventPreferencesChanged   = "preferences_changed"
	EventPreferencesDeleted   = "preferences_deleted"
	EventMemberRoleUpdated    = "memberrole_updated"
	EventUserRoleUpdated      = "user_role_updated"
	EventHello                = "hello"
	EventEmojiAdded           = "emoji_added"
	EventDraftCreated         = "draft_created"
	EventDraftUpdated         = "draft_updated"
	EventDraftDeleted         = "draft_deleted"
	EventThreadUpdated        = "thread_updated"
	EventThreadReadChanged    = "thread_read_changed"
	EventThreadFollowChanged  = "thread_follow_changed"
	EventReceivedGroup        = "received_group"
	EventGroupMemberAdd       = "group_member_add"
	EventGroupMemberDeleted   = "group_member_deleted"

	EventSidebarCategoryCreated      = "sidebar_category_created"
	EventSidebarCategoryUpdated      = "sidebar_category_updated"
	EventSidebarCategoryDeleted      = "sidebar_category_deleted"
	EventSidebarCategoryOrderUpdated = "sidebar_category_order_updated"

	// EventSessionRevoked is internal: it tells every node's hub to close the
	// sockets of ended sessions and is never sent to a client. Data: user_id
	// ("" for everyone), and optionally session_id, except_session_id or
	// access_token_id to narrow it.
	EventSessionRevoked = "session_revoked"
	// EventConnectionResumed is internal: a node took over a WebSocket
	// connection (data: connection_id, node); the node that held it forgets it.
	EventConnectionResumed = "connection_resumed"
	// EventConfigChanged is internal: a node saved the configuration (data:
	// node, config — Mattermost's shape); the other nodes apply it too.
	EventConfigChanged = "config_changed"
)

// Broadcast says who receives an event. Exactly one of UserID, ChannelID, TeamID
// narrows it; all empty means every connected user.
type Broadcast struct {
	OmitUsers        map[string]bool `json:"omit_users"`
	UserID           string          `json:"user_id"`
	ChannelID        string          `json:"channel_id"`
	TeamID           string          `json:"team_id"`
	ConnectionID     string          `json:"connection_id"`
	OmitConnectionID string          `json:"omit_connection_id"`
}

// Event is one server-to-client WebSocket event before it gets its seq.
type Event struct {
	Event     string         `json:"event"`
	Data      map[string]any `json:"data"`
	Broadcast Broadcast      `json:"broadcast"`
	// StreamSeq is the event's place in the cluster's event stream (0 on one
	// node): what a resume on another node counts from.
	StreamSeq uint64 `json:"-"`
}

// NewEvent builds an event for the given audience.
func NewEvent(name string, b Broadcast, data map[string]any) *Event {
	if data == nil {
		data = map[string]any{}
	}
	return &Event{Event: name, Data: data, Broadcast: b}
}

// JSONString encodes v as the JSON-in-a-string that several event fields carry.
func JSONString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
