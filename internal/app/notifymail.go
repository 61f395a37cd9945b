package app

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// notifyMail is one notification mail about a post, built before the post's
// transaction (from what the mention pass loaded) and queued inside it.
type notifyMail struct {
	to, subject, text, html string
}

// notificationMails are the mails a post sends at once (no batching): to
// each member it mentions (every DM is one) who is not online, whose email
// notifications are on for the channel (its member setting, else the user's)
// and who has not muted it,
// while send_email_notifications and an SMTP server are set.
func (a *App) notificationMails(p *model.Post, ch *model.Channel, sender *model.User, targets []mentionTarget, mentions []string) []notifyMail {
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
		out = append(out, a.notificationMail(p, ch, sender, u))
	}
	return out
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

func (a *App) notificationMail(p *model.Post, ch *model.Channel, sender *model.User, to *model.User) notifyMail {
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
	text := fmt.Sprintf("Hello %s,\n\n%s\n\n%s\n\nView it: %s\n\n%s\n", to.Username, lead, msg, href, footer)
	body := fmt.Sprintf(`<p>Hello %s,</p><p>%s</p><blockquote style="white-space:pre-wrap">%s</blockquote><p><a href="%s">View message</a></p><p><small>%s</small></p>`,
		html.EscapeString(to.Username), html.EscapeString(lead), html.EscapeString(msg), html.EscapeString(href),
		html.EscapeString(footer))
	return notifyMail{to: to.Email, subject: subject, text: text, html: body}
}
