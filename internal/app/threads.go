package app

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// UserThreads answers a user's followed threads in a team. Collapsed threads
// are off on Parley (the client config says so), so the list is always valid
// and empty; Mattermost's apps ask for it regardless.
func (a *App) UserThreads(ctx context.Context, s *model.Session, userID, teamID string) (*model.Threads, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) || !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	return &model.Threads{Threads: []any{}}, nil
}
