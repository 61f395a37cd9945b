package app

import (
	"context"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// The auto-responder, as Mattermost's (app/auto_responder.go): a member whose
// notify props have auto_responder_active "true" and an
// auto_responder_message answers a direct message with that message, as a
// system_auto_responder reply from them in the thread of the message, at
// most once per channel per calendar day (UTC). Only direct channels, never
// to a bot or to an auto-reply; a message to oneself gets one, so the member
// can try it. experimental_enable_automatic_replies turns it on.

// Mattermost's notify prop names.
const (
	notifyAutoResponderActive  = "auto_responder_active"
	notifyAutoResponderMessage = "auto_responder_message"
)

// autoRespond answers p, just saved in ch by sender, when the other member
// of the DM has the auto-responder on. A failure is logged: the message it
// answers is already posted.
func (a *App) autoRespond(ctx context.Context, p *model.Post, ch *model.Channel, sender *model.User, root *model.Post) {
	if !a.Config().ExperimentalEnableAutomaticReplies || ch.Type != model.ChannelDirect || sender.IsBot ||
		p.Type == model.PostTypeAutoResponder {
		return
	}
	receiverID := sender.ID
	for _, id := range strings.Split(ch.Name, "__") {
		if id != sender.ID {
			receiverID = id
		}
	}
	receiver := sender
	if receiverID != sender.ID {
		u, err := a.store.GetUser(ctx, receiverID)
		if err != nil {
			a.log.WarnContext(ctx, "auto-responder: load user", "user", receiverID, "err", err)
			return
		}
		receiver = u
	}
	msg := receiver.NotifyProps[notifyAutoResponderMessage]
	if receiver.NotifyProps[notifyAutoResponderActive] != "true" || msg == "" || receiver.DeleteAt > 0 {
		return
	}
	y, m, d := time.UnixMilli(p.CreateAt).UTC().Date()
	since := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).UnixMilli()
	done, err := a.store.HasAutoResponseSince(ctx, ch.ID, receiver.ID, since)
	if err != nil {
		a.log.WarnContext(ctx, "auto-responder: look for an earlier reply", "channel", ch.ID, "err", err)
		return
	}
	if done {
		return
	}
	if p.RootID == "" {
		root = p
	}
	now := model.Now()
	reply := &model.Post{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: receiver.ID, ChannelID: ch.ID,
		RootID: root.ID, Message: msg, Type: model.PostTypeAutoResponder, Props: map[string]any{}}
	reply.PreCommit()
	if _, err := a.savePost(ctx, reply, ch, root, receiver, false); err != nil {
		a.log.WarnContext(ctx, "auto-responder: post the reply", "channel", ch.ID, "err", err)
	}
}

// autoResponderStatus sets the member out of office when they turn the
// auto-responder on and online when they turn it off, as Mattermost's
// SetAutoResponderStatus, both as set by hand.
func (a *App) autoResponderStatus(ctx context.Context, userID string, was, is bool) {
	if was == is || !a.Config().ExperimentalEnableAutomaticReplies {
		return
	}
	status := model.StatusOnline
	if is {
		status = statusOutOfOffice
	}
	if err := a.saveStatus(ctx, &model.Status{UserID: userID, Status: status, Manual: true, LastActivityAt: model.Now()}); err != nil {
		a.log.WarnContext(ctx, "auto-responder: set status", "user", userID, "err", err)
	}
}

// statusOutOfOffice is Mattermost's status while the auto-responder is on.
const statusOutOfOffice = "ooo"
