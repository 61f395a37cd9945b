package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// UploadStore keeps resumable upload sessions. A session's row only ever
// describes chunks that are fully stored; it is deleted when the upload
// completes or expires.
type UploadStore interface {
	SaveUploadSession(ctx context.Context, us *model.UploadSession) error
	GetUploadSession(ctx context.Context, id string) (*model.UploadSession, error)
	// UploadSessionsForUser lists a user's sessions, oldest first.
	UploadSessionsForUser(ctx context.Context, userID string) ([]*model.UploadSession, error)
	// AddUploadPart records a stored chunk: the session moves from offset to
	// newOffset with part appended to its parts. ErrNotFound (and no change)
	// if the session is gone or no longer at offset.
	AddUploadPart(ctx context.Context, id string, offset, newOffset int64, part string) error
	// DeleteUploadSession deletes a session still at offset; ErrNotFound
	// (and no change) otherwise.
	DeleteUploadSession(ctx context.Context, id string, offset int64) error
	// UploadSessionsCreatedBefore lists up to limit sessions created before
	// the time, oldest first.
	UploadSessionsCreatedBefore(ctx context.Context, before int64, limit int) ([]*model.UploadSession, error)
}
