package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// IntegrationStore keeps webhooks, slash commands, bots and link previews.
// Getters return live (not deleted) rows unless they say otherwise.
type IntegrationStore interface {
	SaveIncomingWebhook(ctx context.Context, h *model.IncomingWebhook) error
	UpdateIncomingWebhook(ctx context.Context, h *model.IncomingWebhook) error
	GetIncomingWebhook(ctx context.Context, id string) (*model.IncomingWebhook, error)
	// ListIncomingWebhooks filters by team and creator when they are not empty.
	ListIncomingWebhooks(ctx context.Context, teamID, userID string, p Page) ([]*model.IncomingWebhook, error)
	DeleteIncomingWebhook(ctx context.Context, id string, at int64) error

	SaveOutgoingWebhook(ctx context.Context, h *model.OutgoingWebhook) error
	UpdateOutgoingWebhook(ctx context.Context, h *model.OutgoingWebhook) error
	GetOutgoingWebhook(ctx context.Context, id string) (*model.OutgoingWebhook, error)
	// ListOutgoingWebhooks filters by team, channel and creator when they are not empty.
	ListOutgoingWebhooks(ctx context.Context, teamID, channelID, creatorID string, p Page) ([]*model.OutgoingWebhook, error)
	DeleteOutgoingWebhook(ctx context.Context, id string, at int64) error

	SaveCommand(ctx context.Context, c *model.Command) error
	UpdateCommand(ctx context.Context, c *model.Command) error
	GetCommand(ctx context.Context, id string) (*model.Command, error)
	TeamCommands(ctx context.Context, teamID string) ([]*model.Command, error)
	// CreatorCommands lists the live commands a user created, in every team.
	CreatorCommands(ctx context.Context, creatorID string) ([]*model.Command, error)
	DeleteCommand(ctx context.Context, id string, at int64) error

	SaveBot(ctx context.Context, b *model.Bot) error
	UpdateBot(ctx context.Context, b *model.Bot) error
	// GetBot returns a bot, deleted ones too when includeDeleted.
	GetBot(ctx context.Context, userID string, includeDeleted bool) (*model.Bot, error)
	// ListBots filters by owner when not empty; orphaned lists bots whose owner is deactivated.
	ListBots(ctx context.Context, ownerID string, includeDeleted, orphaned bool, p Page) ([]*model.Bot, error)

	SaveLinkMetadata(ctx context.Context, url string, at int64, data []byte) error
	// LinkMetadata returns the stored previews of the given URLs that exist.
	LinkMetadata(ctx context.Context, urls []string) (map[string][]byte, error)
}
