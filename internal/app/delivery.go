package app

import (
	"context"
	"fmt"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// The reads below serve the WebSocket hub, which decides by itself who may
// receive an event (model.AudienceOf) and caches the answer. They take no
// session and check no permission: they are the facts that decision is made
// from, never sent to a client as such.

// ChannelAudience returns a channel and the ids of its members.
func (a *App) ChannelAudience(ctx context.Context, channelID string) (*model.Channel, []string, error) {
	ch, err := a.store.GetChannel(ctx, channelID)
	if err != nil {
		return nil, nil, fmt.Errorf("channel %s: %w", channelID, err)
	}
	ids, err := a.store.ChannelMemberIDs(ctx, channelID)
	if err != nil {
		return nil, nil, fmt.Errorf("members of channel %s: %w", channelID, err)
	}
	return ch, ids, nil
}

// TeamAudience returns the ids of a team's members who have not left it,
// reading at most limit memberships.
func (a *App) TeamAudience(ctx context.Context, teamID string, limit int) ([]string, error) {
	tms, err := a.store.ListTeamMembers(ctx, teamID, store.Page{Limit: limit}, false, false)
	if err != nil {
		return nil, fmt.Errorf("members of team %s: %w", teamID, err)
	}
	ids := make([]string, 0, len(tms))
	for _, tm := range tms {
		if tm.DeleteAt == 0 {
			ids = append(ids, tm.UserID)
		}
	}
	return ids, nil
}

// ActiveSystemAdminIDs returns the ids of at most limit active system admins.
func (a *App) ActiveSystemAdminIDs(ctx context.Context, limit int) ([]string, error) {
	active := true
	us, err := a.store.ListUsers(ctx, store.UserFilter{Role: model.RoleSystemAdmin, Active: &active}, store.Page{Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("system admins: %w", err)
	}
	ids := make([]string, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	return ids, nil
}
