package app

import (
	"context"
	"net/http"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// A command may answer through its response_url for this long, this often
// (Mattermost's limits).
const (
	commandWebhookTTL     = 30 * time.Minute
	commandWebhookMaxUses = 5
)

// newCommandWebhook records the response_url of one command run, and forgets
// those long expired so the table stays small without a job.
func (a *App) newCommandWebhook(ctx context.Context, cc *commandCall) (string, error) {
	now := model.Now()
	h := &model.CommandWebhook{ID: model.NewID(), CreateAt: now, CommandID: cc.cmd.ID, UserID: cc.user.ID,
		ChannelID: cc.ch.ID, TeamID: cc.args.TeamID, RootID: cc.args.RootID}
	if err := a.store.DeleteCommandWebhooksBefore(ctx, now-2*commandWebhookTTL.Milliseconds()); err != nil {
		return "", model.ErrInternal(err)
	}
	if err := a.store.SaveCommandWebhook(ctx, h); err != nil {
		return "", model.ErrInternal(err)
	}
	return h.ID, nil
}

func errCommandWebhookInvalid() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "web.command_webhook.invalid.app_error",
		"Invalid webhook: it does not exist, has expired or was used too often.")
}

// ExecuteCommandWebhook delivers a delayed answer of a slash command, sent to
// its response_url, as the user who ran the command, where they ran it.
func (a *App) ExecuteCommandWebhook(ctx context.Context, id string, resp *model.CommandResponse) error {
	notBefore := model.Now() - commandWebhookTTL.Milliseconds()
	h, err := a.store.UseCommandWebhook(ctx, id, notBefore, commandWebhookMaxUses)
	if err != nil {
		return storeErr(err, errCommandWebhookInvalid())
	}
	cmd, err := a.store.GetCommand(ctx, h.CommandID)
	if err != nil {
		return storeErr(err, errCommandWebhookInvalid())
	}
	if why, err := a.creatorAccess(ctx, cmd.CreatorID, cmd.TeamID); err != nil {
		return model.ErrInternal(err)
	} else if why != "" {
		return errCommandWebhookInvalid()
	}
	user, err := a.store.GetUser(ctx, h.UserID)
	if err != nil || user.DeleteAt > 0 {
		return errCommandWebhookInvalid()
	}
	ch, err := a.store.GetChannel(ctx, h.ChannelID)
	if err != nil {
		return storeErr(err, errCommandWebhookInvalid())
	}
	// The user may have left since running the command.
	if !a.isMember(ctx, ch.ID, user.ID) && ch.Type != model.ChannelOpen {
		return model.ErrForbidden()
	}
	cc := &commandCall{args: &model.CommandArgs{ChannelID: ch.ID, TeamID: h.TeamID, RootID: h.RootID},
		ch: ch, user: user, cmd: cmd, trigger: cmd.Trigger}
	_, err = a.handleCommandResponse(ctx, cc, resp)
	return err
}
