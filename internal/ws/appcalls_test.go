package ws_test

import (
	"encoding/json"
	"net/http"
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
