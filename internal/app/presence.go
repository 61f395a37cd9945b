package app

import (
	"context"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// SetAutoStatus records presence the server infers (online on connection or
// activity, away after inactivity, offline after the last connection closed).
// A status the user set by hand wins until it is changed by hand, except a
// do-not-disturb whose end time has passed. Only a change is published.
func (a *App) SetAutoStatus(ctx context.Context, userID, status string) error {
	cur, err := a.Status(ctx, userID)
	if err != nil {
		return err
	}
	now := model.Now()
	dndOver := cur.Status == model.StatusDND && cur.DNDEndTime > 0 && cur.DNDEndTime <= now/1000
	if cur.Manual && !dndOver {
		return nil
	}
	if cur.Status == status && !dndOver {
		return nil
	}
	return a.saveStatus(ctx, &model.Status{UserID: userID, Status: status, LastActivityAt: now})
}

// webOnlineEvery is how often requests of one user re-mark them online; in
// between, a request costs no database read.
const webOnlineEvery = 10 * time.Second

// WebRequest marks the user online for a request a client made on its own
// behalf (X-Requested-With: XMLHttpRequest), as Mattermost does: someone
// using the web or desktop app is online, and gets no mail or push for what
// they can see. A status set by hand stays.
func (a *App) WebRequest(ctx context.Context, userID string) {
	now := time.Now().UnixMilli()
	if last, ok := a.webSeen.Load(userID); ok && now-last.(int64) < webOnlineEvery.Milliseconds() {
		return
	}
	a.webSeen.Store(userID, now)
	if err := a.SetAutoStatus(ctx, userID, model.StatusOnline); err != nil {
		a.log.WarnContext(ctx, "mark online", "user_id", userID, "err", err)
	}
}

// StatusMap returns user id → status for the given users (offline when unknown),
// the reply shape of the get_statuses WebSocket actions.
func (a *App) StatusMap(ctx context.Context, ids []string) (map[string]string, error) {
	sts, err := a.Statuses(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(sts))
	for _, st := range sts {
		out[st.UserID] = st.Status
	}
	return out, nil
}

// AwayTimeout is how long a connected user may be inactive before being shown away.
func (a *App) AwayTimeout() time.Duration {
	return time.Duration(a.Config().UserStatusAwayTimeoutSec) * time.Second
}
