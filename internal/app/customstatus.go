package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errCustomStatusDisabled() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.custom_status.disabled", "Custom statuses are disabled on this server.")
}

func errRecentCustomStatusDelete() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.custom_status.recent_custom_statuses.delete.app_error",
		"The recent custom status could not be deleted.")
}

// checkCustomStatus applies Mattermost's order: feature on, then permission.
func (a *App) checkCustomStatus(s *model.Session, userID string) error {
	if !a.Config().EnableCustomUserStatuses {
		return errCustomStatusDisabled()
	}
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	return nil
}

// SetCustomStatus stores cs in the user's props (user_updated goes out) and
// first in their recent statuses (preferences_changed goes to them).
func (a *App) SetCustomStatus(ctx context.Context, s *model.Session, userID string, cs *model.CustomStatus) error {
	if !a.Config().EnableCustomUserStatuses {
		return errCustomStatusDisabled()
	}
	now := time.Now()
	if cs == nil || !cs.Valid(now) {
		return model.ErrInvalidBody("custom_status")
	}
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	cs.PreSave(now)
	js, err := json.Marshal(cs)
	if err != nil {
		return model.ErrInternal(err)
	}
	if err := a.setUserProp(ctx, userID, model.UserPropsKeyCustomStatus, string(js)); err != nil {
		return err
	}
	recent, err := a.recentCustomStatuses(ctx, userID)
	if err != nil {
		return err
	}
	return a.saveRecentCustomStatuses(ctx, s, userID, recent.Add(*cs))
}

// RemoveCustomStatus clears the user's current custom status.
func (a *App) RemoveCustomStatus(ctx context.Context, s *model.Session, userID string) error {
	if err := a.checkCustomStatus(s, userID); err != nil {
		return err
	}
	return a.setUserProp(ctx, userID, model.UserPropsKeyCustomStatus, "")
}

// RemoveRecentCustomStatus drops one status from the user's recent ones; it
// must be there.
func (a *App) RemoveRecentCustomStatus(ctx context.Context, s *model.Session, userID string, cs *model.CustomStatus) error {
	if err := a.checkCustomStatus(s, userID); err != nil {
		return err
	}
	if cs == nil || !cs.Valid(time.Now()) {
		return model.ErrInvalidBody("recent_custom_status")
	}
	recent, err := a.recentCustomStatuses(ctx, userID)
	if err != nil {
		return err
	}
	rest, ok := recent.Remove(*cs)
	if !ok {
		return errRecentCustomStatusDelete()
	}
	return a.saveRecentCustomStatuses(ctx, s, userID, rest)
}

func (a *App) recentCustomStatuses(ctx context.Context, userID string) (model.RecentCustomStatuses, error) {
	p, err := a.store.GetPreference(ctx, userID, model.PreferenceCategoryCustomStatus, model.PreferenceNameRecentCustomStatuses)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var rcs model.RecentCustomStatuses
	if p.Value != "" && json.Unmarshal([]byte(p.Value), &rcs) != nil {
		return nil, nil // an unreadable list starts afresh
	}
	return rcs, nil
}

func (a *App) saveRecentCustomStatuses(ctx context.Context, s *model.Session, userID string, rcs model.RecentCustomStatuses) error {
	js, err := json.Marshal(rcs)
	if err != nil {
		return model.ErrInternal(err)
	}
	return a.SavePreferences(ctx, s, userID, []model.Preference{{UserID: userID, Category: model.PreferenceCategoryCustomStatus,
		Name: model.PreferenceNameRecentCustomStatuses, Value: string(js)}})
}

// setUserProp sets (or with "" removes) one prop of a user and tells everyone.
func (a *App) setUserProp(ctx context.Context, userID, key, value string) error {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	if u.Props == nil {
		u.Props = model.StringMap{}
	}
	if value == "" {
		delete(u.Props, key)
	} else {
		u.Props[key] = value
	}
	u.UpdateAt = model.Now()
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return userConflict(err)
	}
	a.publishUserUpdated(ctx, u)
	return nil
}
