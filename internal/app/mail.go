package app

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/mail"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Outgoing mail is a row in mail_queue, written in the transaction of the
// change it reports; MailLoop on every node sends what is due. A message is
// claimed by switching it to sent in one conditional write before the SMTP
// conversation, so two nodes never both send it; a failed delivery puts it
// back with a later attempt. The price of never sending twice: a node that
// dies in the middle of a delivery loses that one message.
const (
	// mailPoll is how often a node looks for mail queued elsewhere or due
	// for a retry; mail queued through this node goes at once.
	mailPoll = 5 * time.Second
	// mailBatch bounds the messages one pass reads.
	mailBatch = 50
	// mailRetryFirst doubles after each failed attempt, up to mailRetryMax.
	mailRetryFirst = 30 * time.Second
	mailRetryMax   = time.Hour
	// mailAttempts is how often a message is tried before it is given up
	// on: about a day of retries, enough to outlast an SMTP outage.
	mailAttempts = 30
)

// mailSettings is how mail is sent under cfg.
func mailSettings(cfg *config.Config) mail.Settings {
	return mail.Settings{Host: cfg.SMTPServer, Port: cfg.SMTPPort, Security: cfg.SMTPConnectionSecurity,
		Auth: cfg.EnableSMTPAuth, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
		SkipVerify: cfg.SkipServerCertificateVerification, FromName: cfg.FeedbackName,
		FromAddress: cfg.FeedbackEmail, ReplyTo: cfg.ReplyToAddress}
}

// enqueueMail queues a message in tx (the caller's transaction, or the
// store) and wakes the sender once it is committed.
func (a *App) enqueueMail(ctx context.Context, tx store.Store, to, subject, text, html string) error {
	return a.queueMail(ctx, tx, &model.QueuedMail{To: to, Subject: subject, Text: text, HTML: html})
}

// queueMail queues m (its addressing and content set) as a pending message.
func (a *App) queueMail(ctx context.Context, tx store.Store, m *model.QueuedMail) error {
	now := model.Now()
	m.ID, m.CreateAt, m.Status, m.NextAttemptAt, m.UpdateAt = model.NewID(), now, model.MailPending, now, now
	if err := tx.EnqueueMail(ctx, m); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	tx.AfterCommit(func() {
		a.countNotification("mail", "queued")
		select {
		case a.mailWake <- struct{}{}:
		default:
		}
	})
	return nil
}

// MailLoop sends queued mail until ctx ends.
func (a *App) MailLoop(ctx context.Context) {
	t := time.NewTicker(mailPoll)
	defer t.Stop()
	var swept, digested time.Time
	for {
		if now := time.Now(); now.Sub(swept) > time.Hour {
			// No token outlives the longest lifetime; the old rows are dead weight.
			if err := a.store.DeleteTokensBefore(ctx, now.UnixMilli()-model.VerifyEmailExpiryTime); err != nil {
				a.log.ErrorContext(ctx, "delete expired tokens", "err", err)
			}
			swept = now
		}
		if cfg := a.Config(); cfg.MailEnabled() {
			// Digests are looked for every email_batching_interval seconds,
			// and still while batching is off, so none waits forever.
			if now := time.Now(); now.Sub(digested) >= time.Duration(cfg.EmailBatchingInterval)*time.Second {
				if _, err := a.SendDueDigests(ctx, now); err != nil {
					a.log.ErrorContext(ctx, "send email digests", "err", err)
				}
				digested = now
			}
			if _, err := a.SendDueMail(ctx, time.Now()); err != nil {
				a.log.ErrorContext(ctx, "send queued mail", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-a.mailWake:
		case <-t.C:
		}
	}
}

// SendDueMail sends the messages due at now and reports how many went out.
// It stops between messages when ctx ends; a delivery under way finishes,
// since its message is already marked sent.
func (a *App) SendDueMail(ctx context.Context, now time.Time) (int, error) {
	due, err := a.store.DueMail(ctx, now.UnixMilli(), mailBatch)
	if err != nil {
		return 0, fmt.Errorf("list due mail: %w", err)
	}
	sent := 0
	for _, m := range due {
		if ctx.Err() != nil {
			break
		}
		won, err := a.store.ClaimMail(ctx, m.ID, now.UnixMilli())
		if err != nil {
			return sent, fmt.Errorf("claim mail %s: %w", m.ID, err)
		}
		if !won {
			continue // another node has it
		}
		err = mail.Send(context.WithoutCancel(ctx), mailSettings(a.Config()),
			mail.Message{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, ListUnsubscribe: m.ListUnsubscribe})
		if err == nil {
			sent++
			a.countNotification("mail", "sent")
			continue
		}
		a.countNotification("mail", "failed")
		attempts := m.Attempts + 1
		next := now.Add(backoff(mailRetryFirst, mailRetryMax, attempts)).UnixMilli()
		if errors.Is(err, mail.ErrInvalid) || attempts >= mailAttempts {
			next = 0
		}
		a.log.WarnContext(ctx, "mail not delivered", "mail", m.ID, "attempts", attempts, "retry", next != 0, "err", err)
		if err := a.store.RetryMail(context.WithoutCancel(ctx), m.ID, next, model.Now(), err.Error()); err != nil {
			return sent, fmt.Errorf("requeue mail %s: %w", m.ID, err)
		}
	}
	return sent, nil
}

// digestBatch bounds the members one digest pass mails.
const digestBatch = 50

// SendDueDigests mails each member whose digest is due at now their waiting
// notifications as one message, leaving out those whose channel they have
// read since, and reports how many digests it queued. A digest's mail is
// queued and its items deleted in one transaction; when another node
// deleted them first, the transaction is rolled back, so no notification is
// mailed twice.
func (a *App) SendDueDigests(ctx context.Context, now time.Time) (int, error) {
	users, err := a.store.DueDigestUsers(ctx, now.UnixMilli(), digestBatch)
	if err != nil {
		return 0, fmt.Errorf("list due digests: %w", err)
	}
	queued := 0
	for _, id := range users {
		if ctx.Err() != nil {
			break
		}
		ok, err := a.sendDigest(ctx, id)
		if err != nil {
			return queued, fmt.Errorf("digest for %s: %w", id, err)
		}
		if ok {
			queued++
		}
	}
	return queued, nil
}

var errDigestTaken = errors.New("digest sent by another node")

func (a *App) sendDigest(ctx context.Context, userID string) (bool, error) {
	cfg := a.Config()
	u, err := a.store.GetUser(ctx, userID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	sent := false
	// Signed before the transaction: making the key the first time writes.
	unsubscribe := a.unsubscribeURL(ctx, userID)
	err = a.store.Tx(ctx, func(tx store.Store) error {
		items, err := tx.DigestItems(ctx, userID)
		if err != nil {
			return err
		}
		ids := make([]string, len(items))
		var fresh []*model.DigestItem
		for i, it := range items {
			ids[i] = it.ID
			if !it.Seen {
				fresh = append(fresh, it)
			}
		}
		n, err := tx.DeleteDigestItems(ctx, ids)
		if err != nil {
			return err
		}
		if n != int64(len(ids)) {
			return errDigestTaken
		}
		// A member gone, or one who read it all meanwhile, gets nothing.
		if u == nil || u.DeleteAt > 0 || u.Email == "" || len(fresh) == 0 {
			return nil
		}
		subject, text, body := a.digestMail(cfg, u, fresh, unsubscribe)
		sent = true
		return a.queueMail(ctx, tx, &model.QueuedMail{To: u.Email, Subject: subject, Text: text, HTML: body,
			ListUnsubscribe: unsubscribe})
	})
	if errors.Is(err, errDigestTaken) {
		return false, nil
	}
	return sent, err
}

// digestMail is Mattermost's batched notification: "[Site] New
// Notifications for <date>", one entry per post, oldest first.
func (a *App) digestMail(cfg *config.Config, u *model.User, items []*model.DigestItem, unsubscribe string) (subject, text, body string) {
	day := time.UnixMilli(items[0].CreateAt).UTC().Format("January 2, 2006")
	noun := "Notifications"
	if len(items) == 1 {
		noun = "Notification"
	}
	subject = fmt.Sprintf("[%s] New %s for %s", cfg.SiteName, noun, day)
	lead := fmt.Sprintf("You have %d new %s.", len(items), strings.ToLower(noun))
	var tb, hb strings.Builder
	fmt.Fprintf(&tb, "Hello %s,\n\n%s\n\n", u.Username, lead)
	fmt.Fprintf(&hb, "<p>Hello %s,</p><p>%s</p>", html.EscapeString(u.Username), html.EscapeString(lead))
	for _, it := range items {
		tb.WriteString(it.Text + "\n")
		hb.WriteString(it.HTML)
	}
	ft, fh := unsubscribeFooter("You get this mail because you were away. Change how often under Settings > Notifications > Email notifications.",
		unsubscribe)
	tb.WriteString(ft + "\n")
	fmt.Fprintf(&hb, "<p><small>%s</small></p>", fh)
	return subject, tb.String(), hb.String()
}
