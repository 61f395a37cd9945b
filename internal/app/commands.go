package app

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

func errCommandsDisabled() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.command.disabled.app_error",
		"Commands have been disabled by the system admin.")
}

// errCommandCreatorGone refuses a custom command whose creator lost access
// (Parley's own error; Mattermost runs such commands).
func errCommandCreatorGone(trigger string) *model.AppError {
	return model.NewAppError(http.StatusForbidden, "api.command.execute_command.creator_inactive.app_error",
		"Command with a trigger of '/"+trigger+"' is disabled: the user who created it no longer has access to this team.")
}

func errCommandNotFound() *model.AppError {
	return model.ErrNotFound("app.command.getbyid.missing.app_error", "command")
}

// CreateCommand adds a custom slash command to a team.
func (a *App) CreateCommand(ctx context.Context, s *model.Session, in *model.Command) (*model.Command, error) {
	if !a.Config().EnableCommands {
		return nil, errCommandsDisabled()
	}
	if !model.IsValidID(in.TeamID) {
		return nil, model.ErrInvalidBody("team_id")
	}
	if !a.HasTeamPermission(ctx, s, in.TeamID, model.PermManageSlashCommands) {
		return nil, model.ErrForbidden()
	}
	now := model.Now()
	c := *in
	c.ID, c.Token, c.CreateAt, c.UpdateAt, c.DeleteAt, c.CreatorID = model.NewID(), model.NewID(), now, now, 0, s.UserID
	c.Trigger = strings.ToLower(strings.TrimSpace(c.Trigger))
	if c.Method == "" {
		c.Method = model.CommandMethodPost
	}
	c.Method = strings.ToUpper(c.Method)
	if err := a.checkCommand(ctx, &c); err != nil {
		return nil, err
	}
	if err := a.store.SaveCommand(ctx, &c); err != nil {
		return nil, model.ErrInternal(err)
	}
	return &c, a.markCommands(ctx, &c)
}

// checkCommand validates a command and refuses a trigger a built-in or
// another command of the team already has.
func (a *App) checkCommand(ctx context.Context, c *model.Command) error {
	if appErr := c.IsValid(); appErr != nil {
		return appErr
	}
	dup := model.NewAppError(http.StatusBadRequest, "api.command.duplicate_trigger.app_error",
		"This trigger word is already in use. Please choose another word.")
	if _, ok := builtinByTrigger(c.Trigger); ok {
		return dup
	}
	others, err := a.store.TeamCommands(ctx, c.TeamID)
	if err != nil {
		return model.ErrInternal(err)
	}
	for _, o := range others {
		if o.ID != c.ID && o.Trigger == c.Trigger {
			return dup
		}
	}
	return nil
}

// commandForWrite loads a command the caller may manage.
func (a *App) commandForWrite(ctx context.Context, s *model.Session, id string) (*model.Command, error) {
	if !a.Config().EnableCommands {
		return nil, errCommandsDisabled()
	}
	c, err := a.store.GetCommand(ctx, id)
	if err != nil {
		return nil, storeErr(err, errCommandNotFound())
	}
	if !a.HasTeamPermission(ctx, s, c.TeamID, model.PermManageSlashCommands) {
		return nil, model.ErrNotFound("app.command.getbyid.missing.app_error", "command")
	}
	if c.CreatorID != s.UserID && !a.HasTeamPermission(ctx, s, c.TeamID, model.PermManageOthersSlashCommand) {
		return nil, model.ErrForbidden()
	}
	return c, nil
}

// Command returns a custom command the caller may manage.
func (a *App) Command(ctx context.Context, s *model.Session, id string) (*model.Command, error) {
	c, err := a.commandForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	return c, a.markCommands(ctx, c)
}

// UpdateCommand replaces the editable fields of a custom command.
func (a *App) UpdateCommand(ctx context.Context, s *model.Session, id string, in *model.Command) (*model.Command, error) {
	c, err := a.commandForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	if in.ID != id || (in.TeamID != "" && in.TeamID != c.TeamID) {
		return nil, model.ErrInvalidBody("command")
	}
	c.Trigger, c.Method, c.URL = strings.ToLower(strings.TrimSpace(in.Trigger)), strings.ToUpper(in.Method), in.URL
	c.Username, c.IconURL, c.DisplayName, c.Description = in.Username, in.IconURL, in.DisplayName, in.Description
	c.AutoComplete, c.AutoCompleteDesc, c.AutoCompleteHint = in.AutoComplete, in.AutoCompleteDesc, in.AutoCompleteHint
	c.UpdateAt = model.Now()
	if err := a.checkCommand(ctx, c); err != nil {
		return nil, err
	}
	if err := a.store.UpdateCommand(ctx, c); err != nil {
		return nil, storeErr(err, errCommandNotFound())
	}
	return c, a.markCommands(ctx, c)
}

// MoveCommand moves a custom command to another team.
func (a *App) MoveCommand(ctx context.Context, s *model.Session, id, teamID string) error {
	c, err := a.commandForWrite(ctx, s, id)
	if err != nil {
		return err
	}
	if !model.IsValidID(teamID) {
		return model.ErrInvalidBody("team_id")
	}
	if !a.HasTeamPermission(ctx, s, teamID, model.PermManageSlashCommands) {
		return model.ErrForbidden()
	}
	if _, err := a.store.GetTeam(ctx, teamID); err != nil {
		return storeErr(err, errTeamNotFound())
	}
	c.TeamID, c.UpdateAt = teamID, model.Now()
	if err := a.checkCommand(ctx, c); err != nil {
		return err
	}
	return storeErr(a.store.UpdateCommand(ctx, c), errCommandNotFound())
}

// RegenCommandToken gives a command a new token.
func (a *App) RegenCommandToken(ctx context.Context, s *model.Session, id string) (string, error) {
	c, err := a.commandForWrite(ctx, s, id)
	if err != nil {
		return "", err
	}
	c.Token, c.UpdateAt = model.NewID(), model.Now()
	return c.Token, storeErr(a.store.UpdateCommand(ctx, c), errCommandNotFound())
}

// DeleteCommand removes a custom command.
func (a *App) DeleteCommand(ctx context.Context, s *model.Session, id string) error {
	if _, err := a.commandForWrite(ctx, s, id); err != nil {
		return err
	}
	return storeErr(a.store.DeleteCommand(ctx, id, model.Now()), errCommandNotFound())
}

// Commands lists a team's commands: built-ins and custom ones, or only the
// custom ones (which needs manage_slash_commands). Tokens are blanked for
// callers who may not manage a command.
func (a *App) Commands(ctx context.Context, s *model.Session, teamID string, customOnly bool) ([]*model.Command, error) {
	if !model.IsValidID(teamID) {
		return nil, model.ErrInvalidURLParam("team_id")
	}
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	manage := a.HasTeamPermission(ctx, s, teamID, model.PermManageSlashCommands)
	if customOnly && !manage {
		return nil, model.ErrForbidden()
	}
	out := []*model.Command{}
	if !customOnly {
		out = append(out, builtinCommands()...)
	}
	if !a.Config().EnableCommands {
		return out, nil
	}
	custom, err := a.store.TeamCommands(ctx, teamID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if err := a.markCommands(ctx, custom...); err != nil {
		return nil, err
	}
	others := a.HasTeamPermission(ctx, s, teamID, model.PermManageOthersSlashCommand)
	for _, c := range custom {
		if !manage || (c.CreatorID != s.UserID && !others) {
			c.Token = ""
		}
		out = append(out, c)
	}
	return out, nil
}

// AutocompleteCommands lists what the composer offers after "/".
func (a *App) AutocompleteCommands(ctx context.Context, s *model.Session, teamID string) ([]*model.Command, error) {
	all, err := a.Commands(ctx, s, teamID, false)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Command, 0, len(all))
	for _, c := range all {
		if c.AutoComplete && c.DisabledReason == "" {
			c.Token = ""
			out = append(out, c)
		}
	}
	return out, nil
}

// AutocompleteSuggestion is one entry of autocomplete_suggestions.
type AutocompleteSuggestion struct {
	Complete    string `json:"Complete"`
	Suggestion  string `json:"Suggestion"`
	Hint        string `json:"Hint"`
	Description string `json:"Description"`
	IconData    string `json:"IconData"`
}

// CommandSuggestions completes the trigger being typed in userInput.
func (a *App) CommandSuggestions(ctx context.Context, s *model.Session, teamID, userInput string) ([]AutocompleteSuggestion, error) {
	cmds, err := a.AutocompleteCommands(ctx, s, teamID)
	if err != nil {
		return nil, err
	}
	typed := strings.ToLower(strings.TrimPrefix(userInput, "/"))
	out := []AutocompleteSuggestion{}
	if strings.Contains(typed, " ") {
		return out, nil
	}
	for _, c := range cmds {
		if strings.HasPrefix(c.Trigger, typed) {
			out = append(out, AutocompleteSuggestion{Complete: c.Trigger, Suggestion: "/" + c.Trigger,
				Hint: c.AutoCompleteHint, Description: c.AutoCompleteDesc})
		}
	}
	return out, nil
}

// ExecuteCommand runs a slash command typed in a channel: a custom command of
// the team first, else a built-in.
func (a *App) ExecuteCommand(ctx context.Context, s *model.Session, args *model.CommandArgs) (*model.CommandResponse, error) {
	if !strings.HasPrefix(args.Command, "/") {
		return nil, model.NewAppError(http.StatusBadRequest, "api.command.execute_command.start.app_error",
			"No command trigger found.")
	}
	if !model.IsValidID(args.ChannelID) {
		return nil, model.ErrInvalidBody("channel_id")
	}
	ch, err := a.store.GetChannel(ctx, args.ChannelID)
	if err != nil {
		return nil, storeErr(err, model.ErrForbidden())
	}
	if !a.isMember(ctx, ch.ID, s.UserID) || !a.HasChannelPermission(ctx, s, ch, model.PermUseSlashCommands) {
		return nil, model.ErrForbidden()
	}
	if ch.TeamID != "" {
		args.TeamID = ch.TeamID
	}
	if args.RootID == "" {
		args.RootID = args.ParentID
	}
	trigger, text, _ := strings.Cut(strings.TrimPrefix(args.Command, "/"), " ")
	if i := strings.IndexAny(trigger, "\n\t"); i >= 0 {
		trigger, text = trigger[:i], trigger[i+1:]+" "+text
		text = strings.TrimSpace(text)
	}
	trigger = strings.ToLower(trigger)
	user, err := a.store.GetUser(ctx, s.UserID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	cc := &commandCall{s: s, args: args, ch: ch, user: user, trigger: trigger, text: text}
	if args.TeamID != "" {
		custom, err := a.store.TeamCommands(ctx, args.TeamID)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		for _, c := range custom {
			if c.Trigger != trigger {
				continue
			}
			if !a.Config().EnableCommands {
				return nil, errCommandsDisabled()
			}
			if why, err := a.creatorAccess(ctx, c.CreatorID, c.TeamID); err != nil {
				return nil, model.ErrInternal(err)
			} else if why != "" {
				return nil, errCommandCreatorGone(c.Trigger)
			}
			cc.cmd = c
			resp, err := a.callCustomCommand(ctx, cc)
			if err != nil {
				return nil, err
			}
			return a.handleCommandResponse(ctx, cc, resp)
		}
	}
	if b, ok := builtinByTrigger(trigger); ok {
		resp, err := b.run(a, ctx, cc)
		if err != nil {
			return nil, err
		}
		return a.handleCommandResponse(ctx, cc, resp)
	}
	return nil, model.NewAppError(http.StatusNotFound, "api.command.execute_command.not_found.app_error",
		"Command with a trigger of '/"+trigger+"' not found.")
}

// commandCall is one execution in progress.
type commandCall struct {
	s       *model.Session
	args    *model.CommandArgs
	ch      *model.Channel
	user    *model.User
	cmd     *model.Command // nil for built-ins
	trigger string
	text    string
}

var (
	mentionRE        = regexp.MustCompile(`(?:^|\W)@([a-z0-9.\-_]+)`)
	channelMentionRE = regexp.MustCompile(`(?:^|\W)~([a-z0-9_\-]+)`)
)

// callCustomCommand sends the reference's fields to the command's URL. The
// user waits for the answer, so this runs on the request, bounded by the
// integration timeout and through the same guarded client as everything else.
func (a *App) callCustomCommand(ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
	c := cc.cmd
	teamName := ""
	if t, err := a.store.GetTeam(ctx, cc.args.TeamID); err == nil {
		teamName = t.Name
	}
	form := url.Values{}
	form.Set("token", c.Token)
	form.Set("team_id", cc.args.TeamID)
	form.Set("team_domain", teamName)
	form.Set("channel_id", cc.ch.ID)
	form.Set("channel_name", cc.ch.Name)
	form.Set("user_id", cc.user.ID)
	form.Set("user_name", cc.user.Username)
	form.Set("command", "/"+c.Trigger)
	form.Set("text", cc.text)
	trigger, err := a.newTriggerID(ctx, cc.user.ID)
	if err != nil {
		return nil, err
	}
	form.Set("trigger_id", trigger)
	hookID, err := a.newCommandWebhook(ctx, cc)
	if err != nil {
		return nil, err
	}
	form.Set("response_url", strings.TrimSuffix(a.Config().SiteURL, "/")+"/hooks/commands/"+hookID)
	a.addMentionFields(ctx, form, cc)
	resp, err := a.callIntegration(ctx, "slash_command", false, func(ctx context.Context) (*http.Request, error) {
		var req *http.Request
		var err error
		if c.Method == model.CommandMethodGet {
			u, perr := url.Parse(c.URL)
			if perr != nil {
				return nil, perr
			}
			q := u.Query()
			for k, vs := range form {
				q[k] = append(q[k], vs...)
			}
			u.RawQuery = q.Encode()
			req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		} else {
			req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.URL, strings.NewReader(form.Encode()))
			if req != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		}
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", "Token "+c.Token)
		return req, nil
	})
	if err != nil {
		a.log.WarnContext(ctx, "slash command failed", "trigger", c.Trigger, "err", err)
		return nil, model.NewAppError(http.StatusInternalServerError, "api.command.execute_command.failed.app_error",
			"Command with a trigger of '/"+c.Trigger+"' failed.").Wrap(err)
	}
	if resp.Status != http.StatusOK {
		return nil, model.NewAppError(http.StatusInternalServerError, "api.command.execute_command.failed_resp.app_error",
			"Command with a trigger of '/"+c.Trigger+"' returned response "+http.StatusText(resp.Status)+".")
	}
	out := &model.CommandResponse{}
	if mt, _, _ := mime.ParseMediaType(resp.ContentType); mt == "application/json" {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return nil, model.NewAppError(http.StatusInternalServerError, "api.command.execute_command.failed.app_error",
				"Command with a trigger of '/"+c.Trigger+"' failed.").Wrap(err)
		}
	} else {
		out.Text = string(resp.Body)
	}
	if f := model.NULField(out); f != "" {
		return nil, model.WithNULDetail(model.NewAppError(http.StatusInternalServerError, "api.command.execute_command.failed.app_error",
			"Command with a trigger of '/"+c.Trigger+"' failed."), f)
	}
	return out, nil
}

// addMentionFields adds the users (team members) and public channels the
// text mentions, as parallel name and id fields.
func (a *App) addMentionFields(ctx context.Context, form url.Values, cc *commandCall) {
	for _, m := range mentionRE.FindAllStringSubmatch(cc.text, -1) {
		u, err := a.store.GetUserByUsername(ctx, strings.TrimRight(m[1], "."))
		if err != nil {
			continue
		}
		if tm, err := a.store.GetTeamMember(ctx, cc.args.TeamID, u.ID); err != nil || tm.DeleteAt > 0 {
			continue
		}
		form.Add("user_mentions", u.Username)
		form.Add("user_mentions_ids", u.ID)
	}
	for _, m := range channelMentionRE.FindAllStringSubmatch(cc.text, -1) {
		ch, err := a.store.GetChannelByName(ctx, cc.args.TeamID, m[1], false)
		if err != nil || ch.Type != model.ChannelOpen {
			continue
		}
		form.Add("channel_mentions", ch.Name)
		form.Add("channel_mentions_ids", ch.ID)
	}
}

// handleCommandResponse posts or sends what a command answered, then its
// extra responses, and returns the first response for the client.
func (a *App) handleCommandResponse(ctx context.Context, cc *commandCall, resp *model.CommandResponse) (*model.CommandResponse, error) {
	if resp.TriggerID == "" {
		resp.TriggerID = model.NewID()
	}
	all := append([]*model.CommandResponse{resp}, resp.ExtraResponses...)
	for _, r := range all {
		if r == nil {
			continue
		}
		if err := a.deliverCommandResponse(ctx, cc, r); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func (a *App) deliverCommandResponse(ctx context.Context, cc *commandCall, r *model.CommandResponse) error {
	text := r.Text
	atts := r.Attachments
	if !r.SkipSlackParsing {
		text = a.slackText(ctx, text)
	}
	atts = a.slackAttachments(ctx, atts, !r.SkipSlackParsing)
	o := integrationPostProps{username: r.Username, iconURL: r.IconURL, requestProps: r.Props, attachments: atts}
	if cc.cmd != nil {
		o.fromWebhook = true
		if cc.cmd.Username != "" {
			o.username = cc.cmd.Username
		}
		if cc.cmd.IconURL != "" {
			o.iconURL = cc.cmd.IconURL
		}
	}
	p, err := a.buildIntegrationPost(cc.user.ID, text, r.Type, o)
	if err != nil {
		return err
	}
	if _, ok := p.Props[model.PropOverrideUsername]; ok {
		p.Props[model.PropFromWebhook] = "true"
	}
	p.RootID = cc.args.RootID
	ch := cc.ch
	if r.ChannelID != "" && r.ChannelID != ch.ID {
		other, err := a.store.GetChannel(ctx, r.ChannelID)
		if err != nil || !a.isMember(ctx, other.ID, cc.user.ID) {
			return model.NewAppError(http.StatusForbidden, "api.command.command_post.forbidden.app_error",
				"Specified user is not a member of specified channel.")
		}
		ch, p.RootID = other, ""
	}
	if r.ResponseType == model.CommandResponseInChannel {
		_, err := a.createIntegrationPost(ctx, p, ch, true)
		return err
	}
	if strings.TrimSpace(p.Message) == "" && len(atts) == 0 {
		return nil
	}
	a.sendEphemeral(ctx, cc.user.ID, ch.ID, p)
	return nil
}

// sendEphemeral shows a post to one user only; it is never stored.
func (a *App) sendEphemeral(ctx context.Context, userID, channelID string, p *model.Post) {
	now := model.Now()
	p.ID, p.CreateAt, p.UpdateAt, p.ChannelID, p.UserID = model.NewID(), now, now, channelID, userID
	if p.Type == "" {
		p.Type = model.PostTypeEphemeral
	}
	p.PreCommit()
	a.publish(ctx, model.NewEvent(model.EventEphemeralMessage, model.Broadcast{UserID: userID},
		map[string]any{"post": model.JSONString(p)}))
}
