package model

// Scope is one way an event may be addressed: the Broadcast field that is set.
type Scope uint8

const (
	ScopeUser    Scope = 1 << iota // Broadcast.UserID: that user's connections
	ScopeChannel                   // Broadcast.ChannelID: the channel's current members
	ScopeTeam                      // Broadcast.TeamID: the team's current members
	ScopeAll                       // nothing set: every authenticated connection
)

// Audience is who may receive one event type. It is the single declaration of
// WebSocket visibility: the hub refuses to deliver an event whose Broadcast
// uses a scope not listed here, so a wrongly addressed publish fails closed.
type Audience struct {
	// Scopes lists the Broadcast forms the event may use (one of them per event).
	Scopes Scope
	// PrivateChannelInData: the event names a channel in data.channel_id; when
	// that channel is private, only its members receive it, whatever the scope.
	PrivateChannelInData bool
	// AlsoDataUser: the user named in data.user_id receives it too, even when
	// no longer (or not yet visibly) in the scope: the member who just left a
	// team, the member who was just added to a channel.
	AlsoDataUser bool
	// Droppable: low-value; dropped for a connection whose send queue is more
	// than half full instead of counting towards its overflow.
	Droppable bool
	// Internal: an instruction to the hubs, acted on and never sent to anyone.
	Internal bool
	// AdminOnlyData lists data keys that only system admins receive; every
	// other receiver gets the event without them (reference/websocket.md §7,
	// sensitive data). See Redacted.
	AdminOnlyData []string
}

// Redacted returns ev without the data only admins may see, or nil when ev
// carries none of it (everyone then gets ev itself).
func (a Audience) Redacted(ev *Event) *Event {
	var data map[string]any
	for _, k := range a.AdminOnlyData {
		if _, ok := ev.Data[k]; !ok {
			continue
		}
		if data == nil {
			data = make(map[string]any, len(ev.Data))
			for dk, v := range ev.Data {
				data[dk] = v
			}
		}
		delete(data, k)
	}
	if data == nil {
		return nil
	}
	return &Event{Event: ev.Event, Data: data, Broadcast: ev.Broadcast}
}

// AudienceOf returns the declared audience of an event type; ok is false for an
// event type nobody declared, which must not be delivered at all.
//
// Deliveries follow reference/websocket.md §5. Two deliberate narrowings:
// channel_deleted and channel_restored of a private channel reach only its
// members (the reference sends them to the whole team); status_change goes
// only to the user's own connections, as the reference says, so others poll.
func AudienceOf(event string) (a Audience, ok bool) {
	switch event {
	case EventHello:
		return Audience{Scopes: ScopeUser}, true
	case EventPosted, EventReactionAdded, EventReactionRemoved:
		return Audience{Scopes: ScopeChannel}, true
	case EventPostEdited:
		// Ephemeral updates carry user_id as well; user_id wins (§3.1).
		return Audience{Scopes: ScopeChannel | ScopeUser}, true
	case EventPostDeleted:
		// Who deleted a post is for admins only (§5, §7): a member must not
		// learn that a moderator removed someone's message.
		return Audience{Scopes: ScopeChannel | ScopeUser, AdminOnlyData: []string{"delete_by"}}, true
	case EventTyping:
		return Audience{Scopes: ScopeChannel, Droppable: true}, true
	case EventChannelViewed:
		return Audience{Scopes: ScopeUser, Droppable: true}, true
	case EventOpenDialog:
		// The user the trigger id was given to.
		return Audience{Scopes: ScopeUser}, true
	case EventPostUnread:
		// To the user; the broadcast also names the channel and team, which
		// the apps read.
		return Audience{Scopes: ScopeUser}, true
	case EventStatusChange:
		return Audience{Scopes: ScopeUser, Droppable: true}, true
	case EventChannelCreated, EventChannelMemberUpdated, EventAddedToTeam, EventMemberRoleUpdated,
		EventUserRoleUpdated, EventPreferencesChanged, EventPreferencesDeleted,
		EventDraftCreated, EventDraftUpdated, EventDraftDeleted, EventSidebarCategoryCreated, EventSidebarCategoryUpdated,
		EventSidebarCategoryDeleted, EventSidebarCategoryOrderUpdated:
		return Audience{Scopes: ScopeUser}, true
	case EventThreadUpdated, EventThreadReadChanged, EventThreadFollowChanged:
		// To the one follower the counts are about; the broadcast also names
		// the team (and, for a viewed channel, the channel), which the apps read.
		return Audience{Scopes: ScopeUser}, true
	case EventChannelUpdated, EventDirectAdded, EventGroupAdded:
		return Audience{Scopes: ScopeChannel}, true
	case EventChannelDeleted:
		// Archive: the team; permanent deletion: each former member (the channel
		// has no members left to look up).
		return Audience{Scopes: ScopeTeam | ScopeUser, PrivateChannelInData: true}, true
	case EventChannelRestored, EventChannelConverted:
		return Audience{Scopes: ScopeTeam, PrivateChannelInData: true}, true
	case EventUserAdded:
		return Audience{Scopes: ScopeChannel, AlsoDataUser: true}, true
	case EventUserRemoved:
		// To the channel (the removed user is no longer in it) and to the user.
		return Audience{Scopes: ScopeChannel | ScopeUser}, true
	case EventLeaveTeam:
		return Audience{Scopes: ScopeTeam, AlsoDataUser: true}, true
	case EventUpdateTeam:
		return Audience{Scopes: ScopeTeam}, true
	case EventDeleteTeam:
		// The reference says All; a private (invite-only) team's name is no
		// business of non-members, so only its members hear of it.
		return Audience{Scopes: ScopeTeam}, true
	case EventNewUser, EventUserUpdated:
		return Audience{Scopes: ScopeAll}, true
	case EventReceivedGroup:
		// Custom groups are server-wide and visible to every user.
		return Audience{Scopes: ScopeAll}, true
	case EventGroupMemberAdd, EventGroupMemberDeleted:
		return Audience{Scopes: ScopeUser}, true
	case EventEmojiAdded:
		// Custom emoji are server-wide and visible to every user.
		return Audience{Scopes: ScopeAll}, true
	case EventSessionRevoked:
		return Audience{Scopes: ScopeUser | ScopeAll, Internal: true}, true
	case EventConnectionResumed, EventConfigChanged:
		return Audience{Scopes: ScopeAll, Internal: true}, true
	case EventEphemeralMessage:
		// A command's answer for the one user who ran it.
		return Audience{Scopes: ScopeUser}, true
	}
	return Audience{}, false
}

// Scope returns the scope a Broadcast uses, by the reference's precedence.
func (b *Broadcast) Scope() Scope {
	switch {
	case b.UserID != "":
		return ScopeUser
	case b.ChannelID != "":
		return ScopeChannel
	case b.TeamID != "":
		return ScopeTeam
	}
	return ScopeAll
}
