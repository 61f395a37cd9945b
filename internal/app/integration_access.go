package app

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Webhooks and slash commands act with their creator's rights: they read
// members' posts and post as the creator. So they stop the moment the creator
// loses access. That is decided from the database each time one fires, not
// kept in memory, so a change made by any means (API, command line, import,
// another node, while the server was down) counts at once.

// creatorAccess returns why an integration created by userID may no longer
// act in teamID (model.Disabled*), or "" while it may. System admins reach
// every team, as they do through the API.
func (a *App) creatorAccess(ctx context.Context, userID, teamID string) (string, error) {
	u, err := a.store.GetUser(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return model.DisabledCreatorDeleted, nil
	} else if err != nil {
		return "", err
	}
	if u.DeleteAt > 0 {
		return model.DisabledCreatorDeactivated, nil
	}
	if a.rolesGrant(u.Roles, model.PermManageSystem) {
		return "", nil
	}
	m, err := a.store.GetTeamMember(ctx, teamID, userID)
	if errors.Is(err, store.ErrNotFound) || err == nil && m.DeleteAt > 0 {
		return model.DisabledCreatorNotInTeam, nil
	}
	return "", err
}

// creatorChecks remembers creatorAccess answers within one request or trigger,
// where many integrations share a creator.
type creatorChecks struct {
	a    *App
	seen map[[2]string]string
}

func (a *App) newCreatorChecks() *creatorChecks {
	return &creatorChecks{a: a, seen: map[[2]string]string{}}
}

func (c *creatorChecks) reason(ctx context.Context, userID, teamID string) (string, error) {
	k := [2]string{userID, teamID}
	if why, ok := c.seen[k]; ok {
		return why, nil
	}
	why, err := c.a.creatorAccess(ctx, userID, teamID)
	if err != nil {
		return "", err
	}
	c.seen[k] = why
	return why, nil
}

// markIncoming, markOutgoing and markCommands set DisabledReason on what is
// shown to the people who manage integrations.
func (a *App) markIncoming(ctx context.Context, hs ...*model.IncomingWebhook) error {
	return markDisabled(ctx, a, hs, func(h *model.IncomingWebhook) (string, string, *string) {
		return h.UserID, h.TeamID, &h.DisabledReason
	})
}

func (a *App) markOutgoing(ctx context.Context, hs ...*model.OutgoingWebhook) error {
	return markDisabled(ctx, a, hs, func(h *model.OutgoingWebhook) (string, string, *string) {
		return h.CreatorID, h.TeamID, &h.DisabledReason
	})
}

func (a *App) markCommands(ctx context.Context, cs ...*model.Command) error {
	return markDisabled(ctx, a, cs, func(c *model.Command) (string, string, *string) {
		return c.CreatorID, c.TeamID, &c.DisabledReason
	})
}

// markDisabled sets each integration's disabled reason from its creator's
// access to its team (fields gives creator, team and where the reason goes).
func markDisabled[T any](ctx context.Context, a *App, items []T, fields func(T) (creatorID, teamID string, reason *string)) error {
	c := a.newCreatorChecks()
	for _, it := range items {
		creatorID, teamID, reason := fields(it)
		why, err := c.reason(ctx, creatorID, teamID)
		if err != nil {
			return model.ErrInternal(err)
		}
		*reason = why
	}
	return nil
}

// OwnedIntegration is one webhook or command a user created, as the offboarding
// report lists it.
type OwnedIntegration struct {
	Kind        string `json:"kind"` // incoming_webhook, outgoing_webhook or command
	ID          string `json:"id"`
	TeamID      string `json:"team_id"`
	DisplayName string `json:"display_name"`
	Trigger     string `json:"trigger,omitempty"`
}

// ownedIntegrations lists the live webhooks and commands userID created.
func (a *App) ownedIntegrations(ctx context.Context, userID string) ([]OwnedIntegration, error) {
	out := []OwnedIntegration{}
	in, err := a.store.ListIncomingWebhooks(ctx, "", userID, page(0, 0))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, h := range in {
		out = append(out, OwnedIntegration{Kind: "incoming_webhook", ID: h.ID, TeamID: h.TeamID, DisplayName: h.DisplayName})
	}
	og, err := a.store.ListOutgoingWebhooks(ctx, "", "", userID, page(0, 0))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, h := range og {
		out = append(out, OwnedIntegration{Kind: "outgoing_webhook", ID: h.ID, TeamID: h.TeamID, DisplayName: h.DisplayName})
	}
	cmds, err := a.store.CreatorCommands(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, c := range cmds {
		out = append(out, OwnedIntegration{Kind: "command", ID: c.ID, TeamID: c.TeamID, DisplayName: c.DisplayName, Trigger: c.Trigger})
	}
	return out, nil
}
