package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func teamIDs(ts []model.Team) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func TestCreateTeam(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		var team model.Team
		r := bob.Post("/teams", map[string]any{"name": "Staff", "display_name": "Staff", "type": "O", "allow_open_invite": true,
			"email": "team@example.com"}).Expect(http.StatusCreated)
		r.JSON(&team)
		raw := rawJSON(t, r.Body)
		for _, k := range []string{"id", "create_at", "update_at", "delete_at", "display_name", "name", "description", "email",
			"type", "company_name", "allowed_domains", "invite_id", "allow_open_invite"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("team lacks %q: %s", k, r.Body)
			}
		}
		// The team's email is its creator's, whatever the body says (as Mattermost).
		if team.Name != "staff" || !model.IsValidID(team.InviteID) || team.Email != "bob@example.com" {
			t.Errorf("created team: %+v", team)
		}
		var m model.TeamMember
		bob.Get("/teams/" + team.ID + "/members/me").Expect(http.StatusOK).JSON(&m)
		if m.Roles != "team_user team_admin" || m.DeleteAt != 0 {
			t.Errorf("creator membership: %+v", m)
		}
		var chans []model.Channel
		bob.Get("/teams/" + team.ID + "/channels").Expect(http.StatusOK).JSON(&chans)
		names := []string{}
		for _, c := range chans {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"off-topic", "town-square"}) {
			t.Errorf("default channels: %v", names)
		}

		body := func(name, display, typ string) map[string]string {
			return map[string]string{"name": name, "display_name": display, "type": typ}
		}
		invalid := func(f string) string { return "model.team.is_valid." + f + ".app_error" }
		expectRefused(t, admin, []string{"/teams?per_page=200", "/users/me/teams"}, []refusal{
			{"duplicate name", bob, "POST", "/teams", body("staff", "Other", "O"), 400, "app.team.save.existing.app_error"},
			{"duplicate name other case", admin, "POST", "/teams", body("STAFF", "Other", "O"), 400, "app.team.save.existing.app_error"},
			{"reserved name", bob, "POST", "/teams", body("api", "API", "O"), 400, invalid("reserved")},
			{"too short", bob, "POST", "/teams", body("a", "A", "O"), 400, invalid("url")},
			{"too long", bob, "POST", "/teams", body(strings.Repeat("a", 65), "A", "O"), 400, invalid("url")},
			{"bad characters", bob, "POST", "/teams", body("no way", "A", "O"), 400, invalid("characters")},
			{"leading dash", bob, "POST", "/teams", body("-abc", "A", "O"), 400, invalid("characters")},
			{"missing display name", bob, "POST", "/teams", body("valid", "", "O"), 400, invalid("name")},
			{"bad type", bob, "POST", "/teams", body("valid", "Valid", "X"), 400, invalid("type")},
			{"long description", bob, "POST", "/teams", map[string]string{"name": "valid", "display_name": "V", "type": "O",
				"description": strings.Repeat("d", 256)}, 400, invalid("description")},
			{"malformed", bob, "POST", "/teams", `{"name": "valid"`, 400, badBody},
			{"wrong type", bob, "POST", "/teams", `{"name": "valid", "display_name": "V", "type": "O", "allow_open_invite": "yes"}`, 400, badBody},
			{"oversized", bob, "POST", "/teams", oversized("name"), 413, tooLarge},
			{"no session", s.Anon(), "POST", "/teams", body("valid", "V", "O"), 401, sessionExpired},
		})
	})
}

func TestTeamCreationDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		expectRefused(t, admin, []string{"/teams"}, []refusal{
			{"creation disabled", bob, "POST", "/teams", map[string]string{"name": "x1", "display_name": "X", "type": "O"}, 403,
				"api.team.is_team_creation_allowed.disabled.app_error"},
		})
		admin.CreateTeam("staff", true)
	}, func(c *config.Config) { c.EnableTeamCreation = false })
}

func TestGetTeams(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		open := admin.CreateTeam("open", true)
		closed := admin.CreateTeam("closed", false)
		admin.AddToTeam(closed.ID, bob.UserID)

		// Members see invite id; only team admins see the email. Outsiders of
		// an open team see neither.
		admin.Put("/teams/"+open.ID+"/patch", map[string]string{"display_name": "Open"}).Expect(http.StatusOK)
		var got model.Team
		carol.Get("/teams/" + open.ID).Expect(http.StatusOK).JSON(&got)
		if got.InviteID != "" || got.Email != "" {
			t.Errorf("outsider sees invite id %q / email %q", got.InviteID, got.Email)
		}
		bob.Get("/teams/name/closed").Expect(http.StatusOK).JSON(&got)
		if got.InviteID == "" {
			t.Error("member does not see the invite id")
		}
		admin.Get("/teams/" + closed.ID).Expect(http.StatusOK).JSON(&got)
		if got.InviteID == "" {
			t.Error("admin does not see the invite id")
		}

		var teams []model.Team
		carol.Get("/teams").Expect(http.StatusOK).JSON(&teams)
		if ids := teamIDs(teams); len(ids) != 1 || ids[0] != open.ID {
			t.Errorf("teams listed to an outsider: %v", ids)
		}
		for _, tm := range teams {
			if tm.InviteID != "" || tm.Email != "" {
				t.Errorf("listed team not sanitized: %+v", tm)
			}
		}
		admin.Get("/teams").Expect(http.StatusOK).JSON(&teams)
		if len(teams) != 2 {
			t.Errorf("admin lists %d teams", len(teams))
		}
		var counted struct {
			Teams      []model.Team `json:"teams"`
			TotalCount int64        `json:"total_count"`
		}
		admin.Get("/teams?include_total_count=true&per_page=1").Expect(http.StatusOK).JSON(&counted)
		if len(counted.Teams) != 1 || counted.TotalCount != 2 {
			t.Errorf("teams with count: %d of %d", len(counted.Teams), counted.TotalCount)
		}
		if r := admin.Get("/teams?page=5").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("teams past the end: %s", r.Body)
		}
		carol.Post("/teams/search", map[string]string{"term": "clo"}).Expect(http.StatusOK).JSON(&teams)
		if len(teams) != 0 {
			t.Errorf("search shows invite-only team to an outsider: %v", teamIDs(teams))
		}
		var exists map[string]bool
		carol.Get("/teams/name/closed/exists").Expect(http.StatusOK).JSON(&exists)
		if exists["exists"] {
			t.Error("invite-only team exists for an outsider")
		}
		bob.Get("/teams/name/closed/exists").Expect(http.StatusOK).JSON(&exists)
		if !exists["exists"] {
			t.Error("member's team does not exist")
		}
		bob.Get("/users/me/teams").Expect(http.StatusOK).JSON(&teams)
		if ids := teamIDs(teams); len(ids) != 1 || ids[0] != closed.ID {
			t.Errorf("bob's teams: %v", ids)
		}
		if r := carol.Get("/users/me/teams").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("teams of a user in none: %s", r.Body)
		}
		if r := carol.Get("/users/me/teams/members").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("memberships of a user in none: %s", r.Body)
		}
		var unread []model.TeamUnread
		bob.Get("/users/me/teams/unread").Expect(http.StatusOK).JSON(&unread)
		if len(unread) != 1 || unread[0].TeamID != closed.ID {
			t.Errorf("team unreads: %+v", unread)
		}
		var stats model.TeamStats
		bob.Get("/teams/" + closed.ID + "/stats").Expect(http.StatusOK).JSON(&stats)
		if stats.TotalMemberCount != 2 {
			t.Errorf("team stats: %+v", stats)
		}

		for _, tc := range []refusal{
			{"invite-only team to outsider", carol, "GET", "/teams/" + closed.ID, nil, 403, forbidden},
			{"invite-only team by name to outsider", carol, "GET", "/teams/name/closed", nil, 403, forbidden},
			{"unknown team", bob, "GET", "/teams/" + model.NewID(), nil, 404, "app.team.get.find.app_error"},
			{"unknown team name", bob, "GET", "/teams/name/nothing", nil, 404, "app.team.get_by_name.missing.app_error"},
			{"invalid team id", bob, "GET", "/teams/abc", nil, 400, badURL},
			{"other user's teams", carol, "GET", "/users/" + bob.UserID + "/teams", nil, 403, forbidden},
			{"other user's memberships", carol, "GET", "/users/" + bob.UserID + "/teams/members", nil, 403, forbidden},
			{"other user's unreads", carol, "GET", "/users/" + bob.UserID + "/teams/unread", nil, 403, forbidden},
			{"unread of a team not joined", carol, "GET", "/users/me/teams/" + closed.ID + "/unread", nil, 403, forbidden},
			{"stats as outsider", carol, "GET", "/teams/" + closed.ID + "/stats", nil, 403, forbidden},
			{"members as outsider", carol, "GET", "/teams/" + closed.ID + "/members", nil, 403, forbidden},
			{"members by ids as outsider", carol, "POST", "/teams/" + closed.ID + "/members/ids", []string{bob.UserID}, 403, forbidden},
			{"invite info of invite-only team", s.Anon(), "GET", "/teams/invite/" + got.InviteID, nil, 403, "api.team.get_invite_info.not_open_team"},
			{"invite info unknown", s.Anon(), "GET", "/teams/invite/" + model.NewID(), nil, 404, "app.team.get_by_invite_id.finding.app_error"},
			{"search malformed", carol, "POST", "/teams/search", `{"term":1}`, 400, badBody},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestTeamMembers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		dave := s.SignUp("dave")
		open := admin.CreateTeam("open", true)
		closed := admin.CreateTeam("closed", false)

		// Joining an open team oneself; joining again is idempotent (still 201).
		var m model.TeamMember
		bob.Post("/teams/"+open.ID+"/members", map[string]string{"team_id": open.ID, "user_id": bob.UserID}).
			Expect(http.StatusCreated).JSON(&m)
		if m.Roles != "team_user" || m.UserID != bob.UserID {
			t.Errorf("joined: %+v", m)
		}
		bob.Post("/teams/"+open.ID+"/members", map[string]string{"team_id": open.ID, "user_id": bob.UserID}).Expect(http.StatusCreated)
		var town model.Channel
		bob.Get("/teams/" + open.ID + "/channels/name/town-square").Expect(http.StatusOK).JSON(&town)
		bob.Get("/channels/" + town.ID + "/members/me").Expect(http.StatusOK)
		admin.AddToTeam(closed.ID, bob.UserID)

		var ms []model.TeamMember
		bob.Get("/teams/" + open.ID + "/members").Expect(http.StatusOK).JSON(&ms)
		if len(ms) != 2 {
			t.Errorf("members: %d", len(ms))
		}
		bob.Post("/teams/"+open.ID+"/members/ids", []string{admin.UserID, carol.UserID}).Expect(http.StatusOK).JSON(&ms)
		if len(ms) != 1 || ms[0].UserID != admin.UserID {
			t.Errorf("members by ids: %+v", ms)
		}
		if r := bob.Get("/teams/" + open.ID + "/members?page=3").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("members past the end: %s", r.Body)
		}

		member := func(team, user string) map[string]string { return map[string]string{"team_id": team, "user_id": user} }
		snapshot := []string{"/teams/" + open.ID + "/members", "/teams/" + closed.ID + "/members", "/users/" + carol.UserID + "/teams"}
		expectRefused(t, admin, snapshot, []refusal{
			{"join invite-only team", carol, "POST", "/teams/" + closed.ID + "/members", member(closed.ID, carol.UserID), 403, forbidden},
			{"add others as outsider", carol, "POST", "/teams/" + closed.ID + "/members", member(closed.ID, dave.UserID), 403, forbidden},
			{"team id mismatch", admin, "POST", "/teams/" + open.ID + "/members", member(closed.ID, carol.UserID), 400, badBody},
			{"invalid user id", admin, "POST", "/teams/" + open.ID + "/members", member(open.ID, "abc"), 400, badBody},
			{"unknown user", admin, "POST", "/teams/" + open.ID + "/members", member(open.ID, model.NewID()), 404, "app.user.missing_account.const"},
			{"unknown team", admin, "POST", "/teams/" + model.NewID() + "/members", map[string]string{"user_id": carol.UserID}, 400, badBody},
			{"malformed", admin, "POST", "/teams/" + open.ID + "/members", `{"team_id":`, 400, badBody},
			{"wrong type", admin, "POST", "/teams/" + open.ID + "/members", `{"team_id": "` + open.ID + `", "user_id": 3}`, 400, badBody},
			{"oversized", admin, "POST", "/teams/" + open.ID + "/members", oversized("user_id"), 413, tooLarge},
			{"batch empty", admin, "POST", "/teams/" + open.ID + "/members/batch", []map[string]string{}, 400, badBody},
			{"batch as outsider", carol, "POST", "/teams/" + closed.ID + "/members/batch", []map[string]string{member(closed.ID, dave.UserID)}, 403, forbidden},
			{"remove other as member", bob, "DELETE", "/teams/" + open.ID + "/members/" + admin.UserID, nil, 403, forbidden},
			{"remove non-member", admin, "DELETE", "/teams/" + open.ID + "/members/" + carol.UserID, nil, 404, "app.team.get_member.missing.app_error"},
			{"get non-member", bob, "GET", "/teams/" + open.ID + "/members/" + carol.UserID, nil, 404, "app.team.get_member.missing.app_error"},
			{"roles as member", bob, "PUT", "/teams/" + open.ID + "/members/" + bob.UserID + "/roles", map[string]string{"roles": "team_user team_admin"}, 403, forbidden},
			{"unknown team role", admin, "PUT", "/teams/" + open.ID + "/members/" + bob.UserID + "/roles", map[string]string{"roles": "system_admin"}, 400, badBody},
			{"scheme roles missing", admin, "PUT", "/teams/" + open.ID + "/members/" + bob.UserID + "/schemeRoles", map[string]bool{"scheme_admin": true}, 400, badBody},
			{"join by invite without id", carol, "POST", "/teams/members/invite", nil, 400, "api.team.add_user_to_team.missing_parameter.app_error"},
			{"join by unknown invite", carol, "POST", "/teams/members/invite?invite_id=" + model.NewID(), nil, 404, "app.team.get_by_invite_id.finding.app_error"},
		})

		// Batch add, graceful.
		var results []struct {
			UserID string            `json:"user_id"`
			Member *model.TeamMember `json:"member"`
			Error  *model.AppError   `json:"error"`
		}
		admin.Post("/teams/"+closed.ID+"/members/batch?graceful=true", []map[string]string{member(closed.ID, carol.UserID),
			member(closed.ID, model.NewID())}).Expect(http.StatusCreated).JSON(&results)
		if len(results) != 2 || results[0].Member == nil || results[1].Error == nil {
			t.Errorf("graceful batch: %+v", results)
		}
		// Joining by invite id.
		var withInvite model.Team
		admin.Get("/teams/" + open.ID).Expect(http.StatusOK).JSON(&withInvite)
		dave.Post("/teams/members/invite?invite_id="+withInvite.InviteID, nil).Expect(http.StatusCreated)

		// Roles: promote bob, who may then manage the team.
		admin.Put("/teams/"+open.ID+"/members/"+bob.UserID+"/roles", map[string]string{"roles": "team_user team_admin"}).Expect(http.StatusOK)
		bob.Get("/teams/" + open.ID + "/members/me").Expect(http.StatusOK).JSON(&m)
		if m.Roles != "team_user team_admin" || !m.SchemeAdmin {
			t.Errorf("promoted: %+v", m)
		}
		bob.Put("/teams/"+open.ID+"/patch", map[string]string{"description": "by bob"}).Expect(http.StatusOK)
		admin.Put("/teams/"+open.ID+"/members/"+bob.UserID+"/schemeRoles", map[string]bool{"scheme_admin": false, "scheme_user": true}).
			Expect(http.StatusOK)
		checkError(t, "demoted bob patches", bob.Put("/teams/"+open.ID+"/patch", map[string]string{"description": "x"}), 403, forbidden)

		// Leaving: the membership stays as history, the channels go.
		bob.Delete("/teams/" + open.ID + "/members/" + bob.UserID).Expect(http.StatusOK)
		admin.Get("/teams/" + open.ID + "/members/" + bob.UserID).Expect(http.StatusOK).JSON(&m)
		if m.DeleteAt == 0 {
			t.Errorf("left member: %+v", m)
		}
		checkError(t, "channel after leaving the team", bob.Get("/channels/"+town.ID+"/members/me"), 403, forbidden)
		var teams []model.Team
		bob.Get("/users/me/teams").Expect(http.StatusOK).JSON(&teams)
		if ids := teamIDs(teams); len(ids) != 1 || ids[0] != closed.ID {
			t.Errorf("teams after leaving: %v", ids)
		}
		checkError(t, "members after leaving", bob.Get("/teams/"+open.ID+"/members"), 403, forbidden)
		admin.Get("/teams/" + open.ID + "/members").Expect(http.StatusOK).JSON(&ms)
		for _, x := range ms {
			if x.UserID == bob.UserID {
				t.Error("former member listed")
			}
		}
		// Rejoining reactivates.
		bob.Post("/teams/"+open.ID+"/members", member(open.ID, bob.UserID)).Expect(http.StatusCreated).JSON(&m)
		if m.DeleteAt != 0 {
			t.Errorf("rejoined: %+v", m)
		}
		admin.Delete("/teams/" + open.ID + "/members/" + dave.UserID).Expect(http.StatusOK)
	})
}

func TestUpdateAndDeleteTeam(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		team := admin.CreateTeam("staff", true)
		admin.AddToTeam(team.ID, bob.UserID)

		var got model.Team
		admin.Put("/teams/"+team.ID+"/patch", map[string]any{"display_name": "Staff Room", "description": "d", "allow_open_invite": false}).
			Expect(http.StatusOK).JSON(&got)
		if got.DisplayName != "Staff Room" || got.AllowOpenInvite || got.Name != "staff" {
			t.Errorf("patched team: %+v", got)
		}
		got.CompanyName = "ACME"
		admin.Put("/teams/"+team.ID, got).Expect(http.StatusOK).JSON(&got)
		if got.CompanyName != "ACME" {
			t.Errorf("updated team: %+v", got)
		}
		old := got.InviteID
		admin.Post("/teams/"+team.ID+"/regenerate_invite_id", nil).Expect(http.StatusOK).JSON(&got)
		if got.InviteID == old || !model.IsValidID(got.InviteID) {
			t.Errorf("invite id %q → %q", old, got.InviteID)
		}
		admin.Put("/teams/"+team.ID+"/privacy", map[string]string{"privacy": "I"}).Expect(http.StatusOK).JSON(&got)
		if got.Type != "I" {
			t.Errorf("privacy: %+v", got)
		}

		snapshot := []string{"/teams/" + team.ID, "/teams?per_page=200"}
		expectRefused(t, admin, snapshot, []refusal{
			{"patch as member", bob, "PUT", "/teams/" + team.ID + "/patch", map[string]string{"display_name": "X"}, 403, forbidden},
			{"patch empty display name", admin, "PUT", "/teams/" + team.ID + "/patch", map[string]string{"display_name": ""}, 400,
				"model.team.is_valid.name.app_error"},
			{"patch wrong type", admin, "PUT", "/teams/" + team.ID + "/patch", `{"display_name": false}`, 400, badBody},
			{"patch unknown team", admin, "PUT", "/teams/" + model.NewID() + "/patch", map[string]string{"display_name": "X"}, 404,
				"app.team.get.find.app_error"},
			{"update id mismatch", admin, "PUT", "/teams/" + team.ID, map[string]string{"id": model.NewID()}, 400, badBody},
			{"update as member", bob, "PUT", "/teams/" + team.ID, got, 403, forbidden},
			{"privacy invalid", admin, "PUT", "/teams/" + team.ID + "/privacy", map[string]string{"privacy": "P"}, 400, badBody},
			{"privacy as member", bob, "PUT", "/teams/" + team.ID + "/privacy", map[string]string{"privacy": "O"}, 403, forbidden},
			{"regenerate as member", bob, "POST", "/teams/" + team.ID + "/regenerate_invite_id", nil, 403, forbidden},
			{"delete as member", bob, "DELETE", "/teams/" + team.ID, nil, 403, forbidden},
			{"permanent delete disabled", admin, "DELETE", "/teams/" + team.ID + "?permanent=true", nil, 401,
				"api.user.delete_team.not_enabled.app_error"},
			{"restore as member", bob, "POST", "/teams/" + team.ID + "/restore", nil, 403, forbidden},
		})

		admin.Delete("/teams/" + team.ID).Expect(http.StatusOK)
		admin.Get("/teams/" + team.ID).Expect(http.StatusOK).JSON(&got)
		if got.DeleteAt == 0 {
			t.Error("deleted team has delete_at 0")
		}
		if r := bob.Get("/users/me/teams").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("archived team still among bob's teams: %s", r.Body)
		}
		admin.Post("/teams/"+team.ID+"/restore", nil).Expect(http.StatusOK).JSON(&got)
		if got.DeleteAt != 0 {
			t.Errorf("restored team: %+v", got)
		}
	})
}

// Parley's team names are Mattermost's: hooks, static and messages are
// allowed (a Mattermost export may hold them), and the team's pages live
// beside the incoming webhooks under /hooks: a webhook is POST /hooks/{id},
// a team page a GET.
func TestTeamNamesAsMattermost(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		for _, name := range []string{"hooks", "static", "messages"} {
			admin.Post("/teams", map[string]string{"name": name, "display_name": name, "type": "O"}).Expect(http.StatusCreated)
		}
		for _, name := range []string{"boards", "playbooks", "helpdesk", "apis", "postmortem"} {
			checkError(t, "reserved "+name, admin.Post("/teams", map[string]string{"name": name, "display_name": name, "type": "O"}),
				400, "model.team.is_valid.reserved.app_error")
		}
		resp, err := http.Get(s.URL + "/hooks/channels/town-square")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("team page of hooks: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var town model.Channel
		admin.Get("/teams/name/hooks/channels/name/town-square").Expect(http.StatusOK).JSON(&town)
		var hook model.IncomingWebhook
		admin.Post("/hooks/incoming", map[string]any{"channel_id": town.ID}).Expect(http.StatusCreated).JSON(&hook)
		if code, id := hookPost(t, s, hook.ID, "application/json", `{"text":"through the hook"}`); code != http.StatusOK {
			t.Errorf("webhook into team hooks: %d %s", code, id)
		}
	})
}
