package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// systemBotUsername is Mattermost's system bot, which sends post reminders.
const systemBotUsername = "system-bot"

// reminderPoll is how often due reminders are looked for; Mattermost checks
// every five minutes, a minute keeps them closer to the time asked.
const reminderPoll = time.Minute

// reminderBatch bounds the reminders one pass takes.
const reminderBatch = 100

// SetPostReminder reminds the user of a post at target (unix seconds): the
// post must be readable by the caller. A time already past is taken, as
// Mattermost does: the next check sends it. The user sees an ephemeral
// confirmation in the post's channel, as in Mattermost.
func (a *App) SetPostReminder(ctx context.Context, s *model.Session, userID, postID string, target int64) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	p, ch, err := a.postForReadByPost(ctx, s, postID)
	if err != nil {
		return err
	}
	if err := a.store.SetPostReminder(ctx, &model.PostReminder{PostID: p.ID, UserID: userID, TargetTime: target}); err != nil {
		return model.ErrInternal(err)
	}
	teamName, author := a.reminderNames(ctx, p, ch)
	when := time.Unix(target, 0).UTC().Format(time.RFC822)
	a.sendEphemeral(ctx, userID, ch.ID, &model.Post{RootID: p.ID,
		// The clients show the time in the user's zone from the props; the
		// message is their fallback.
		Message: fmt.Sprintf("You will be reminded about %s by @%s at %s", a.permalink(teamName, p.ID), author, when),
		Props: map[string]any{"target_time": target, "team_name": teamName, "post_id": p.ID, "username": author,
			"type": model.PostTypeReminder}})
	return nil
}

// reminderNames are the post's team name (” in a DM or GM) and its author's
// username, which the reminder names.
func (a *App) reminderNames(ctx context.Context, p *model.Post, ch *model.Channel) (teamName, author string) {
	if ch.TeamID != "" {
		if t, err := a.store.GetTeam(ctx, ch.TeamID); err == nil {
			teamName = t.Name
		}
	}
	if u, err := a.store.GetUser(ctx, p.UserID); err == nil {
		author = u.Username
	}
	return teamName, author
}

func (a *App) permalink(teamName, postID string) string {
	base := strings.TrimSuffix(a.Config().SiteURL, "/")
	if teamName == "" {
		return base + "/pl/" + postID
	}
	return base + "/" + teamName + "/pl/" + postID
}

// ReminderLoop sends due post reminders until ctx ends. It runs with the
// other jobs (on the leader of a cluster); taking a reminder deletes it, so
// even two nodes never send one twice.
func (a *App) ReminderLoop(ctx context.Context) {
	t := time.NewTicker(reminderPoll)
	defer t.Stop()
	for {
		if _, err := a.SendDueReminders(ctx, time.Now()); err != nil {
			a.log.ErrorContext(ctx, "send post reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendDueReminders posts each reminder due at now in the user's DM with the
// system bot, and reports how many it sent. A reminder of a post deleted
// since, or of a user deactivated since, is dropped.
func (a *App) SendDueReminders(ctx context.Context, now time.Time) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		due, err := a.store.TakeDuePostReminders(ctx, now.Unix(), reminderBatch)
		if err != nil {
			return sent, fmt.Errorf("take due reminders: %w", err)
		}
		if len(due) == 0 {
			break
		}
		bot, err := a.systemBot(ctx)
		if err != nil {
			return sent, err
		}
		for _, r := range due {
			ok, err := a.sendReminder(context.WithoutCancel(ctx), bot, r)
			if err != nil {
				// Taken already: logged and dropped, not retried forever.
				a.log.WarnContext(ctx, "post reminder not sent", "post", r.PostID, "user", r.UserID, "err", err)
			}
			if ok {
				sent++
			}
		}
		if len(due) < reminderBatch {
			break
		}
	}
	return sent, nil
}

func (a *App) sendReminder(ctx context.Context, bot *model.User, r *model.PostReminder) (bool, error) {
	u, err := a.store.GetUser(ctx, r.UserID)
	if err != nil {
		return false, fmt.Errorf("load user: %w", err)
	}
	p, err := a.store.GetPost(ctx, r.PostID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.DeleteAt > 0) || u.DeleteAt > 0 {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load post: %w", err)
	}
	ch, err := a.store.GetChannel(ctx, p.ChannelID)
	if err != nil {
		return false, fmt.Errorf("load channel: %w", err)
	}
	dm, err := a.botDM(ctx, u, bot)
	if err != nil {
		return false, err
	}
	teamName, author := a.reminderNames(ctx, p, ch)
	now := model.Now()
	post := &model.Post{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: bot.ID, ChannelID: dm.ID,
		Type: model.PostTypeReminder,
		Message: fmt.Sprintf("Hi there, here's your reminder about this message from @%s: %s", author,
			a.permalink(teamName, p.ID)),
		Props: map[string]any{"team_name": teamName, "post_id": p.ID, "username": author}}
	post.PreCommit()
	if _, err := a.savePost(ctx, post, dm, nil, bot, false); err != nil {
		return false, fmt.Errorf("post the reminder: %w", err)
	}
	return true, nil
}

// systemBot is Mattermost's system bot user, created the first time it is
// needed.
func (a *App) systemBot(ctx context.Context) (*model.User, error) {
	u, err := a.store.GetUserByUsername(ctx, systemBotUsername)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("load the system bot: %w", err)
	}
	now := model.Now()
	u = &model.User{ID: model.NewID(), CreateAt: now, UpdateAt: now, Username: systemBotUsername,
		Email: systemBotUsername + "@localhost", FirstName: "System", Roles: model.RoleSystemUser, IsBot: true,
		BotDescription: "Created by Parley", EmailVerified: true}
	u.PreSave()
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := a.saveNewUser(ctx, tx, u); err != nil {
			return err
		}
		return a.ensureBotRow(ctx, tx, u, u.ID)
	})
	if err != nil {
		// Made at once elsewhere: use that one.
		if again, err2 := a.store.GetUserByUsername(ctx, systemBotUsername); err2 == nil {
			return again, nil
		}
		return nil, fmt.Errorf("create the system bot: %w", err)
	}
	return u, nil
}
