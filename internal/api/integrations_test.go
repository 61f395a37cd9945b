package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// integrationConfig lets integrations reach the test's local servers and
// turns the override settings on.
func integrationConfig(c *config.Config) {
	c.AllowedInternalHosts = "127.0.0.1"
	c.EnablePostUsernameOverride = true
	c.EnablePostIconOverride = true
	c.EnableBotAccountCreation = true
	c.EnableLinkPreviews = false
	c.IntegrationTimeoutSec = 2
}

// hookPost sends a raw body to POST /hooks/{id}.
func hookPost(t *testing.T, s *apitest.Server, id, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/hooks/"+id, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && (string(b) != "ok" || resp.Header.Get("Content-Type") != "text/plain") {
		t.Errorf("hook answer %q %q, want ok as text/plain", b, resp.Header.Get("Content-Type"))
	}
	if resp.StatusCode != http.StatusOK {
		var e model.AppError
		if json.Unmarshal(b, &e) != nil {
			t.Errorf("error body not JSON: %s", b)
		}
		return resp.StatusCode, e.ID
	}
	return resp.StatusCode, ""
}

// channelMessages returns a channel's posts, oldest first.
func channelMessages(t *testing.T, c *apitest.Client, channelID string) []*model.Post {
	t.Helper()
	var l model.PostList
	c.Get("/channels/" + channelID + "/posts").Expect(http.StatusOK).JSON(&l)
	out := make([]*model.Post, 0, len(l.Order))
	for i := len(l.Order) - 1; i >= 0; i-- {
		out = append(out, l.Posts[l.Order[i]])
	}
	return out
}

// waitFor polls until cond holds or fails the test after a few seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(8 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestIncomingWebhooks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		var hook model.IncomingWebhook
		w.admin.Post("/hooks/incoming", map[string]any{"channel_id": w.public.ID, "display_name": "CI", "username": "ci"}).
			Expect(http.StatusCreated).JSON(&hook)
		if hook.UserID != w.admin.UserID || hook.TeamID != w.team.ID || !model.IsValidID(hook.ID) {
			t.Fatalf("hook: %+v", hook)
		}
		// Team members without manage_incoming_webhooks may not create or see hooks.
		checkError(t, "member creates", w.bob.Post("/hooks/incoming", map[string]any{"channel_id": w.public.ID}), 403, forbidden)
		checkError(t, "member reads", w.bob.Get("/hooks/incoming/"+hook.ID), 403, forbidden)

		// Slack style: JSON, payload= form, and no content type at all.
		js := `{"text":"Build <https://ci.example.com/42|#42> **passed**","username":"robot","icon_url":"https://x.example.com/i.png",
			"attachments":[{"fallback":"f","color":"good","title":"Build","fields":[{"title":"n","value":42,"short":"true"},null]},null],
			"props":{"card":"c","from_webhook":"no","override_username":"evil"}}`
		if code, id := hookPost(t, s, hook.ID, "application/json", js); code != 200 {
			t.Fatalf("JSON payload: %d %s", code, id)
		}
		form := url.Values{"payload": {`{"text":"from a form","channel":"town-square"}`}}.Encode()
		if code, id := hookPost(t, s, hook.ID, "application/x-www-form-urlencoded", form); code != 200 {
			t.Fatalf("form payload: %d %s", code, id)
		}
		if code, id := hookPost(t, s, hook.ID, "", "{\"text\":\"raw\nnewline\"}"); code != 200 {
			t.Fatalf("lenient payload: %d %s", code, id)
		}
		posts := channelMessages(t, w.bob, w.public.ID)
		if len(posts) < 2 {
			t.Fatalf("posts: %d", len(posts))
		}
		p, raw := posts[len(posts)-2], posts[len(posts)-1]
		if p.UserID != w.admin.UserID || p.Message != "Build [#42](https://ci.example.com/42) **passed**" || p.Type != "slack_attachment" ||
			p.Props["from_webhook"] != "true" || p.Props["override_username"] != "robot" || p.Props["webhook_display_name"] != "CI" ||
			p.Props["override_icon_url"] != "https://x.example.com/i.png" || p.Props["card"] != "c" {
			t.Errorf("webhook post: %+v", p)
		}
		atts, _ := p.Props["attachments"].([]any)
		if len(atts) != 1 {
			t.Fatalf("attachments: %v", p.Props["attachments"])
		}
		fields := atts[0].(map[string]any)["fields"].([]any)
		if f := fields[0].(map[string]any); len(fields) != 1 || f["value"] != "42" || f["short"] != true {
			t.Errorf("fields: %v", fields)
		}
		if raw.Message != "raw\nnewline" || raw.Props["override_username"] != "ci" {
			t.Errorf("lenient post: %+v", raw)
		}
		town := channelMessages(t, w.bob, w.town.ID)
		if last := town[len(town)-1]; last.Message != "from a form" {
			t.Errorf("channel override: last town-square post %q", last.Message)
		}

		// Refusals, as the reference words them.
		if code, id := hookPost(t, s, model.NewID(), "application/json", `{"text":"x"}`); code != 400 || id != "web.incoming_webhook.invalid.app_error" {
			t.Errorf("unknown hook: %d %s", code, id)
		}
		if code, id := hookPost(t, s, hook.ID, "application/json", `{"text":""}`); code != 400 || id != "web.incoming_webhook.text.app_error" {
			t.Errorf("no text: %d %s", code, id)
		}
		if code, id := hookPost(t, s, hook.ID, "application/json", `{"text`); code != 400 || id != "model.incoming_hook.parse_data.app_error" {
			t.Errorf("bad JSON: %d %s", code, id)
		}
		if code, id := hookPost(t, s, hook.ID, "application/json", `{"text":"x","channel":"nope"}`); code != 404 || id != "web.incoming_webhook.channel.app_error" {
			t.Errorf("unknown channel: %d %s", code, id)
		}
		hook.ChannelLocked = true
		w.admin.Put("/hooks/incoming/"+hook.ID, hook).Expect(http.StatusOK)
		if code, id := hookPost(t, s, hook.ID, "application/json", `{"text":"x","channel":"town-square"}`); code != 403 || id != "web.incoming_webhook.channel_locked.app_error" {
			t.Errorf("locked: %d %s", code, id)
		}
		var list []*model.IncomingWebhook
		w.admin.Get("/hooks/incoming?team_id=" + w.team.ID).Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 || !list[0].ChannelLocked {
			t.Errorf("list: %+v", list)
		}
		w.admin.Delete("/hooks/incoming/" + hook.ID).Expect(http.StatusOK)
		if code, _ := hookPost(t, s, hook.ID, "application/json", `{"text":"x"}`); code != 400 {
			t.Errorf("deleted hook still posts: %d", code)
		}
	}, integrationConfig)
}

func TestIncomingWebhooksDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		checkError(t, "create", w.admin.Post("/hooks/incoming", map[string]any{"channel_id": w.public.ID}), 501,
			"api.incoming_webhook.disabled.app_error")
		if code, id := hookPost(t, s, model.NewID(), "application/json", `{"text":"x"}`); code != 501 || id != "web.incoming_webhook.disabled.app_error" {
			t.Errorf("execute: %d %s", code, id)
		}
		var cfg map[string]string
		w.bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["EnableIncomingWebhooks"] != "false" || cfg["EnableOutgoingWebhooks"] != "true" || cfg["EnableCommands"] != "true" {
			t.Errorf("client config: %v", cfg)
		}
	}, func(c *config.Config) { c.EnableIncomingWebhooks = false })
}

// recorder is a stand-in integration that records requests and answers with reply.
type recorder struct {
	mu    sync.Mutex
	reqs  []*http.Request
	forms []url.Values
	jsons []map[string]any
	reply func(r *http.Request) (int, string, string) // status, content type, body
}

func newRecorder(t *testing.T, reply func(r *http.Request) (int, string, string)) (*recorder, *httptest.Server) {
	rec := &recorder{reply: reply}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r)
		var js map[string]any
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			_ = json.Unmarshal(body, &js)
		}
		form, _ := url.ParseQuery(string(body))
		if r.Method == http.MethodGet {
			form = r.URL.Query()
		}
		rec.forms, rec.jsons = append(rec.forms, form), append(rec.jsons, js)
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		status, ct, out := rec.reply(r)
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(out))
	}))
	t.Cleanup(srv.Close)
	return rec, srv
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func TestOutgoingWebhooks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		rec, srv := newRecorder(t, func(r *http.Request) (int, string, string) {
			return 200, "application/json", `{"text":"pong <!channel>","response_type":"comment","username":"bot"}`
		})
		var jsonHook, formHook model.OutgoingWebhook
		w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "trigger_words": []string{"ping"},
			"callback_urls": []string{srv.URL + "/json"}, "content_type": "application/json", "display_name": "Pinger"}).
			Expect(http.StatusCreated).JSON(&jsonHook)
		w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "channel_id": w.public.ID,
			"trigger_words": []string{"dep"}, "trigger_when": 1, "callback_urls": []string{srv.URL + "/form"}}).
			Expect(http.StatusCreated).JSON(&formHook)
		if len(jsonHook.Token) != 26 {
			t.Fatalf("token: %+v", jsonHook)
		}
		checkError(t, "no triggers", w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID,
			"callback_urls": []string{srv.URL}}), 400, "api.webhook.create_outgoing.triggers.app_error")
		checkError(t, "private channel", w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID,
			"channel_id": w.private.ID, "callback_urls": []string{srv.URL}}), 403, "api.webhook.create_outgoing.not_open.app_error")
		checkError(t, "member", w.bob.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID,
			"trigger_words": []string{"x"}, "callback_urls": []string{srv.URL}}), 403, forbidden)

		w.bob.CreatePost(w.public.ID, "pinged but not first", "")
		w.bob.CreatePost(w.private.ID, "ping in private", "")
		trigger := w.bob.CreatePost(w.public.ID, "ping now", "")
		waitFor(t, "the JSON hook's reply", func() bool {
			for _, p := range channelMessages(t, w.bob, w.public.ID) {
				if p.RootID == trigger.ID && p.Message == "pong @channel" {
					return true
				}
			}
			return false
		})
		// Replies are created with triggering off, so "pong" fires nothing;
		// a prefix match on the channel-bound form hook does.
		w.bob.CreatePost(w.public.ID, "deploy staging", "")
		waitFor(t, "the form hook", func() bool { return rec.count() == 2 })
		time.Sleep(100 * time.Millisecond)
		if n := rec.count(); n != 2 {
			t.Fatalf("callbacks: %d, want 2", n)
		}
		rec.mu.Lock()
		js, form := rec.jsons[0], rec.forms[1]
		rec.mu.Unlock()
		if js["token"] != jsonHook.Token || js["trigger_word"] != "ping" || js["text"] != "ping now" || js["post_id"] != trigger.ID ||
			js["team_domain"] != "staff" || js["channel_name"] != "general-talk" || js["user_name"] != "bob" ||
			js["timestamp"].(float64) != float64(trigger.CreateAt) || js["file_ids"] != "" {
			t.Errorf("JSON callback: %v", js)
		}
		if form.Get("token") != formHook.Token || form.Get("trigger_word") != "dep" || form.Get("text") != "deploy staging" ||
			len(form.Get("timestamp")) != 10 {
			t.Errorf("form callback: %v", form)
		}
		for _, p := range channelMessages(t, w.bob, w.public.ID) {
			if p.RootID == trigger.ID && (p.UserID != w.admin.UserID || p.Props["from_webhook"] != "true" ||
				p.Props["override_username"] != "bot" || p.Props["webhook_display_name"] != "Pinger") {
				t.Errorf("reply: %+v", p)
			}
		}
		var regen model.OutgoingWebhook
		w.admin.Post("/hooks/outgoing/"+jsonHook.ID+"/regen_token", nil).Expect(http.StatusOK).JSON(&regen)
		if regen.Token == jsonHook.Token || len(regen.Token) != 26 {
			t.Errorf("regen: %+v", regen)
		}
		var list []*model.OutgoingWebhook
		w.admin.Get("/hooks/outgoing?team_id=" + w.team.ID).Expect(http.StatusOK).JSON(&list)
		if len(list) != 2 {
			t.Errorf("list: %d", len(list))
		}
		w.admin.Delete("/hooks/outgoing/" + formHook.ID).Expect(http.StatusOK)
		w.admin.Get("/hooks/outgoing/" + formHook.ID).Expect(http.StatusNotFound)
	}, integrationConfig)
}

// TestSlowAndFailingIntegrations: posting answers at once however the
// integrations behind it behave.
func TestSlowAndFailingIntegrations(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		_, slow := newRecorder(t, func(r *http.Request) (int, string, string) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return 200, "application/json", `{"text":"late"}`
		})
		_, failing := newRecorder(t, func(r *http.Request) (int, string, string) { return 500, "text/plain", "boom" })
		w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "trigger_words": []string{"go"},
			"callback_urls": []string{slow.URL, failing.URL, "http://127.0.0.1:1/refused"}}).Expect(http.StatusCreated)
		start := time.Now()
		for range 20 {
			w.bob.CreatePost(w.public.ID, "go team", "")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("20 posts took %v behind slow integrations", d)
		}
		if n := len(channelMessages(t, w.bob, w.public.ID)); n < 20 {
			t.Fatalf("posts: %d", n)
		}
	}, integrationConfig)
}

func TestSlashCommands(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		events := make(chan *model.Event, 64)
		unsub := s.Srv.App.Bus().Subscribe(func(ev *model.Event) {
			if ev.Event == model.EventEphemeralMessage {
				events <- ev
			}
		})
		t.Cleanup(unsub)
		rec, srv := newRecorder(t, func(r *http.Request) (int, string, string) {
			text := r.FormValue("text")
			if r.Method == http.MethodGet {
				text = r.URL.Query().Get("text")
			}
			switch text {
			case "chan":
				return 200, "application/json", `{"response_type":"in_channel","text":"Weather: <https://w.example.com|sunny>",
					"goto_location":"https://w.example.com","extra_responses":[{"response_type":"in_channel","text":"second"}]}`
			case "plain":
				return 200, "text/plain", "just text"
			case "fail":
				return 500, "text/plain", "down"
			}
			return 200, "application/json", `{"text":"only you see this"}`
		})
		var cmd model.Command
		w.admin.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "Weather", "method": "P",
			"url": srv.URL + "/cmd", "auto_complete": true, "auto_complete_desc": "Weather", "username": "weatherbot"}).
			Expect(http.StatusCreated).JSON(&cmd)
		if cmd.Trigger != "weather" || len(cmd.Token) != 26 {
			t.Fatalf("command: %+v", cmd)
		}
		checkError(t, "duplicate", w.admin.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "weather",
			"method": "P", "url": srv.URL}), 400, "api.command.duplicate_trigger.app_error")
		checkError(t, "built-in", w.admin.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "echo",
			"method": "P", "url": srv.URL}), 400, "api.command.duplicate_trigger.app_error")

		exec := func(c *apitest.Client, channelID, command string) *apitest.Response {
			return c.Post("/commands/execute", map[string]string{"channel_id": channelID, "command": command})
		}
		// Ephemeral (the default): nothing stored, one event to the invoker.
		before := len(channelMessages(t, w.bob, w.public.ID))
		w.bob.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": w.bob.UserID})
		var resp model.CommandResponse
		exec(w.bob, w.public.ID, "/weather @carol ~general-talk").Expect(http.StatusOK).JSON(&resp)
		if resp.Text != "only you see this" || resp.TriggerID == "" {
			t.Errorf("ephemeral response: %+v", resp)
		}
		select {
		case ev := <-events:
			var p model.Post
			_ = json.Unmarshal([]byte(ev.Data["post"].(string)), &p)
			if ev.Broadcast.UserID != w.bob.UserID || p.Message != "only you see this" || p.ChannelID != w.public.ID {
				t.Errorf("ephemeral event: %+v %+v", ev.Broadcast, p)
			}
		case <-time.After(2 * time.Second):
			t.Error("no ephemeral_message event")
		}
		if n := len(channelMessages(t, w.bob, w.public.ID)); n != before {
			t.Errorf("ephemeral response stored: %d posts, had %d", n, before)
		}
		rec.mu.Lock()
		r0, f0 := rec.reqs[0], rec.forms[0]
		rec.mu.Unlock()
		if r0.Header.Get("Authorization") != "Token "+cmd.Token || f0.Get("command") != "/weather" ||
			f0.Get("text") != "@carol ~general-talk" || f0.Get("user_name") != "bob" || f0.Get("team_domain") != "staff" ||
			f0.Get("user_mentions") != "carol" || f0.Get("channel_mentions") != "general-talk" || f0.Get("token") != cmd.Token ||
			!strings.Contains(f0.Get("response_url"), "/hooks/commands/") {
			t.Errorf("command request: %v %v", r0.Header, f0)
		}
		// In channel, with an extra response and a goto location.
		resp = model.CommandResponse{}
		exec(w.bob, w.public.ID, "/weather chan").Expect(http.StatusOK).JSON(&resp)
		if resp.GotoLocation != "https://w.example.com" || resp.ResponseType != "in_channel" {
			t.Errorf("in_channel response: %+v", resp)
		}
		posts := channelMessages(t, w.bob, w.public.ID)
		if len(posts) < 2 {
			t.Fatalf("posts: %d", len(posts))
		}
		a, b := posts[len(posts)-2], posts[len(posts)-1]
		if a.Message != "Weather: [sunny](https://w.example.com)" || b.Message != "second" || a.UserID != w.bob.UserID ||
			a.Props["from_webhook"] != "true" || a.Props["override_username"] != "weatherbot" {
			t.Errorf("in_channel posts: %+v %+v", a, b)
		}
		// Plain text answers are ephemeral text; GET sends the fields in the query.
		exec(w.bob, w.public.ID, "/weather plain").Expect(http.StatusOK).JSON(&resp)
		if resp.Text != "just text" {
			t.Errorf("plain: %+v", resp)
		}
		cmd.Method = "G"
		w.admin.Put("/commands/"+cmd.ID, cmd).Expect(http.StatusOK)
		exec(w.bob, w.public.ID, "/weather plain").Expect(http.StatusOK)
		rec.mu.Lock()
		last := rec.reqs[len(rec.reqs)-1]
		rec.mu.Unlock()
		if last.Method != http.MethodGet || last.URL.Query().Get("token") != cmd.Token {
			t.Errorf("GET command: %s %s", last.Method, last.URL)
		}
		checkError(t, "failing", exec(w.bob, w.public.ID, "/weather fail"), 500, "api.command.execute_command.failed_resp.app_error")
		checkError(t, "unknown", exec(w.bob, w.public.ID, "/nope"), 404, "api.command.execute_command.not_found.app_error")
		checkError(t, "no slash", exec(w.bob, w.public.ID, "weather"), 400, "api.command.execute_command.start.app_error")
		checkError(t, "not a member", exec(w.carol, w.private.ID, "/echo hi"), 403, forbidden)

		var tok map[string]string
		w.admin.Put("/commands/"+cmd.ID+"/regen_token", nil).Expect(http.StatusOK).JSON(&tok)
		if tok["token"] == cmd.Token || len(tok["token"]) != 26 {
			t.Errorf("regen: %v", tok)
		}
		var auto []*model.Command
		w.bob.Get("/teams/" + w.team.ID + "/commands/autocomplete").Expect(http.StatusOK).JSON(&auto)
		found := map[string]bool{}
		for _, c := range auto {
			found[c.Trigger] = true
			if c.Token != "" {
				t.Errorf("autocomplete leaks a token: %+v", c)
			}
		}
		if !found["weather"] || !found["join"] || !found["shrug"] {
			t.Errorf("autocomplete: %v", found)
		}
		var custom []*model.Command
		w.admin.Get("/commands?team_id=" + w.team.ID + "&custom_only=true").Expect(http.StatusOK).JSON(&custom)
		if len(custom) != 1 || custom[0].Token == "" {
			t.Errorf("custom_only: %+v", custom)
		}
		checkError(t, "custom_only member", w.bob.Get("/commands?team_id="+w.team.ID+"&custom_only=true"), 403, forbidden)
		w.admin.Delete("/commands/" + cmd.ID).Expect(http.StatusOK)
		checkError(t, "deleted", exec(w.bob, w.public.ID, "/weather"), 404, "api.command.execute_command.not_found.app_error")
	}, integrationConfig)
}

func TestBuiltinCommands(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		exec := func(c *apitest.Client, channelID, command string) model.CommandResponse {
			t.Helper()
			var r model.CommandResponse
			c.Post("/commands/execute", map[string]string{"channel_id": channelID, "command": command}).Expect(http.StatusOK).JSON(&r)
			return r
		}
		ch := w.public.ID
		exec(w.bob, ch, "/echo \"hello there\"")
		exec(w.bob, ch, "/me waves")
		exec(w.bob, ch, "/shrug ok")
		posts := channelMessages(t, w.bob, ch)
		n := len(posts)
		if posts[n-3].Message != "hello there" || posts[n-2].Message != "*waves*" || posts[n-2].Type != "me" ||
			posts[n-1].Message != `ok ¯\\\_(ツ)\_/¯` || posts[n-3].Props["from_webhook"] != nil {
			t.Errorf("echo/me/shrug: %q %q %q", posts[n-3].Message, posts[n-2].Message, posts[n-1].Message)
		}
		exec(w.bob, ch, "/header New header")
		exec(w.bob, ch, "/purpose A purpose")
		exec(w.bob, ch, "/rename Talk")
		var got model.Channel
		w.bob.Get("/channels/" + ch).Expect(http.StatusOK).JSON(&got)
		if got.Header != "New header" || got.Purpose != "A purpose" || got.DisplayName != "Talk" {
			t.Errorf("channel after commands: %+v", got)
		}
		if r := exec(w.carol, w.town.ID, "/join ~general-talk"); r.GotoLocation != "/staff/channels/general-talk" {
			t.Errorf("join: %+v", r)
		}
		w.carol.Get("/channels/" + ch + "/members/me").Expect(http.StatusOK)
		exec(w.carol, ch, "/leave")
		w.carol.Get("/channels/" + ch + "/members/me").Expect(http.StatusNotFound)
		exec(w.bob, ch, "/invite @carol")
		w.carol.Get("/channels/" + ch + "/members/me").Expect(http.StatusOK)
		exec(w.bob, ch, "/kick @carol")
		w.carol.Get("/channels/" + ch + "/members/me").Expect(http.StatusNotFound)
		exec(w.bob, ch, "/mute")
		var m model.ChannelMember
		w.bob.Get("/channels/" + ch + "/members/me").Expect(http.StatusOK).JSON(&m)
		if m.NotifyProps["mark_unread"] != "mention" {
			t.Errorf("mute: %v", m.NotifyProps)
		}
		exec(w.bob, ch, "/dnd")
		var st model.Status
		w.bob.Get("/users/me/status").Expect(http.StatusOK).JSON(&st)
		if st.Status != "dnd" {
			t.Errorf("status after /dnd: %+v", st)
		}
		if r := exec(w.bob, ch, "/msg @dave hi dave"); r.GotoLocation != "/staff/messages/@dave" {
			t.Errorf("msg: %+v", r)
		}
		dm := channelMessages(t, w.bob, w.dm.ID)
		if dm[len(dm)-1].Message != "hi dave" {
			t.Errorf("msg post: %q", dm[len(dm)-1].Message)
		}
		if r := exec(w.bob, ch, "/help"); !strings.Contains(r.Text, "/join") {
			t.Errorf("help: %q", r.Text)
		}
	}, integrationConfig)
}

func TestBots(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		var bot model.Bot
		w.bob.Post("/bots", map[string]string{"username": "Helper", "display_name": "Helper", "description": "helps"}).
			Expect(http.StatusCreated).JSON(&bot)
		if bot.Username != "helper" || bot.OwnerID != w.bob.UserID || !model.IsValidID(bot.UserID) {
			t.Fatalf("bot: %+v", bot)
		}
		checkError(t, "taken", w.bob.Post("/bots", map[string]string{"username": "carol"}), 400, "app.user.save.username_exists.app_error")
		var u model.User
		w.bob.Get("/users/" + bot.UserID).Expect(http.StatusOK).JSON(&u)
		if !u.IsBot {
			t.Errorf("bot user: %+v", u)
		}
		var list []*model.Bot
		w.bob.Get("/bots").Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 {
			t.Errorf("own bots: %d", len(list))
		}
		w.carol.Get("/bots").Expect(http.StatusOK).JSON(&list)
		if len(list) != 0 {
			t.Errorf("carol sees bob's bots: %d", len(list))
		}
		w.carol.Get("/bots/" + bot.UserID).Expect(http.StatusNotFound)
		checkError(t, "carol patches", w.carol.Put("/bots/"+bot.UserID, map[string]string{"description": "x"}), 404,
			"store.sql_bot.get.missing.app_error")

		// The owner gives the bot a token; the bot posts with it, marked from_bot.
		var tok model.UserAccessToken
		w.bob.Post("/users/"+bot.UserID+"/tokens", map[string]string{"description": "ci"}).Expect(http.StatusOK).JSON(&tok)
		w.admin.AddToTeam(w.team.ID, bot.UserID)
		botc := s.Anon()
		botc.Token = tok.Token
		var p model.Post
		botc.Post("/posts", map[string]string{"channel_id": w.town.ID, "message": "beep"}).Expect(http.StatusCreated).JSON(&p)
		if p.Props["from_bot"] != "true" {
			t.Errorf("bot post: %+v", p.Props)
		}
		var patched model.Bot
		w.bob.Put("/bots/"+bot.UserID, map[string]string{"description": "helps more"}).Expect(http.StatusOK).JSON(&patched)
		if patched.Description != "helps more" || patched.Username != "helper" {
			t.Errorf("patched: %+v", patched)
		}
		var disabled model.Bot
		w.bob.Post("/bots/"+bot.UserID+"/disable", nil).Expect(http.StatusOK).JSON(&disabled)
		if disabled.DeleteAt == 0 {
			t.Errorf("disabled: %+v", disabled)
		}
		botc.Get("/users/me").Expect(http.StatusUnauthorized)
		w.bob.Post("/bots/"+bot.UserID+"/enable", nil).Expect(http.StatusOK)
		botc.Get("/users/me").Expect(http.StatusOK)
		var assigned model.Bot
		w.bob.Post("/bots/"+bot.UserID+"/assign/"+w.carol.UserID, nil).Expect(http.StatusOK).JSON(&assigned)
		if assigned.OwnerID != w.carol.UserID {
			t.Errorf("assigned: %+v", assigned)
		}
		w.admin.Get("/bots").Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 {
			t.Errorf("admin sees %d bots", len(list))
		}
	}, integrationConfig)
}

func TestBotCreationDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.SignUp("admin")
		checkError(t, "disabled", c.Post("/bots", map[string]string{"username": "x"}), 403, "api.bot.create_disabled")
	})
}

// TestIntegrationSSRF: without the allow-list no integration reaches a
// loopback, private or metadata address, however it is spelled or redirected.
func TestIntegrationSSRF(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		rec, srv := newRecorder(t, func(r *http.Request) (int, string, string) {
			return 200, "text/html", `<html><head><meta property="og:title" content="Secret"></head></html>`
		})
		port := srv.URL[strings.LastIndex(srv.URL, ":"):]
		redirect := httptest.NewServer(http.RedirectHandler(srv.URL, http.StatusFound))
		t.Cleanup(redirect.Close)
		for i, u := range []string{srv.URL, "http://localhost" + port, "http://[::ffff:127.0.0.1]" + port,
			"http://169.254.169.254/latest/meta-data/", redirect.URL} {
			var cmd model.Command
			w.admin.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "probe" + string(rune('a'+i)),
				"method": "P", "url": u}).Expect(http.StatusCreated).JSON(&cmd)
			w.admin.Post("/commands/execute", map[string]string{"channel_id": w.town.ID, "command": "/" + cmd.Trigger}).
				Expect(http.StatusInternalServerError)
			w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "trigger_words": []string{"probe" + string(rune('a'+i))},
				"callback_urls": []string{u}}).Expect(http.StatusCreated)
			w.bob.CreatePost(w.public.ID, "probe"+string(rune('a'+i))+" "+u, "")
		}
		// Give the queued work time to run (and fail).
		time.Sleep(1500 * time.Millisecond)
		if n := rec.count(); n != 0 {
			t.Fatalf("internal server reached %d times", n)
		}
		for _, p := range channelMessages(t, w.bob, w.public.ID) {
			if p.Metadata != nil && len(p.Metadata.Embeds) > 0 {
				t.Errorf("preview of an internal address: %+v", p.Metadata.Embeds)
			}
		}
	}, func(c *config.Config) { c.EnableLinkPreviews = true; c.IntegrationTimeoutSec = 2 })
}

// TestLinkPreviews: an allow-listed page's OpenGraph data lands in metadata.embeds.
func TestLinkPreviews(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		_, srv := newRecorder(t, func(r *http.Request) (int, string, string) {
			return 200, "text/html; charset=utf-8", `<html><head><title>T</title>
				<meta property="og:title" content="Release 2.0"><meta property="og:description" content="Notes">
				<meta property="og:image" content="/img.png"></head><body>x</body></html>`
		})
		p := w.bob.CreatePost(w.public.ID, "see "+srv.URL+"/release.", "")
		var got model.Post
		waitFor(t, "the preview", func() bool {
			got = model.Post{}
			w.bob.Get("/posts/" + p.ID).Expect(http.StatusOK).JSON(&got)
			return got.Metadata != nil && len(got.Metadata.Embeds) == 1
		})
		e := got.Metadata.Embeds[0].(map[string]any)
		data := e["data"].(map[string]any)
		if e["type"] != "opengraph" || e["url"] != srv.URL+"/release" || data["title"] != "Release 2.0" || data["description"] != "Notes" {
			t.Errorf("embed: %v", e)
		}
		if imgs := data["images"].([]any); imgs[0].(map[string]any)["url"] != srv.URL+"/img.png" {
			t.Errorf("image: %v", imgs)
		}
	}, func(c *config.Config) { integrationConfig(c); c.EnableLinkPreviews = true })
}
