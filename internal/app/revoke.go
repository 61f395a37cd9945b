package app

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Revocation names the sessions whose open WebSockets must close. The session
// rows are already gone when it is published; the event tells the hubs (on
// every node, through the bus) to stop serving sockets opened with them,
// which would otherwise keep receiving events until they next reconnect.
type Revocation struct {
	UserID          string // "" for every user
	SessionID       string // only this session
	ExceptSessionID string // all of the user's sessions but this one (the caller's own)
	AccessTokenID   string // only the session of this personal access token
}

// publishRevoked tells the hubs to close the sockets of the revoked sessions.
func (a *App) publishRevoked(ctx context.Context, r Revocation) { a.publish(ctx, r.event()) }

// event is the session_revoked event of r.
func (r Revocation) event() *model.Event {
	data := map[string]any{"user_id": r.UserID}
	for k, v := range map[string]string{"session_id": r.SessionID, "except_session_id": r.ExceptSessionID,
		"access_token_id": r.AccessTokenID} {
		if v != "" {
			data[k] = v
		}
	}
	return model.NewEvent(model.EventSessionRevoked, model.Broadcast{UserID: r.UserID}, data)
}

// Revokes reports whether r covers sess, for the hubs.
func (r Revocation) Revokes(sess *model.Session) bool {
	switch {
	case r.UserID != "" && sess.UserID != r.UserID:
		return false
	case r.SessionID != "" && sess.ID != r.SessionID:
		return false
	case r.ExceptSessionID != "" && sess.ID == r.ExceptSessionID:
		return false
	case r.AccessTokenID != "" && sess.Props["user_access_token_id"] != r.AccessTokenID:
		return false
	}
	return true
}

// RevocationOf reads a session_revoked event back.
func RevocationOf(ev *model.Event) Revocation {
	str := func(k string) string { v, _ := ev.Data[k].(string); return v }
	return Revocation{UserID: str("user_id"), SessionID: str("session_id"), ExceptSessionID: str("except_session_id"),
		AccessTokenID: str("access_token_id")}
}

// endSessions signs a user out everywhere: their sessions are deleted, and
// the hubs close their sockets once tx commits.
func (a *App) endSessions(ctx context.Context, tx store.Store, userID string) error {
	if err := tx.DeleteUserSessions(ctx, userID); err != nil {
		return model.ErrInternal(err)
	}
	a.publishTx(ctx, tx, Revocation{UserID: userID}.event())
	return nil
}

// revokeOtherSessions ends every session of userID but keep (which may be "").
func (a *App) revokeOtherSessions(ctx context.Context, userID, keep string) error {
	list, err := a.store.ListSessions(ctx, userID)
	if err != nil {
		return model.ErrInternal(err)
	}
	for _, x := range list {
		if x.ID == keep {
			continue
		}
		if err := a.store.DeleteSession(ctx, x.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return model.ErrInternal(err)
		}
	}
	a.publishRevoked(ctx, Revocation{UserID: userID, ExceptSessionID: keep})
	return nil
}
