package app

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// notifyMail is one notification mail about a post, built before the post's
// transaction (from what the mention pass loaded) and queued inside it. With
// digest set it waits, instead, for the member's next digest.
type notifyMail struct {
	to, subject, text, html string
	unsubscribe             string
	digest                  *model.DigestItem
}

// notificationMails are the mails a post sends: to each member it mentions
// (every DM is one) who is not online, whose email notifications are on for
// the channel (its member setting, else the user's) and who has not muted
// it, while send_email_notifications and an SMTP server are set. With
// enable_email_batching they become digest items instead, unless the
// member's email_interval asks for them at once.
func (a *App) notificationMails(ctx context.Context, p *model.Post, ch *model.Channel, sender *model.User, targets []mentionTarget, mentions []string) []notifyMail {
	cfg := a.Config()
	if !cfg.SendEmailNotifications || !cfg.MailEnabled() || len(mentions) == 0 || p.IsSystemMessage() {
		return nil
	}
	mentioned := make(map[string]bool, len(mentions))
	for _, id := range mentions {
		mentioned[id] = true
	}
	var out []notifyMail
	for _, t := range targets {
		u := t.user
		if !mentioned[u.ID] || t.online || u.IsBot || u.DeleteAt > 0 || u.Email == "" || !wantsEmail(u, t.member) {
			continue
		}
		m := a.notificationMail(p, ch, sender, u, a.unsubscribeURL(ctx, u.ID))
		if wait, batched := a.emailInterval(ctx, u.ID); batched {
			m.digest = a.digestItem(p, ch, sender, u, wait)
		}
		out = append(out, m)
	}
	return out
}

// Mattermost's email_interval preference (category notifications), in
// seconds: "30" is its "immediately"; unset or unreadable means its default
// of 900 while batching is on.
const (
	prefCategoryNotifications  = "notifications"
	prefEmailInterval          = "email_interval"
	emailIntervalImmediately   = "30"
	defaultEmailBatchingPeriod = 900 * time.Second
)

// emailInterval is how long the user's notification mail waits for a digest,
// and whether it waits at all.
func (a *App) emailInterval(ctx context.Context, userID string) (time.Duration, bool) {
	if !a.Config().EnableEmailBatching {
		return 0, false
	}
	p, err := a.store.GetPreference(ctx, userID, prefCategoryNotifications, prefEmailInterval)
	if err != nil {
		return defaultEmailBatchingPeriod, true
	}
	if p.Value == emailIntervalImmediately {
		return 0, false
	}
	n, err := strconv.ParseInt(p.Value, 10, 64)
	if err != nil || n < 0 {
		return defaultEmailBatchingPeriod, true
	}
	return time.Duration(n) * time.Second, true
}

// digestItem is the post's entry in a digest mail.
func (a *App) digestItem(p *model.Post, ch *model.Channel, sender, to *model.User, wait time.Duration) *model.DigestItem {
	cfg := a.Config()
	where := ch.DisplayName
	if ch.Type == model.ChannelDirect {
		where = "a direct message"
	}
	when := time.UnixMilli(p.CreateAt).UTC().Format("15:04 MST")
	href := strings.TrimSuffix(cfg.SiteURL, "/") + "/_redirect/pl/" + p.ID
	msg := p.Message
	if msg == "" {
		msg = "(an attachment)"
	}
	head := "@" + sender.Username + " in " + where + " at " + when
	return &model.DigestItem{ID: model.NewID(), UserID: to.ID, CreateAt: p.CreateAt,
		SendAfter: p.CreateAt + wait.Milliseconds(), ChannelID: ch.ID,
		Text: fmt.Sprintf("%s:\n%s\nView it: %s\n", head, msg, href),
		HTML: fmt.Sprintf(`<p><b>%s</b></p><blockquote style="white-space:pre-wrap">%s</blockquote><p><a href="%s">View message</a></p>`,
			html.EscapeString(head), html.EscapeString(msg), html.EscapeString(href))}
}

// wantsEmail: never for a muted channel (as Mattermost), else the member's
// email prop when set, else the user's.
func wantsEmail(u *model.User, m *model.ChannelMember) bool {
	if m.NotifyProps["mark_unread"] == "mention" {
		return false
	}
	if v := m.NotifyProps["email"]; v == "true" || v == "false" {
		return v == "true"
	}
	return u.NotifyProps["email"] != "false"
}

func (a *App) notificationMail(p *model.Post, ch *model.Channel, sender *model.User, to *model.User, unsubscribe string) notifyMail {
	cfg := a.Config()
	when := time.UnixMilli(p.CreateAt).UTC().Format("January 2, 2006")
	from := "@" + sender.Username
	var subject, lead string
	if ch.Type == model.ChannelDirect {
		subject = fmt.Sprintf("[%s] New Direct Message from %s on %s", cfg.SiteName, from, when)
		lead = from + " sent you a direct message."
	} else {
		subject = fmt.Sprintf("[%s] Notification in %s on %s", cfg.SiteName, ch.DisplayName, when)
		lead = from + " mentioned you in " + ch.DisplayName + "."
	}
	href := strings.TrimSuffix(cfg.SiteURL, "/") + "/_redirect/pl/" + p.ID
	msg := p.Message
	if msg == "" {
		msg = "(an attachment)"
	}
	footer := "You get this mail because you were away. Turn it off under Settings > Notifications > Email notifications."
	ft, fh := unsubscribeFooter(footer, unsubscribe)
	text := fmt.Sprintf("Hello %s,\n\n%s\n\n%s\n\nView it: %s\n\n%s\n", to.Username, lead, msg, href, ft)
	body := fmt.Sprintf(`<p>Hello %s,</p><p>%s</p><blockquote style="white-space:pre-wrap">%s</blockquote><p><a href="%s">View message</a></p><p><small>%s</small></p>`,
		html.EscapeString(to.Username), html.EscapeString(lead), html.EscapeString(msg), html.EscapeString(href), fh)
	return notifyMail{to: to.Email, subject: subject, text: text, html: body, unsubscribe: unsubscribe}
}

// unsubscribeFooter is a notification mail's footer in text and HTML, with
// the unsubscribe link when there is one.
func unsubscribeFooter(footer, unsubscribe string) (text, htmlPart string) {
	text, htmlPart = footer, html.EscapeString(footer)
	if unsubscribe != "" {
		text += "\nUnsubscribe from these mails: " + unsubscribe
		htmlPart += ` <a href="` + html.EscapeString(unsubscribe) + `">Unsubscribe</a>`
	}
	return text, htmlPart
}
