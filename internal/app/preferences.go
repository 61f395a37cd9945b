package app

import (
	"context"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Preferences lists a user's preferences, optionally of one category.
func (a *App) Preferences(ctx context.Context, s *model.Session, userID, category string) ([]model.Preference, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	ps, err := a.store.GetPreferences(ctx, userID, category)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if category != "" && len(ps) == 0 {
		return nil, model.ErrNotFound("api.preference.preferences_category.get.app_error", "preferences")
	}
	return ps, nil
}

// Preference returns one preference.
func (a *App) Preference(ctx context.Context, s *model.Session, userID, category, name string) (*model.Preference, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	p, err := a.store.GetPreference(ctx, userID, category, name)
	// Mattermost answers a missing preference with 400, not 404.
	return p, storeErr(err, model.NewAppError(http.StatusBadRequest, "app.preference.get.app_error",
		"Unable to find preference."))
}

func (a *App) checkPreferences(ctx context.Context, s *model.Session, userID string, prefs []model.Preference) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	for i := range prefs {
		if prefs[i].UserID != userID {
			return model.NewAppError(http.StatusForbidden, "api.preference.update_preferences.set.app_error",
				"Unable to set preferences for other user.")
		}
		if appErr := prefs[i].IsValid(); appErr != nil {
			return appErr
		}
		if prefs[i].Category == "flagged_post" {
			if _, _, err := a.postForRead(ctx, s, prefs[i].Name); err != nil {
				return model.ErrForbidden()
			}
		}
	}
	return nil
}

// SavePreferences upserts a user's preferences.
func (a *App) SavePreferences(ctx context.Context, s *model.Session, userID string, prefs []model.Preference) error {
	if err := a.checkPreferences(ctx, s, userID, prefs); err != nil {
		return err
	}
	return a.savePreferences(ctx, a.store, userID, prefs)
}

// savePreferences upserts a user's preferences, for the API and the
// importer; the user hears preferences_changed once tx commits.
func (a *App) savePreferences(ctx context.Context, tx store.Store, userID string, prefs []model.Preference) error {
	if err := tx.SavePreferences(ctx, prefs); err != nil {
		return model.ErrInternal(err)
	}
	a.publishTx(ctx, tx, model.NewEvent(model.EventPreferencesChanged, model.Broadcast{UserID: userID},
		map[string]any{"preferences": model.JSONString(prefs)}))
	return nil
}

// DeletePreferences removes preferences by category and name.
func (a *App) DeletePreferences(ctx context.Context, s *model.Session, userID string, prefs []model.Preference) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	for _, p := range prefs {
		if p.UserID != userID {
			return model.NewAppError(http.StatusForbidden, "api.preference.delete_preferences.delete.app_error",
				"Unable to delete preferences for other user.")
		}
	}
	if err := a.store.DeletePreferences(ctx, userID, prefs); err != nil {
		return model.ErrInternal(err)
	}
	a.publish(ctx, model.NewEvent(model.EventPreferencesDeleted, model.Broadcast{UserID: userID},
		map[string]any{"preferences": model.JSONString(prefs)}))
	return nil
}
