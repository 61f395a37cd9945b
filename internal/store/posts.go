package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// PostStore keeps posts and threads.
type PostStore interface {
	SavePost(ctx context.Context, p *model.Post) error
	UpdatePost(ctx context.Context, p *model.Post) error
	GetPost(ctx context.Context, id string) (*model.Post, error)
	// HasAutoResponseSince reports whether the user's auto-responder has
	// answered in the channel since a time.
	HasAutoResponseSince(ctx context.Context, channelID, userID string, since int64) (bool, error)
	GetPostsByIDs(ctx context.Context, ids []string) ([]*model.Post, error)
	// GetPostByPendingID finds an earlier post of the same retry (de-duplication).
	GetPostByPendingID(ctx context.Context, userID, pendingID string) (*model.Post, error)
	// ChannelPosts returns live posts newest first.
	ChannelPosts(ctx context.Context, channelID string, p Page) ([]*model.Post, error)
	// PostsBefore/After return live posts around a post, newest first.
	PostsBefore(ctx context.Context, channelID string, createAt int64, postID string, p Page) ([]*model.Post, error)
	PostsAfter(ctx context.Context, channelID string, createAt int64, postID string, p Page) ([]*model.Post, error)
	// PostsSince returns posts (deleted included) updated after since, up to limit.
	PostsSince(ctx context.Context, channelID string, since int64, limit int) ([]*model.Post, error)
	// Thread returns the root and its live replies.
	Thread(ctx context.Context, rootID string) ([]*model.Post, error)
	// Threads returns the live roots and replies of several threads at once,
	// less the posts of held: a run of one channel's listed posts, newest
	// first (a page the caller has read already; nil for none).
	Threads(ctx context.Context, rootIDs []string, held []*model.Post) ([]*model.Post, error)
	PinnedPosts(ctx context.Context, channelID string) ([]*model.Post, error)
	// PostsFrom returns a channel's live posts created at or after createAt.
	PostsFrom(ctx context.Context, channelID string, createAt int64) ([]*model.Post, error)
	// FlaggedPosts pages through the live posts a user flagged (saved), newest
	// first, optionally only in one team (with DMs and GMs) or one channel.
	FlaggedPosts(ctx context.Context, userID, teamID, channelID string, p Page) ([]*model.Post, error)
	CountPinnedPosts(ctx context.Context, channelID string) (int64, error)
	// DeletePost soft-deletes a post and, for a root, its replies.
	DeletePost(ctx context.Context, id string, at int64, deleteBy string) error
	// UpdateThreadStats recomputes a root's reply count and last reply time after a reply arrives or goes.
	UpdateThreadStats(ctx context.Context, rootID string, at int64) error
	// SetHasReactions updates the flag and update_at.
	SetHasReactions(ctx context.Context, postID string, has bool, at int64) error
}

// ReactionStore keeps reactions.
type ReactionStore interface {
	SaveReaction(ctx context.Context, r *model.Reaction) error // upsert
	DeleteReaction(ctx context.Context, postID, userID, emoji string) (bool, error)
	ListReactions(ctx context.Context, postID string) ([]*model.Reaction, error)
	ListReactionsForPosts(ctx context.Context, postIDs []string) (map[string][]*model.Reaction, error)
}
