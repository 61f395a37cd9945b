package app

import (
	"context"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// savePost stores a validated post and does what every post does, whoever
// made it (a user, a webhook, a command): mention and unread counts, thread
// stats, the posted event, then the off-request work of outgoing webhooks
// (only when fireHooks) and link previews.
func (a *App) savePost(ctx context.Context, p *model.Post, ch *model.Channel, root *model.Post, sender *model.User, fireHooks bool) (*model.Post, error) {
	now := model.Now()
	if sender.IsBot {
		p.Props[model.PropFromBot] = "true"
	}
	var push store.AudienceQuery
	if cfg := a.Config(); !p.IsSystemMessage() {
		push = store.AudienceQuery{Devices: cfg.PushEnabled(), WebPush: cfg.WebPushEnabled(), Now: now}
	}
	targets, pushTo, err := a.postAudience(ctx, ch, p, push)
	if err != nil {
		return nil, err
	}
	mentions := mentionedUsers(p, ch, targets)
	mails := a.notificationMails(ctx, p, ch, sender, targets, mentions)
	pushes, err := a.notificationPushes(ctx, p, ch, sender, targets, mentions, pushTo)
	if err != nil {
		return nil, err
	}
	err = a.store.PostTx(ctx, ch.ID, func(tx store.Store) error {
		if err := tx.SavePost(ctx, p); err != nil {
			return model.ErrInternal(err)
		}
		if err := attachFiles(ctx, tx, p, sender.ID, p.FileIDs, now); err != nil {
			return err
		}
		if root != nil {
			if err := tx.UpdateThreadStats(ctx, root.ID, now); err != nil {
				return model.ErrInternal(err)
			}
			if err := a.followReply(ctx, tx, p, root, ch, mentions); err != nil {
				return model.ErrInternal(err)
			}
		}
		if err := tx.IncrementMentions(ctx, ch.ID, mentions, p.RootID == ""); err != nil {
			return model.ErrInternal(err)
		}
		for _, m := range mails {
			if m.digest != nil {
				if err := tx.AddDigestItem(ctx, m.digest); err != nil {
					return model.ErrInternal(err)
				}
				continue
			}
			if err := a.queueMail(ctx, tx, &model.QueuedMail{To: m.to, Subject: m.subject, Text: m.text, HTML: m.html,
				ListUnsubscribe: m.unsubscribe}); err != nil {
				return model.ErrInternal(err)
			}
		}
		if err := a.enqueuePushes(ctx, tx, pushes); err != nil {
			return model.ErrInternal(err)
		}
		// The channel's counters come last: on PostgreSQL their UPDATE takes
		// the channel's row lock, which every other post in the channel waits
		// for until this transaction commits. Posting also marks the channel
		// read for the poster.
		if err := tx.CountPost(ctx, ch.ID, sender.ID, p.CreateAt, now, p.RootID == ""); err != nil {
			return model.ErrInternal(err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if root != nil {
		p.ReplyCount = root.ReplyCount + 1
	}
	out, err := a.preparePost(ctx, p)
	if err != nil {
		return nil, err
	}
	a.publish(ctx, postedEvent(out, ch, "@"+sender.Username, mentions))
	if root != nil {
		a.publishThreadUpdated(ctx, root.ID, ch, mentions, sender.ID)
	}
	a.afterPost(ctx, out, ch, sender, fireHooks)
	a.autoRespond(ctx, out, ch, sender, root)
	return out, nil
}

// createIntegrationPost stores a post built by the server for an integration
// (webhook, outgoing webhook reply, slash command response) as p.UserID. The
// caller has checked the author may post there; props such as from_webhook
// are kept, unlike in CreatePost.
func (a *App) createIntegrationPost(ctx context.Context, p *model.Post, ch *model.Channel, fireHooks bool) (*model.Post, error) {
	if ch.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.post.create_post.can_not_post_to_deleted.error",
			"Can not post to deleted channel.")
	}
	if p.IsSystemMessage() {
		return nil, model.ErrInvalidBody("post.type")
	}
	now := model.Now()
	p.ID, p.CreateAt, p.UpdateAt, p.ChannelID = model.NewID(), now, now, ch.ID
	p.PreCommit()
	if appErr := p.IsValid(); appErr != nil {
		return nil, appErr
	}
	var root *model.Post
	if p.RootID != "" {
		r, err := a.store.GetPost(ctx, p.RootID)
		if err != nil || r.ChannelID != ch.ID || r.DeleteAt > 0 {
			return nil, model.NewAppError(http.StatusBadRequest, "api.post.create_post.root_id.app_error",
				"Invalid RootId parameter.")
		}
		// A reply to a reply joins the thread of its root.
		if r.RootID != "" {
			if r, err = a.store.GetPost(ctx, r.RootID); err != nil {
				return nil, storeErr(err, errPostNotFound())
			}
			p.RootID = r.ID
		}
		root = r
	}
	sender, err := a.store.GetUser(ctx, p.UserID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	return a.savePost(ctx, p, ch, root, sender, fireHooks)
}
