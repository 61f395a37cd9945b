package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// ComplianceStore is what compliance exports read: channel membership
// history (written by the membership methods themselves), the versions edits
// replaced, and the posts of a time range with their channel, team and author.
type ComplianceStore interface {
	// SavePostVersion keeps the text an edit replaces.
	SavePostVersion(ctx context.Context, v *model.PostVersion) error
	// PostVersions lists a post's earlier versions, oldest first.
	PostVersions(ctx context.Context, postID string) ([]*model.PostVersion, error)
	// ChannelMemberHistory lists the stays in a channel that overlap
	// [from, to], by join time.
	ChannelMemberHistory(ctx context.Context, channelID string, from, to int64) ([]*model.ChannelMemberHistoryResult, error)
	// ExportChannels lists, by id, the channels with a non-system post or
	// post version updated in (from, to], or a join or leave in it.
	ExportChannels(ctx context.Context, from, to int64) ([]*ExportChannel, error)
	// ExportPosts pages through a channel's posts and post versions updated
	// in (from, to], system messages left out, by (update_at, id) after the
	// cursor, as Mattermost's message export reads them.
	ExportPosts(ctx context.Context, channelID string, from, to int64, after ExportCursor, limit int) ([]*ExportPost, error)
	// ExportAuthors lists, by user id, who wrote what ExportPosts returns for
	// a channel (ChannelID, UserID and the user's details set).
	ExportAuthors(ctx context.Context, channelID string, from, to int64) ([]*model.ChannelMemberHistoryResult, error)
	// CountExportPosts counts what ExportPosts would return for every channel.
	CountExportPosts(ctx context.Context, from, to int64) (int64, error)
	// ExportFiles returns the files of posts, deleted ones included, oldest
	// first per post.
	ExportFiles(ctx context.Context, postIDs []string) (map[string][]*model.FileInfo, error)
}

// ExportChannel is a channel with its team, as exports name them.
type ExportChannel struct {
	ID, Name, DisplayName, Type       string
	TeamID, TeamName, TeamDisplayName string
}

// ExportCursor is the (update_at, id) of the last row read.
type ExportCursor struct {
	UpdateAt int64
	ID       string
}

// ExportPost is a post, or an edited-away version of one, with its author.
// A version has OriginalID (the post it was replaced in) and DeleteAt (when).
type ExportPost struct {
	ID, UserID, RootID, OriginalID, Message, Type string
	CreateAt, UpdateAt, EditAt, DeleteAt          int64
	Props                                         map[string]any
	FileIDs                                       []string
	UserEmail, Username                           string
	IsBot                                         bool
}
