package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// Message buttons and menus: an integration posts attachments whose actions
// carry its URL and context; a click is sent there and the answer may update
// the post or show the user an ephemeral message.

// actionsOf walks the actions of a post's attachments as stored.
func actionsOf(props map[string]any, fn func(action map[string]any)) {
	atts, _ := props["attachments"].([]any)
	for _, at := range atts {
		m, _ := at.(map[string]any)
		acts, _ := m["actions"].([]any)
		for _, act := range acts {
			if a, ok := act.(map[string]any); ok {
				fn(a)
			}
		}
	}
}

// giveActionIDs names every action that came without an id, so a click can
// say which one it was.
func giveActionIDs(atts []*model.SlackAttachment) {
	for _, at := range atts {
		for i, raw := range at.Actions {
			var a map[string]any
			if json.Unmarshal(raw, &a) != nil {
				continue
			}
			if id, _ := a["id"].(string); id != "" {
				continue
			}
			a["id"] = model.NewID()
			if b, err := json.Marshal(a); err == nil {
				at.Actions[i] = b
			}
		}
	}
}

// stripActionIntegrations removes the integration URL and context from the
// actions of a post on its way to a client.
func stripActionIntegrations(p *model.Post) {
	actionsOf(p.Props, func(a map[string]any) { delete(a, "integration") })
}

func errActionNotFound() *model.AppError {
	return model.NewAppError(http.StatusNotFound, "api.post.do_action.action_id.app_error", "Unable to find the action.")
}

// DoPostAction sends the click on action actionID of a post to its integration.
func (a *App) DoPostAction(ctx context.Context, s *model.Session, postID, actionID, selected string) (*model.PostActionAPIResponse, error) {
	p, ch, err := a.postForRead(ctx, s, postID)
	if err != nil {
		return nil, err
	}
	var action map[string]any
	actionsOf(p.Props, func(m map[string]any) {
		if id, _ := m["id"].(string); id == actionID && action == nil {
			action = m
		}
	})
	if action == nil {
		return nil, errActionNotFound()
	}
	integ, _ := action["integration"].(map[string]any)
	target, _ := integ["url"].(string)
	if target == "" {
		return nil, errActionNotFound()
	}
	u, err := a.store.GetUser(ctx, s.UserID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	trigger, err := a.newTriggerID(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	req := &model.PostActionRequest{UserID: u.ID, UserName: u.Username, ChannelID: ch.ID, ChannelName: ch.Name,
		TeamID: ch.TeamID, PostID: p.ID, TriggerID: trigger, Type: str(action["type"]),
		DataSource: str(action["data_source"]), Context: map[string]any{}}
	if c, ok := integ["context"].(map[string]any); ok {
		req.Context = c
	}
	if selected != "" {
		req.Context["selected_option"] = selected
	}
	if t, err := a.store.GetTeam(ctx, ch.TeamID); err == nil {
		req.TeamName = t.Name
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	resp, err := a.callIntegration(ctx, "post_action", false, func(ctx context.Context) (*http.Request, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if r != nil {
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Accept", "application/json")
		}
		return r, err
	})
	if err != nil || resp.Status != http.StatusOK {
		return nil, model.NewAppError(http.StatusBadRequest, "api.post.do_action.action_integration.app_error",
			"Action integration error.").Wrap(err)
	}
	var ans model.PostActionResponse
	if len(bytes.TrimSpace(resp.Body)) > 0 {
		if err := json.Unmarshal(resp.Body, &ans); err != nil {
			return nil, model.NewAppError(http.StatusBadRequest, "api.post.do_action.action_integration.app_error",
				"Action integration error.").Wrap(err)
		}
		if f := model.NULField(&ans); f != "" {
			return nil, model.WithNULDetail(model.NewAppError(http.StatusBadRequest, "api.post.do_action.action_integration.app_error",
				"Action integration error."), f)
		}
	}
	if ans.Update != nil {
		if err := a.updateFromAction(ctx, p, ans.Update); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(ans.EphemeralText) != "" {
		text := ans.EphemeralText
		if !ans.SkipSlackParsing {
			text = a.slackText(ctx, text)
		}
		a.sendEphemeral(ctx, s.UserID, ch.ID, &model.Post{Message: text, RootID: p.RootID})
	}
	return &model.PostActionAPIResponse{Status: "OK", TriggerID: req.TriggerID, GotoLocation: ans.GotoLocation}, nil
}

// updateFromAction replaces the message and props of the integration's post
// with its answer; the author and the server-set props stay.
func (a *App) updateFromAction(ctx context.Context, p *model.Post, up *model.Post) error {
	p.Message = up.Message
	if up.Props != nil {
		keep := map[string]any{}
		for _, k := range []string{model.PropFromWebhook, model.PropFromBot, model.PropOverrideUsername, model.PropOverrideIconURL} {
			if v, ok := p.Props[k]; ok {
				keep[k] = v
			}
		}
		p.Props = up.Props
		for k, v := range keep {
			p.Props[k] = v
		}
	}
	p.EditAt, p.UpdateAt = 0, model.Now()
	p.PreCommit()
	if appErr := p.IsValid(); appErr != nil {
		return appErr
	}
	if err := a.store.UpdatePost(ctx, p); err != nil {
		return storeErr(err, errPostNotFound())
	}
	out, err := a.preparePost(ctx, p)
	if err != nil {
		return err
	}
	a.publish(ctx, model.NewEvent(model.EventPostEdited, model.Broadcast{ChannelID: p.ChannelID},
		map[string]any{"post": model.JSONString(out)}))
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
