package app

import "context"

// EnqueueMail lets the black-box tests queue a message directly.
func (a *App) EnqueueMail(ctx context.Context, to, subject, text, html string) error {
	return a.enqueueMail(ctx, a.store, to, subject, text, html)
}
