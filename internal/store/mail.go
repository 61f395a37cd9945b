package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// MailStore keeps outgoing mail until it is sent, and the single-use tokens
// mail links carry.
type MailStore interface {
	// EnqueueMail adds a pending message.
	EnqueueMail(ctx context.Context, m *model.QueuedMail) error
	// DueMail lists up to limit pending messages whose next attempt is due at now, oldest first.
	DueMail(ctx context.Context, now int64, limit int) ([]*model.QueuedMail, error)
	// ClaimMail marks a pending message sent in one conditional write and
	// reports whether this caller won it; of two nodes, only one can.
	ClaimMail(ctx context.Context, id string, now int64) (bool, error)
	// RetryMail puts a claimed message whose delivery failed back in the
	// queue for next, or marks it failed when next is 0.
	RetryMail(ctx context.Context, id string, next, now int64, lastErr string) error
	// QueuedMail returns one message (for tests and the CLI).
	QueuedMail(ctx context.Context, id string) (*model.QueuedMail, error)

	// SaveToken stores a token.
	SaveToken(ctx context.Context, t *model.Token) error
	// TakeToken returns the token of that hash and type and deletes it, so it
	// serves once; ErrNotFound when there is none (or another caller took it).
	TakeToken(ctx context.Context, hash, typ string) (*model.Token, error)
	// GetToken returns the token of that hash and type without using it up.
	GetToken(ctx context.Context, hash, typ string) (*model.Token, error)
	// CountUserTokensSince counts the tokens of a type the user made since a time.
	CountUserTokensSince(ctx context.Context, userID, typ string, since int64) (int, error)
	// DeleteTokensOfType removes every token of a type (all pending invitations).
	DeleteTokensOfType(ctx context.Context, typ string) error
	// DeleteUserTokens removes the user's tokens of a type: a new reset link
	// voids older ones.
	DeleteUserTokens(ctx context.Context, userID, typ string) error
	// VerifyEmail marks the user's address verified if it is still email.
	VerifyEmail(ctx context.Context, userID, email string, at int64) error
	// DeleteTokensBefore removes tokens created before a time.
	DeleteTokensBefore(ctx context.Context, before int64) error

	// AddDigestItem keeps a notification for the member's next digest.
	AddDigestItem(ctx context.Context, it *model.DigestItem) error
	// DueDigestUsers lists up to limit members whose digest is due at now.
	DueDigestUsers(ctx context.Context, now int64, limit int) ([]string, error)
	// DigestItems lists a member's waiting notifications, oldest first, each
	// marked Seen when the member has viewed its channel since.
	DigestItems(ctx context.Context, userID string) ([]*model.DigestItem, error)
	// DeleteDigestItems removes items and reports how many it removed: fewer
	// than asked means another node sent them first.
	DeleteDigestItems(ctx context.Context, ids []string) (int64, error)
}
