package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// SidebarStore keeps the sidebar categories users changed and their post
// reminders, and reads the system console's user report.
type SidebarStore interface {
	// SidebarCategoryRows are the user's stored categories in a team, by
	// sort order, each with the channels moved into it (custom ones only) in
	// their order.
	SidebarCategoryRows(ctx context.Context, userID, teamID string) ([]*model.SidebarCategory, error)
	// SaveSidebarCategories upserts the categories (all of one user and
	// team). A category whose ChannelIDs is nil keeps its channels; otherwise
	// its channels move out of any other category of the team, and a custom
	// category then holds exactly them, a default one none (they are in it
	// by default).
	SaveSidebarCategories(ctx context.Context, userID, teamID string, cats []*model.SidebarCategory) error
	// DeleteSidebarCategory removes a category; its channels go back to their
	// default category.
	DeleteSidebarCategory(ctx context.Context, userID, teamID, id string) error

	// SetPostReminder saves the user's reminder of a post, replacing one set
	// before.
	SetPostReminder(ctx context.Context, r *model.PostReminder) error
	// TakeDuePostReminders deletes and returns at most limit reminders due at
	// or before now (unix seconds), by target time. Taking deletes, so a
	// reminder is returned once, whichever node asks.
	TakeDuePostReminders(ctx context.Context, now int64, limit int) ([]*model.PostReminder, error)

	// UserReport is a page of the system console's user report; the sort
	// column is a users column (username, email, create_at, first_name,
	// last_name, nickname); system messages are not counted as posts.
	UserReport(ctx context.Context, q *model.UserReportQuery) ([]*model.UserReport, error)
	// CountUserReport counts the users the query's filters select.
	CountUserReport(ctx context.Context, q *model.UserReportQuery) (int64, error)
}
