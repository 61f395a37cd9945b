package ws

import (
	"context"
	"fmt"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// maxCached bounds each cache; past it the cache starts over rather than
// tracking recency, which is cheaper and good enough for a working set.
const maxCached = 20000

// memberSet is who belonged to a channel or team when it was read.
type memberSet struct {
	typ     string // channel type; "" for a team
	teamID  string
	members map[string]struct{}
	read    time.Time
}

func (m *memberSet) has(userID string) bool { _, ok := m.members[userID]; return ok }

// memberCache holds channel and team memberships for the dispatcher. Entries
// are dropped by the events that change membership (so a removed member is
// never served from the cache once their removal event is handled) and
// expire after ttl, for changes made by something that published no event.
type memberCache struct {
	ttl      time.Duration
	channels map[string]*memberSet
	teams    map[string]*memberSet
	admins   *memberSet // active system admins
}

func (c *memberCache) init(ttl time.Duration) {
	c.ttl, c.channels, c.teams = ttl, map[string]*memberSet{}, map[string]*memberSet{}
}

func (c *memberCache) fresh(m *memberSet) bool { return m != nil && time.Since(m.read) < c.ttl }

func (c *memberCache) channel(ctx context.Context, st store.Store, id string) (*memberSet, error) {
	if m := c.channels[id]; c.fresh(m) {
		return m, nil
	}
	ch, err := st.GetChannel(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", id, err)
	}
	ids, err := st.ChannelMemberIDs(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("members of channel %s: %w", id, err)
	}
	m := &memberSet{typ: ch.Type, teamID: ch.TeamID, members: make(map[string]struct{}, len(ids)), read: time.Now()}
	for _, u := range ids {
		m.members[u] = struct{}{}
	}
	if len(c.channels) >= maxCached {
		clear(c.channels)
	}
	c.channels[id] = m
	return m, nil
}

func (c *memberCache) team(ctx context.Context, st store.Store, id string, maxMembers int) (*memberSet, error) {
	if m := c.teams[id]; c.fresh(m) {
		return m, nil
	}
	tms, err := st.ListTeamMembers(ctx, id, store.Page{Limit: maxMembers + 1}, false, false)
	if err != nil {
		return nil, fmt.Errorf("members of team %s: %w", id, err)
	}
	m := &memberSet{teamID: id, members: make(map[string]struct{}, len(tms)), read: time.Now()}
	for _, tm := range tms {
		if tm.DeleteAt == 0 {
			m.members[tm.UserID] = struct{}{}
		}
	}
	if len(c.teams) >= maxCached {
		clear(c.teams)
	}
	c.teams[id] = m
	return m, nil
}

// maxAdmins bounds the system admins read for redaction; past it, the rest
// get redacted events, which fails safe.
const maxAdmins = 10000

// systemAdmins is who may receive data an audience keeps for admins.
func (c *memberCache) systemAdmins(ctx context.Context, st store.Store) (*memberSet, error) {
	if c.fresh(c.admins) {
		return c.admins, nil
	}
	active := true
	us, err := st.ListUsers(ctx, store.UserFilter{Role: model.RoleSystemAdmin, Active: &active}, store.Page{Limit: maxAdmins})
	if err != nil {
		return nil, fmt.Errorf("system admins: %w", err)
	}
	m := &memberSet{members: make(map[string]struct{}, len(us)), read: time.Now()}
	for _, u := range us {
		m.members[u.ID] = struct{}{}
	}
	c.admins = m
	return m, nil
}

// invalidate drops what ev may have made stale.
func (c *memberCache) invalidate(ev *model.Event) {
	b := &ev.Broadcast
	chID, _ := ev.Data["channel_id"].(string)
	switch ev.Event {
	case model.EventUserAdded, model.EventUserRemoved, model.EventChannelUpdated, model.EventChannelConverted,
		model.EventChannelDeleted, model.EventChannelRestored, model.EventDirectAdded, model.EventGroupAdded:
		delete(c.channels, b.ChannelID)
		delete(c.channels, chID)
	case model.EventAddedToTeam:
		teamID, _ := ev.Data["team_id"].(string)
		delete(c.teams, teamID)
	case model.EventLeaveTeam:
		// Leaving a team also leaves all of its channels.
		teamID, _ := ev.Data["team_id"].(string)
		delete(c.teams, teamID)
		for id, m := range c.channels {
			if m.teamID == teamID {
				delete(c.channels, id)
			}
		}
	case model.EventDeleteTeam:
		clear(c.teams)
		clear(c.channels)
	case model.EventUserRoleUpdated, model.EventUserUpdated:
		c.admins = nil
	}
}
