package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

type policy = model.RetentionPolicyWithTeamAndChannelCounts

// The granular policy API: create, read, page, patch, members, search,
// delete, as Mattermost's; bad input and other users refused with
// Mattermost's errors, and nothing half-written.
func TestRetentionPolicyAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		staff := admin.CreateTeam("staff", true)
		ops := admin.CreateTeam("ops", true)
		admin.AddToTeam(staff.ID, bob.UserID)
		legal := admin.CreateChannel(staff.ID, "legal", model.ChannelOpen)
		finance := admin.CreateChannel(staff.ID, "finance", model.ChannelPrivate)

		bob.Get("/data_retention/policies").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Post("/data_retention/policies", map[string]any{"display_name": "x", "post_duration": 5}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Get("/data_retention/policies_count").Expect(http.StatusForbidden)

		var a, b, c policy
		admin.Post("/data_retention/policies", map[string]any{"display_name": "Alpha", "post_duration": 30,
			"team_ids": []string{staff.ID}}).Expect(http.StatusCreated).JSON(&a)
		if a.ID == "" || a.DisplayName != "Alpha" || a.PostDuration == nil || *a.PostDuration != 30 || a.TeamCount != 1 ||
			a.ChannelCount != 0 || a.FileDuration != nil || a.PreservePinnedPosts {
			t.Fatalf("created %+v", a)
		}
		admin.Post("/data_retention/policies", map[string]any{"display_name": "Bravo", "post_duration": -1,
			"channel_ids": []string{legal.ID, finance.ID, legal.ID}, "preserve_pinned_posts": true}).Expect(http.StatusCreated).JSON(&b)
		if b.ChannelCount != 2 || !b.PreservePinnedPosts || *b.PostDuration != -1 {
			t.Fatalf("created %+v", b)
		}
		admin.Post("/data_retention/policies", map[string]any{"display_name": "Charlie", "post_duration": 7, "file_duration": 3}).
			Expect(http.StatusCreated).JSON(&c)

		// Paging: by display name, Mattermost's {policies, total_count}.
		var l model.RetentionPolicyWithTeamAndChannelCountsList
		admin.Get("/data_retention/policies?page=0&per_page=2").Expect(http.StatusOK).JSON(&l)
		if l.TotalCount != 3 || len(l.Policies) != 2 || l.Policies[0].ID != a.ID || l.Policies[1].ID != b.ID {
			t.Fatalf("page 0: %+v", l)
		}
		admin.Get("/data_retention/policies?page=1&per_page=2").Expect(http.StatusOK).JSON(&l)
		if len(l.Policies) != 1 || l.Policies[0].ID != c.ID || *l.Policies[0].FileDuration != 3 {
			t.Fatalf("page 1: %+v", l)
		}
		var count map[string]int64
		admin.Get("/data_retention/policies_count").Expect(http.StatusOK).JSON(&count)
		if count["total_count"] != 3 {
			t.Fatalf("count %v", count)
		}

		// Bad input: Mattermost's errors, nothing written.
		for _, body := range []any{
			map[string]any{"post_duration": 5},
			map[string]any{"display_name": "  ", "post_duration": 5},
			map[string]any{"display_name": "No duration"},
			map[string]any{"display_name": "Zero", "post_duration": 0},
			map[string]any{"display_name": "Files", "post_duration": 5, "file_duration": -2},
			map[string]any{"display_name": "Bad id", "post_duration": 5, "team_ids": []string{"nope"}},
			map[string]any{"display_name": "Unknown team", "post_duration": 5, "team_ids": []string{model.NewID()}},
			map[string]any{"display_name": "Taken team", "post_duration": 5, "team_ids": []string{ops.ID, staff.ID}},
			map[string]any{"display_name": "Taken channel", "post_duration": 5, "channel_ids": []string{legal.ID}},
		} {
			admin.Post("/data_retention/policies", body).ExpectError(http.StatusBadRequest, "ent.data_retention.policies.invalid_policy")
		}
		admin.Raw("POST", "/data_retention/policies", "application/json", []byte(`{"display_name":`)).
			ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		admin.Get("/data_retention/policies_count").Expect(http.StatusOK).JSON(&count)
		if count["total_count"] != 3 {
			t.Fatalf("a refused create wrote a policy: %v", count)
		}
		var ot model.TeamsWithCount
		admin.Get("/data_retention/policies/" + a.ID + "/teams").Expect(http.StatusOK).JSON(&ot)
		if ot.TotalCount != 1 || ot.Teams[0].ID != staff.ID || ot.Teams[0].PolicyID == nil || *ot.Teams[0].PolicyID != a.ID {
			t.Fatalf("teams %+v", ot)
		}

		// Unknown and malformed ids.
		admin.Get("/data_retention/policies/"+model.NewID()).ExpectError(http.StatusNotFound, "ent.data_retention.policies.not_found")
		admin.Get("/data_retention/policies/nope").ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")
		admin.Delete("/data_retention/policies/"+model.NewID()).ExpectError(http.StatusNotFound, "ent.data_retention.policies.not_found")
		admin.Post("/data_retention/policies/"+model.NewID()+"/teams", []string{ops.ID}).
			ExpectError(http.StatusNotFound, "ent.data_retention.policies.not_found")
		bob.Get("/data_retention/policies/" + a.ID).Expect(http.StatusForbidden)

		// Patch: only what is given; lists replace.
		var p policy
		admin.Do("PATCH", "/data_retention/policies/"+a.ID, map[string]any{"post_duration": 60}).Expect(http.StatusOK).JSON(&p)
		if p.DisplayName != "Alpha" || *p.PostDuration != 60 || p.TeamCount != 1 {
			t.Fatalf("patched %+v", p)
		}
		admin.Do("PATCH", "/data_retention/policies/"+a.ID, map[string]any{"display_name": "Alpha 2", "team_ids": []string{ops.ID}}).
			Expect(http.StatusOK).JSON(&p)
		if p.DisplayName != "Alpha 2" || p.TeamCount != 1 {
			t.Fatalf("patched %+v", p)
		}
		admin.Do("PATCH", "/data_retention/policies/"+a.ID, map[string]any{"channel_ids": []string{finance.ID}}).
			ExpectError(http.StatusBadRequest, "ent.data_retention.policies.invalid_policy")
		admin.Get("/data_retention/policies/" + a.ID).Expect(http.StatusOK).JSON(&p)
		if p.ChannelCount != 0 {
			t.Fatalf("a refused patch changed the policy: %+v", p)
		}

		// Members: add, list, search, remove.
		admin.Post("/data_retention/policies/"+c.ID+"/teams", []string{staff.ID}).Expect(http.StatusOK)
		admin.Post("/data_retention/policies/"+c.ID+"/teams", []string{staff.ID}).Expect(http.StatusOK) // already there
		admin.Post("/data_retention/policies/"+c.ID+"/teams", []string{ops.ID}).
			ExpectError(http.StatusBadRequest, "ent.data_retention.policies.invalid_policy") // in Alpha 2
		var ts []model.Team
		admin.Post("/data_retention/policies/"+c.ID+"/teams/search", map[string]string{"term": "st"}).Expect(http.StatusOK).JSON(&ts)
		if len(ts) != 1 || ts[0].ID != staff.ID {
			t.Fatalf("team search %+v", ts)
		}
		admin.Post("/data_retention/policies/"+c.ID+"/teams/search", map[string]string{"term": "zz"}).Expect(http.StatusOK).JSON(&ts)
		if len(ts) != 0 {
			t.Fatalf("team search %+v", ts)
		}
		var cs model.ChannelsWithCount
		admin.Get("/data_retention/policies/" + b.ID + "/channels?per_page=1").Expect(http.StatusOK).JSON(&cs)
		if cs.TotalCount != 2 || len(cs.Channels) != 1 || cs.Channels[0].ID != finance.ID || cs.Channels[0].TeamName != "staff" ||
			cs.Channels[0].PolicyID == nil || *cs.Channels[0].PolicyID != b.ID {
			t.Fatalf("channels %+v", cs)
		}
		var found []model.ChannelWithTeamData
		admin.Post("/data_retention/policies/"+b.ID+"/channels/search", map[string]any{"term": "leg", "public": true}).
			Expect(http.StatusOK).JSON(&found)
		if len(found) != 1 || found[0].ID != legal.ID {
			t.Fatalf("channel search %+v", found)
		}
		admin.Do("DELETE", "/data_retention/policies/"+b.ID+"/channels", []string{finance.ID}).Expect(http.StatusOK)
		admin.Get("/data_retention/policies/" + b.ID).Expect(http.StatusOK).JSON(&p)
		if p.ChannelCount != 1 {
			t.Fatalf("after removal %+v", p)
		}
		admin.Post("/data_retention/policies/"+b.ID+"/channels", []string{"bad"}).
			ExpectError(http.StatusBadRequest, "ent.data_retention.policies.invalid_policy")
		admin.Post("/data_retention/policies/"+b.ID+"/channels", map[string]any{}).
			ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")

		// What a user sees of the policies of their teams and channels.
		admin.Post("/channels/"+legal.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		var tp model.RetentionPolicyForTeamList
		bob.Get("/users/me/data_retention/team_policies").Expect(http.StatusOK).JSON(&tp)
		if tp.TotalCount != 1 || tp.Policies[0].TeamID != staff.ID || tp.Policies[0].PostDuration != 7 {
			t.Fatalf("team policies %+v", tp)
		}
		var cp model.RetentionPolicyForChannelList
		bob.Get("/users/" + bob.UserID + "/data_retention/channel_policies").Expect(http.StatusOK).JSON(&cp)
		if cp.TotalCount != 1 || cp.Policies[0].ChannelID != legal.ID || cp.Policies[0].PostDuration != -1 {
			t.Fatalf("channel policies %+v", cp)
		}
		bob.Get("/users/" + admin.UserID + "/data_retention/team_policies").Expect(http.StatusForbidden)
		admin.Get("/users/" + bob.UserID + "/data_retention/channel_policies").Expect(http.StatusOK)

		// The global policy, for anyone signed in.
		var g model.GlobalRetentionPolicy
		bob.Get("/data_retention/policy").Expect(http.StatusOK).JSON(&g)
		if g.MessageDeletionEnabled || g.MessageRetentionCutoff != 0 {
			t.Fatalf("global %+v", g)
		}
		if err := s.Srv.App.SetGlobalRetention(context.Background(), app.SystemSession(), &model.GlobalRetention{PostDays: 10}); err != nil {
			t.Fatal(err)
		}
		bob.Get("/data_retention/policy").Expect(http.StatusOK).JSON(&g)
		if want := model.Now() - 10*day; !g.MessageDeletionEnabled || g.FileDeletionEnabled || g.MessageRetentionCutoff > want+60000 ||
			g.MessageRetentionCutoff < want-60000 {
			t.Fatalf("global %+v", g)
		}
		s.Anon().Get("/data_retention/policy").Expect(http.StatusUnauthorized)

		// Delete: its teams fall back.
		admin.Delete("/data_retention/policies/" + c.ID).Expect(http.StatusOK)
		admin.Get("/data_retention/policies/"+c.ID).ExpectError(http.StatusNotFound, "ent.data_retention.policies.not_found")
		bob.Get("/users/me/data_retention/team_policies").Expect(http.StatusOK).JSON(&tp)
		if tp.TotalCount != 0 {
			t.Fatalf("team policies after delete %+v", tp)
		}
	})
}

const day = int64(24 * 60 * 60 * 1000)

// The retention run deletes by the policy that governs each channel (its
// own, else its team's, else the global one), keeps pinned posts where
// asked, and keeps what a legal hold covers; a hold refuses the erasure of
// its user and channels until released, and its export holds its posts.
func TestRetentionOrderPinnedAndLegalHold(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		st := s.Store
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carl := s.SignUp("carl")
		staff := admin.CreateTeam("staff", true)
		misc := admin.CreateTeam("misc", true)
		town := admin.CreateChannel(staff.ID, "town", model.ChannelOpen)       // team policy: 10 days
		forever := admin.CreateChannel(staff.ID, "forever", model.ChannelOpen) // channel policy: forever
		long := admin.CreateChannel(staff.ID, "long", model.ChannelOpen)       // channel policy: 100 days, pinned kept
		other := admin.CreateChannel(misc.ID, "other", model.ChannelOpen)      // global: 30 days
		now := model.Now()
		post := func(ch *model.Channel, userID string, ageDays int64, pinned bool) string {
			t.Helper()
			at := now - ageDays*day
			p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: userID, ChannelID: ch.ID,
				Message: "aged " + ch.Name, IsPinned: pinned}
			p.PreCommit()
			if err := st.SavePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		gone := []string{
			post(town, bob.UserID, 20, false),
			post(long, bob.UserID, 150, false),
			post(other, bob.UserID, 35, false), // after the channel hold's range
		}
		kept := []string{
			post(town, bob.UserID, 5, false),
			post(forever, bob.UserID, 400, false),
			post(long, bob.UserID, 150, true),
			post(long, bob.UserID, 50, false),
			post(other, bob.UserID, 20, false),
		}
		heldCarl := post(town, carl.UserID, 20, false)
		heldOther := post(other, bob.UserID, 40, false)

		if err := s.Srv.App.SetGlobalRetention(ctx, app.SystemSession(), &model.GlobalRetention{PostDays: 30}); err != nil {
			t.Fatal(err)
		}
		admin.Post("/data_retention/policies", map[string]any{"display_name": "Staff", "post_duration": 10,
			"team_ids": []string{staff.ID}}).Expect(http.StatusCreated)
		admin.Post("/data_retention/policies", map[string]any{"display_name": "Forever", "post_duration": -1,
			"channel_ids": []string{forever.ID}}).Expect(http.StatusCreated)
		admin.Post("/data_retention/policies", map[string]any{"display_name": "Long", "post_duration": 100,
			"preserve_pinned_posts": true, "channel_ids": []string{long.ID}}).Expect(http.StatusCreated)

		// Legal holds: carl from the start, the other channel for 45 to 38 days ago.
		bob.Post("/legal_holds", map[string]any{"name": "x", "user_ids": []string{carl.UserID}}).Expect(http.StatusForbidden)
		for _, body := range []map[string]any{
			{"name": "Bad Name", "user_ids": []string{carl.UserID}},
			{"name": "empty"},
			{"name": "backwards", "user_ids": []string{carl.UserID}, "starts_at": 10, "ends_at": 5},
			{"name": "bad-id", "user_ids": []string{"nope"}},
		} {
			admin.Post("/legal_holds", body).ExpectError(http.StatusBadRequest, "app.legal_hold.invalid.app_error")
		}
		admin.Post("/legal_holds", map[string]any{"name": "ghost", "user_ids": []string{model.NewID()}}).
			ExpectError(http.StatusBadRequest, "app.legal_hold.invalid.app_error")
		var hc, ho model.LegalHold
		admin.Post("/legal_holds", map[string]any{"name": "case-carl", "display_name": "Case Carl",
			"user_ids": []string{carl.UserID}}).Expect(http.StatusCreated).JSON(&hc)
		admin.Post("/legal_holds", map[string]any{"name": "case-carl", "user_ids": []string{bob.UserID}}).
			ExpectError(http.StatusBadRequest, "app.legal_hold.name_taken.app_error")
		admin.Post("/legal_holds", map[string]any{"name": "case-other", "channel_ids": []string{other.ID},
			"starts_at": now - 45*day, "ends_at": now - 38*day}).Expect(http.StatusCreated).JSON(&ho)
		if hc.ID == "" || hc.DisplayName != "Case Carl" || len(hc.UserIDs) != 1 || hc.CreatorID != admin.UserID {
			t.Fatalf("hold %+v", hc)
		}
		var upd model.LegalHold
		admin.Put("/legal_holds/"+ho.ID, map[string]any{"name": "case-other", "description": "audit", "channel_ids": []string{other.ID},
			"starts_at": now - 45*day, "ends_at": now - 38*day}).Expect(http.StatusOK).JSON(&upd)
		if upd.Description != "audit" || upd.DisplayName != "case-other" || upd.CreateAt != ho.CreateAt || upd.UpdateAt < ho.UpdateAt {
			t.Fatalf("updated %+v", upd)
		}
		admin.Put("/legal_holds/"+ho.ID, map[string]any{"name": "case-carl", "channel_ids": []string{other.ID}}).
			ExpectError(http.StatusBadRequest, "app.legal_hold.name_taken.app_error")
		admin.Put("/legal_holds/"+model.NewID(), map[string]any{"name": "x", "user_ids": []string{bob.UserID}}).
			ExpectError(http.StatusNotFound, "app.legal_hold.get.app_error")
		var holds []model.LegalHold
		admin.Get("/legal_holds").Expect(http.StatusOK).JSON(&holds)
		if len(holds) != 2 || holds[0].Name != "case-carl" {
			t.Fatalf("holds %+v", holds)
		}
		admin.Get("/legal_holds/"+model.NewID()).ExpectError(http.StatusNotFound, "app.legal_hold.get.app_error")
		bob.Get("/legal_holds").Expect(http.StatusForbidden)

		var dry app.RetentionResult
		admin.Post("/data_retention/run?dry_run=true", nil).Expect(http.StatusOK).JSON(&dry)
		if dry.Posts != len(gone) {
			t.Fatalf("dry run %+v", dry)
		}
		var res app.RetentionResult
		admin.Post("/data_retention/run", nil).Expect(http.StatusOK).JSON(&res)
		if res.Posts != len(gone) || res.ByScope["global"] != 1 {
			t.Fatalf("run %+v", res)
		}
		for _, id := range gone {
			if _, err := st.GetPost(ctx, id); err == nil {
				t.Errorf("post %s should have been deleted", id)
			}
		}
		for _, id := range append(kept, heldCarl, heldOther) {
			if _, err := st.GetPost(ctx, id); err != nil {
				t.Errorf("post %s should have been kept: %v", id, err)
			}
		}

		// Erasure of what a hold keeps is refused, nothing removed.
		admin.Delete("/users/"+carl.UserID+"?permanent=true").ExpectError(http.StatusConflict, "app.legal_hold.erase_held.app_error")
		admin.Delete("/users/"+carl.UserID+"?permanent=true&anonymize=true").ExpectError(http.StatusConflict, "app.legal_hold.erase_held.app_error")
		admin.Delete("/channels/"+other.ID+"?permanent=true").ExpectError(http.StatusConflict, "app.legal_hold.erase_held.app_error")
		admin.Delete("/channels/"+town.ID+"?permanent=true").ExpectError(http.StatusConflict, "app.legal_hold.erase_held.app_error") // carl wrote there
		admin.Delete("/teams/"+misc.ID+"?permanent=true").ExpectError(http.StatusConflict, "app.legal_hold.erase_held.app_error")
		admin.Get("/users/" + carl.UserID).Expect(http.StatusOK)

		// The export: the hold, its posts, a summary.
		resp := admin.Get("/legal_holds/" + hc.ID + "/download").Expect(http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Errorf("content type %q", ct)
		}
		var lines []map[string]json.RawMessage
		sc := bufio.NewScanner(bytes.NewReader(resp.Body))
		for sc.Scan() {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			lines = append(lines, m)
		}
		if len(lines) != 3 || string(lines[0]["type"]) != `"legal_hold"` || string(lines[1]["type"]) != `"post"` ||
			string(lines[2]["type"]) != `"summary"` {
			t.Fatalf("export %s", resp.Body)
		}
		var p model.Post
		var u struct{ Username string }
		if json.Unmarshal(lines[1]["post"], &p) != nil || p.ID != heldCarl || json.Unmarshal(lines[1]["user"], &u) != nil ||
			u.Username != "carl" {
			t.Fatalf("exported post %s", resp.Body)
		}

		// Released, the hold no longer keeps anything.
		admin.Post("/legal_holds/"+hc.ID+"/release", nil).Expect(http.StatusOK)
		admin.Get("/legal_holds/"+hc.ID).ExpectError(http.StatusNotFound, "app.legal_hold.get.app_error")
		admin.Post("/data_retention/run", nil).Expect(http.StatusOK).JSON(&res)
		if res.Posts != 1 {
			t.Fatalf("run after release %+v", res)
		}
		admin.Delete("/users/" + carl.UserID + "?permanent=true").Expect(http.StatusOK)
		var audits []model.Audit
		admin.Get("/audits?action=legal_hold.*").Expect(http.StatusOK).JSON(&audits)
		ok := 0
		for _, a := range audits {
			if a.Success {
				ok++
			}
		}
		if ok != 5 || len(audits) != 8 { // two creates, an update, an export, a release; two refused creates, a refused update
			t.Fatalf("legal hold audits %+v", audits)
		}
	}, func(c *config.Config) { c.EnableAPIDeletion = true })
}

// The global policy is Mattermost's DataRetentionSettings in /api/v4/config:
// set there, it is the policy the run applies, and set elsewhere, it shows
// there.
func TestGlobalRetentionInConfig(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		var doc map[string]map[string]json.RawMessage
		admin.Get("/config").Expect(http.StatusOK).JSON(&doc)
		if string(doc["DataRetentionSettings"]["EnableMessageDeletion"]) != "false" ||
			string(doc["DataRetentionSettings"]["PreservePinnedPosts"]) != "false" {
			t.Fatalf("retention settings %s", doc["DataRetentionSettings"])
		}
		admin.Put("/config/patch", map[string]any{"DataRetentionSettings": map[string]any{"EnableMessageDeletion": true,
			"MessageRetentionDays": 0}}).ExpectError(http.StatusBadRequest,
			"model.config.is_valid.data_retention.message_retention_days_too_low.app_error")
		admin.Put("/config/patch", map[string]any{"DataRetentionSettings": map[string]any{"EnableMessageDeletion": true,
			"MessageRetentionDays": 30, "EnableFileDeletion": true, "FileRetentionHours": 36, "PreservePinnedPosts": true}}).
			Expect(http.StatusOK).JSON(&doc)
		g, err := s.Srv.App.GlobalRetention(context.Background(), app.SystemSession())
		if err != nil || g.PostDays != 30 || g.FileDays != 2 || !g.PreservePinnedPosts {
			t.Fatalf("global %+v %v", g, err)
		}
		if string(doc["DataRetentionSettings"]["MessageRetentionDays"]) != "30" ||
			string(doc["DataRetentionSettings"]["FileRetentionDays"]) != "2" {
			t.Fatalf("answer %s", doc["DataRetentionSettings"])
		}
		if file, err := os.ReadFile(filepath.Join(s.Backend.DataDir, "config.json")); err != nil ||
			bytes.Contains(file, []byte("MessageRetentionDays")) {
			t.Fatalf("the configuration file keeps the database's policy: %s %v", file, err)
		}
		var pol model.GlobalRetentionPolicy
		admin.Get("/data_retention/policy").Expect(http.StatusOK).JSON(&pol)
		if !pol.MessageDeletionEnabled || !pol.FileDeletionEnabled {
			t.Fatalf("policy %+v", pol)
		}
		// A patch of something else leaves it; the command line's change shows.
		admin.Put("/config/patch", map[string]any{"TeamSettings": map[string]any{"SiteName": "Acme"}}).Expect(http.StatusOK)
		if g, _ := s.Srv.App.GlobalRetention(context.Background(), app.SystemSession()); g.PostDays != 30 {
			t.Fatalf("unrelated patch changed retention: %+v", g)
		}
		if err := s.Srv.App.SetGlobalRetention(context.Background(), app.SystemSession(), &model.GlobalRetention{PostDays: 90}); err != nil {
			t.Fatal(err)
		}
		admin.Get("/config").Expect(http.StatusOK).JSON(&doc)
		if string(doc["DataRetentionSettings"]["MessageRetentionDays"]) != "90" ||
			string(doc["DataRetentionSettings"]["EnableFileDeletion"]) != "false" {
			t.Fatalf("config after the command line %s", doc["DataRetentionSettings"])
		}
	})
}
