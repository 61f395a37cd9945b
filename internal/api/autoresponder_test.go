package api_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func autoReplies(t *testing.T, c *apitest.Client, channelID string) []*model.Post {
	t.Helper()
	var pl struct {
		Order []string               `json:"order"`
		Posts map[string]*model.Post `json:"posts"`
	}
	c.Get("/channels/" + channelID + "/posts").Expect(http.StatusOK).JSON(&pl)
	var out []*model.Post
	for _, id := range pl.Order {
		if p := pl.Posts[id]; p.Type == "system_auto_responder" {
			out = append(out, p)
		}
	}
	return out
}

// A member with the auto-responder on answers a direct message once a day
// per channel, in the message's thread; group messages get none, and the
// switch turns it all off. Turning it on sets the member out of office.
func TestAutoResponder(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ann, bob, carol := s.SignUp("ann"), s.SignUp("bob"), s.SignUp("carol")
		var cc map[string]string
		bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["ExperimentalEnableAutomaticReplies"] != "true" {
			t.Errorf("client config ExperimentalEnableAutomaticReplies %q", cc["ExperimentalEnableAutomaticReplies"])
		}
		props := func(active string) map[string]any {
			return map[string]any{"notify_props": map[string]string{"email": "true", "push": "mention", "desktop": "mention",
				"channel": "true", "auto_responder_active": active, "auto_responder_message": "Away until Monday."}}
		}
		ann.Put("/users/"+ann.UserID+"/patch", props("true")).Expect(http.StatusOK)
		var st model.Status
		ann.Get("/users/" + ann.UserID + "/status").Expect(http.StatusOK).JSON(&st)
		if st.Status != "ooo" {
			t.Errorf("status %q with the auto-responder on, want ooo", st.Status)
		}

		var dm, gm, self model.Channel
		bob.Post("/channels/direct", []string{bob.UserID, ann.UserID}).Expect(http.StatusCreated).JSON(&dm)
		first := bob.CreatePost(dm.ID, "are you there?", "")
		bob.CreatePost(dm.ID, "hello?", "")
		got := autoReplies(t, bob, dm.ID)
		if len(got) != 1 || got[0].UserID != ann.UserID || got[0].Message != "Away until Monday." || got[0].RootID != first.ID {
			t.Fatalf("auto replies %+v, want one from ann in the first message's thread", got)
		}
		// Ann's own answer in the DM gets no reply from Bob (his is off).
		ann.CreatePost(dm.ID, "back soon", "")
		if n := len(autoReplies(t, bob, dm.ID)); n != 1 {
			t.Errorf("%d auto replies after ann wrote", n)
		}
		// A group message gets none.
		bob.Post("/channels/group", []string{bob.UserID, ann.UserID, carol.UserID}).Expect(http.StatusCreated).JSON(&gm)
		bob.CreatePost(gm.ID, "team lunch?", "")
		if n := len(autoReplies(t, bob, gm.ID)); n != 0 {
			t.Errorf("%d auto replies in a group message", n)
		}
		// A message to oneself tries it out.
		ann.Post("/channels/direct", []string{ann.UserID, ann.UserID}).Expect(http.StatusCreated).JSON(&self)
		ann.CreatePost(self.ID, "note to self", "")
		if n := len(autoReplies(t, ann, self.ID)); n != 1 {
			t.Errorf("%d auto replies to oneself, want 1", n)
		}
		// Off again: online, and Carol's DM gets no answer.
		ann.Put("/users/"+ann.UserID+"/patch", props("false")).Expect(http.StatusOK)
		ann.Get("/users/" + ann.UserID + "/status").Expect(http.StatusOK).JSON(&st)
		if st.Status != "online" {
			t.Errorf("status %q after turning it off", st.Status)
		}
		var dm2 model.Channel
		carol.Post("/channels/direct", []string{carol.UserID, ann.UserID}).Expect(http.StatusCreated).JSON(&dm2)
		carol.CreatePost(dm2.ID, "hi", "")
		if n := len(autoReplies(t, carol, dm2.ID)); n != 0 {
			t.Errorf("%d auto replies with the responder off", n)
		}
		// The server switch: on for Carol, but automatic replies are disabled.
		carol.Put("/users/"+carol.UserID+"/patch", props("true")).Expect(http.StatusOK)
		ann.Put("/config/patch", map[string]any{"TeamSettings": map[string]any{"ExperimentalEnableAutomaticReplies": false}}).Expect(http.StatusOK)
		ann.CreatePost(dm2.ID, "hi carol", "")
		if n := len(autoReplies(t, ann, dm2.ID)); n != 0 {
			t.Errorf("%d auto replies with the setting off", n)
		}
	}, func(c *config.Config) { c.ExperimentalEnableAutomaticReplies = true })
}
