package app

import (
	"context"
	"time"
)

// EnqueueMail lets the black-box tests queue a message directly.
func (a *App) EnqueueMail(ctx context.Context, to, subject, text, html string) error {
	return a.enqueueMail(ctx, a.store, to, subject, text, html)
}

// ScheduleMessageExport lets the black-box tests run the daily scheduler at
// a chosen time.
func (a *App) ScheduleMessageExport(ctx context.Context, now time.Time) error {
	return a.scheduleMessageExport(ctx, now)
}
