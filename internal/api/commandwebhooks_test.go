package api_test

import (
	"net/http"
	"net/url"
	"path"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// A custom command answers later through its response_url: the answer is
// posted as the user who ran it, at most five times, and unknown or malformed
// calls are refused.
func TestSlashCommandDelayedResponse(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		rec, srv := newRecorder(t, func(r *http.Request) (int, string, string) {
			return 200, "application/json", `{"text":"working on it"}`
		})
		w.admin.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "deploy", "method": "P",
			"url": srv.URL + "/cmd"}).Expect(http.StatusCreated)
		w.bob.Post("/commands/execute", map[string]string{"channel_id": w.public.ID, "command": "/deploy prod"}).
			Expect(http.StatusOK)
		rec.mu.Lock()
		responseURL := rec.forms[0].Get("response_url")
		rec.mu.Unlock()
		u, err := url.Parse(responseURL)
		if err != nil || path.Dir(u.Path) != "/hooks/commands" {
			t.Fatalf("response_url %q", responseURL)
		}
		id := path.Base(u.Path)
		body := `{"response_type":"in_channel","text":"deployed to prod"}`
		for i := range 5 {
			if status, errID := hookPost(t, s, "commands/"+id, "application/json", body); status != http.StatusOK {
				t.Fatalf("use %d: %d %s", i+1, status, errID)
			}
		}
		posts := channelMessages(t, w.bob, w.public.ID)
		last := posts[len(posts)-1]
		if last.Message != "deployed to prod" || last.UserID != w.bob.UserID {
			t.Fatalf("delayed answer: %+v", last)
		}
		count := len(posts)
		cases := []struct {
			name, id, body string
			status         int
			errID          string
		}{
			{"sixth use", id, body, 400, "web.command_webhook.invalid.app_error"},
			{"unknown id", model.NewID(), body, 400, "web.command_webhook.invalid.app_error"},
			{"malformed JSON", id, `{"text":`, 400, "app.command_webhook.handle_command_webhook.parse"},
			{"not an id", "x", body, 404, "api.context.404.app_error"},
		}
		for _, c := range cases {
			if status, errID := hookPost(t, s, "commands/"+c.id, "application/json", c.body); status != c.status || errID != c.errID {
				t.Errorf("%s: %d %s, want %d %s", c.name, status, errID, c.status, c.errID)
			}
		}
		if n := len(channelMessages(t, w.bob, w.public.ID)); n != count {
			t.Fatalf("refused calls posted: %d posts, had %d", n, count)
		}
	}, integrationConfig)
}
