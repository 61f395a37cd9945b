package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// DraftsAllowed is the AllowSyncedDrafts gate, which Mattermost checks
// before anything else of a drafts request.
func (a *App) DraftsAllowed() error {
	if !a.Config().AllowSyncedDrafts {
		return model.NewAppError(http.StatusNotImplemented, "api.drafts.disabled.app_error",
			"Cannot perform action. Synced drafts are disabled.")
	}
	return nil
}

// UpsertDraft saves the caller's draft in a channel they may post in; an empty
// message deletes it, and the answer is then nil.
func (a *App) UpsertDraft(ctx context.Context, s *model.Session, d *model.Draft, connectionID string) (*model.Draft, error) {
	if err := a.DraftsAllowed(); err != nil {
		return nil, err
	}
	d.UserID, d.DeleteAt = s.UserID, 0
	if appErr := d.IsValid(); appErr != nil {
		return nil, appErr
	}
	ch, err := a.store.GetChannel(ctx, d.ChannelID)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if !a.CanReadChannel(ctx, s, ch) || !a.canPost(ctx, s, ch) {
		return nil, model.ErrForbidden()
	}
	if ch.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.draft.create_draft.can_not_draft_to_deleted.error",
			"Cannot create a draft in an archived channel.")
	}
	if d.FileIDs, err = normalizeFileIDs(d.FileIDs); err != nil {
		return nil, err
	}
	if d.Message == "" && len(d.FileIDs) == 0 {
		return nil, a.DeleteDraft(ctx, s, s.UserID, d.ChannelID, d.RootID, connectionID)
	}
	event := model.EventDraftCreated
	now := model.Now()
	d.CreateAt, d.UpdateAt = now, now
	if old, err := a.store.GetDraft(ctx, d.UserID, d.ChannelID, d.RootID); err == nil {
		event, d.CreateAt = model.EventDraftUpdated, old.CreateAt
	}
	out, err := a.store.UpsertDraft(ctx, d)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	a.publishDraft(ctx, event, out, connectionID)
	return out, nil
}

// DraftsForUser are the caller's own drafts in a team and in their direct
// and group messages; drafts are never shown to anyone else.
func (a *App) DraftsForUser(ctx context.Context, s *model.Session, userID, teamID string) ([]*model.Draft, error) {
	if err := a.DraftsAllowed(); err != nil {
		return nil, err
	}
	if s.UserID != userID || !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	out, err := a.store.DraftsForUser(ctx, userID, teamID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return out, nil
}

// DeleteDraft removes the caller's draft of a channel or thread; a draft
// that is not there is already deleted.
func (a *App) DeleteDraft(ctx context.Context, s *model.Session, userID, channelID, rootID, connectionID string) error {
	if err := a.DraftsAllowed(); err != nil {
		return err
	}
	if s.UserID != userID {
		return model.ErrForbidden()
	}
	d, err := a.store.GetDraft(ctx, userID, channelID, rootID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return model.ErrInternal(err)
	}
	if err := a.store.DeleteDraft(ctx, userID, channelID, rootID); err != nil {
		return model.ErrInternal(err)
	}
	a.publishDraft(ctx, model.EventDraftDeleted, d, connectionID)
	return nil
}

// publishDraft tells the user's other connections, as Mattermost does: the
// draft as a JSON string.
func (a *App) publishDraft(ctx context.Context, event string, d *model.Draft, connectionID string) {
	js, err := json.Marshal(d)
	if err != nil {
		return
	}
	ev := model.NewEvent(event, model.Broadcast{UserID: d.UserID}, map[string]any{"draft": string(js)})
	ev.Broadcast.OmitConnectionID = connectionID
	a.publish(ctx, ev)
}
