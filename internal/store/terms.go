package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// TermsOfServiceStore keeps the versions of the custom terms of service and
// who accepted which.
type TermsOfServiceStore interface {
	SaveTermsOfService(ctx context.Context, t *model.TermsOfService) error
	// LatestTermsOfService is the newest version; ErrNotFound when none was published.
	LatestTermsOfService(ctx context.Context) (*model.TermsOfService, error)
	GetTermsOfService(ctx context.Context, id string) (*model.TermsOfService, error)
	// SaveUserTermsOfService records an acceptance, replacing the user's earlier one.
	SaveUserTermsOfService(ctx context.Context, a *model.UserTermsOfService) error
	// GetUserTermsOfService is the user's acceptance; ErrNotFound when none.
	GetUserTermsOfService(ctx context.Context, userID string) (*model.UserTermsOfService, error)
	// DeleteUserTermsOfService forgets the user's acceptance of version
	// termsID (a decline); nothing happens when they accepted another.
	DeleteUserTermsOfService(ctx context.Context, userID, termsID string) error
}
