package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// ImportStore serves bulk import and export: set-at-a-time reads and writes
// that keep a million-post import to a few thousand statements.
type ImportStore interface {
	// PostsAt lists the posts (deleted ones included) of a channel created at
	// any of the given times: the candidates an imported post may match.
	PostsAt(ctx context.Context, channelID string, createAts []int64) ([]*model.Post, error)
	// BulkSaveReactions stores reactions, leaving existing ones as they are.
	BulkSaveReactions(ctx context.Context, rs []*model.Reaction) error
	// BulkSavePreferences upserts preferences with few statements.
	BulkSavePreferences(ctx context.Context, prefs []model.Preference) error
	// ExportRootPosts lists up to limit live root posts of a channel after the
	// (createAt, id) cursor, oldest first.
	ExportRootPosts(ctx context.Context, channelID string, afterCreateAt int64, afterID string, limit int) ([]*model.Post, error)
	// ExportReplies lists the live replies of the given roots, oldest first.
	ExportReplies(ctx context.Context, rootIDs []string) ([]*model.Post, error)
	// FlaggedBy maps post ids to the ids of the users who flagged them.
	FlaggedBy(ctx context.Context, postIDs []string) (map[string][]string, error)
	// ListGroupAndDirectChannels lists up to limit DM and group channels after the id cursor, by id.
	ListGroupAndDirectChannels(ctx context.Context, afterID string, limit int) ([]*model.Channel, error)
}

// JobStore keeps background jobs (import_process, export_process). Status
// changes are conditional updates, so that a runner and a cancel request
// never overwrite each other, even on different nodes.
type JobStore interface {
	SaveJob(ctx context.Context, j *model.Job) error
	// EndJob writes a running job's final status, progress and data if it
	// is still running (in_progress or cancel_requested); ErrNotFound if it
	// ended meanwhile (EndStaleJob took it for dead), so only one end wins.
	EndJob(ctx context.Context, j *model.Job) error
	GetJob(ctx context.Context, id string) (*model.Job, error)
	// ListJobsByType pages the jobs of a type, newest first.
	ListJobsByType(ctx context.Context, typ string, p Page) ([]*model.Job, error)
	// PendingJobs lists up to limit pending jobs, oldest first.
	PendingJobs(ctx context.Context, limit int) ([]*model.Job, error)
	// ClaimJob moves a pending job to in_progress; ErrNotFound if it is no
	// longer pending (another runner took it, or it was canceled).
	ClaimJob(ctx context.Context, id string, at int64) error
	// JobProgress records a running job's progress; ErrNotFound once it is
	// no longer in_progress (a cancel was requested).
	JobProgress(ctx context.Context, id string, progress, at int64) error
	// StaleJobs lists running jobs (in_progress or cancel_requested) whose
	// last heartbeat is older than before.
	StaleJobs(ctx context.Context, before int64) ([]*model.Job, error)
	// EndStaleJob records j's final status and data if it is still running
	// and still had no heartbeat since before; ErrNotFound otherwise.
	EndStaleJob(ctx context.Context, j *model.Job, before int64) error
	// CancelJob cancels a pending job and asks a running one to stop;
	// ErrNotFound if the job is neither.
	CancelJob(ctx context.Context, id string, at int64) error
}
