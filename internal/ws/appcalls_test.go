package ws_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

func TestCustomStatusTellsEveryone(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		c := dial(t, s, w.carol.Token, "")
		c.hello()
		w.bob.Put("/users/me/status/custom", map[string]any{"emoji": "palm_tree", "text": "On holiday"}).Expect(http.StatusOK)
		f := c.expect(model.EventUserUpdated)
		user, _ := f.Data["user"].(map[string]any)
		props, _ := user["props"].(map[string]any)
		var cs model.CustomStatus
		if raw, _ := props[model.UserPropsKeyCustomStatus].(string); json.Unmarshal([]byte(raw), &cs) != nil || cs.Text != "On holiday" ||
			user["id"] != w.bob.UserID {
			t.Fatalf("user_updated: %s", f.raw)
		}
		w.bob.Delete("/users/me/status/custom").Expect(http.StatusOK)
		f = c.expect(model.EventUserUpdated)
		if user, _ := f.Data["user"].(map[string]any); user["props"] != nil {
			if props, _ := user["props"].(map[string]any); props[model.UserPropsKeyCustomStatus] != nil {
				t.Fatalf("user_updated after clearing: %s", f.raw)
			}
		}
	})
}

func TestMarkUnreadTellsTheUser(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		p := w.alice.CreatePost(w.pub.ID, "hi @bob", "")
		w.alice.CreatePost(w.pub.ID, "later", "")
		b := dial(t, s, w.bob.Token, "")
		b.hello()
		a := dial(t, s, w.alice.Token, "")
		a.hello()
		w.bob.Post("/users/me/posts/"+p.ID+"/set_unread", map[string]bool{"collapsed_threads_supported": true}).Expect(http.StatusOK)
		f := b.expect(model.EventPostUnread)
		if f.Broadcast.UserID != w.bob.UserID || f.Broadcast.ChannelID != w.pub.ID || f.Broadcast.TeamID != w.team.ID ||
			f.Data["post_id"] != p.ID || f.Data["mention_count"] != 1.0 || f.Data["last_viewed_at"] != float64(p.CreateAt-1) {
			t.Fatalf("post_unread: %s", f.raw)
		}
		for _, k := range []string{"msg_count", "msg_count_root", "mention_count_root", "urgent_mention_count"} {
			if _, ok := f.Data[k]; !ok {
				t.Fatalf("post_unread lacks %s: %s", k, f.raw)
			}
		}
		// Alice hears nothing of it.
		a.send("ping", nil)
		for _, raw := range a.seen {
			if strings.Contains(raw, model.EventPostUnread) {
				t.Fatalf("alice got bob's post_unread: %s", raw)
			}
		}
	})
}
