package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/mailtest"
	"github.com/parley-chat/parley/internal/model"
)

// fresh empties a list before it is decoded into again, so no field of an
// earlier answer survives.
func fresh(l *[]model.Group) *[]model.Group {
	*l = nil
	return l
}

func newGroup(name string, userIDs ...string) map[string]any {
	return map[string]any{"name": name, "display_name": "The " + name, "source": "custom", "allow_reference": true,
		"user_ids": userIDs}
}

// TestCustomGroups drives the groups API as a member, another member, a
// guest and the admin: Mattermost's shapes, permissions and refusals, and
// nothing written by a refused request.
func TestCustomGroups(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, bob, carol, gus := s.SignUp("admin"), s.SignUp("bob"), s.SignUp("carol"), s.SignUp("gus")
		admin.Post("/users/"+gus.UserID+"/demote", nil).Expect(http.StatusOK)

		var cfg map[string]string
		bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["EnableCustomGroups"] != "true" {
			t.Fatalf("client config EnableCustomGroups = %q", cfg["EnableCustomGroups"])
		}

		// Any member may create a group, answered 201 with its member count.
		r := bob.Post("/groups", newGroup("devs", bob.UserID, carol.UserID, carol.UserID)).Expect(http.StatusCreated)
		var g model.Group
		r.JSON(&g)
		raw := rawJSON(t, r.Body)
		if g.Source != "custom" || !g.AllowReference || g.Name != "devs" || g.DisplayName != "The devs" ||
			g.MemberCount == nil || *g.MemberCount != 2 || string(raw["remote_id"]) != "null" || g.CreateAt == 0 {
			t.Fatalf("created group %s", r.Body)
		}

		snapshot := []string{"/groups?include_archived=true&include_member_count=true&include_member_ids=true"}
		expectRefused(t, admin, snapshot, []refusal{
			{"malformed body", bob, "POST", "/groups", `{"name":`, 400, "api.context.invalid_body_param.app_error"},
			{"not custom", bob, "POST", "/groups", map[string]any{"name": "x", "display_name": "X", "source": "ldap",
				"allow_reference": true}, 400, "app.group.crud_permission"},
			{"not referenceable", bob, "POST", "/groups", map[string]any{"name": "x", "display_name": "X",
				"source": "custom"}, 400, "api.custom_groups.must_be_referenceable"},
			{"remote id", bob, "POST", "/groups", map[string]any{"name": "x", "display_name": "X", "source": "custom",
				"allow_reference": true, "remote_id": "abc"}, 400, "api.custom_groups.no_remote_id"},
			{"bad characters", bob, "POST", "/groups", newGroup("Dev Ops"), 400, "model.group.name.invalid_chars.app_error"},
			{"reserved name", bob, "POST", "/groups", newGroup("here"), 400, "model.group.name.reserved_name.app_error"},
			{"empty name", bob, "POST", "/groups", newGroup(""), 400, "model.group.name.invalid_length.app_error"},
			{"no display name", bob, "POST", "/groups", map[string]any{"name": "x", "source": "custom",
				"allow_reference": true}, 400, "model.group.display_name.app_error"},
			{"a username", bob, "POST", "/groups", newGroup("carol"), 400, "<untranslated>"},
			{"taken name", carol, "POST", "/groups", newGroup("devs"), 400, "app.custom_group.unique_name"},
			{"unknown member", bob, "POST", "/groups", newGroup("ops", bob.UserID, model.NewID()), 400,
				"api.context.invalid_body_param.app_error"},
			{"malformed member id", bob, "POST", "/groups", newGroup("ops", "nope"), 400,
				"api.context.invalid_body_param.app_error"},
			{"guest creates", gus, "POST", "/groups", newGroup("guests"), 403, "api.context.permissions.app_error"},
			{"guest edits", gus, "PUT", "/groups/" + g.ID + "/patch", map[string]string{"display_name": "G"}, 403,
				"api.context.permissions.app_error"},
			{"guest adds members", gus, "POST", "/groups/" + g.ID + "/members", map[string]any{"user_ids": []string{gus.UserID}},
				403, "api.context.permissions.app_error"},
			{"guest archives", gus, "DELETE", "/groups/" + g.ID, nil, 403, "api.context.permissions.app_error"},
			{"patch unknown group", bob, "PUT", "/groups/" + model.NewID() + "/patch", map[string]string{"display_name": "G"},
				404, "app.group.no_rows"},
			{"patch malformed", bob, "PUT", "/groups/" + g.ID + "/patch", `[1]`, 400, "api.context.invalid_body_param.app_error"},
			{"patch unreferenceable", bob, "PUT", "/groups/" + g.ID + "/patch", map[string]any{"allow_reference": false}, 400,
				"api.custom_groups.must_be_referenceable"},
			{"rename to a username", bob, "PUT", "/groups/" + g.ID + "/patch", map[string]string{"name": "admin"}, 400,
				"api.ldap_groups.existing_user_name_error"},
			{"rename to a reserved word", bob, "PUT", "/groups/" + g.ID + "/patch", map[string]string{"name": "all"}, 400,
				"api.ldap_groups.existing_reserved_name_error"},
			{"long display name", bob, "PUT", "/groups/" + g.ID + "/patch", map[string]string{"display_name": strings.Repeat("x", 129)},
				400, "model.group.display_name.app_error"},
			{"add unknown member", bob, "POST", "/groups/" + g.ID + "/members", map[string]any{"user_ids": []string{model.NewID()}},
				400, "api.context.invalid_body_param.app_error"},
			{"members body malformed", bob, "POST", "/groups/" + g.ID + "/members", `{"user_ids":"x"}`, 400,
				"api.context.invalid_body_param.app_error"},
			{"restore a live group", bob, "POST", "/groups/" + g.ID + "/restore", nil, 404, "app.group.no_rows"},
			{"bad group id", bob, "GET", "/groups/nope", nil, 400, "api.context.invalid_url_param.app_error"},
			{"unknown group", bob, "GET", "/groups/" + model.NewID(), nil, 404, "app.group.no_rows"},
			{"stats for a member", bob, "GET", "/groups/" + g.ID + "/stats", nil, 403, "api.context.permissions.app_error"},
			{"another user's groups", carol, "GET", "/users/" + bob.UserID + "/groups", nil, 403, "api.context.permissions.app_error"},
		})

		// Another member may edit it (edit_custom_group is every user's).
		var patched model.Group
		carol.Put("/groups/"+g.ID+"/patch", map[string]string{"name": "developers", "display_name": "Developers",
			"description": "who ships"}).Expect(http.StatusOK).JSON(&patched)
		if patched.Name != "developers" || patched.Description != "who ships" || patched.UpdateAt < g.UpdateAt ||
			patched.MemberCount == nil || *patched.MemberCount != 2 {
			t.Fatalf("patched %+v", patched)
		}
		var other model.Group
		carol.Post("/groups", newGroup("alpha", carol.UserID)).Expect(http.StatusCreated).JSON(&other)
		var named []model.Group
		gus.Post("/groups/names", []string{"developers", "alpha", "nobody"}).Expect(http.StatusOK).JSON(&named)
		if len(named) != 2 || named[0].ID != g.ID || named[1].ID != other.ID {
			t.Fatalf("groups by names: %+v", named)
		}
		if r := bob.Post("/groups/names", []string{}); !isEmptyArray(r.Expect(http.StatusOK).Body) {
			t.Fatalf("no names: %s", r.Body)
		}
		checkError(t, "names not a list", bob.Post("/groups/names", `{"x":1}`), 400, "api.payload.parse.error")

		var list []model.Group
		bob.Get("/groups?include_member_count=true&per_page=1&page=0").Expect(http.StatusOK).JSON(fresh(&list))
		if len(list) != 1 || list[0].ID != g.ID || *list[0].MemberCount != 2 {
			t.Fatalf("first page by display name: %+v", list)
		}
		bob.Get("/groups?q=alp").Expect(http.StatusOK).JSON(fresh(&list))
		if len(list) != 1 || list[0].ID != other.ID || list[0].MemberCount != nil {
			t.Fatalf("search: %+v", list)
		}
		bob.Get("/groups?filter_has_member=" + bob.UserID + "&include_member_ids=true").Expect(http.StatusOK).JSON(fresh(&list))
		if len(list) != 1 || list[0].ID != g.ID || len(list[0].MemberIDs) != 2 {
			t.Fatalf("bob's groups with member ids: %+v", list)
		}
		var page model.GroupsPage
		bob.Get("/groups?include_total_count=true").Expect(http.StatusOK).JSON(&page)
		if page.TotalCount != 2 || len(page.Groups) != 2 {
			t.Fatalf("with total count: %+v", page)
		}
		var mine []model.Group
		bob.Get("/users/me/groups").Expect(http.StatusOK).JSON(&mine)
		if len(mine) != 1 || mine[0].ID != g.ID {
			t.Fatalf("GET /users/me/groups: %+v", mine)
		}
		admin.Get("/users/" + carol.UserID + "/groups").Expect(http.StatusOK).JSON(&mine)
		if len(mine) != 2 {
			t.Fatalf("carol's groups, as the admin: %+v", mine)
		}
		var one model.Group
		gus.Get("/groups/" + g.ID + "?include_member_count=true").Expect(http.StatusOK).JSON(&one)
		if *one.MemberCount != 2 {
			t.Fatalf("GET /groups/{id}: %+v", one)
		}

		// Members: added once, listed by username with the total, removed.
		var added []model.GroupMember
		carol.Post("/groups/"+g.ID+"/members", map[string]any{"user_ids": []string{gus.UserID, bob.UserID}}).
			Expect(http.StatusOK).JSON(&added)
		if len(added) != 1 || added[0].UserID != gus.UserID || added[0].GroupID != g.ID {
			t.Fatalf("added %+v", added)
		}
		var ml model.GroupMemberList
		bob.Get("/groups/" + g.ID + "/members?per_page=2").Expect(http.StatusOK).JSON(&ml)
		if ml.Count != 3 || len(ml.Members) != 2 || ml.Members[0].Username != "bob" || ml.Members[0].Password != "" {
			t.Fatalf("members %+v", ml)
		}
		var removed []model.GroupMember
		bob.Do("DELETE", "/groups/"+g.ID+"/members", map[string]any{"user_ids": []string{gus.UserID}}).
			Expect(http.StatusOK).JSON(&removed)
		if len(removed) != 1 || removed[0].UserID != gus.UserID || removed[0].DeleteAt == 0 {
			t.Fatalf("removed %+v", removed)
		}
		var st model.GroupStats
		admin.Get("/groups/" + g.ID + "/stats").Expect(http.StatusOK).JSON(&st)
		if st.GroupID != g.ID || st.TotalMemberCount != 2 {
			t.Fatalf("stats %+v", st)
		}

		// Archive and restore.
		var archived model.Group
		carol.Delete("/groups/" + g.ID).Expect(http.StatusOK).JSON(&archived)
		if archived.DeleteAt == 0 {
			t.Fatalf("archived %+v", archived)
		}
		checkError(t, "archive twice", carol.Delete("/groups/"+g.ID), 404, "app.group.no_rows")
		bob.Get("/groups").Expect(http.StatusOK).JSON(fresh(&list))
		if len(list) != 1 || list[0].ID != other.ID {
			t.Fatalf("an archived group is listed: %+v", list)
		}
		bob.Get("/groups?filter_archived=true").Expect(http.StatusOK).JSON(fresh(&list))
		if len(list) != 1 || list[0].ID != g.ID {
			t.Fatalf("archived only: %+v", list)
		}
		bob.Get("/groups?include_archived=true").Expect(http.StatusOK).JSON(fresh(&list))
		if len(list) != 2 {
			t.Fatalf("archived included: %+v", list)
		}
		var restored model.Group
		bob.Post("/groups/"+g.ID+"/restore", nil).Expect(http.StatusOK).JSON(&restored)
		if restored.DeleteAt != 0 {
			t.Fatalf("restored %+v", restored)
		}
		bob.Get("/groups?filter_has_member=" + bob.UserID).Expect(http.StatusOK).JSON(fresh(&list))
		if !slices.ContainsFunc(list, func(x model.Group) bool { return x.ID == g.ID }) {
			t.Fatalf("restored group keeps its members: %+v", list)
		}

		// How many of each group's members a channel holds (bob is in it, carol not).
		team := bob.CreateTeam("crew", true)
		ch := bob.CreateChannel(team.ID, "reviews", model.ChannelOpen)
		bob.Get("/groups?include_channel_member_count=" + ch.ID).Expect(http.StatusOK).JSON(fresh(&list))
		for _, x := range list {
			want := map[string]int64{g.ID: 1, other.ID: 0}[x.ID]
			if x.ChannelMemberCount == nil || *x.ChannelMemberCount != want {
				t.Fatalf("channel member count of %s: %v, want %d", x.Name, x.ChannelMemberCount, want)
			}
		}
		checkError(t, "count in an unknown channel", bob.Get("/groups?include_channel_member_count="+model.NewID()), 404,
			"app.channel.get.existing.app_error")
		private := bob.CreateChannel(team.ID, "hush", model.ChannelPrivate)
		checkError(t, "count in a private channel not joined", carol.Get("/groups?include_channel_member_count="+private.ID), 403,
			"api.context.permissions.app_error")
	}, guestsOn)
}

// TestCustomGroupsDisabled: with EnableCustomGroups off the client config says
// so, changes are refused as Mattermost refuses them and lists are empty.
func TestCustomGroupsDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.SignUp("bob")
		var cfg map[string]string
		bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["EnableCustomGroups"] != "false" {
			t.Fatalf("client config EnableCustomGroups = %q", cfg["EnableCustomGroups"])
		}
		checkError(t, "create", bob.Post("/groups", newGroup("devs")), 400, "api.custom_groups.feature_disabled")
		checkError(t, "list custom", bob.Get("/groups?group_source=custom"), 400, "api.custom_groups.feature_disabled")
		for _, p := range []string{"/groups", "/users/me/groups"} {
			if r := bob.Get(p); !isEmptyArray(r.Expect(http.StatusOK).Body) {
				t.Errorf("%s: %s", p, r.Body)
			}
		}
	}, func(c *config.Config) { c.EnableCustomGroups = false })
}

// A group mention mails the member it mentions, as an @username does.
func TestGroupMentionMail(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		team := ann.CreateTeam("crew", true)
		ann.AddToTeam(team.ID, bob.UserID)
		ch := ann.CreateChannel(team.ID, "ops", model.ChannelOpen)
		bob.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		ann.Post("/groups", newGroup("on-call", bob.UserID)).Expect(http.StatusCreated)
		ann.CreatePost(ch.ID, "@on-call the disk is full", "")
		m := mp.WaitFor(t, "bob@example.com", 1)[0]
		if !strings.Contains(m.Text, "@ann mentioned you") || !strings.Contains(m.Text, "the disk is full") {
			t.Errorf("group mention mail: %q / %q", m.Subject, m.Text)
		}
	}, func(c *config.Config) { c.SendEmailNotifications = true })
}

// A person's export lists their groups; erasing them takes them out.
func TestGroupsInExportAndErasure(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, bob := s.SignUp("admin"), s.SignUp("bob")
		var g model.Group
		admin.Post("/groups", newGroup("night-shift", bob.UserID, admin.UserID)).Expect(http.StatusCreated).JSON(&g)
		resp := bob.Get("/users/me/export").Expect(http.StatusOK)
		zr, err := zip.NewReader(bytes.NewReader(resp.Body), int64(len(resp.Body)))
		if err != nil {
			t.Fatal(err)
		}
		var export struct {
			Groups []model.Group `json:"groups"`
		}
		for _, f := range zr.File {
			if f.Name == "export.json" {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				if err := json.NewDecoder(rc).Decode(&export); err != nil {
					t.Fatal(err)
				}
				rc.Close()
			}
		}
		if len(export.Groups) != 1 || export.Groups[0].Name != "night-shift" {
			t.Fatalf("exported groups: %+v", export.Groups)
		}
		admin.Delete("/users/" + bob.UserID + "?permanent=true").Expect(http.StatusOK)
		var ml model.GroupMemberList
		admin.Get("/groups/" + g.ID + "/members").Expect(http.StatusOK).JSON(&ml)
		if ml.Count != 1 || len(ml.Members) != 1 || ml.Members[0].ID != admin.UserID {
			t.Fatalf("members after erasure: %+v", ml)
		}
	}, func(c *config.Config) { c.EnableAPIDeletion = true })
}
