package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// Kinds of stored bytes in the purge queue.
const (
	PurgeFile  = "file"
	PurgeEmoji = "emoji"
	// PurgeUser is a user's profile pictures, PurgeUpload an upload
	// session's chunks.
	PurgeUser   = "user"
	PurgeUpload = "upload"
)

// FileStore keeps the rows of uploaded files. Their bytes live in a
// filestore.Backend under keys derived from the ids.
type FileStore interface {
	SaveFileInfo(ctx context.Context, f *model.FileInfo) error
	// GetFileInfo returns a file, deleted ones included.
	GetFileInfo(ctx context.Context, id string) (*model.FileInfo, error)
	// FileInfosForPosts returns the live files of posts, oldest first per post.
	FileInfosForPosts(ctx context.Context, postIDs []string) (map[string][]*model.FileInfo, error)
	// AttachFiles sets the post of files that userID uploaded to channelID and
	// that no post has yet; store.ErrNotFound (and no change) unless all match.
	AttachFiles(ctx context.Context, postID, channelID, userID string, ids []string, at int64) error
	// DeleteFiles hides files (delete_at) by id.
	DeleteFiles(ctx context.Context, ids []string, at int64) error
	// DeletePostFiles hides the files of a post and of its replies.
	DeletePostFiles(ctx context.Context, postID string, at int64) error
	// ChannelFiles lists the live attached files of a channel, newest first.
	ChannelFiles(ctx context.Context, channelID string, p Page) ([]*model.FileInfo, error)
	// UserFiles lists every file a user uploaded, deleted ones included, oldest first.
	UserFiles(ctx context.Context, userID string) ([]*model.FileInfo, error)
	// RemoveFileInfo deletes a row for good and queues its bytes for removal.
	RemoveFileInfo(ctx context.Context, id string) error

	// PendingPurges lists up to limit queued (kind, id) pairs whose bytes must go.
	PendingPurges(ctx context.Context, limit int) ([][2]string, error)
	// PurgeDone drops an entry of the queue once its bytes are gone.
	PurgeDone(ctx context.Context, kind, id string) error
}

// EmojiStore keeps custom emoji.
type EmojiStore interface {
	SaveEmoji(ctx context.Context, e *model.Emoji) error
	// GetEmoji and GetEmojiByName return live emoji only.
	GetEmoji(ctx context.Context, id string) (*model.Emoji, error)
	GetEmojiByName(ctx context.Context, name string) (*model.Emoji, error)
	GetEmojisByNames(ctx context.Context, names []string) ([]*model.Emoji, error)
	// ListEmoji pages live emoji by creation time, or by name.
	ListEmoji(ctx context.Context, p Page, byName bool) ([]*model.Emoji, error)
	// SearchEmoji finds live emoji whose name starts with (or contains) term,
	// in any case.
	SearchEmoji(ctx context.Context, term string, prefixOnly bool, limit int) ([]*model.Emoji, error)
	// DeleteEmoji hides an emoji and queues its image for removal.
	DeleteEmoji(ctx context.Context, id string, at int64) error
}
