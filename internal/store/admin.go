package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// AdminStore serves the operator's tools: the command line, GDPR requests
// and the audit log.
type AdminStore interface {
	// ListTeamChannels lists a team's public and private channels, archived ones included.
	ListTeamChannels(ctx context.Context, teamID string) ([]*model.Channel, error)
	// ListAllTeams lists every team, archived ones included, by name.
	ListAllTeams(ctx context.Context) ([]*model.Team, error)
	// DeleteChannelMembers removes every membership of a channel.
	DeleteChannelMembers(ctx context.Context, channelID string) error
	// PurgeUser removes an account and everything it made. With anonymizeAs set,
	// the user's posts stay, emptied, under that placeholder author.
	PurgeUser(ctx context.Context, userID, anonymizeAs string) error
	// UserPosts lists every post a user wrote (deleted ones included), oldest first.
	UserPosts(ctx context.Context, userID string) ([]*model.Post, error)
	// UserReactions lists every reaction a user made.
	UserReactions(ctx context.Context, userID string) ([]*model.Reaction, error)
	// UserTeamMembers lists a user's team memberships, former ones included.
	UserTeamMembers(ctx context.Context, userID string) ([]*model.TeamMember, error)
	// UserChannelMembers lists all of a user's channel memberships.
	UserChannelMembers(ctx context.Context, userID string) ([]*model.ChannelMember, error)
	// DeleteUserAccessTokens removes a user's personal access tokens.
	DeleteUserAccessTokens(ctx context.Context, userID string) error
	// BulkInsertPosts stores many posts with few statements (sample data, imports).
	BulkInsertPosts(ctx context.Context, posts []*model.Post) error
	// ImportPosts stores the new posts of a bulk import, like BulkInsertPosts,
	// but may leave their search indexing to IndexDeferredPosts (SQLite does:
	// indexing in bulk is much cheaper than row by row).
	ImportPosts(ctx context.Context, posts []*model.Post) error
	// IndexDeferredPosts indexes for search the posts ImportPosts left out of
	// the index, and returns how many it indexed.
	IndexDeferredPosts(ctx context.Context) (int, error)
	// AnalyzePosts refreshes the planner's statistics of the posts table, which
	// go stale while an import grows it from empty.
	AnalyzePosts(ctx context.Context) error
	// RecountChannels recomputes the message counters of every channel from its posts.
	RecountChannels(ctx context.Context) error

	SaveAudit(ctx context.Context, a *model.Audit) error
	ListAudits(ctx context.Context, f AuditFilter) ([]*model.Audit, error)
	// ScrubAudits blanks the details of entries about a user (after erasure).
	ScrubAudits(ctx context.Context, userID string) error

	// RemoveFileInfos deletes file rows for good and queues their bytes.
	RemoveFileInfos(ctx context.Context, ids []string) error
	// DeletePostsPermanently removes posts with their reactions and the flags on them.
	DeletePostsPermanently(ctx context.Context, ids []string) error
}

// AuditFilter narrows ListAudits. Empty fields do not filter.
type AuditFilter struct {
	UserID string // actor or target
	Action string // exact action, or a prefix ending in "*"
	Since  int64
	Until  int64
	Limit  int
	// After, when set, lists the entries that follow it in time order,
	// oldest first, so that an export reads the whole log a batch at a time
	// whatever is added meanwhile; without it the newest come first.
	After *AuditCursor
}

// AuditCursor is an entry's place in time order: create_at, then id.
type AuditCursor struct {
	CreateAt int64
	ID       string
}
