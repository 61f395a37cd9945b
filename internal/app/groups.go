package app

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// Parley has no user groups (neither LDAP nor custom ones). The apps still ask
// for them once the licence says the server is licensed, so each question is
// checked as Mattermost checks it and answered with the empty list.

// GroupsForChannel answers a readable channel's groups.
func (a *App) GroupsForChannel(ctx context.Context, s *model.Session, channelID string) (*model.GroupsWithCount, error) {
	if _, err := a.readableChannel(ctx, s, channelID); err != nil {
		return nil, err
	}
	return &model.GroupsWithCount{Groups: []any{}}, nil
}

// GroupsForTeam answers the groups of a team the caller may view.
func (a *App) GroupsForTeam(ctx context.Context, s *model.Session, teamID string) (*model.GroupsWithCount, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	return &model.GroupsWithCount{Groups: []any{}}, nil
}

// GroupsForUser answers the groups a user belongs to: the caller's own, or
// anyone's for a system admin.
func (a *App) GroupsForUser(s *model.Session, userID string) ([]any, error) {
	if !a.IsSelfOr(s, userID, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	return []any{}, nil
}
