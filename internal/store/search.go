package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
)

// FileSearch looks for files by name with a post search's filters: each
// term is a case-insensitive part of the name; Extensions (lower case, no
// dot) narrow the files when not empty.
type FileSearch struct {
	PostSearch
	Extensions []string
}

// PostSearch is a resolved search: names are ids, dates are milliseconds.
type PostSearch struct {
	// UserID is the searcher: only channels they are a member of are searched.
	UserID string
	// TeamID limits the search to one team's channels (DMs and GMs always count); "" is every team.
	TeamID                 string
	IncludeDeletedChannels bool
	// Or: any of Terms may match instead of all.
	Or       bool
	Terms    []search.Term
	Excluded []search.Term
	// FromUsernames and InChannels (channel names) restrict the authors and
	// channels when not empty; the Excluded lists leave them out.
	FromUsernames     []string
	ExcludedUsernames []string
	InChannels        []string
	ExcludedChannels  []string
	// After and Before bound create_at, exclusive; 0 leaves that side open.
	After, Before int64
	Page          Page
}

// SearchStore finds posts through the full-text indexes.
type SearchStore interface {
	// SearchPosts returns matching live, non-system posts, newest first.
	SearchPosts(ctx context.Context, q *PostSearch) ([]*model.Post, error)
	// SearchFiles returns matching live attached files, newest first.
	SearchFiles(ctx context.Context, q *FileSearch) ([]*model.FileInfo, error)
	// ConfigureSearch sets the language the word index stems in, rebuilding the
	// index when it changes. An unknown language is an error naming it.
	ConfigureSearch(ctx context.Context, language string) error
	// SearchAllChannels finds public and private team channels of every team by
	// name or display name (system console), with the number matching in all.
	SearchAllChannels(ctx context.Context, q *model.ChannelSearch, p Page) ([]*model.ChannelWithTeamData, int64, error)
}
