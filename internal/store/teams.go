package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// TeamStore keeps teams and their memberships.
type TeamStore interface {
	SaveTeam(ctx context.Context, t *model.Team) error
	UpdateTeam(ctx context.Context, t *model.Team) error
	GetTeam(ctx context.Context, id string) (*model.Team, error)
	GetTeamByName(ctx context.Context, name string) (*model.Team, error)
	GetTeamByInviteID(ctx context.Context, inviteID string) (*model.Team, error)
	// ListTeams lists live teams; openOnly limits to type O with allow_open_invite.
	ListTeams(ctx context.Context, openOnly bool, p Page) ([]*model.Team, error)
	CountTeams(ctx context.Context, openOnly bool) (int64, error)
	SearchTeams(ctx context.Context, term string, openOnly bool, p Page) ([]*model.Team, error)
	ListTeamsForUser(ctx context.Context, userID string) ([]*model.Team, error)
	DeleteTeamPermanently(ctx context.Context, id string) error

	SaveTeamMember(ctx context.Context, m *model.TeamMember) error // upsert
	GetTeamMember(ctx context.Context, teamID, userID string) (*model.TeamMember, error)
	ListTeamMembers(ctx context.Context, teamID string, p Page, sortByUsername, excludeDeletedUsers bool) ([]*model.TeamMember, error)
	GetTeamMembersByIDs(ctx context.Context, teamID string, userIDs []string) ([]*model.TeamMember, error)
	ListTeamMembersForUser(ctx context.Context, userID string) ([]*model.TeamMember, error)
	GetTeamStats(ctx context.Context, teamID string) (*model.TeamStats, error)
}
