package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// PushStore keeps outgoing push notifications until the push proxy took
// them, and answers who has a device to push to.
type PushStore interface {
	// EnqueuePush adds a pending push.
	EnqueuePush(ctx context.Context, p *model.QueuedPush) error
	// DuePush lists up to limit pending pushes due at now, oldest first.
	DuePush(ctx context.Context, now int64, limit int) ([]*model.QueuedPush, error)
	// ClaimPush marks a pending push sent in one conditional write and
	// reports whether this caller won it.
	ClaimPush(ctx context.Context, id string, now int64) (bool, error)
	// RetryPush puts a claimed push back for next, or marks it failed when next is 0.
	RetryPush(ctx context.Context, id string, next, now int64, lastErr string) error
	// QueuedPush returns one push (for tests).
	QueuedPush(ctx context.Context, id string) (*model.QueuedPush, error)

	// DeviceSessions lists the unexpired sessions of the users that have a device id.
	DeviceSessions(ctx context.Context, userIDs []string, now int64) ([]*model.Session, error)
	// ClearDeviceElsewhere removes deviceID from the user's sessions other
	// than keep: a phone that logs in again is pushed to once.
	ClearDeviceElsewhere(ctx context.Context, userID, deviceID, keep string) error
	// BadgeCount is the number the app icon shows: unread messages of the
	// user's direct channels plus mentions elsewhere, as Mattermost counts.
	BadgeCount(ctx context.Context, userID string) (int, error)

	// SaveWebPushSubscription stores a browser's subscription; one already
	// stored for the same endpoint is taken over (its id kept, sub.ID set
	// to it) by the new user and session.
	SaveWebPushSubscription(ctx context.Context, sub *model.WebPushSubscription) error
	// UserWebPushSubscriptions lists the user's subscriptions, oldest first.
	UserWebPushSubscriptions(ctx context.Context, userID string) ([]*model.WebPushSubscription, error)
	// WebPushSubscriptions lists the subscriptions of the users whose
	// session is unexpired at now.
	WebPushSubscriptions(ctx context.Context, userIDs []string, now int64) ([]*model.WebPushSubscription, error)
	// GetWebPushSubscription returns one subscription, ErrNotFound when gone.
	GetWebPushSubscription(ctx context.Context, id string) (*model.WebPushSubscription, error)
	// DeleteWebPushSubscription removes one subscription of the user
	// (by id, or by endpoint when id is ""); ErrNotFound when there is none.
	DeleteWebPushSubscription(ctx context.Context, userID, id, endpoint string) error
	// SetSystemIfAbsent stores value under name unless a value is there
	// already, and returns the one stored: of two nodes, the first wins.
	SetSystemIfAbsent(ctx context.Context, name, value string) (string, error)
}
