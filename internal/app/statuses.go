package app

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Status returns a user's presence; users never seen are offline.
func (a *App) Status(ctx context.Context, userID string) (*model.Status, error) {
	st, err := a.store.GetStatus(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return &model.Status{UserID: userID, Status: model.StatusOffline}, nil
	}
	return st, storeErr(err, nil)
}

// Statuses returns the presence of each user, offline for those never seen.
func (a *App) Statuses(ctx context.Context, ids []string) ([]*model.Status, error) {
	found, err := a.store.GetStatuses(ctx, ids)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	byID := make(map[string]*model.Status, len(found))
	for _, st := range found {
		byID[st.UserID] = st
	}
	out := make([]*model.Status, 0, len(ids))
	for _, id := range ids {
		if st, ok := byID[id]; ok {
			out = append(out, st)
		} else {
			out = append(out, &model.Status{UserID: id, Status: model.StatusOffline})
		}
	}
	return out, nil
}

// SetStatus sets a user's presence by hand (online resets manual).
func (a *App) SetStatus(ctx context.Context, s *model.Session, userID, status string, dndEnd int64) (*model.Status, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	switch status {
	case model.StatusOnline, model.StatusAway, model.StatusOffline, model.StatusDND:
	default:
		return nil, model.ErrInvalidBody("status")
	}
	if _, err := a.store.GetUser(ctx, userID); err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	st := &model.Status{UserID: userID, Status: status, Manual: status != model.StatusOnline, LastActivityAt: model.Now()}
	if status == model.StatusDND {
		st.DNDEndTime = dndEnd
	}
	return st, a.saveStatus(ctx, st)
}

func (a *App) saveStatus(ctx context.Context, st *model.Status) error {
	if err := a.store.SaveStatus(ctx, st); err != nil {
		return model.ErrInternal(err)
	}
	a.publish(ctx, model.NewEvent(model.EventStatusChange, model.Broadcast{UserID: st.UserID},
		map[string]any{"user_id": st.UserID, "status": st.Status}))
	return nil
}

// UserTyping tells a channel's members that the user is typing.
func (a *App) UserTyping(ctx context.Context, s *model.Session, userID, channelID, parentID string) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	if _, err := a.store.GetChannelMember(ctx, channelID, userID); err != nil {
		return storeErr(err, model.ErrForbidden())
	}
	a.publish(ctx, model.NewEvent(model.EventTyping, model.Broadcast{ChannelID: channelID, OmitUsers: map[string]bool{userID: true}},
		map[string]any{"parent_id": parentID, "user_id": userID}))
	return nil
}
