package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// RetentionStore keeps the retention policies (the global one and the
// granular ones of teams and channels), the legal holds, and selects what
// retention deletes.
type RetentionStore interface {
	// GlobalRetention returns the global policy; ErrNotFound when none is set.
	GlobalRetention(ctx context.Context) (*model.GlobalRetention, error)
	SaveGlobalRetention(ctx context.Context, p *model.GlobalRetention) error
	// DeleteGlobalRetention removes it; ErrNotFound when none is set.
	DeleteGlobalRetention(ctx context.Context) error

	// SaveRetentionPolicy creates a granular policy with its teams and
	// channels; ErrNotFound names a missing team or channel, ErrConflict one
	// that another policy holds. Nothing is written on error.
	SaveRetentionPolicy(ctx context.Context, p *model.RetentionPolicyWithTeamAndChannelIDs, now int64) error
	// PatchRetentionPolicy changes the fields p sets; non-nil TeamIDs or
	// ChannelIDs replace the lists. Errors as SaveRetentionPolicy.
	PatchRetentionPolicy(ctx context.Context, p *model.RetentionPolicyWithTeamAndChannelIDs, now int64) error
	GetRetentionPolicy(ctx context.Context, id string) (*model.RetentionPolicyWithTeamAndChannelCounts, error)
	// ListRetentionPolicies pages the granular policies by display name, id.
	ListRetentionPolicies(ctx context.Context, p Page) ([]*model.RetentionPolicyWithTeamAndChannelCounts, error)
	CountRetentionPolicies(ctx context.Context) (int64, error)
	DeleteRetentionPolicy(ctx context.Context, id string) error
	// AddRetentionPolicyTeams adds teams; errors as SaveRetentionPolicy
	// (a team already in this policy is no conflict).
	AddRetentionPolicyTeams(ctx context.Context, policyID string, teamIDs []string) error
	RemoveRetentionPolicyTeams(ctx context.Context, policyID string, teamIDs []string) error
	AddRetentionPolicyChannels(ctx context.Context, policyID string, channelIDs []string) error
	RemoveRetentionPolicyChannels(ctx context.Context, policyID string, channelIDs []string) error
	// RetentionPolicyTeams pages a policy's teams by display name whose name
	// or display name starts with term ("" for all), and counts them all.
	RetentionPolicyTeams(ctx context.Context, policyID, term string, p Page) ([]*model.Team, int64, error)
	// RetentionPolicyChannels pages a policy's channels by display name,
	// filtered as a channel search (q may be nil), and counts them all.
	RetentionPolicyChannels(ctx context.Context, policyID string, q *model.ChannelSearch, p Page) ([]*model.ChannelWithTeamData, int64, error)
	// UserTeamRetention and UserChannelRetention list the post durations of
	// the policies of a user's teams and channels, by id.
	UserTeamRetention(ctx context.Context, userID string, p Page) ([]*model.RetentionPolicyForTeam, int64, error)
	UserChannelRetention(ctx context.Context, userID string, p Page) ([]*model.RetentionPolicyForChannel, int64, error)

	// ExpiredPostIDs lists up to q.Limit ids of posts created before
	// q.Before that the policy q names governs (no id: the global one),
	// leaving out those a legal hold covers and, with PreservePinned,
	// pinned ones.
	ExpiredPostIDs(ctx context.Context, q ExpiredPostsQuery) ([]string, error)
	// ExpiredFileIDs lists up to q.Limit ids of files uploaded before
	// q.Before to the channels whose files the policy governs (a granular
	// policy with a file duration; the global one for the rest), attached
	// or not, leaving out those of posts a legal hold covers.
	ExpiredFileIDs(ctx context.Context, q ExpiredPostsQuery) ([]string, error)

	// SaveLegalHold creates a hold with its users and channels; ErrConflict
	// when the name is taken.
	SaveLegalHold(ctx context.Context, h *model.LegalHold) error
	// UpdateLegalHold replaces a hold's fields and lists.
	UpdateLegalHold(ctx context.Context, h *model.LegalHold) error
	GetLegalHold(ctx context.Context, id string) (*model.LegalHold, error)
	GetLegalHoldByName(ctx context.Context, name string) (*model.LegalHold, error)
	// ListLegalHolds lists every hold by name.
	ListLegalHolds(ctx context.Context) ([]*model.LegalHold, error)
	DeleteLegalHold(ctx context.Context, id string) error
	// LegalHoldsOnUser names the holds that keep content of a user: holds
	// naming the user, and holds on a channel the user wrote in within their
	// range.
	LegalHoldsOnUser(ctx context.Context, userID string) ([]string, error)
	// LegalHoldsOnChannels names the holds that keep content of channels:
	// holds naming one, and holds on a user who wrote in one within their range.
	LegalHoldsOnChannels(ctx context.Context, channelIDs []string) ([]string, error)
	// LegalHoldPosts pages, by (create_at, id) after (afterCreateAt,
	// afterID), the posts a hold covers, deleted ones included.
	LegalHoldPosts(ctx context.Context, h *model.LegalHold, afterCreateAt int64, afterID string, limit int) ([]*model.Post, error)
}

// ExpiredPostsQuery selects what one retention policy removes.
type ExpiredPostsQuery struct {
	// PolicyID is the granular policy; "" is the global one.
	PolicyID       string
	Before         int64
	PreservePinned bool
	Limit          int
}

// RefError names the team, channel or user a write refers to that does not
// exist (Err is ErrNotFound) or that another policy holds (ErrConflict,
// PolicyID that policy).
type RefError struct {
	Err      error
	Kind, ID string
	PolicyID string
}

func (e *RefError) Error() string {
	if e.PolicyID != "" {
		return e.Kind + " " + e.ID + " is in retention policy " + e.PolicyID + ": " + e.Err.Error()
	}
	return e.Kind + " " + e.ID + ": " + e.Err.Error()
}

func (e *RefError) Unwrap() error { return e.Err }
