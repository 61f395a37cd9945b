package api_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// channelWorld is a team with a public and a private channel, a DM and a GM,
// and an outsider (carol) who is in the team but in none of them.
type channelWorld struct {
	admin, bob, carol, dave *apitest.Client
	team                    *model.Team
	town, public, private   *model.Channel
	dm, gm                  *model.Channel
}

func newChannelWorld(t *testing.T, s *apitest.Server) *channelWorld {
	t.Helper()
	w := &channelWorld{admin: s.SignUp("admin"), bob: s.SignUp("bob"), carol: s.SignUp("carol"), dave: s.SignUp("dave")}
	w.team = w.admin.CreateTeam("staff", true)
	for _, c := range []*apitest.Client{w.bob, w.carol, w.dave} {
		w.admin.AddToTeam(w.team.ID, c.UserID)
	}
	w.town = &model.Channel{}
	w.bob.Get("/teams/" + w.team.ID + "/channels/name/town-square").Expect(http.StatusOK).JSON(w.town)
	w.public = w.bob.CreateChannel(w.team.ID, "general-talk", "O")
	w.private = w.bob.CreateChannel(w.team.ID, "secret", "P")
	w.bob.Post("/channels/"+w.private.ID+"/members", map[string]string{"user_id": w.dave.UserID}).Expect(http.StatusCreated)
	w.dm, w.gm = &model.Channel{}, &model.Channel{}
	w.bob.Post("/channels/direct", []string{w.bob.UserID, w.dave.UserID}).Expect(http.StatusCreated).JSON(w.dm)
	w.bob.Post("/channels/group", []string{w.dave.UserID, w.admin.UserID}).Expect(http.StatusCreated).JSON(w.gm)
	return w
}

func TestCreateChannels(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		var m model.ChannelMember
		r := w.bob.Get("/channels/" + w.private.ID + "/members/me").Expect(http.StatusOK)
		r.JSON(&m)
		if m.Roles != "channel_user channel_admin" || m.NotifyProps["mark_unread"] != "all" {
			t.Errorf("creator membership: %+v", m)
		}
		if w.private.Type != "P" || w.private.TeamID != w.team.ID || w.private.CreatorID != w.bob.UserID {
			t.Errorf("private channel: %+v", w.private)
		}
		// DMs: idempotent, still 201, named by the sorted ids; self-DMs allowed.
		if w.dm.Type != "D" || w.dm.TeamID != "" || w.dm.Name != model.DirectChannelName(w.bob.UserID, w.dave.UserID) {
			t.Errorf("dm: %+v", w.dm)
		}
		var again model.Channel
		w.dave.Post("/channels/direct", []string{w.bob.UserID, w.dave.UserID}).Expect(http.StatusCreated).JSON(&again)
		if again.ID != w.dm.ID {
			t.Error("second DM request made a new channel")
		}
		w.carol.Post("/channels/direct", []string{w.carol.UserID, w.carol.UserID}).Expect(http.StatusCreated)
		if w.gm.Type != "G" || len(w.gm.Name) != 40 || w.gm.DisplayName != "admin, bob, dave" {
			t.Errorf("gm: %+v", w.gm)
		}
		w.dave.Post("/channels/group", []string{w.bob.UserID, w.admin.UserID, w.dave.UserID}).Expect(http.StatusCreated).JSON(&again)
		if again.ID != w.gm.ID {
			t.Error("second GM request made a new channel")
		}

		ch := func(name, display, typ string) map[string]string {
			return map[string]string{"team_id": w.team.ID, "name": name, "display_name": display, "type": typ}
		}
		invalid := func(f string) string { return "model.channel.is_valid." + f + ".app_error" }
		outsider := s.SignUp("eve")
		snapshot := []string{"/teams/" + w.team.ID + "/channels", "/teams/" + w.team.ID + "/channels/private",
			"/users/" + w.bob.UserID + "/teams/" + w.team.ID + "/channels"}
		expectRefused(t, w.admin, snapshot, []refusal{
			{"duplicate name", w.carol, "POST", "/channels", ch("general-talk", "Other", "O"), 400, "store.sql_channel.save_channel.exists.app_error"},
			{"duplicate of private", w.carol, "POST", "/channels", ch("secret", "Other", "P"), 400, "store.sql_channel.save_channel.exists.app_error"},
			{"invalid name", w.carol, "POST", "/channels", ch("no way", "X", "O"), 400, invalid("1_or_more")},
			{"upper case name", w.carol, "POST", "/channels", ch("Valid", "X", "O"), 400, invalid("1_or_more")},
			{"leading dash", w.carol, "POST", "/channels", ch("-valid", "X", "O"), 400, invalid("1_or_more")},
			{"empty name", w.carol, "POST", "/channels", ch("", "X", "O"), 400, invalid("1_or_more")},
			{"long name", w.carol, "POST", "/channels", ch(strings.Repeat("a", 65), "X", "O"), 400, invalid("1_or_more")},
			{"group message name", w.carol, "POST", "/channels", ch(strings.Repeat("ab", 20), "X", "O"), 400, invalid("name")},
			{"direct message name", w.carol, "POST", "/channels", ch(w.bob.UserID+"__"+w.carol.UserID, "X", "O"), 400, invalid("name")},
			{"missing display name", w.carol, "POST", "/channels", ch("valid", "", "O"), 400, badBody},
			{"long display name", w.carol, "POST", "/channels", ch("valid", strings.Repeat("d", 65), "O"), 400, invalid("display_name")},
			{"long purpose", w.carol, "POST", "/channels", map[string]string{"team_id": w.team.ID, "name": "valid", "display_name": "V",
				"type": "O", "purpose": strings.Repeat("p", 251)}, 400, invalid("purpose")},
			{"type D", w.carol, "POST", "/channels", ch("valid", "V", "D"), 400, "api.channel.create_channel.direct_channel.app_error"},
			{"type X", w.carol, "POST", "/channels", ch("valid", "V", "X"), 400, invalid("type")},
			{"invalid team id", w.carol, "POST", "/channels", map[string]string{"team_id": "x", "name": "valid", "display_name": "V", "type": "O"}, 400, badBody},
			{"not in team", outsider, "POST", "/channels", ch("valid", "V", "O"), 403, forbidden},
			{"unknown team", w.carol, "POST", "/channels", map[string]string{"team_id": model.NewID(), "name": "valid", "display_name": "V", "type": "O"}, 403, forbidden},
			{"malformed", w.carol, "POST", "/channels", `{"team_id": `, 400, badBody},
			{"wrong type", w.carol, "POST", "/channels", `{"team_id": "` + w.team.ID + `", "name": "valid", "display_name": "V", "type": 1}`, 400, badBody},
			{"oversized", w.carol, "POST", "/channels", oversized("name"), 413, tooLarge},
			{"no session", s.Anon(), "POST", "/channels", ch("valid", "V", "O"), 401, sessionExpired},
			{"direct with one id", w.carol, "POST", "/channels/direct", []string{w.carol.UserID}, 400, badBody},
			{"direct with three ids", w.carol, "POST", "/channels/direct", []string{w.carol.UserID, w.bob.UserID, w.dave.UserID}, 400, badBody},
			{"direct with invalid id", w.carol, "POST", "/channels/direct", []string{w.carol.UserID, "abc"}, 400, badBody},
			{"direct with unknown user", w.carol, "POST", "/channels/direct", []string{w.carol.UserID, model.NewID()}, 400, badBody},
			{"direct between others", w.carol, "POST", "/channels/direct", []string{w.bob.UserID, w.admin.UserID}, 403, forbidden},
			{"direct malformed", w.carol, "POST", "/channels/direct", `{"a":1}`, 400, badBody},
			{"group too small", w.carol, "POST", "/channels/group", []string{w.bob.UserID}, 400, "api.channel.create_group.bad_size.app_error"},
			{"group unknown user", w.carol, "POST", "/channels/group", []string{w.bob.UserID, model.NewID()}, 400, badBody},
			{"group invalid id", w.carol, "POST", "/channels/group", []string{w.bob.UserID, "x"}, 400, badBody},
		})
	})
}

func TestPrivateChannelsInvisible(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		c := w.carol
		tid := w.team.ID
		post := w.bob.CreatePost(w.private.ID, "secret plans", "")
		dmPost := w.bob.CreatePost(w.dm.ID, "psst", "")

		// Lists: nothing private, direct or group shows up for carol.
		hidden := []string{w.private.ID, w.dm.ID, w.gm.ID}
		lists := map[string]string{
			"team channels":        "/teams/" + tid + "/channels",
			"my channels":          "/users/me/teams/" + tid + "/channels",
			"archived channels":    "/teams/" + tid + "/channels/deleted",
			"autocomplete":         "/teams/" + tid + "/channels/autocomplete?name=",
			"search autocomplete":  "/teams/" + tid + "/channels/search_autocomplete?name=",
			"sidebar categories":   "/users/me/teams/" + tid + "/channels/categories",
			"channel memberships":  "/users/me/teams/" + tid + "/channels/members",
			"team unread":          "/users/me/teams/" + tid + "/unread",
			"users in team":        "/users?in_team=" + tid,
			"known users":          "/users/known",
			"posts of town square": "/channels/" + w.town.ID + "/posts",
		}
		for name, path := range lists {
			body := string(c.Get(path).Expect(http.StatusOK).Body)
			for _, id := range append(hidden, post.ID, dmPost.ID) {
				if strings.Contains(body, id) {
					t.Errorf("%s shows %s to a non-member: %.300s", name, id, body)
				}
			}
		}
		var found []model.Channel
		c.Post("/teams/"+tid+"/channels/search", map[string]string{"term": "se"}).Expect(http.StatusOK).JSON(&found)
		if slices.Contains(channelIDs(found), w.private.ID) {
			t.Error("channel search shows a private channel")
		}
		c.Post("/teams/"+tid+"/channels/ids", []string{w.private.ID, w.public.ID}).Expect(http.StatusOK).JSON(&found)
		if ids := channelIDs(found); len(ids) != 1 || ids[0] != w.public.ID {
			t.Errorf("channels by ids: %v", ids)
		}
		var posts []model.Post
		c.Post("/posts/ids", []string{post.ID, dmPost.ID}).Expect(http.StatusOK).JSON(&posts)
		if len(posts) != 0 {
			t.Errorf("posts by ids shows %d hidden posts", len(posts))
		}
		var reactions map[string][]model.Reaction
		c.Post("/posts/ids/reactions", []string{post.ID}).Expect(http.StatusOK).JSON(&reactions)
		if _, ok := reactions[post.ID]; ok {
			t.Error("reactions for a hidden post")
		}
		var stats model.ChannelStats
		c.Get("/channels/" + w.town.ID + "/stats").Expect(http.StatusOK).JSON(&stats)
		if stats.MemberCount != 4 {
			t.Errorf("town square members %d", stats.MemberCount)
		}

		// Gets and counts: forbidden, or not found by name.
		var refusals []refusal
		for _, ch := range []*model.Channel{w.private, w.dm, w.gm} {
			id := ch.ID
			for _, path := range []string{"/channels/" + id, "/channels/" + id + "/stats", "/channels/" + id + "/members",
				"/channels/" + id + "/members/me", "/channels/" + id + "/members/" + w.bob.UserID, "/channels/" + id + "/posts",
				"/channels/" + id + "/pinned", "/users/me/channels/" + id + "/unread", "/users/me/channels/" + id + "/posts/unread",
				"/users?in_channel=" + id} {
				refusals = append(refusals, refusal{path, c, "GET", path, nil, 403, forbidden})
			}
			refusals = append(refusals,
				refusal{"members by ids " + id, c, "POST", "/channels/" + id + "/members/ids", []string{w.bob.UserID}, 403, forbidden})
			if ch.Type == model.ChannelPrivate {
				refusals = append(refusals,
					refusal{"privacy no-op", c, "PUT", "/channels/" + id + "/privacy", map[string]string{"privacy": "P"}, 403, forbidden},
					refusal{"patch private", c, "PUT", "/channels/" + id + "/patch", map[string]string{"header": "x"}, 403, forbidden})
			} else {
				refusals = append(refusals,
					refusal{"privacy of " + ch.Type, c, "PUT", "/channels/" + id + "/privacy", map[string]string{"privacy": "P"}, 400, badBody},
					refusal{"patch " + ch.Type, c, "PUT", "/channels/" + id + "/patch", map[string]string{"header": "x"}, 403,
						"api.channel.patch_update_channel.forbidden.app_error"})
			}
		}
		refusals = append(refusals,
			refusal{"by name", c, "GET", "/teams/" + tid + "/channels/name/secret", nil, 404, "app.channel.get_by_name.missing.app_error"},
			refusal{"by team and channel name", c, "GET", "/teams/name/staff/channels/name/secret", nil, 404, "app.channel.get_by_name.missing.app_error"},
			refusal{"private post", c, "GET", "/posts/" + post.ID, nil, 403, forbidden},
			refusal{"private thread", c, "GET", "/posts/" + post.ID + "/thread", nil, 403, forbidden},
			refusal{"DM post", c, "GET", "/posts/" + dmPost.ID, nil, 403, forbidden},
			refusal{"private post reactions", c, "GET", "/posts/" + post.ID + "/reactions", nil, 403, forbidden},
			refusal{"post to private", c, "POST", "/posts", map[string]string{"channel_id": w.private.ID, "message": "hi"}, 403, forbidden},
			refusal{"post to DM", c, "POST", "/posts", map[string]string{"channel_id": w.dm.ID, "message": "hi"}, 403, forbidden},
			refusal{"react in private", c, "POST", "/reactions", map[string]string{"user_id": c.UserID, "post_id": post.ID, "emoji_name": "+1"}, 403, forbidden},
			refusal{"pin in private", c, "POST", "/posts/" + post.ID + "/pin", nil, 403, forbidden},
			refusal{"join private", c, "POST", "/channels/" + w.private.ID + "/members", map[string]string{"user_id": c.UserID}, 403, forbidden},
			refusal{"private channel list", c, "GET", "/teams/" + tid + "/channels/private", nil, 403, forbidden},
			refusal{"autocomplete users in private", c, "GET", "/users/autocomplete?name=&in_channel=" + w.private.ID, nil, 403, forbidden},
			refusal{"flag a hidden post", c, "PUT", "/users/me/preferences", []model.Preference{{UserID: c.UserID, Category: "flagged_post",
				Name: post.ID, Value: "true"}}, 403, forbidden},
		)
		expectRefused(t, w.admin, []string{"/channels/" + w.private.ID, "/channels/" + w.private.ID + "/members",
			"/channels/" + w.private.ID + "/posts", "/users/" + c.UserID + "/preferences"}, refusals)
		if r := c.Get("/users/me/teams/" + tid + "/channels").Expect(http.StatusOK); strings.Contains(string(r.Body), w.private.ID) {
			t.Error("refused join made carol a member")
		}
	})
}

func TestChannelMembersAndUpdates(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		outsider := s.SignUp("eve")

		// Joining a public channel oneself, idempotently.
		var m model.ChannelMember
		w.carol.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": w.carol.UserID}).Expect(http.StatusCreated).JSON(&m)
		if m.UserID != w.carol.UserID || m.Roles != "channel_user" {
			t.Errorf("joined: %+v", m)
		}
		w.carol.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": w.carol.UserID}).Expect(http.StatusCreated)
		var ms []model.ChannelMember
		w.bob.Post("/channels/"+w.private.ID+"/members", map[string][]string{"user_ids": {w.admin.UserID}}).Expect(http.StatusCreated).JSON(&ms)
		if len(ms) != 1 || ms[0].UserID != w.admin.UserID {
			t.Errorf("added by user_ids: %+v", ms)
		}
		w.bob.Get("/channels/" + w.private.ID + "/members").Expect(http.StatusOK).JSON(&ms)
		if len(ms) != 3 {
			t.Errorf("private members: %d", len(ms))
		}
		if r := w.bob.Get("/channels/" + w.private.ID + "/members?page=4").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("members past the end: %s", r.Body)
		}
		var list []model.Channel
		w.bob.Get("/users/me/teams/" + w.team.ID + "/channels").Expect(http.StatusOK).JSON(&list)
		ids := channelIDs(list)
		for _, id := range []string{w.town.ID, w.public.ID, w.private.ID, w.dm.ID, w.gm.ID} {
			if !slices.Contains(ids, id) {
				t.Errorf("bob's channels lack %s", id)
			}
		}

		member := func(uid string) map[string]string { return map[string]string{"user_id": uid} }
		snapshot := []string{"/channels/" + w.public.ID + "/members", "/channels/" + w.private.ID + "/members",
			"/channels/" + w.public.ID, "/channels/" + w.private.ID, "/channels/" + w.dm.ID + "/members",
			"/channels/" + w.town.ID, "/teams/" + w.team.ID + "/channels"}
		expectRefused(t, w.admin, snapshot, []refusal{
			{"add user outside the team", w.bob, "POST", "/channels/" + w.public.ID + "/members", member(outsider.UserID), 404,
				"app.team.get_member.missing.app_error"},
			{"add unknown user", w.bob, "POST", "/channels/" + w.public.ID + "/members", member(model.NewID()), 404, "app.user.missing_account.const"},
			{"add invalid user id", w.bob, "POST", "/channels/" + w.public.ID + "/members", member("abc"), 400, badBody},
			{"add to unknown channel", w.bob, "POST", "/channels/" + model.NewID() + "/members", member(w.carol.UserID), 404, "app.channel.get.existing.app_error"},
			{"add to DM", w.bob, "POST", "/channels/" + w.dm.ID + "/members", member(w.carol.UserID), 400, "api.channel.add_user_to_channel.type.app_error"},
			{"add malformed", w.bob, "POST", "/channels/" + w.public.ID + "/members", `{"user_id": `, 400, badBody},
			{"add wrong type", w.bob, "POST", "/channels/" + w.public.ID + "/members", `{"user_id": 12}`, 400, badBody},
			{"remove from DM", w.bob, "DELETE", "/channels/" + w.dm.ID + "/members/" + w.dave.UserID, nil, 400, "api.channel.remove_channel_member.type.app_error"},
			{"leave town square", w.bob, "DELETE", "/channels/" + w.town.ID + "/members/me", nil, 400, "api.channel.remove.default.app_error"},
			{"remove other from private as outsider", w.carol, "DELETE", "/channels/" + w.private.ID + "/members/" + w.dave.UserID, nil, 403, forbidden},
			{"remove non-member", w.bob, "DELETE", "/channels/" + w.public.ID + "/members/" + w.dave.UserID, nil, 404, "app.channel.get_member.missing.app_error"},
			{"member roles as plain member", w.dave, "PUT", "/channels/" + w.private.ID + "/members/" + w.dave.UserID + "/roles",
				map[string]string{"roles": "channel_user channel_admin"}, 403, forbidden},
			{"unknown channel role", w.bob, "PUT", "/channels/" + w.private.ID + "/members/" + w.dave.UserID + "/roles",
				map[string]string{"roles": "team_admin"}, 400, badBody},
			{"notify props of other user", w.dave, "PUT", "/channels/" + w.private.ID + "/members/" + w.bob.UserID + "/notify_props",
				map[string]string{"mark_unread": "mention"}, 403, forbidden},
			{"invalid notify level", w.dave, "PUT", "/channels/" + w.private.ID + "/members/me/notify_props",
				map[string]string{"desktop": "loud"}, 400, "model.channel_member.is_valid.notify_level.app_error"},
			{"notify props wrong type", w.dave, "PUT", "/channels/" + w.private.ID + "/members/me/notify_props", `{"desktop": true}`, 400, badBody},
			{"rename town square", w.admin, "PUT", "/channels/" + w.town.ID + "/patch", map[string]string{"name": "plaza"}, 400,
				"api.channel.update_channel.tried.app_error"},
			{"rename to taken name", w.bob, "PUT", "/channels/" + w.public.ID + "/patch", map[string]string{"name": "secret"}, 400,
				"store.sql_channel.update.exists.app_error"},
			{"rename invalid", w.bob, "PUT", "/channels/" + w.public.ID + "/patch", map[string]string{"name": "No Way"}, 400,
				"model.channel.is_valid.1_or_more.app_error"},
			{"rename upper case", w.bob, "PUT", "/channels/" + w.public.ID + "/patch", map[string]string{"name": "General"}, 400,
				"model.channel.is_valid.1_or_more.app_error"},
			{"patch long header", w.bob, "PUT", "/channels/" + w.public.ID + "/patch", map[string]string{"header": strings.Repeat("h", 1025)}, 400,
				"model.channel.is_valid.header.app_error"},
			{"patch empty display name", w.bob, "PUT", "/channels/" + w.public.ID + "/patch", map[string]string{"display_name": " "}, 400,
				badBody},
			{"patch unknown channel", w.bob, "PUT", "/channels/" + model.NewID() + "/patch", map[string]string{"header": "x"}, 404,
				"app.channel.get.existing.app_error"},
			{"patch malformed", w.bob, "PUT", "/channels/" + w.public.ID + "/patch", `{"header": "x"`, 400, badBody},
			{"patch oversized", w.bob, "PUT", "/channels/" + w.public.ID + "/patch", oversized("header"), 413, tooLarge},
			{"update id mismatch", w.bob, "PUT", "/channels/" + w.public.ID, map[string]string{"id": w.private.ID}, 400, badBody},
			{"update type change", w.bob, "PUT", "/channels/" + w.public.ID, map[string]string{"id": w.public.ID, "type": "P",
				"name": "general-talk", "display_name": "x"}, 400, "api.channel.update_channel.typechange.app_error"},
			{"patch GM as outsider", w.carol, "PUT", "/channels/" + w.gm.ID + "/patch", map[string]string{"header": "x"}, 403,
				"api.channel.patch_update_channel.forbidden.app_error"},
			{"town square private", w.admin, "PUT", "/channels/" + w.town.ID + "/privacy", map[string]string{"privacy": "P"}, 400,
				"api.channel.update_channel_privacy.default_channel_error"},
			{"privacy invalid", w.bob, "PUT", "/channels/" + w.public.ID + "/privacy", map[string]string{"privacy": "D"}, 400, badBody},
			{"delete town square", w.admin, "DELETE", "/channels/" + w.town.ID, nil, 400, "api.channel.delete_channel.cannot.app_error"},
			{"delete DM", w.bob, "DELETE", "/channels/" + w.dm.ID, nil, 400, "api.channel.delete_channel.type.invalid"},
			{"delete private as outsider", w.carol, "DELETE", "/channels/" + w.private.ID, nil, 403, forbidden},
			{"delete permanently", w.admin, "DELETE", "/channels/" + w.public.ID + "?permanent=true", nil, 401, "api.user.delete_channel.not_enabled.app_error"},
			{"restore live channel", w.admin, "POST", "/channels/" + w.public.ID + "/restore", nil, 400, "api.channel.restore_channel.restored.app_error"},
			{"restore as member", w.bob, "POST", "/channels/" + w.public.ID + "/restore", nil, 403, forbidden},
			{"view for other user", w.bob, "POST", "/channels/members/" + w.dave.UserID + "/view", map[string]string{"channel_id": w.private.ID}, 403, forbidden},
			{"view invalid id", w.bob, "POST", "/channels/members/me/view", map[string]string{"channel_id": "abc"}, 400, badBody},
		})

		// Patches post system messages and change the channel.
		var got model.Channel
		w.bob.Put("/channels/"+w.public.ID+"/patch", map[string]string{"header": "new header", "name": "general"}).Expect(http.StatusOK).JSON(&got)
		if got.Header != "new header" || got.Name != "general" {
			t.Errorf("patched: %+v", got)
		}
		var pl model.PostList
		w.bob.Get("/channels/" + w.public.ID + "/posts?per_page=1").Expect(http.StatusOK).JSON(&pl)
		if len(pl.Order) != 1 || pl.Posts[pl.Order[0]].Type != model.PostTypeHeaderChange {
			t.Errorf("header change post: %+v", pl)
		}
		w.dave.Put("/channels/"+w.private.ID+"/members/me/notify_props", map[string]string{"mark_unread": "mention"}).Expect(http.StatusOK)
		w.dave.Get("/channels/" + w.private.ID + "/members/me").Expect(http.StatusOK).JSON(&m)
		if m.NotifyProps["mark_unread"] != "mention" || m.NotifyProps["desktop"] != "default" {
			t.Errorf("notify props merged: %v", m.NotifyProps)
		}
		w.bob.Put("/channels/"+w.private.ID+"/members/"+w.dave.UserID+"/roles", map[string]string{"roles": "channel_user channel_admin"}).
			Expect(http.StatusOK)
		w.dave.Get("/channels/" + w.private.ID + "/members/me").Expect(http.StatusOK).JSON(&m)
		if m.Roles != "channel_user channel_admin" {
			t.Errorf("promoted: %q", m.Roles)
		}
		checkError(t, "privacy as channel admin", w.dave.Put("/channels/"+w.private.ID+"/privacy", map[string]string{"privacy": "P"}), 403, forbidden)
		w.admin.Put("/channels/"+w.private.ID+"/privacy", map[string]string{"privacy": "O"}).Expect(http.StatusOK).JSON(&got)
		if got.Type != "O" {
			t.Errorf("converted: %+v", got)
		}
		var view struct {
			Status string           `json:"status"`
			Times  map[string]int64 `json:"last_viewed_at_times"`
		}
		w.bob.Post("/channels/members/me/view", map[string]string{"channel_id": w.public.ID, "prev_channel_id": ""}).Expect(http.StatusOK).JSON(&view)
		if view.Status != "OK" || view.Times[w.public.ID] == 0 {
			t.Errorf("view: %+v", view)
		}
		w.bob.Delete("/channels/" + w.private.ID + "/members/" + w.dave.UserID).Expect(http.StatusOK)
		w.admin.Delete("/channels/" + w.private.ID + "/members/me").Expect(http.StatusOK)
		checkError(t, "removed member", w.dave.Get("/channels/"+w.private.ID+"/members/me"), 404, "app.channel.get_member.missing.app_error")
	})
}

func TestArchivedChannelsReadOnly(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		root := w.bob.CreatePost(w.public.ID, "before archive", "")
		w.bob.Post("/reactions", map[string]string{"user_id": w.bob.UserID, "post_id": root.ID, "emoji_name": "smile"}).Expect(http.StatusOK)
		w.bob.Delete("/channels/" + w.public.ID).Expect(http.StatusOK)

		var got model.Channel
		w.bob.Get("/channels/" + w.public.ID).Expect(http.StatusOK).JSON(&got)
		if got.DeleteAt == 0 {
			t.Fatal("archived channel has delete_at 0")
		}
		checkError(t, "archived by name", w.bob.Get("/teams/"+w.team.ID+"/channels/name/general-talk"), 404, "app.channel.get_by_name.missing.app_error")
		w.bob.Get("/teams/" + w.team.ID + "/channels/name/general-talk?include_deleted=true").Expect(http.StatusOK)
		var list []model.Channel
		w.bob.Get("/teams/" + w.team.ID + "/channels/deleted").Expect(http.StatusOK).JSON(&list)
		if ids := channelIDs(list); len(ids) != 1 || ids[0] != w.public.ID {
			t.Errorf("archived channels: %v", ids)
		}
		w.bob.Get("/teams/" + w.team.ID + "/channels").Expect(http.StatusOK).JSON(&list)
		if slices.Contains(channelIDs(list), w.public.ID) {
			t.Error("archived channel among live ones")
		}
		w.bob.Get("/channels/" + w.public.ID + "/posts").Expect(http.StatusOK)

		id := w.public.ID
		expectRefused(t, w.admin, []string{"/channels/" + id, "/channels/" + id + "/posts", "/channels/" + id + "/members",
			"/posts/" + root.ID + "/reactions"}, []refusal{
			{"post", w.bob, "POST", "/posts", map[string]string{"channel_id": id, "message": "hi"}, 400, "api.post.create_post.can_not_post_to_deleted.error"},
			{"reply", w.bob, "POST", "/posts", map[string]string{"channel_id": id, "message": "hi", "root_id": root.ID}, 400,
				"api.post.create_post.can_not_post_to_deleted.error"},
			{"edit post", w.bob, "PUT", "/posts/" + root.ID + "/patch", map[string]string{"message": "changed"}, 400,
				"api.post.patch_post.can_not_update_post_in_deleted.error"},
			{"delete post", w.bob, "DELETE", "/posts/" + root.ID, nil, 400, "api.post.delete_post.can_not_delete_post_in_deleted.error"},
			{"pin post", w.bob, "POST", "/posts/" + root.ID + "/pin", nil, 400, "api.post.patch_post.can_not_update_post_in_deleted.error"},
			{"react", w.bob, "POST", "/reactions", map[string]string{"user_id": w.bob.UserID, "post_id": root.ID, "emoji_name": "+1"}, 403,
				"api.reaction.save.archived_channel.app_error"},
			{"unreact", w.bob, "DELETE", "/users/me/posts/" + root.ID + "/reactions/smile", nil, 403, "api.reaction.delete.archived_channel.app_error"},
			{"patch channel", w.bob, "PUT", "/channels/" + id + "/patch", map[string]string{"header": "x"}, 400, "api.channel.update_channel.deleted.app_error"},
			{"add member", w.bob, "POST", "/channels/" + id + "/members", map[string]string{"user_id": w.carol.UserID}, 400,
				"api.channel.add_user.to.channel.failed.deleted.app_error"},
			{"archive again", w.bob, "DELETE", "/channels/" + id, nil, 400, "api.channel.delete_channel.deleted.app_error"},
			{"restore as member", w.bob, "POST", "/channels/" + id + "/restore", nil, 403, forbidden},
		})
		w.admin.Post("/channels/"+id+"/restore", nil).Expect(http.StatusOK).JSON(&got)
		if got.DeleteAt != 0 {
			t.Errorf("restored: %+v", got)
		}
		w.bob.CreatePost(id, "after restore", "")
	})
}

// Membership messages carry Mattermost's props and, as there, are not counted:
// a join or leave does not make a channel unread.
func TestMembershipMessages(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		props := func(channelID, typ string) map[string]any {
			t.Helper()
			var l model.PostList
			w.admin.Get("/channels/" + channelID + "/posts").Expect(http.StatusOK).JSON(&l)
			for _, id := range l.Order {
				if p := l.Posts[id]; p.Type == typ {
					return p.Props
				}
			}
			t.Fatalf("no %s post in %s", typ, channelID)
			return nil
		}
		counts := func(c *apitest.Client, ch *model.Channel) (total, unread int64) {
			t.Helper()
			var got model.Channel
			c.Get("/channels/" + ch.ID).Expect(http.StatusOK).JSON(&got)
			var u model.ChannelUnread
			c.Get("/users/me/channels/" + ch.ID + "/unread").Expect(http.StatusOK).JSON(&u)
			if got.LastPostAt == 0 {
				t.Errorf("%s: last_post_at not moved by membership messages", ch.Name)
			}
			return got.TotalMsgCount + got.TotalMsgCountRoot, u.MsgCount + u.MsgCountRoot
		}

		w.bob.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": w.carol.UserID}).Expect(http.StatusCreated)
		w.dave.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": w.dave.UserID}).Expect(http.StatusCreated)
		w.bob.Delete("/channels/" + w.public.ID + "/members/" + w.carol.UserID).Expect(http.StatusOK)
		w.dave.Delete("/channels/" + w.public.ID + "/members/" + w.dave.UserID).Expect(http.StatusOK)
		erin := s.SignUp("erin")
		w.admin.AddToTeam(w.team.ID, erin.UserID)
		erin.Delete("/teams/" + w.team.ID + "/members/" + erin.UserID).Expect(http.StatusOK)
		w.admin.Delete("/teams/" + w.team.ID + "/members/" + w.carol.UserID).Expect(http.StatusOK)

		for _, tc := range []struct {
			ch   *model.Channel
			typ  string
			want map[string]any
		}{
			{w.public, "system_add_to_channel", map[string]any{"userId": w.bob.UserID, "username": "bob", "addedUserId": w.carol.UserID, "addedUsername": "carol"}},
			{w.public, "system_join_channel", map[string]any{"username": "dave"}},
			{w.public, "system_remove_from_channel", map[string]any{"removedUserId": w.carol.UserID, "removedUsername": "carol"}},
			{w.public, "system_leave_channel", map[string]any{"username": "dave"}},
			{w.town, "system_add_to_team", map[string]any{"userId": w.admin.UserID, "username": "admin", "addedUserId": erin.UserID, "addedUsername": "erin"}},
			{w.town, "system_leave_team", map[string]any{"username": "erin"}},
			{w.town, "system_remove_from_team", map[string]any{"username": "carol"}},
		} {
			if got := props(tc.ch.ID, tc.typ); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s props = %v, want %v", tc.typ, got, tc.want)
			}
		}
		for _, ch := range []*model.Channel{w.public, w.town} {
			if total, unread := counts(w.bob, ch); total != 0 || unread != 0 {
				t.Errorf("%s after membership messages only: total %d, unread %d; want 0, 0", ch.Name, total, unread)
			}
		}
		w.dave.CreatePost(w.town.ID, "a real message", "")
		if total, unread := counts(w.bob, w.town); total != 2 || unread != 2 {
			t.Errorf("town after one post: total %d, unread %d; want 2, 2", total, unread)
		}
	})
}
