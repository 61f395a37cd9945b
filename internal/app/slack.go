package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

var (
	slackLinkRE    = regexp.MustCompile(`<([^<>|\s]+)\|([^<>]+)>`)
	slackBareRE    = regexp.MustCompile(`<((?:https?|mailto):[^<>|\s]+)>`)
	slackUserRE    = regexp.MustCompile(`<@([a-z0-9]{26})>`)
	slackSpecialRE = regexp.MustCompile(`<!(channel|here|all)>`)
)

// slackText applies Slack's markup conventions to Mattermost markdown:
// <url|label> links, <!channel>-style mentions and <@USERID> references.
func (a *App) slackText(ctx context.Context, s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	s = slackSpecialRE.ReplaceAllString(s, "@$1")
	s = slackUserRE.ReplaceAllStringFunc(s, func(m string) string {
		id := m[2 : len(m)-1]
		if u, err := a.store.GetUser(ctx, id); err == nil {
			return "@" + u.Username
		}
		return m
	})
	s = slackLinkRE.ReplaceAllString(s, "[$2]($1)")
	return slackBareRE.ReplaceAllString(s, "$1")
}

// slackAttachments drops null attachments and fields, turns field values into
// text and applies slackText where Slack renders markup.
func (a *App) slackAttachments(ctx context.Context, in []*model.SlackAttachment, parse bool) []*model.SlackAttachment {
	out := make([]*model.SlackAttachment, 0, len(in))
	for _, at := range in {
		if at == nil {
			continue
		}
		fields := make([]*model.SlackField, 0, len(at.Fields))
		for _, f := range at.Fields {
			if f == nil {
				continue
			}
			v := fmt.Sprint(f.Value)
			if f.Value == nil {
				v = ""
			}
			if parse {
				v = a.slackText(ctx, v)
			}
			f.Value = v
			fields = append(fields, f)
		}
		at.Fields = fields
		if parse {
			at.Pretext = a.slackText(ctx, at.Pretext)
			at.Text = a.slackText(ctx, at.Text)
			at.Title = a.slackText(ctx, at.Title)
		}
		out = append(out, at)
	}
	giveActionIDs(out)
	return out
}

// integrationPostProps are the props a webhook, outgoing-webhook reply or
// command response post gets, after the request's own props.
type integrationPostProps struct {
	displayName  string // webhook_display_name, when a webhook made the post
	username     string // requested override, or the integration's default
	iconURL      string
	iconEmoji    string
	fromWebhook  bool
	defaultUser  string // override_username when none is given ("webhook" for hooks)
	attachments  []*model.SlackAttachment
	requestProps map[string]any
}

// buildIntegrationPost makes a post of text for userID with props applied as
// the reference's CreateWebhookPost does: injected override props are
// ignored, overrides only apply behind their settings.
func (a *App) buildIntegrationPost(userID, text, typ string, o integrationPostProps) (*model.Post, error) {
	if strings.HasPrefix(typ, "system_") {
		return nil, model.ErrInvalidBody("post.type")
	}
	p := &model.Post{UserID: userID, Message: text, Type: typ, Props: map[string]any{}}
	for k, v := range o.requestProps {
		switch k {
		case model.PropOverrideIconURL, model.PropOverrideUsername, model.PropFromWebhook, model.PropFromBot,
			model.PropOverrideIconEmoji, model.PropWebhookDisplayName:
		default:
			p.Props[k] = v
		}
	}
	if o.fromWebhook {
		p.Props[model.PropFromWebhook] = "true"
	}
	if o.displayName != "" {
		p.Props[model.PropWebhookDisplayName] = o.displayName
	}
	cfg := a.Config()
	if cfg.EnablePostUsernameOverride {
		switch {
		case o.username != "":
			p.Props[model.PropOverrideUsername] = o.username
		case o.defaultUser != "":
			p.Props[model.PropOverrideUsername] = o.defaultUser
		}
	}
	if cfg.EnablePostIconOverride {
		if o.iconURL != "" {
			p.Props[model.PropOverrideIconURL] = o.iconURL
		}
		if o.iconEmoji != "" {
			p.Props[model.PropOverrideIconEmoji] = o.iconEmoji
		}
	}
	if len(o.attachments) > 0 {
		p.Props[model.PropAttachments] = o.attachments
		p.Type = model.PostTypeSlackAttachment
	}
	return p, nil
}

// splitMessage cuts a message longer than a post into post-sized pieces, on
// rune boundaries.
func splitMessage(msg string) []string {
	r := []rune(msg)
	if len(r) <= model.MaxPostRunes {
		return []string{msg}
	}
	var out []string
	for len(r) > 0 {
		n := min(len(r), model.MaxPostRunes)
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	return out
}
