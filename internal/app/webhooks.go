package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

func errIncomingDisabled() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.incoming_webhook.disabled.app_error",
		"Incoming webhooks have been disabled by the system admin.")
}

func errOutgoingDisabled() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.outgoing_webhook.disabled.app_error",
		"Outgoing webhooks have been disabled by the system admin.")
}

func errIncomingNotFound() *model.AppError {
	return model.ErrNotFound("app.webhooks.get_incoming.app_error", "incoming webhook")
}

func errOutgoingNotFound() *model.AppError {
	return model.ErrNotFound("app.webhooks.get_outgoing.app_error", "outgoing webhook")
}

// sessionOf is the session an integration acts with: its owner's roles,
// never more.
func (a *App) sessionOf(ctx context.Context, userID string) (*model.Session, *model.User, error) {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, nil, storeErr(err, errUserNotFound())
	}
	if u.DeleteAt > 0 {
		return nil, nil, model.ErrForbidden()
	}
	return &model.Session{ID: "integration", UserID: u.ID, Roles: u.Roles, Props: model.StringMap{}}, u, nil
}

// CreateIncomingWebhook adds a hook posting into in.ChannelID as in.UserID
// (the caller unless they may manage others' hooks).
func (a *App) CreateIncomingWebhook(ctx context.Context, s *model.Session, in *model.IncomingWebhook) (*model.IncomingWebhook, error) {
	if !a.Config().EnableIncomingWebhooks {
		return nil, errIncomingDisabled()
	}
	if !model.IsValidID(in.ChannelID) {
		return nil, model.ErrInvalidBody("channel_id")
	}
	ch, err := a.store.GetChannel(ctx, in.ChannelID)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if ch.IsGroupOrDirect() || !a.HasTeamPermission(ctx, s, ch.TeamID, model.PermManageIncomingWebhooks) {
		return nil, model.ErrForbidden()
	}
	if ch.Type != model.ChannelOpen && !a.HasChannelPermission(ctx, s, ch, model.PermReadChannel) {
		return nil, model.ErrForbidden()
	}
	owner := s.UserID
	if in.UserID != "" && in.UserID != s.UserID {
		if !a.HasTeamPermission(ctx, s, ch.TeamID, model.PermManageOthersIncoming) {
			return nil, model.ErrForbidden()
		}
		if _, err := a.store.GetUser(ctx, in.UserID); err != nil {
			return nil, storeErr(err, errUserNotFound())
		}
		owner = in.UserID
	}
	now := model.Now()
	h := &model.IncomingWebhook{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: owner, ChannelID: ch.ID,
		TeamID: ch.TeamID, DisplayName: in.DisplayName, Description: in.Description, Username: in.Username,
		IconURL: in.IconURL, ChannelLocked: in.ChannelLocked}
	if appErr := h.IsValid(); appErr != nil {
		return nil, appErr
	}
	if err := a.store.SaveIncomingWebhook(ctx, h); err != nil {
		return nil, model.ErrInternal(err)
	}
	return h, a.markIncoming(ctx, h)
}

// incomingForWrite loads a hook the caller may manage.
func (a *App) incomingForWrite(ctx context.Context, s *model.Session, id string) (*model.IncomingWebhook, error) {
	if !a.Config().EnableIncomingWebhooks {
		return nil, errIncomingDisabled()
	}
	h, err := a.store.GetIncomingWebhook(ctx, id)
	if err != nil {
		return nil, storeErr(err, errIncomingNotFound())
	}
	if !a.HasTeamPermission(ctx, s, h.TeamID, model.PermManageIncomingWebhooks) {
		return nil, model.ErrForbidden()
	}
	if h.UserID != s.UserID && !a.HasTeamPermission(ctx, s, h.TeamID, model.PermManageOthersIncoming) {
		return nil, model.ErrForbidden()
	}
	return h, nil
}

// IncomingWebhook returns one hook the caller may manage.
func (a *App) IncomingWebhook(ctx context.Context, s *model.Session, id string) (*model.IncomingWebhook, error) {
	h, err := a.incomingForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	return h, a.markIncoming(ctx, h)
}

// IncomingWebhooks lists hooks of a team (all teams for system admins when
// teamID is empty); only the caller's own without the others permission.
func (a *App) IncomingWebhooks(ctx context.Context, s *model.Session, teamID string, p, perPage int) ([]*model.IncomingWebhook, error) {
	if !a.Config().EnableIncomingWebhooks {
		return nil, errIncomingDisabled()
	}
	userID := ""
	if teamID == "" {
		if !a.HasPermission(s, model.PermManageIncomingWebhooks) {
			return nil, model.ErrForbidden()
		}
		if !a.HasPermission(s, model.PermManageOthersIncoming) {
			userID = s.UserID
		}
	} else {
		if !model.IsValidID(teamID) {
			return nil, model.ErrInvalidURLParam("team_id")
		}
		if !a.HasTeamPermission(ctx, s, teamID, model.PermManageIncomingWebhooks) {
			return nil, model.ErrForbidden()
		}
		if !a.HasTeamPermission(ctx, s, teamID, model.PermManageOthersIncoming) {
			userID = s.UserID
		}
	}
	hs, err := a.store.ListIncomingWebhooks(ctx, teamID, userID, page(p, perPage))
	if err != nil {
		return nil, storeErr(err, nil)
	}
	return hs, a.markIncoming(ctx, hs...)
}

// UpdateIncomingWebhook replaces the editable fields of a hook.
func (a *App) UpdateIncomingWebhook(ctx context.Context, s *model.Session, id string, in *model.IncomingWebhook) (*model.IncomingWebhook, error) {
	h, err := a.incomingForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	if in.ID != id {
		return nil, model.ErrInvalidBody("webhook")
	}
	if in.ChannelID != "" && in.ChannelID != h.ChannelID {
		ch, err := a.store.GetChannel(ctx, in.ChannelID)
		if err != nil || ch.TeamID != h.TeamID || ch.IsGroupOrDirect() {
			return nil, model.ErrInvalidBody("channel_id")
		}
		if ch.Type != model.ChannelOpen && !a.HasChannelPermission(ctx, s, ch, model.PermReadChannel) {
			return nil, model.ErrForbidden()
		}
		h.ChannelID = ch.ID
	}
	h.DisplayName, h.Description, h.Username, h.IconURL = in.DisplayName, in.Description, in.Username, in.IconURL
	h.ChannelLocked, h.UpdateAt = in.ChannelLocked, model.Now()
	if appErr := h.IsValid(); appErr != nil {
		return nil, appErr
	}
	if err := a.store.UpdateIncomingWebhook(ctx, h); err != nil {
		return nil, storeErr(err, errIncomingNotFound())
	}
	return h, a.markIncoming(ctx, h)
}

// DeleteIncomingWebhook removes a hook; its URL stops working.
func (a *App) DeleteIncomingWebhook(ctx context.Context, s *model.Session, id string) error {
	if _, err := a.incomingForWrite(ctx, s, id); err != nil {
		return err
	}
	return storeErr(a.store.DeleteIncomingWebhook(ctx, id, model.Now()), errIncomingNotFound())
}

// ExecuteIncomingWebhook posts a payload received at POST /hooks/{id}.
func (a *App) ExecuteIncomingWebhook(ctx context.Context, hookID string, req *model.IncomingWebhookRequest) error {
	if !a.Config().EnableIncomingWebhooks {
		return model.NewAppError(http.StatusNotImplemented, "web.incoming_webhook.disabled.app_error",
			"Incoming webhooks have been disabled by the system admin.")
	}
	h, err := a.store.GetIncomingWebhook(ctx, hookID)
	if err != nil {
		return storeErr(err, model.NewAppError(http.StatusBadRequest, "web.incoming_webhook.invalid.app_error", "Invalid webhook."))
	}
	hasBlocks := req.Props != nil && req.Props["mm_blocks"] != nil
	if strings.TrimSpace(req.Text) == "" && len(req.Attachments) == 0 && !hasBlocks {
		return model.NewAppError(http.StatusBadRequest, "web.incoming_webhook.text.app_error", "No text specified.")
	}
	if strings.HasPrefix(req.Type, "system_") {
		return model.ErrInvalidBody("post.type")
	}
	if why, err := a.creatorAccess(ctx, h.UserID, h.TeamID); err != nil {
		return model.ErrInternal(err)
	} else if why != "" {
		// Mattermost's answer when the hook's user cannot be loaded.
		return model.NewAppError(http.StatusForbidden, "web.incoming_webhook.user.app_error",
			"This webhook is disabled: the user who created it no longer has access to its team.")
	}
	s, _, err := a.sessionOf(ctx, h.UserID)
	if err != nil {
		return err
	}
	ch, err := a.webhookChannel(ctx, s, h, req.ChannelName)
	if err != nil {
		return err
	}
	if h.ChannelLocked && ch.ID != h.ChannelID {
		return model.NewAppError(http.StatusForbidden, "web.incoming_webhook.channel_locked.app_error",
			"This webhook is not permitted to post to the requested channel.")
	}
	if ch.Type != model.ChannelOpen && !a.HasChannelPermission(ctx, s, ch, model.PermReadChannel) {
		return model.NewAppError(http.StatusForbidden, "web.incoming_webhook.permissions.app_error",
			"Inappropriate channel permissions.")
	}
	username := req.Username
	if username == "" {
		username = h.Username
	}
	icon := req.IconURL
	if icon == "" {
		icon = h.IconURL
	}
	return a.postIntegrationMessage(ctx, h.UserID, ch, "", req, integrationPostProps{
		displayName: h.DisplayName, username: username, iconURL: icon, iconEmoji: req.IconEmoji,
		fromWebhook: true, defaultUser: "webhook",
	}, false)
}

// postIntegrationMessage turns a Slack-style payload into one or more posts
// (long texts are split; attachments go on the last one).
func (a *App) postIntegrationMessage(ctx context.Context, userID string, ch *model.Channel, rootID string,
	req *model.IncomingWebhookRequest, o integrationPostProps, fireHooks bool) error {
	o.attachments = a.slackAttachments(ctx, req.Attachments, true)
	o.requestProps = req.Props
	parts := splitMessage(a.slackText(ctx, req.Text))
	for i, text := range parts {
		po := o
		if i < len(parts)-1 {
			po.attachments = nil
		}
		p, err := a.buildIntegrationPost(userID, text, req.Type, po)
		if err != nil {
			return err
		}
		p.RootID = rootID
		if req.Priority != nil {
			p.Props["priority"] = req.Priority
		}
		if _, err := a.createIntegrationPost(ctx, p, ch, fireHooks); err != nil {
			return err
		}
	}
	return nil
}

// webhookChannel resolves the channel override of a payload: "" for the
// hook's channel, "@user" for a DM with the hook's owner, else a channel name
// (with or without #) in the hook's team, archived ones included.
func (a *App) webhookChannel(ctx context.Context, s *model.Session, h *model.IncomingWebhook, name string) (*model.Channel, error) {
	notFound := model.NewAppError(http.StatusNotFound, "web.incoming_webhook.channel.app_error", "Couldn't find the channel.")
	if name == "" {
		ch, err := a.store.GetChannel(ctx, h.ChannelID)
		return ch, storeErr(err, notFound)
	}
	if strings.HasPrefix(name, "@") {
		u, err := a.store.GetUserByUsername(ctx, name[1:])
		if err != nil || u.ID == h.UserID {
			return nil, model.NewAppError(http.StatusBadRequest, "web.incoming_webhook.user.app_error", "Couldn't find the user.")
		}
		return a.CreateDirectChannel(ctx, s, []string{h.UserID, u.ID})
	}
	ch, err := a.store.GetChannelByName(ctx, h.TeamID, strings.TrimPrefix(name, "#"), true)
	return ch, storeErr(err, notFound)
}

// CreateOutgoingWebhook adds a hook to a team, optionally bound to a public channel.
func (a *App) CreateOutgoingWebhook(ctx context.Context, s *model.Session, in *model.OutgoingWebhook) (*model.OutgoingWebhook, error) {
	if !a.Config().EnableOutgoingWebhooks {
		return nil, errOutgoingDisabled()
	}
	if !model.IsValidID(in.TeamID) {
		return nil, model.ErrInvalidBody("team_id")
	}
	if !a.HasTeamPermission(ctx, s, in.TeamID, model.PermManageOutgoingWebhooks) {
		return nil, model.ErrForbidden()
	}
	creator := s.UserID
	if in.CreatorID != "" && in.CreatorID != s.UserID {
		if !a.HasTeamPermission(ctx, s, in.TeamID, model.PermManageOthersOutgoing) {
			return nil, model.ErrForbidden()
		}
		creator = in.CreatorID
	}
	now := model.Now()
	h := *in
	h.ID, h.Token, h.CreateAt, h.UpdateAt, h.DeleteAt, h.CreatorID = model.NewID(), model.NewID(), now, now, 0, creator
	if err := a.checkOutgoing(ctx, &h); err != nil {
		return nil, err
	}
	if err := a.store.SaveOutgoingWebhook(ctx, &h); err != nil {
		return nil, model.ErrInternal(err)
	}
	return &h, a.markOutgoing(ctx, &h)
}

// checkOutgoing validates a hook and the rules that need the database.
func (a *App) checkOutgoing(ctx context.Context, h *model.OutgoingWebhook) error {
	if h.TriggerWords == nil {
		h.TriggerWords = []string{}
	}
	if h.CallbackURLs == nil {
		h.CallbackURLs = []string{}
	}
	if h.ChannelID == "" && len(h.TriggerWords) == 0 {
		return model.NewAppError(http.StatusBadRequest, "api.webhook.create_outgoing.triggers.app_error",
			"Either trigger_words or channel_id must be set.")
	}
	if appErr := h.IsValid(); appErr != nil {
		return appErr
	}
	if h.ChannelID != "" {
		ch, err := a.store.GetChannel(ctx, h.ChannelID)
		if err != nil {
			return storeErr(err, errChannelNotFound())
		}
		if ch.Type != model.ChannelOpen || ch.TeamID != h.TeamID {
			return model.NewAppError(http.StatusForbidden, "api.webhook.create_outgoing.not_open.app_error",
				"Outgoing webhooks can only be created for public channels.")
		}
	}
	others, err := a.store.ListOutgoingWebhooks(ctx, h.TeamID, "", "", page(0, 0))
	if err != nil {
		return model.ErrInternal(err)
	}
	for _, o := range others {
		if o.ID == h.ID || o.ChannelID != h.ChannelID {
			continue
		}
		sharedWord := slices.ContainsFunc(o.TriggerWords, func(w string) bool { return slices.Contains(h.TriggerWords, w) })
		sharedURL := slices.ContainsFunc(o.CallbackURLs, func(u string) bool { return slices.Contains(h.CallbackURLs, u) })
		if (sharedWord || len(h.TriggerWords) == 0 && len(o.TriggerWords) == 0) && sharedURL {
			return model.NewAppError(http.StatusBadRequest, "api.webhook.create_outgoing.intersect.app_error",
				"Outgoing webhooks from the same channel cannot have the same trigger words/callback URLs.")
		}
	}
	return nil
}

// outgoingForWrite loads a hook the caller may manage.
func (a *App) outgoingForWrite(ctx context.Context, s *model.Session, id string) (*model.OutgoingWebhook, error) {
	if !a.Config().EnableOutgoingWebhooks {
		return nil, errOutgoingDisabled()
	}
	h, err := a.store.GetOutgoingWebhook(ctx, id)
	if err != nil {
		return nil, storeErr(err, errOutgoingNotFound())
	}
	if !a.HasTeamPermission(ctx, s, h.TeamID, model.PermManageOutgoingWebhooks) {
		return nil, model.ErrForbidden()
	}
	if h.CreatorID != s.UserID && !a.HasTeamPermission(ctx, s, h.TeamID, model.PermManageOthersOutgoing) {
		return nil, model.ErrForbidden()
	}
	return h, nil
}

// OutgoingWebhook returns one hook the caller may manage.
func (a *App) OutgoingWebhook(ctx context.Context, s *model.Session, id string) (*model.OutgoingWebhook, error) {
	h, err := a.outgoingForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	return h, a.markOutgoing(ctx, h)
}

// OutgoingWebhooks lists the hooks of a team or channel the caller may manage.
func (a *App) OutgoingWebhooks(ctx context.Context, s *model.Session, teamID, channelID string, p, perPage int) ([]*model.OutgoingWebhook, error) {
	if !a.Config().EnableOutgoingWebhooks {
		return nil, errOutgoingDisabled()
	}
	if channelID != "" {
		ch, err := a.store.GetChannel(ctx, channelID)
		if err != nil {
			return nil, storeErr(err, errChannelNotFound())
		}
		teamID = ch.TeamID
	}
	creator := ""
	if teamID == "" {
		if !a.HasPermission(s, model.PermManageOutgoingWebhooks) {
			return nil, model.ErrForbidden()
		}
		if !a.HasPermission(s, model.PermManageOthersOutgoing) {
			creator = s.UserID
		}
	} else {
		if !a.HasTeamPermission(ctx, s, teamID, model.PermManageOutgoingWebhooks) {
			return nil, model.ErrForbidden()
		}
		if !a.HasTeamPermission(ctx, s, teamID, model.PermManageOthersOutgoing) {
			creator = s.UserID
		}
	}
	hs, err := a.store.ListOutgoingWebhooks(ctx, teamID, channelID, creator, page(p, perPage))
	if err != nil {
		return nil, storeErr(err, nil)
	}
	return hs, a.markOutgoing(ctx, hs...)
}

// UpdateOutgoingWebhook replaces the editable fields of a hook.
func (a *App) UpdateOutgoingWebhook(ctx context.Context, s *model.Session, id string, in *model.OutgoingWebhook) (*model.OutgoingWebhook, error) {
	h, err := a.outgoingForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	if in.ID != id {
		return nil, model.ErrInvalidBody("webhook")
	}
	h.ChannelID, h.TriggerWords, h.TriggerWhen, h.CallbackURLs = in.ChannelID, in.TriggerWords, in.TriggerWhen, in.CallbackURLs
	h.DisplayName, h.Description, h.ContentType, h.Username, h.IconURL = in.DisplayName, in.Description, in.ContentType, in.Username, in.IconURL
	h.UpdateAt = model.Now()
	if err := a.checkOutgoing(ctx, h); err != nil {
		return nil, err
	}
	if err := a.store.UpdateOutgoingWebhook(ctx, h); err != nil {
		return nil, storeErr(err, errOutgoingNotFound())
	}
	return h, a.markOutgoing(ctx, h)
}

// RegenOutgoingWebhookToken gives a hook a new token.
func (a *App) RegenOutgoingWebhookToken(ctx context.Context, s *model.Session, id string) (*model.OutgoingWebhook, error) {
	h, err := a.outgoingForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	h.Token, h.UpdateAt = model.NewID(), model.Now()
	if err := a.store.UpdateOutgoingWebhook(ctx, h); err != nil {
		return nil, storeErr(err, errOutgoingNotFound())
	}
	return h, a.markOutgoing(ctx, h)
}

// DeleteOutgoingWebhook removes a hook.
func (a *App) DeleteOutgoingWebhook(ctx context.Context, s *model.Session, id string) error {
	if _, err := a.outgoingForWrite(ctx, s, id); err != nil {
		return err
	}
	return storeErr(a.store.DeleteOutgoingWebhook(ctx, id, model.Now()), errOutgoingNotFound())
}

// afterPost starts the off-request work a new post causes.
func (a *App) afterPost(ctx context.Context, p *model.Post, ch *model.Channel, sender *model.User, fireHooks bool) {
	cfg := a.Config()
	if fireHooks && cfg.EnableOutgoingWebhooks && ch.Type == model.ChannelOpen && !p.IsSystemMessage() {
		a.triggerOutgoing(ctx, p, ch, sender)
	}
	if cfg.EnableLinkPreviews && p.Type == "" {
		if link := model.FirstLink(p.Message); link != "" {
			a.enqueue(ctx, "link_preview", func(ctx context.Context) { a.fetchPreview(ctx, p.ID, link) })
		}
	}
}

// triggerOutgoing finds the hooks a post matches (one indexed query on the
// request path) and queues their calls.
func (a *App) triggerOutgoing(ctx context.Context, p *model.Post, ch *model.Channel, sender *model.User) {
	hooks, err := a.store.ListOutgoingWebhooks(ctx, ch.TeamID, "", "", page(0, 0))
	if err != nil {
		a.log.WarnContext(ctx, "outgoing webhooks: list", "err", err)
		return
	}
	first := ""
	if f := strings.Fields(p.Message); len(f) > 0 {
		first = f[0]
	}
	creators := a.newCreatorChecks()
	for _, h := range hooks {
		if h.ChannelID != "" && h.ChannelID != ch.ID {
			continue
		}
		word, ok := "", false
		if h.ChannelID == ch.ID && len(h.TriggerWords) == 0 {
			ok = true
		} else if first != "" {
			word, ok = h.TriggerWordFor(first)
		}
		if !ok {
			continue
		}
		if why, err := creators.reason(ctx, h.CreatorID, h.TeamID); err != nil {
			a.log.WarnContext(ctx, "outgoing webhook not called: creator not checked", "hook_id", h.ID, "err", err)
			continue
		} else if why != "" {
			a.log.DebugContext(ctx, "outgoing webhook disabled", "hook_id", h.ID, "reason", why)
			continue
		}
		for _, u := range h.CallbackURLs {
			a.enqueue(ctx, "outgoing_webhook", func(ctx context.Context) { a.callOutgoing(ctx, h, u, p, ch, sender, word) })
		}
	}
}

// callOutgoing POSTs the trigger to one callback URL and posts the reply.
func (a *App) callOutgoing(ctx context.Context, h *model.OutgoingWebhook, callback string, p *model.Post, ch *model.Channel, sender *model.User, word string) {
	teamName := ""
	if t, err := a.store.GetTeam(ctx, ch.TeamID); err == nil {
		teamName = t.Name
	}
	fields := map[string]any{
		"token": h.Token, "team_id": ch.TeamID, "team_domain": teamName, "channel_id": ch.ID, "channel_name": ch.Name,
		"timestamp": p.CreateAt, "user_id": sender.ID, "user_name": sender.Username, "post_id": p.ID, "text": p.Message,
		"trigger_word": word, "file_ids": strings.Join(p.FileIDs, ","),
	}
	isJSON := h.ContentType == "application/json"
	var body []byte
	if isJSON {
		body, _ = json.Marshal(fields)
	} else {
		form := url.Values{}
		for k, v := range fields {
			form.Set(k, toFormValue(v))
		}
		form.Set("timestamp", strconv.FormatInt(p.CreateAt/1000, 10))
		body = []byte(form.Encode())
	}
	ct := "application/x-www-form-urlencoded"
	if isJSON {
		ct = "application/json"
	}
	resp, err := a.callIntegration(ctx, "outgoing_webhook", true, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		a.log.WarnContext(ctx, "outgoing webhook failed", "hook_id", h.ID, "url", callback, "err", err)
		return
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return
	}
	var reply model.IncomingWebhookRequest
	var present map[string]json.RawMessage
	if err := json.Unmarshal(resp.Body, &reply); err != nil || json.Unmarshal(resp.Body, &present) != nil {
		a.log.WarnContext(ctx, "outgoing webhook reply is not JSON", "hook_id", h.ID, "url", callback)
		return
	}
	if f := model.NULField(&reply); f != "" {
		a.log.WarnContext(ctx, "outgoing webhook reply refused: U+0000 in a field", "hook_id", h.ID, "field", f)
		return
	}
	if _, hasText := present["text"]; !hasText && len(reply.Attachments) == 0 {
		return
	}
	rootID := ""
	if reply.ResponseType == "comment" {
		rootID = p.ID
		if p.RootID != "" {
			rootID = p.RootID
		}
	}
	username := reply.Username
	if username == "" {
		username = h.Username
	}
	icon := reply.IconURL
	if icon == "" {
		icon = h.IconURL
	}
	reply.ChannelName = ""
	// The creator may have lost access while the integration answered.
	if why, err := a.creatorAccess(ctx, h.CreatorID, h.TeamID); err != nil || why != "" {
		a.log.InfoContext(ctx, "outgoing webhook reply dropped: hook disabled", "hook_id", h.ID, "reason", why, "err", err)
		return
	}
	if err := a.postIntegrationMessage(ctx, h.CreatorID, ch, rootID, &reply, integrationPostProps{
		displayName: h.DisplayName, username: username, iconURL: icon, fromWebhook: true, defaultUser: "webhook",
	}, false); err != nil {
		a.log.WarnContext(ctx, "outgoing webhook reply not posted", "hook_id", h.ID, "err", err)
	}
}

func toFormValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
