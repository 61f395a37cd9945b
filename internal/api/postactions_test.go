package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// An integration posts a message with a button and a menu; a click goes to
// the integration with its context and the clicking user, its answer updates
// the post and shows the user an ephemeral message, and clients never see
// the integration's URL or context.
func TestMessageButtons(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		events := make(chan *model.Event, 16)
		unsub := s.Srv.App.Bus().Subscribe(func(ev *model.Event) {
			if ev.Event == model.EventEphemeralMessage {
				events <- ev
			}
		})
		t.Cleanup(unsub)
		var mu sync.Mutex
		var got []model.PostActionRequest
		fail := false
		_, srv := newRecorder(t, func(r *http.Request) (int, string, string) {
			b, _ := io.ReadAll(r.Body)
			var req model.PostActionRequest
			_ = json.Unmarshal(b, &req)
			mu.Lock()
			got = append(got, req)
			f := fail
			mu.Unlock()
			if f {
				return 500, "text/plain", "down"
			}
			return 200, "application/json", `{"update":{"message":"Approved by ` + req.UserName + `"},"ephemeral_text":"thanks"}`
		})
		var hook model.IncomingWebhook
		w.admin.Post("/hooks/incoming", map[string]any{"channel_id": w.public.ID}).Expect(http.StatusCreated).JSON(&hook)
		payload := fmt.Sprintf(`{"text":"Deploy?","attachments":[{"text":"ticket 42","actions":[
			{"name":"Approve","integration":{"url":%q,"context":{"ticket":"42","secret":"s3cr3t"}}},
			{"id":"env","name":"Env","type":"select","options":[{"text":"Prod","value":"prod"}],"integration":{"url":%q}}]}]}`,
			srv.URL+"/act", srv.URL+"/act")
		if status, errID := hookPost(t, s, hook.ID, "application/json", payload); status != http.StatusOK {
			t.Fatalf("webhook: %d %s", status, errID)
		}
		posts := channelMessages(t, w.bob, w.public.ID)
		post := posts[len(posts)-1]
		raw, _ := json.Marshal(post.Props)
		var props struct {
			Attachments []struct {
				Actions []map[string]any `json:"actions"`
			} `json:"attachments"`
		}
		_ = json.Unmarshal(raw, &props)
		if len(props.Attachments) != 1 || len(props.Attachments[0].Actions) != 2 {
			t.Fatalf("attachments: %s", raw)
		}
		approve, _ := props.Attachments[0].Actions[0]["id"].(string)
		if approve == "" || props.Attachments[0].Actions[1]["id"] != "env" {
			t.Fatalf("action ids: %s", raw)
		}
		for _, a := range props.Attachments[0].Actions {
			if _, leaked := a["integration"]; leaked {
				t.Fatalf("integration sent to a client: %s", raw)
			}
		}

		var resp model.PostActionAPIResponse
		w.bob.Post("/posts/"+post.ID+"/actions/"+approve, nil).Expect(http.StatusOK).JSON(&resp)
		if resp.Status != "OK" || resp.TriggerID == "" {
			t.Fatalf("action answer: %+v", resp)
		}
		mu.Lock()
		first := got[0]
		mu.Unlock()
		if first.UserName != "bob" || first.PostID != post.ID || first.ChannelID != w.public.ID || first.Context["ticket"] != "42" {
			t.Fatalf("integration request: %+v", first)
		}
		var updated model.Post
		w.bob.Get("/posts/" + post.ID).Expect(http.StatusOK).JSON(&updated)
		if updated.Message != "Approved by bob" || updated.Props[model.PropFromWebhook] != "true" {
			t.Fatalf("post after action: %+v", updated)
		}
		select {
		case ev := <-events:
			if ev.Broadcast.UserID != w.bob.UserID {
				t.Fatalf("ephemeral to %s", ev.Broadcast.UserID)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("no ephemeral message")
		}
		w.bob.Post("/posts/"+post.ID+"/actions/env", map[string]string{"selected_option": "prod"}).Expect(http.StatusOK)
		mu.Lock()
		second := got[1]
		mu.Unlock()
		if second.Context["selected_option"] != "prod" {
			t.Fatalf("menu request: %+v", second)
		}

		w.bob.Post("/posts/"+post.ID+"/actions/nosuchaction", nil).
			ExpectError(http.StatusNotFound, "api.post.do_action.action_id.app_error")
		outsider := s.SignUp("outsider")
		outsider.Post("/posts/"+post.ID+"/actions/"+approve, nil).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		mu.Lock()
		fail = true
		mu.Unlock()
		w.bob.Post("/posts/"+post.ID+"/actions/"+approve, nil).
			ExpectError(http.StatusBadRequest, "api.post.do_action.action_integration.app_error")
	}, integrationConfig)
}
