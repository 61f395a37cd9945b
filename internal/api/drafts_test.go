package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func TestDrafts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.SignUp("alice")
		bob := s.SignUp("bob")
		team := alice.CreateTeam("drafts", true)
		alice.AddToTeam(team.ID, bob.UserID)
		open := alice.CreateChannel(team.ID, "open-room", "O")
		private := alice.CreateChannel(team.ID, "private-room", "P")
		root := alice.CreatePost(open.ID, "root", "")
		var dm model.Channel
		alice.Post("/channels/direct", []string{alice.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		list := func(c *apitest.Client) []model.Draft {
			t.Helper()
			var ds []model.Draft
			c.Get("/users/me/teams/" + team.ID + "/drafts").Expect(http.StatusOK).JSON(&ds)
			return ds
		}

		var first model.Draft
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "message": "half a thought", "user_id": bob.UserID,
			"props": map[string]any{"k": "v"}}).Expect(http.StatusCreated).JSON(&first)
		if first.UserID != alice.UserID || first.Message != "half a thought" || first.CreateAt == 0 ||
			first.UpdateAt != first.CreateAt || first.Props["k"] != "v" || first.RootID != "" {
			t.Fatalf("created draft %+v", first)
		}
		var second model.Draft
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "message": "a whole thought"}).
			Expect(http.StatusCreated).JSON(&second)
		if second.CreateAt != first.CreateAt || second.Message != "a whole thought" || second.UpdateAt < first.UpdateAt {
			t.Fatalf("updated draft %+v after %+v", second, first)
		}
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "root_id": root.ID, "message": "reply"}).
			Expect(http.StatusCreated)
		alice.Post("/drafts", map[string]any{"channel_id": dm.ID, "message": "psst"}).Expect(http.StatusCreated)
		alice.Post("/drafts", map[string]any{"channel_id": private.ID, "message": "secret plan"}).Expect(http.StatusCreated)
		ds := list(alice)
		if len(ds) != 4 {
			t.Fatalf("alice's drafts: %+v", ds)
		}
		for i := 1; i < len(ds); i++ {
			if ds[i].UpdateAt > ds[i-1].UpdateAt {
				t.Errorf("drafts not newest first: %+v", ds)
			}
		}
		// A direct message's draft is in every team's list.
		other := alice.CreateTeam("elsewhere", true)
		var elsewhere []model.Draft
		alice.Get("/users/me/teams/" + other.ID + "/drafts").Expect(http.StatusOK).JSON(&elsewhere)
		if len(elsewhere) != 1 || elsewhere[0].ChannelID != dm.ID {
			t.Errorf("drafts in another team: %+v", elsewhere)
		}

		// The author's data export has them all.
		resp := alice.Get("/users/me/export").Expect(http.StatusOK)
		zr, err := zip.NewReader(bytes.NewReader(resp.Body), int64(len(resp.Body)))
		if err != nil {
			t.Fatal(err)
		}
		exported := -1
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, ".json") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			var e struct{ Drafts []model.Draft }
			if err := json.NewDecoder(rc).Decode(&e); err != nil {
				t.Fatal(err)
			}
			rc.Close()
			exported = len(e.Drafts)
		}
		if exported != 4 {
			t.Errorf("export has %d drafts, want 4", exported)
		}

		// Drafts are their author's alone.
		if got := list(bob); len(got) != 0 {
			t.Errorf("bob sees drafts: %+v", got)
		}
		bob.Get("/users/"+alice.UserID+"/teams/"+team.ID+"/drafts").
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Post("/drafts", map[string]any{"channel_id": private.ID, "message": "let me in"}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Delete("/users/"+alice.UserID+"/channels/"+open.ID+"/drafts").
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		outsider := s.SignUp("outsider")
		outsider.Get("/users/me/teams/"+team.ID+"/drafts").
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

		// Bad input.
		alice.Post("/drafts", map[string]any{"channel_id": "nope", "message": "x"}).
			ExpectError(http.StatusBadRequest, "model.draft.is_valid.channel_id.app_error")
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "message": strings.Repeat("x", model.MaxPostRunes+1)}).
			ExpectError(http.StatusBadRequest, "model.draft.is_valid.msg.app_error")
		alice.Post("/drafts", map[string]any{"channel_id": model.NewID(), "message": "x"}).
			ExpectError(http.StatusNotFound, "app.channel.get.existing.app_error")
		alice.Post("/drafts", "{").ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")

		// An empty message deletes the draft; so does DELETE, twice over.
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "root_id": root.ID, "message": ""}).
			Expect(http.StatusCreated)
		alice.Delete("/users/me/channels/" + open.ID + "/drafts").Expect(http.StatusOK)
		alice.Delete("/users/me/channels/" + open.ID + "/drafts").Expect(http.StatusOK)
		alice.Delete("/users/me/channels/" + dm.ID + "/drafts").Expect(http.StatusOK)
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "root_id": root.ID, "message": "again"}).
			Expect(http.StatusCreated)
		alice.Delete("/users/me/channels/" + open.ID + "/drafts/" + root.ID).Expect(http.StatusOK)
		if ds := list(alice); len(ds) != 1 || ds[0].ChannelID != private.ID {
			t.Fatalf("after deletes: %+v", ds)
		}

		// Leaving or archiving a channel hides its drafts; an archived channel takes none.
		alice.Delete("/channels/" + private.ID + "/members/" + alice.UserID).Expect(http.StatusOK)
		if ds := list(alice); len(ds) != 0 {
			t.Errorf("draft of a channel left: %+v", ds)
		}
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "message": "before"}).Expect(http.StatusCreated)
		alice.Delete("/channels/" + open.ID).Expect(http.StatusOK)
		if ds := list(alice); len(ds) != 0 {
			t.Errorf("draft of an archived channel: %+v", ds)
		}
		alice.Post("/drafts", map[string]any{"channel_id": open.ID, "message": "after"}).
			ExpectError(http.StatusBadRequest, "api.draft.create_draft.can_not_draft_to_deleted.error")
	})
}

func TestDraftsDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.SignUp("nodrafts")
		team := c.CreateTeam("nodrafts", true)
		const id = "api.drafts.disabled.app_error"
		// The setting answers before the body or the ids are looked at.
		c.Post("/drafts", "{").ExpectError(http.StatusNotImplemented, id)
		c.Get("/users/me/teams/"+team.ID+"/drafts").ExpectError(http.StatusNotImplemented, id)
		c.Delete("/users/me/channels/"+model.NewID()+"/drafts").ExpectError(http.StatusNotImplemented, id)
		c.Delete("/users/me/channels/"+model.NewID()+"/drafts/"+model.NewID()).ExpectError(http.StatusNotImplemented, id)
		var cfg map[string]string
		c.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["AllowSyncedDrafts"] != "false" {
			t.Errorf("AllowSyncedDrafts = %q with the setting off", cfg["AllowSyncedDrafts"])
		}
	}, func(cfg *config.Config) { cfg.AllowSyncedDrafts = false })
}
