package ws

import (
	"context"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// maxCached bounds each cache; past it the cache starts over rather than
// tracking recency, which is cheaper and good enough for a working set.
const maxCached = 20000

// memberSource is where the cache reads memberships: the app layer
// (*app.App), never the store, so that what the hub delivers follows the
// same reads as the rest of Parley.
type memberSource interface {
	ChannelAudience(ctx context.Context, channelID string) (*model.Channel, []string, error)
	TeamAudience(ctx context.Context, teamID string, limit int) ([]string, error)
	ActiveSystemAdminIDs(ctx context.Context, limit int) ([]string, error)
}

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

func (c *memberCache) channel(ctx context.Context, src memberSource, id string) (*memberSet, error) {
	if m := c.channels[id]; c.fresh(m) {
		return m, nil
	}
	ch, ids, err := src.ChannelAudience(ctx, id)
	if err != nil {
		return nil, err
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

func (c *memberCache) team(ctx context.Context, src memberSource, id string, maxMembers int) (*memberSet, error) {
	if m := c.teams[id]; c.fresh(m) {
		return m, nil
	}
	ids, err := src.TeamAudience(ctx, id, maxMembers+1)
	if err != nil {
		return nil, err
	}
	m := &memberSet{teamID: id, members: make(map[string]struct{}, len(ids)), read: time.Now()}
	for _, u := range ids {
		m.members[u] = struct{}{}
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
func (c *memberCache) systemAdmins(ctx context.Context, src memberSource) (*memberSet, error) {
	if c.fresh(c.admins) {
		return c.admins, nil
	}
	ids, err := src.ActiveSystemAdminIDs(ctx, maxAdmins)
	if err != nil {
		return nil, err
	}
	m := &memberSet{members: make(map[string]struct{}, len(ids)), read: time.Now()}
	for _, u := range ids {
		m.members[u] = struct{}{}
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
