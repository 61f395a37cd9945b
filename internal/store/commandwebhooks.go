package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// CommandWebhookStore keeps the response URLs handed to custom slash commands.
type CommandWebhookStore interface {
	SaveCommandWebhook(ctx context.Context, h *model.CommandWebhook) error
	// UseCommandWebhook counts one use of a hook created after notBefore that
	// has been used fewer than maxUses times, and returns it; ErrNotFound otherwise.
	UseCommandWebhook(ctx context.Context, id string, notBefore int64, maxUses int) (*model.CommandWebhook, error)
	// DeleteCommandWebhooksBefore forgets hooks created before t.
	DeleteCommandWebhooksBefore(ctx context.Context, t int64) error
}
