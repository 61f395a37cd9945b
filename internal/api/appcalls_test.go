package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// getSite fetches a path of the site outside /api/v4.
func getSite(t *testing.T, s *apitest.Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestVersionHeaderOnEveryResponseAndProbes404(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		want := app.MattermostVersion + "."
		cases := []struct {
			path   string
			status int
			body   string // a substring the body must have
		}{
			{"/", 200, "<html"},
			{"/staff/channels/town-square", 200, "<html"},
			{"/plugins/com.mattermost.calls/version", 404, "404 page not found"},
			{"/plugins/playbooks/api/v0/runs", 404, "404 page not found"},
			{"/static/emoji/1f600.png", 404, "404 page not found"},
			{"/static/plugins/com.mattermost.calls/remote_entry.js", 404, "404 page not found"},
			{"/static", 404, "404 page not found"},
			{"/api/v4/no/such/route", 404, `"api.context.404.app_error"`},
			{"/api/v3/users/me", 404, `"api.context.404.app_error"`},
			{"/api/v4", 404, `"api.context.404.app_error"`},
			{"/api/v4/system/ping", 200, `"status":"OK"`},
		}
		for _, tc := range cases {
			resp, body := getSite(t, s, tc.path)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.body) {
				t.Errorf("GET %s: %d %.120q, want %d with %q", tc.path, resp.StatusCode, body, tc.status, tc.body)
			}
			if v := resp.Header.Get("X-Version-Id"); !strings.HasPrefix(v, want) || !versionIDRE.MatchString(v) {
				t.Errorf("GET %s: X-Version-Id %q", tc.path, v)
			}
		}
		// Webhooks outside /api/v4 carry it too.
		resp, err := http.Post(s.URL+"/hooks/"+model.NewID(), "application/json", strings.NewReader(`{"text":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("X-Version-Id"), want) {
			t.Errorf("webhook X-Version-Id %q", resp.Header.Get("X-Version-Id"))
		}
	})
}

func TestLoadTestStartupCalls(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		t1 := admin.CreateTeam("one", true)
		t2 := admin.CreateTeam("two", true)
		admin.AddToTeam(t1.ID, bob.UserID)
		admin.AddToTeam(t2.ID, bob.UserID)
		priv := admin.CreateChannel(t2.ID, "hidden", "P")
		gone := admin.CreateChannel(t1.ID, "gone", "O")
		bob.Post("/channels/"+gone.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		admin.Delete("/channels/" + gone.ID).Expect(http.StatusOK)
		var dm model.Channel
		bob.Post("/channels/direct", []string{bob.UserID, admin.UserID}).Expect(http.StatusCreated).JSON(&dm)

		// Channels across all teams: two town squares, two off-topics, the DM.
		var cs []model.Channel
		bob.Get("/users/me/channels").Expect(http.StatusOK).JSON(&cs)
		ids := strings.Join(channelIDs(cs), " ")
		if len(cs) != 5 || !strings.Contains(ids, dm.ID) || strings.Contains(ids, priv.ID) || strings.Contains(ids, gone.ID) {
			t.Errorf("bob's channels: %d %v", len(cs), ids)
		}
		bob.Get("/users/" + bob.UserID + "/channels?include_deleted=true").Expect(http.StatusOK).JSON(&cs)
		if len(cs) != 6 {
			t.Errorf("with deleted: %d channels", len(cs))
		}
		bob.Get("/users/me/channels?include_deleted=true&last_delete_at=" + "99999999999999").Expect(http.StatusOK).JSON(&cs)
		if len(cs) != 5 {
			t.Errorf("deleted after a future time: %d channels", len(cs))
		}

		// Memberships with team data, paged.
		var ms []map[string]any
		bob.Get("/users/me/channel_members?page=0&per_page=200").Expect(http.StatusOK).JSON(&ms)
		if len(ms) != 6 {
			t.Fatalf("bob's memberships: %d", len(ms))
		}
		seenTeams := map[string]bool{}
		for _, m := range ms {
			for _, k := range []string{"channel_id", "user_id", "roles", "msg_count", "mention_count", "notify_props",
				"team_display_name", "team_name", "team_update_at"} {
				if _, ok := m[k]; !ok {
					t.Fatalf("membership lacks %s: %v", k, m)
				}
			}
			if m["channel_id"] == dm.ID && m["team_name"] != "" {
				t.Errorf("DM membership with a team: %v", m)
			}
			seenTeams[m["team_name"].(string)] = true
		}
		if !seenTeams["one"] || !seenTeams["two"] || !seenTeams[""] {
			t.Errorf("teams of memberships: %v", seenTeams)
		}
		var p0, p1, p3 []map[string]any
		bob.Get("/users/me/channel_members?page=0&per_page=4").Expect(http.StatusOK).JSON(&p0)
		bob.Get("/users/me/channel_members?page=1&per_page=4").Expect(http.StatusOK).JSON(&p1)
		bob.Get("/users/me/channel_members?page=3&per_page=4").Expect(http.StatusOK).JSON(&p3)
		if len(p0) != 4 || len(p1) != 2 || len(p3) != 0 || p0[3]["channel_id"] == p1[0]["channel_id"] {
			t.Errorf("pages: %d %d %d", len(p0), len(p1), len(p3))
		}
		var all []map[string]any
		bob.Get("/users/me/channel_members?page=-1&per_page=2").Expect(http.StatusOK).JSON(&all)
		if len(all) != 6 {
			t.Errorf("page=-1: %d memberships, want all 6", len(all))
		}
		if r := bob.Get("/users/me/channel_members?per_page=0"); !isEmptyArray(r.Expect(http.StatusOK).Body) {
			t.Errorf("per_page=0: %s", r.Body)
		}
		// An admin may list another user's; the user may not list the admin's.
		admin.Get("/users/" + bob.UserID + "/channel_members").Expect(http.StatusOK)
		admin.Get("/users/" + bob.UserID + "/channels").Expect(http.StatusOK)

		// Threads: valid and empty.
		th := rawJSON(t, bob.Get("/users/me/teams/"+t1.ID+"/threads").Expect(http.StatusOK).Body)
		if string(th["threads"]) != "[]" || string(th["total"]) != "0" || string(th["total_unread_threads"]) != "0" ||
			string(th["total_unread_mentions"]) != "0" {
			t.Errorf("threads: %v", th)
		}
		outsider := s.SignUp("outsider")

		// Nothing to test without push or email; the answer is Mattermost's.
		if r := bob.Post("/notifications/test", nil); r.Status != 200 || string(rawJSON(t, r.Body)["status"]) != `"OK"` {
			t.Errorf("notifications/test: %d %s", r.Status, r.Body)
		}
		checkError(t, "notifications/test needs a session", s.Anon().Post("/notifications/test", nil), 401,
			"api.context.session_expired.app_error")

		// Client performance reports are accepted and dropped.
		if r := bob.Post("/client_perf", map[string]any{"version": "0.1.0", "start": 1, "end": 2}); r.Status != 200 || len(r.Body) != 0 {
			t.Errorf("client_perf: %d %q", r.Status, r.Body)
		}

		for _, tc := range []refusal{
			{"another user's channels", bob, "GET", "/users/" + admin.UserID + "/channels", nil, 403, "api.context.permissions.app_error"},
			{"another user's members", bob, "GET", "/users/" + admin.UserID + "/channel_members", nil, 403, "api.context.permissions.app_error"},
			{"bad user id", bob, "GET", "/users/nobody/channel_members", nil, 400, "api.context.invalid_url_param.app_error"},
			{"bad last_delete_at", bob, "GET", "/users/me/channels?include_deleted=true&last_delete_at=x", nil, 400, "api.context.invalid_url_param.app_error"},
			{"threads of a team not joined", outsider, "GET", "/users/me/teams/" + t1.ID + "/threads", nil, 403, "api.context.permissions.app_error"},
			{"another user's threads", bob, "GET", "/users/" + admin.UserID + "/teams/" + t1.ID + "/threads", nil, 403, "api.context.permissions.app_error"},
			{"client_perf needs a session", s.Anon(), "POST", "/client_perf", map[string]any{}, 401, "api.context.session_expired.app_error"},
			{"channels need a session", s.Anon(), "GET", "/users/" + bob.UserID + "/channels", nil, 401, "api.context.session_expired.app_error"},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestStartupPingLicenseAndConfig(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.SignUp("bob")
		anon := s.Anon()
		// No push: the app must not believe notifications reach the device.
		var ping map[string]any
		bob.Get("/system/ping?device_id=android_rn-v2:abc").Expect(http.StatusOK).JSON(&ping)
		if ping["CanReceiveNotifications"] != "false" || ping["status"] != "OK" {
			t.Errorf("ping with device: %v", ping)
		}
		var plain map[string]any
		anon.Get("/system/ping").Expect(http.StatusOK).JSON(&plain)
		if _, ok := plain["CanReceiveNotifications"]; ok {
			t.Errorf("ping without device: %v", plain)
		}

		var cfg map[string]string
		bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		for k, want := range map[string]string{
			"Version": app.MattermostVersion, "PasswordEnableForgotLink": "false", "EnableMultifactorAuthentication": "true",
			"FeatureFlagChannelBookmarks": "false", "ScheduledPosts": "false", "CollapsedThreads": "default_on",
			"SendPushNotifications": "false",
		} {
			if cfg[k] != want {
				t.Errorf("client config %s = %q, want %q", k, cfg[k], want)
			}
		}
		anon.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["PasswordEnableForgotLink"] != "false" {
			t.Errorf("anonymous config PasswordEnableForgotLink = %q", cfg["PasswordEnableForgotLink"])
		}

		// What a licensed app then asks for: answered, empty.
		team := bob.CreateTeam("crew", true)
		var town model.Channel
		bob.Get("/teams/" + team.ID + "/channels/name/town-square").Expect(http.StatusOK).JSON(&town)
		if r := bob.Get("/license/load_metric"); string(rawJSON(t, r.Expect(http.StatusOK).Body)["load"]) != "0" {
			t.Errorf("load metric: %s", r.Body)
		}
		for _, p := range []string{"/groups?q=x&filter_allow_reference=true&include_member_count=true", "/users/me/groups",
			"/users/" + bob.UserID + "/groups?paginate=false"} {
			if r := bob.Get(p); !isEmptyArray(r.Expect(http.StatusOK).Body) {
				t.Errorf("%s: %s", p, r.Body)
			}
		}
		for _, p := range []string{"/channels/" + town.ID + "/groups?paginate=false", "/teams/" + team.ID + "/groups?paginate=false"} {
			g := rawJSON(t, bob.Get(p).Expect(http.StatusOK).Body)
			if string(g["groups"]) != "[]" || string(g["total_group_count"]) != "0" {
				t.Errorf("%s: %v", p, g)
			}
		}
		eve := s.SignUp("eve")
		for _, tc := range []refusal{
			{"groups of a channel not readable", eve, "GET", "/channels/" + town.ID + "/groups", nil, 403, "api.context.permissions.app_error"},
			{"groups of a team not joined", eve, "GET", "/teams/" + team.ID + "/groups", nil, 403, "api.context.permissions.app_error"},
			{"another user's groups", eve, "GET", "/users/" + bob.UserID + "/groups", nil, 403, "api.context.permissions.app_error"},
			{"load metric needs a session", anon, "GET", "/license/load_metric", nil, 401, "api.context.session_expired.app_error"},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestCustomStatus(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		eve := s.SignUp("eve")
		var cfg map[string]string
		bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["EnableCustomUserStatuses"] != "true" {
			t.Errorf("EnableCustomUserStatuses = %q", cfg["EnableCustomUserStatuses"])
		}
		current := func(c *apitest.Client, id string) map[string]any {
			t.Helper()
			var u model.User
			c.Get("/users/" + id).Expect(http.StatusOK).JSON(&u)
			if u.Props[model.UserPropsKeyCustomStatus] == "" {
				return nil
			}
			var cs map[string]any
			if err := json.Unmarshal([]byte(u.Props[model.UserPropsKeyCustomStatus]), &cs); err != nil {
				t.Fatalf("customStatus prop %q: %v", u.Props[model.UserPropsKeyCustomStatus], err)
			}
			return cs
		}
		recent := func() []model.CustomStatus {
			t.Helper()
			var p model.Preference
			bob.Get("/users/me/preferences/custom_status/name/recent_custom_statuses").Expect(http.StatusOK).JSON(&p)
			var rcs []model.CustomStatus
			if err := json.Unmarshal([]byte(p.Value), &rcs); err != nil {
				t.Fatalf("recent %q: %v", p.Value, err)
			}
			return rcs
		}

		bob.Put("/users/me/status/custom", map[string]any{"emoji": "calendar", "text": "In a meeting", "duration": "one_hour",
			"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}).Expect(http.StatusOK)
		if cs := current(eve, bob.UserID); cs["emoji"] != "calendar" || cs["text"] != "In a meeting" || cs["duration"] != "one_hour" {
			t.Errorf("custom status seen by another user: %v", cs)
		}
		// No emoji: the default; text trimmed to 100 runes; no expiry.
		long := strings.Repeat("é", 120)
		bob.Put("/users/"+bob.UserID+"/status/custom", map[string]any{"text": long}).Expect(http.StatusOK)
		if cs := current(bob, bob.UserID); cs["emoji"] != "speech_balloon" || cs["text"] != strings.Repeat("é", 100) || cs["duration"] != "" {
			t.Errorf("defaulted custom status: %v", cs)
		}
		for i := range 6 {
			bob.Put("/users/me/status/custom", map[string]any{"emoji": "x", "text": "s" + strconv.Itoa(i)}).Expect(http.StatusOK)
		}
		// Same text again moves to the front instead of repeating.
		bob.Put("/users/me/status/custom", map[string]any{"emoji": "y", "text": "s3"}).Expect(http.StatusOK)
		rcs := recent()
		if len(rcs) != 5 || rcs[0].Text != "s3" || rcs[0].Emoji != "y" || rcs[1].Text != "s5" || rcs[4].Text != "s1" {
			t.Errorf("recent statuses: %+v", rcs)
		}
		bob.Post("/users/me/status/custom/recent/delete", rcs[1]).Expect(http.StatusOK)
		if r := recent(); len(r) != 4 || r[1].Text != "s4" {
			t.Errorf("after deleting one recent: %+v", r)
		}
		// An admin may clear someone's status.
		admin.Delete("/users/" + bob.UserID + "/status/custom").Expect(http.StatusOK)
		if cs := current(bob, bob.UserID); cs != nil {
			t.Errorf("cleared status still there: %v", cs)
		}

		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		bad := "api.context.invalid_body_param.app_error"
		expectRefused(t, bob, []string{"/users/me", "/users/me/preferences/custom_status"}, []refusal{
			{"nothing to show", bob, "PUT", "/users/me/status/custom", map[string]any{"emoji": "", "text": ""}, 400, bad},
			{"already expired", bob, "PUT", "/users/me/status/custom", map[string]any{"text": "x", "expires_at": past}, 400, bad},
			{"unknown duration", bob, "PUT", "/users/me/status/custom", map[string]any{"text": "x", "duration": "forever"}, 400, bad},
			{"not JSON", bob, "PUT", "/users/me/status/custom", "nope", 400, bad},
			{"someone else's", eve, "PUT", "/users/" + bob.UserID + "/status/custom", map[string]any{"text": "x"}, 403, "api.context.permissions.app_error"},
			{"clear someone else's", eve, "DELETE", "/users/" + bob.UserID + "/status/custom", nil, 403, "api.context.permissions.app_error"},
			{"recent not there", bob, "POST", "/users/me/status/custom/recent/delete", map[string]any{"emoji": "x", "text": "never"}, 400,
				"api.custom_status.recent_custom_statuses.delete.app_error"},
			{"recent without text", bob, "DELETE", "/users/me/status/custom/recent", map[string]any{}, 400, bad},
		})
	})
	t.Run("disabled", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			bob := s.SignUp("bob")
			checkError(t, "disabled", bob.Put("/users/me/status/custom", map[string]any{"text": "x"}), 501, "api.custom_status.disabled")
			checkError(t, "disabled clear", bob.Delete("/users/me/status/custom"), 501, "api.custom_status.disabled")
		}, func(c *config.Config) { c.EnableCustomUserStatuses = false })
	})
}

func TestSavedPostsUnreadAndPostInfo(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		eve := s.SignUp("eve")
		team := admin.CreateTeam("crew", true)
		other := admin.CreateTeam("other", true)
		closed := admin.CreateTeam("closed", false)
		admin.AddToTeam(team.ID, bob.UserID)
		admin.AddToTeam(other.ID, bob.UserID)
		pub := admin.CreateChannel(team.ID, "general", "O")
		priv := admin.CreateChannel(team.ID, "inner", "P")
		elsewhere := admin.CreateChannel(other.ID, "far", "O")
		secret := admin.CreateChannel(closed.ID, "vault", "O")
		for _, ch := range []*model.Channel{pub, priv, elsewhere} {
			admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		}
		p1 := admin.CreatePost(pub.ID, "first", "")
		p2 := admin.CreatePost(priv.ID, "private one", "")
		p3 := admin.CreatePost(elsewhere.ID, "far away", "")
		p4 := admin.CreatePost(pub.ID, "deleted later", "")
		var dm model.Channel
		bob.Post("/channels/direct", []string{bob.UserID, admin.UserID}).Expect(http.StatusCreated).JSON(&dm)
		p5 := admin.CreatePost(dm.ID, "direct", "")
		flag := func(ids ...string) {
			var prefs []model.Preference
			for _, id := range ids {
				prefs = append(prefs, model.Preference{UserID: bob.UserID, Category: "flagged_post", Name: id, Value: "true"})
			}
			bob.Put("/users/me/preferences", prefs).Expect(http.StatusOK)
		}
		flag(p1.ID, p2.ID, p3.ID, p4.ID, p5.ID)
		admin.Delete("/posts/" + p4.ID).Expect(http.StatusOK)
		// Removed from the private channel: its saved post is no longer shown.
		admin.Delete("/channels/" + priv.ID + "/members/" + bob.UserID).Expect(http.StatusOK)

		saved := func(q string) []string {
			t.Helper()
			var l model.PostList
			bob.Get("/users/me/posts/flagged" + q).Expect(http.StatusOK).JSON(&l)
			for _, id := range l.Order {
				if l.Posts[id] == nil {
					t.Fatalf("order without post: %v", l.Order)
				}
			}
			return l.Order
		}
		if got := strings.Join(saved(""), ","); got != p5.ID+","+p3.ID+","+p1.ID {
			t.Errorf("saved posts = %s, want p5,p3,p1", got)
		}
		if got := strings.Join(saved("?team_id="+team.ID), ","); got != p5.ID+","+p1.ID {
			t.Errorf("saved posts in team = %s, want p5 (DM) and p1", got)
		}
		if got := strings.Join(saved("?channel_id="+elsewhere.ID), ","); got != p3.ID {
			t.Errorf("saved posts in channel = %s", got)
		}
		if got := saved("?page=1&per_page=2"); len(got) != 1 || got[0] != p1.ID {
			t.Errorf("second page = %v", got)
		}
		if got := saved("?per_page=0"); len(got) != 0 {
			t.Errorf("per_page=0: %v", got)
		}
		if r := eve.Get("/users/me/posts/flagged"); string(rawJSON(t, r.Expect(http.StatusOK).Body)["order"]) != "[]" {
			t.Errorf("nothing saved: %s", r.Body)
		}

		// Mark unread from a post: it and what follows are unread again; the
		// mention among them counts.
		q1 := admin.CreatePost(pub.ID, "hello @bob", "")
		admin.CreatePost(pub.ID, "reply", q1.ID)
		admin.CreatePost(pub.ID, "more", "")
		bob.Post("/channels/members/me/view", map[string]string{"channel_id": pub.ID}).Expect(http.StatusOK)
		var before model.ChannelMember
		bob.Get("/channels/" + pub.ID + "/members/me").Expect(http.StatusOK).JSON(&before)
		r := bob.Post("/users/me/posts/"+q1.ID+"/set_unread", map[string]bool{"collapsed_threads_supported": true}).Expect(http.StatusOK)
		var at model.ChannelUnreadAt
		r.JSON(&at)
		raw := rawJSON(t, r.Body)
		for _, k := range []string{"team_id", "user_id", "channel_id", "msg_count", "mention_count", "mention_count_root",
			"urgent_mention_count", "msg_count_root", "last_viewed_at", "notify_props"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("ChannelUnreadAt lacks %s: %s", k, r.Body)
			}
		}
		if at.ChannelID != pub.ID || at.TeamID != team.ID || at.UserID != bob.UserID || at.LastViewedAt != q1.CreateAt-1 ||
			at.MsgCount != before.MsgCount-3 || at.MsgCountRoot != before.MsgCountRoot-2 || at.MentionCount != 1 || at.MentionCountRoot != 1 {
			t.Errorf("set_unread = %+v (member before %+v)", at, before)
		}
		var un model.ChannelUnread
		bob.Get("/users/me/channels/" + pub.ID + "/unread").Expect(http.StatusOK).JSON(&un)
		if un.MsgCount != 3 || un.MentionCount != 1 {
			t.Errorf("unread after set_unread: %+v", un)
		}

		// Post info: where the post is and whether the caller is in it.
		info := func(c *apitest.Client, id string) model.PostInfo {
			t.Helper()
			var pi model.PostInfo
			c.Get("/posts/" + id + "/info").Expect(http.StatusOK).JSON(&pi)
			return pi
		}
		carol := s.SignUp("carol")
		admin.AddToTeam(team.ID, carol.UserID)
		if pi := info(carol, p1.ID); pi.ChannelID != pub.ID || pi.ChannelType != "O" || pi.ChannelDisplayName != "general" ||
			pi.HasJoinedChannel || pi.TeamID != team.ID || pi.TeamType != "O" || pi.TeamDisplayName != team.DisplayName || !pi.HasJoinedTeam {
			t.Errorf("post info, team member not in channel: %+v", pi)
		}
		if pi := info(eve, p1.ID); pi.HasJoinedTeam || pi.HasJoinedChannel || pi.TeamID != team.ID {
			t.Errorf("post info, open team not joined: %+v", pi)
		}
		if pi := info(bob, p5.ID); !pi.HasJoinedChannel || pi.TeamID != "" || pi.ChannelType != "D" {
			t.Errorf("post info, DM: %+v", pi)
		}

		notFound := "app.post.get.app_error"
		sp := admin.CreatePost(secret.ID, "in a closed team", "")
		for _, tc := range []refusal{
			{"info of a private channel not joined", carol, "GET", "/posts/" + p2.ID + "/info", nil, 404, notFound},
			{"info of a DM of others", carol, "GET", "/posts/" + p5.ID + "/info", nil, 404, notFound},
			{"info in an invite-only team not joined", bob, "GET", "/posts/" + sp.ID + "/info", nil, 404, notFound},
			{"info of a deleted post", bob, "GET", "/posts/" + p4.ID + "/info", nil, 404, notFound},
			{"info of no post", bob, "GET", "/posts/" + model.NewID() + "/info", nil, 404, notFound},
			{"someone else's saved posts", eve, "GET", "/users/" + bob.UserID + "/posts/flagged", nil, 403, "api.context.permissions.app_error"},
			{"saved posts, bad team id", bob, "GET", "/users/me/posts/flagged?team_id=x", nil, 400, "api.context.invalid_url_param.app_error"},
			{"set_unread for someone else", eve, "POST", "/users/" + bob.UserID + "/posts/" + q1.ID + "/set_unread", nil, 403, "api.context.permissions.app_error"},
			{"set_unread in a channel not readable", carol, "POST", "/users/me/posts/" + p2.ID + "/set_unread", nil, 403, "api.context.permissions.app_error"},
			{"set_unread in a public channel not joined", carol, "POST", "/users/me/posts/" + p1.ID + "/set_unread", nil, 404, "app.channel.get_member.missing.app_error"},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
		admin.Get("/posts/" + p2.ID + "/info").Expect(http.StatusOK)
	})
}

func TestFileSearch(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		eve := s.SignUp("eve")
		team := admin.CreateTeam("crew", true)
		other := admin.CreateTeam("other", true)
		admin.AddToTeam(team.ID, bob.UserID)
		admin.AddToTeam(other.ID, bob.UserID)
		admin.AddToTeam(team.ID, eve.UserID)
		pub := admin.CreateChannel(team.ID, "general", "O")
		priv := admin.CreateChannel(team.ID, "inner", "P")
		far := admin.CreateChannel(other.ID, "far", "O")
		for _, ch := range []*model.Channel{pub, far} {
			admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		}
		attach := func(c *apitest.Client, ch *model.Channel, name string) string {
			t.Helper()
			var up struct {
				FileInfos []model.FileInfo `json:"file_infos"`
			}
			c.Upload(ch.ID, apitest.FilePart{Name: name, Data: []byte("data of " + name)}).Expect(http.StatusCreated).JSON(&up)
			c.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "file", "file_ids": []string{up.FileInfos[0].ID}}).
				Expect(http.StatusCreated)
			return up.FileInfos[0].ID
		}
		report := attach(admin, pub, "Quarterly-Report.pdf")
		notes := attach(bob, pub, "meeting notes.txt")
		farReport := attach(admin, far, "report-far.pdf")
		attach(admin, priv, "report-secret.pdf")
		// Uploaded but never posted: not searchable.
		admin.Upload(pub.ID, apitest.FilePart{Name: "report-draft.pdf", Data: []byte("x")}).Expect(http.StatusCreated)

		find := func(c *apitest.Client, path string, body map[string]any) []string {
			t.Helper()
			r := c.Post(path, body).Expect(http.StatusOK)
			raw := rawJSON(t, r.Body)
			for _, k := range []string{"order", "file_infos", "next_file_info_id", "prev_file_info_id"} {
				if _, ok := raw[k]; !ok {
					t.Fatalf("file search answer lacks %s: %s", k, r.Body)
				}
			}
			var l model.FileInfoList
			r.JSON(&l)
			for _, id := range l.Order {
				if l.FileInfos[id] == nil {
					t.Fatalf("order without file info: %s", r.Body)
				}
			}
			return l.Order
		}
		teamPath := "/teams/" + team.ID + "/files/search"
		if got := find(bob, teamPath, map[string]any{"terms": "report"}); len(got) != 1 || got[0] != report {
			t.Errorf("team search for report = %v, want only the general channel's", got)
		}
		if got := find(bob, "/files/search", map[string]any{"terms": "REPORT"}); len(got) != 2 || got[0] != farReport || got[1] != report {
			t.Errorf("all-teams search = %v", got)
		}
		if got := find(bob, "/files/search", map[string]any{"terms": "ext:txt"}); len(got) != 1 || got[0] != notes {
			t.Errorf("ext:txt = %v", got)
		}
		if got := find(bob, "/files/search", map[string]any{"terms": "report -far"}); len(got) != 1 || got[0] != report {
			t.Errorf("report -far = %v", got)
		}
		if got := find(bob, "/files/search", map[string]any{"terms": "report in:far"}); len(got) != 1 || got[0] != farReport {
			t.Errorf("report in:far = %v", got)
		}
		if got := find(bob, "/files/search", map[string]any{"terms": "from:bob"}); len(got) != 1 || got[0] != notes {
			t.Errorf("from:bob = %v", got)
		}
		if got := find(bob, "/files/search", map[string]any{"terms": "notes quarterly", "is_or_search": true}); len(got) != 2 {
			t.Errorf("or search = %v", got)
		}
		if got := find(bob, "/files/search", map[string]any{"terms": "report", "per_page": 1, "page": 1}); len(got) != 1 || got[0] != report {
			t.Errorf("second page = %v", got)
		}
		if got := find(eve, "/files/search", map[string]any{"terms": "report"}); len(got) != 0 {
			t.Errorf("eve, in no channel with files, finds %v", got)
		}
		if got := find(admin, teamPath, map[string]any{"terms": "secret"}); len(got) != 1 {
			t.Errorf("the member of the private channel finds %v", got)
		}
		for _, tc := range []refusal{
			{"no terms", bob, "POST", teamPath, map[string]any{}, 400, "api.context.invalid_body_param.app_error"},
			{"empty terms", bob, "POST", "/files/search", map[string]any{"terms": " "}, 400, "api.context.invalid_body_param.app_error"},
			{"team not joined", s.SignUp("zed"), "POST", teamPath, map[string]any{"terms": "report"}, 403, "api.context.permissions.app_error"},
			{"no session", s.Anon(), "POST", "/files/search", map[string]any{"terms": "report"}, 401, "api.context.session_expired.app_error"},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestRedirectLocation(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/short":
			http.Redirect(w, r, "https://example.com/long/path", http.StatusMovedPermanently)
		case "/hop":
			http.Redirect(w, r, "/short", http.StatusFound)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer target.Close()
	loc := func(t *testing.T, c *apitest.Client, u string) string {
		t.Helper()
		var m map[string]string
		c.Get("/redirect_location?url=" + url.QueryEscape(u)).Expect(http.StatusOK).JSON(&m)
		v, ok := m["location"]
		if !ok {
			t.Fatalf("no location key: %v", m)
		}
		return v
	}
	// Subtests with their own names: a second Each in one test would name its
	// SQLite directory …sqlite#01, and the # cuts the database URI short.
	t.Run("allowed", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			bob := s.SignUp("bob")
			if got := loc(t, bob, target.URL+"/short"); got != "https://example.com/long/path" {
				t.Errorf("short link: %q", got)
			}
			// One hop only: the first Location, not followed.
			if got := loc(t, bob, target.URL+"/hop"); got != "/short" {
				t.Errorf("two hops: %q", got)
			}
			if got := loc(t, bob, target.URL+"/plain"); got != "" {
				t.Errorf("no redirect: %q", got)
			}
			if got := loc(t, bob, "file:///etc/passwd"); got != "" {
				t.Errorf("file URL: %q", got)
			}
			checkError(t, "no url", bob.Get("/redirect_location"), 400, "api.context.invalid_body_param.app_error")
			checkError(t, "no session", s.Anon().Get("/redirect_location?url=x"), 401, "api.context.session_expired.app_error")
		}, func(c *config.Config) { c.AllowedInternalHosts = "127.0.0.1" })
	})
	t.Run("guarded", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			// Internal addresses are refused by the guard: the answer tells nothing.
			if got := loc(t, s.SignUp("bob"), target.URL+"/short"); got != "" {
				t.Errorf("internal address answered %q", got)
			}
		})
	})
	t.Run("previews off", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			if got := loc(t, s.SignUp("bob"), target.URL+"/short"); got != "" {
				t.Errorf("link previews off answered %q", got)
			}
		}, func(c *config.Config) { c.AllowedInternalHosts = "127.0.0.1"; c.EnableLinkPreviews = false })
	})
}

func TestUsersInChannelAdminsFirst(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		zed := s.SignUp("zed") // first account: system admin, creates the channel, is its admin
		amy := s.SignUp("amy")
		bea := s.SignUp("bea")
		team := zed.CreateTeam("crew", true)
		zed.AddToTeam(team.ID, amy.UserID)
		zed.AddToTeam(team.ID, bea.UserID)
		ch := zed.CreateChannel(team.ID, "room", "O")
		for _, c := range []*apitest.Client{amy, bea} {
			zed.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": c.UserID}).Expect(http.StatusCreated)
		}
		names := func(q string) string {
			t.Helper()
			var us []model.User
			amy.Get("/users?in_channel=" + ch.ID + q).Expect(http.StatusOK).JSON(&us)
			var out []string
			for _, u := range us {
				out = append(out, u.Username)
			}
			return strings.Join(out, ",")
		}
		if got := names("&sort=admin"); got != "zed,amy,bea" {
			t.Errorf("sort=admin: %s", got)
		}
		zed.Put("/channels/"+ch.ID+"/members/"+bea.UserID+"/schemeRoles", map[string]bool{"scheme_admin": true, "scheme_user": true}).
			Expect(http.StatusOK)
		if got := names("&sort=admin"); got != "bea,zed,amy" {
			t.Errorf("sort=admin with two admins: %s", got)
		}
		if got := names(""); got != "amy,bea,zed" {
			t.Errorf("default sort: %s", got)
		}
		checkError(t, "admin sort needs a channel", amy.Get("/users?in_team="+team.ID+"&sort=admin"), 400, "api.context.invalid_url_param.app_error")
	})
}

// A slash command gives its integration a trigger id; the integration opens a
// dialog with it, the user's clients are told, and the user's answer goes to
// the dialog's URL, whose field errors come back.
func TestInteractiveDialogs(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		events := make(chan *model.Event, 16)
		unsub := s.Srv.App.Bus().Subscribe(func(ev *model.Event) {
			if ev.Event == model.EventOpenDialog {
				events <- ev
			}
		})
		t.Cleanup(unsub)
		rec, srv := newRecorder(t, func(r *http.Request) (int, string, string) {
			if r.URL.Path == "/submit" {
				return 200, "application/json", `{"errors":{"size":"too big"}}`
			}
			return 200, "application/json", `{"text":"opening"}`
		})
		w.admin.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "ask", "method": "P", "url": srv.URL + "/cmd"}).
			Expect(http.StatusCreated)
		w.bob.Post("/commands/execute", map[string]string{"channel_id": w.public.ID, "team_id": w.team.ID, "command": "/ask"}).
			Expect(http.StatusOK)
		trigger := rec.forms[0].Get("trigger_id")
		if trigger == "" {
			t.Fatal("command call without trigger_id")
		}
		dialog := map[string]any{"callback_id": "cb1", "title": "Order", "elements": []map[string]any{
			{"display_name": "Size", "name": "size", "type": "text"}}, "state": "st"}
		anon := s.Anon()
		anon.Post("/actions/dialogs/open", map[string]any{"trigger_id": trigger, "url": srv.URL + "/submit", "dialog": dialog}).
			Expect(http.StatusOK)
		select {
		case ev := <-events:
			js, _ := ev.Data["dialog"].(string)
			var got model.OpenDialogRequest
			if ev.Broadcast.UserID != w.bob.UserID || json.Unmarshal([]byte(js), &got) != nil || got.URL != srv.URL+"/submit" ||
				got.Dialog["title"] != "Order" || got.TriggerID == "" || got.TriggerID == trigger {
				t.Fatalf("open_dialog: %+v %s", ev.Broadcast, js)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no open_dialog event")
		}

		r := w.bob.Post("/actions/dialogs/submit", map[string]any{"url": srv.URL + "/submit", "callback_id": "cb1", "state": "st",
			"channel_id": w.public.ID, "team_id": w.team.ID, "submission": map[string]any{"size": "XXL"}, "user_id": w.carol.UserID}).
			Expect(http.StatusOK)
		var resp model.SubmitDialogResponse
		r.JSON(&resp)
		if resp.Errors["size"] != "too big" {
			t.Errorf("submit answer: %s", r.Body)
		}
		sent := rec.jsons[len(rec.jsons)-1]
		sub, _ := sent["submission"].(map[string]any)
		if sent["type"] != "dialog_submission" || sent["user_id"] != w.bob.UserID || sent["callback_id"] != "cb1" ||
			sent["channel_id"] != w.public.ID || sub["size"] != "XXL" || sent["url"] != nil {
			t.Errorf("sent to the integration: %v", sent)
		}

		forged := base64.RawURLEncoding.EncodeToString([]byte(model.NewID() + ":" + w.carol.UserID + ":" +
			strconv.FormatInt(model.Now(), 10) + ":AAAA"))
		for _, tc := range []refusal{
			{"forged trigger id", anon, "POST", "/actions/dialogs/open", map[string]any{"trigger_id": forged, "url": srv.URL, "dialog": dialog},
				400, "interactive_message.decode_trigger_id.verify_signature_failed"},
			{"garbage trigger id", anon, "POST", "/actions/dialogs/open", map[string]any{"trigger_id": "!!", "url": srv.URL, "dialog": dialog},
				400, "interactive_message.decode_trigger_id.base64_decode_failed"},
			{"open without url", anon, "POST", "/actions/dialogs/open", map[string]any{"trigger_id": trigger, "dialog": dialog},
				400, "api.context.invalid_body_param.app_error"},
			{"submit without url", w.bob, "POST", "/actions/dialogs/submit", map[string]any{"channel_id": w.public.ID, "team_id": w.team.ID},
				400, "api.context.invalid_body_param.app_error"},
			{"submit in a channel not readable", w.carol, "POST", "/actions/dialogs/submit", map[string]any{"url": srv.URL + "/submit",
				"channel_id": w.private.ID, "team_id": w.team.ID}, 403, "api.context.permissions.app_error"},
			{"submit without session", anon, "POST", "/actions/dialogs/submit", map[string]any{"url": srv.URL + "/submit"},
				401, "api.context.session_expired.app_error"},
			{"submit to an integration that fails", w.bob, "POST", "/actions/dialogs/submit", map[string]any{"url": "http://127.0.0.1:1/x",
				"channel_id": w.public.ID, "team_id": w.team.ID}, 400, "api.post.do_action.action_integration.app_error"},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
		// A trigger id lasts as long as an integration call may: one signed
		// with the server's key a minute ago has expired.
		hexKey, err := s.Store.GetSystem(context.Background(), "trigger_id_secret")
		if err != nil {
			t.Fatal(err)
		}
		key, _ := hex.DecodeString(hexKey)
		payload := model.NewID() + ":" + w.bob.UserID + ":" + strconv.FormatInt(model.Now()-60_000, 10)
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(payload))
		old := base64.RawURLEncoding.EncodeToString([]byte(payload + ":" + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))))
		checkError(t, "expired trigger id", anon.Post("/actions/dialogs/open", map[string]any{"trigger_id": old,
			"url": srv.URL, "dialog": dialog}), 400, "interactive_message.decode_trigger_id.expired")
	}, func(c *config.Config) { integrationConfig(c); c.IntegrationTimeoutSec = 30 })
}

func TestGroupMessageToPrivateChannel(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s) // the GM is bob, dave and admin, all in staff
		solo := w.admin.CreateTeam("solo", true)
		w.admin.AddToTeam(solo.ID, w.bob.UserID)
		w.bob.CreatePost(w.gm.ID, "before the conversion", "")

		var teams []model.Team
		w.bob.Get("/channels/" + w.gm.ID + "/common_teams").Expect(http.StatusOK).JSON(&teams)
		if len(teams) != 1 || teams[0].ID != w.team.ID {
			t.Fatalf("common teams: %+v", teams)
		}
		var dmTeams []model.Team
		w.bob.Get("/channels/" + w.dm.ID + "/common_teams").Expect(http.StatusOK).JSON(&dmTeams)
		if len(dmTeams) != 1 {
			t.Errorf("DM common teams: %+v", dmTeams)
		}
		path := "/channels/" + w.gm.ID + "/convert_to_channel?team-id=" + w.team.ID
		body := func(team, name string) map[string]string {
			return map[string]string{"channel_id": w.gm.ID, "team_id": team, "display_name": "Project X", "name": name}
		}
		expectRefused(t, w.bob, []string{"/channels/" + w.gm.ID}, []refusal{
			{"team not common", w.bob, "POST", path, body(solo.ID, "project-x"), 400, "app.channel.group_message_conversion.incorrect_team"},
			{"not a member", w.carol, "POST", path, body(w.team.ID, "project-x"), 403, "api.context.permissions.app_error"},
			{"ids differ", w.bob, "POST", path, map[string]string{"channel_id": w.dm.ID, "team_id": w.team.ID, "name": "x-y"}, 400,
				"api.context.invalid_body_param.app_error"},
			{"name taken", w.bob, "POST", path, body(w.team.ID, "general-talk"), 400, "store.sql_channel.update.exists.app_error"},
			{"bad name", w.bob, "POST", path, body(w.team.ID, "no spaces here"), 400, "model.channel.is_valid.1_or_more.app_error"},
			{"a DM", w.bob, "POST", "/channels/" + w.dm.ID + "/convert_to_channel", map[string]string{"channel_id": w.dm.ID,
				"team_id": w.team.ID, "name": "dm-x", "display_name": "DM"}, 404, "app.channel.group_message_conversion.original_channel_not_gm"},
			{"common teams of a public channel", w.bob, "GET", "/channels/" + w.public.ID + "/common_teams", nil, 400,
				"app.channel.get_common_teams.incorrect_channel_type"},
			{"common teams, not a member", w.carol, "GET", "/channels/" + w.gm.ID + "/common_teams", nil, 403, "api.context.permissions.app_error"},
		})

		var ch model.Channel
		w.bob.Post(path, body(w.team.ID, "Project-X")).Expect(http.StatusOK).JSON(&ch)
		if ch.ID != w.gm.ID || ch.Type != "P" || ch.TeamID != w.team.ID || ch.Name != "project-x" || ch.DisplayName != "Project X" {
			t.Fatalf("converted: %+v", ch)
		}
		var got model.Channel
		w.dave.Get("/teams/" + w.team.ID + "/channels/name/project-x").Expect(http.StatusOK).JSON(&got)
		if got.ID != w.gm.ID {
			t.Errorf("by name: %+v", got)
		}
		var m model.ChannelMember
		w.bob.Get("/channels/" + ch.ID + "/members/me").Expect(http.StatusOK).JSON(&m)
		if !m.SchemeAdmin {
			t.Errorf("converter is not the channel admin: %+v", m)
		}
		posts := channelMessages(t, w.dave, ch.ID)
		last := posts[len(posts)-1]
		if len(posts) != 2 || posts[0].Message != "before the conversion" || last.Type != "system_gm_to_channel" ||
			last.Props["convertedByUserId"] != w.bob.UserID || !strings.Contains(last.Message, "bob created this channel") {
			t.Errorf("posts after conversion: %d, last %+v", len(posts), last)
		}
		checkError(t, "carol still cannot read it", w.carol.Get("/channels/"+ch.ID), 403, "api.context.permissions.app_error")
		checkError(t, "converting twice", w.bob.Post(path, body(w.team.ID, "project-y")), 400,
			"app.channel.get_common_teams.incorrect_channel_type")
	})
}
