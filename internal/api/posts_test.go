package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

func TestCreateAndEditPosts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		ch := w.public.ID
		r := w.bob.Post("/posts", map[string]any{"channel_id": ch, "message": "hello #world @carol", "pending_post_id": w.bob.UserID + ":1",
			"props": map[string]any{"from_webhook": "true", "disable_group_highlight": true}}).Expect(http.StatusCreated)
		raw := rawJSON(t, r.Body)
		for _, k := range []string{"id", "create_at", "update_at", "edit_at", "delete_at", "is_pinned", "user_id", "channel_id", "root_id",
			"original_id", "message", "type", "props", "hashtags", "file_ids", "pending_post_id", "reply_count", "metadata"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("post lacks %q: %s", k, r.Body)
			}
		}
		var root model.Post
		r.JSON(&root)
		if root.UserID != w.bob.UserID || root.Hashtags != "#world" || root.Props["from_webhook"] != nil || string(raw["file_ids"]) != "[]" {
			t.Errorf("created post: %s", r.Body)
		}
		// A retry with the same pending id returns the same post.
		var retry model.Post
		w.bob.Post("/posts", map[string]string{"channel_id": ch, "message": "hello #world @carol", "pending_post_id": w.bob.UserID + ":1"}).
			Expect(http.StatusCreated).JSON(&retry)
		if retry.ID != root.ID {
			t.Error("retried post was stored twice")
		}
		// Team members may post in public channels they have not joined.
		reply := w.carol.CreatePost(ch, "reply", root.ID)
		var got model.Post
		w.bob.Get("/posts/" + root.ID).Expect(http.StatusOK).JSON(&got)
		if got.ReplyCount != 1 {
			t.Errorf("root reply_count %d", got.ReplyCount)
		}

		other := w.bob.CreatePost(w.private.ID, "elsewhere", "")
		post := func(fields map[string]string) map[string]string { return fields }
		invalid := func(f string) string { return "model.post.is_valid." + f + ".app_error" }
		snapshot := []string{"/channels/" + ch + "/posts", "/channels/" + ch, "/posts/" + root.ID + "/thread"}
		expectRefused(t, w.admin, snapshot, []refusal{
			{"missing channel", w.bob, "POST", "/posts", post(map[string]string{"message": "x"}), 403, forbidden},
			{"invalid channel id", w.bob, "POST", "/posts", post(map[string]string{"channel_id": "abc", "message": "x"}), 403, forbidden},
			{"unknown channel", w.bob, "POST", "/posts", post(map[string]string{"channel_id": model.NewID(), "message": "x"}), 403, forbidden},
			{"not in team", s.SignUp("eve"), "POST", "/posts", post(map[string]string{"channel_id": ch, "message": "x"}), 403, forbidden},
			{"unknown root", w.bob, "POST", "/posts", post(map[string]string{"channel_id": ch, "message": "x", "root_id": model.NewID()}), 400,
				"api.post.create_post.root_id.app_error"},
			{"reply to a reply", w.bob, "POST", "/posts", post(map[string]string{"channel_id": ch, "message": "x", "root_id": reply.ID}), 400,
				"api.post.create_post.root_id.app_error"},
			{"root in another channel", w.bob, "POST", "/posts", post(map[string]string{"channel_id": ch, "message": "x", "root_id": other.ID}), 400,
				"api.post.create_post.root_id.app_error"},
			{"invalid root id", w.bob, "POST", "/posts", post(map[string]string{"channel_id": ch, "message": "x", "root_id": "abc"}), 400, invalid("root_id")},
			{"too long", w.bob, "POST", "/posts", post(map[string]string{"channel_id": ch, "message": strings.Repeat("é", model.MaxPostRunes+1)}), 400, invalid("msg")},
			{"system type", w.bob, "POST", "/posts", post(map[string]string{"channel_id": ch, "message": "x", "type": "system_join_channel"}), 400, badBody},
			{"malformed", w.bob, "POST", "/posts", `{"channel_id": "` + ch + `", "message": "x"`, 400, badBody},
			{"wrong type", w.bob, "POST", "/posts", `{"channel_id": "` + ch + `", "message": ["x"]}`, 400, badBody},
			{"props not an object", w.bob, "POST", "/posts", `{"channel_id": "` + ch + `", "message": "x", "props": "p"}`, 400, badBody},
			{"oversized", w.bob, "POST", "/posts", oversized("message"), 413, tooLarge},
			{"no session", s.Anon(), "POST", "/posts", post(map[string]string{"channel_id": ch, "message": "x"}), 401, sessionExpired},
			{"get unknown", w.bob, "GET", "/posts/" + model.NewID(), nil, 404, "app.post.get.app_error"},
			{"get invalid id", w.bob, "GET", "/posts/abc", nil, 400, badURL},
			{"thread unknown", w.bob, "GET", "/posts/" + model.NewID() + "/thread", nil, 404, "app.post.get.app_error"},
			{"patch other's post", w.dave, "PUT", "/posts/" + root.ID + "/patch", map[string]string{"message": "hacked"}, 403, forbidden},
			{"patch unknown", w.bob, "PUT", "/posts/" + model.NewID() + "/patch", map[string]string{"message": "x"}, 404, "app.post.get.app_error"},
			{"patch too long", w.bob, "PUT", "/posts/" + root.ID + "/patch", map[string]string{"message": strings.Repeat("a", model.MaxPostRunes+1)}, 400, invalid("msg")},
			{"patch wrong type", w.bob, "PUT", "/posts/" + root.ID + "/patch", `{"message": 1}`, 400, badBody},
			{"patch system message", w.admin, "PUT", "/posts/" + firstSystemPost(t, w.admin, w.town.ID) + "/patch", map[string]string{"message": "x"}, 400,
				"api.post.update_post.system_message.app_error"},
			{"update id mismatch", w.bob, "PUT", "/posts/" + root.ID, map[string]string{"id": reply.ID, "message": "x"}, 400, badBody},
			{"update other's post", w.dave, "PUT", "/posts/" + root.ID, map[string]string{"id": root.ID, "message": "x"}, 403, forbidden},
			{"delete other's post", w.dave, "DELETE", "/posts/" + root.ID, nil, 403, forbidden},
			{"delete permanently", w.admin, "DELETE", "/posts/" + root.ID + "?permanent=true", nil, 501, "api.post.delete_post.not_enabled.app_error"},
			{"pin as non-member", w.dave, "POST", "/posts/" + root.ID + "/pin", nil, 403, forbidden},
			{"posts by ids empty", w.bob, "POST", "/posts/ids", []string{}, 400, badBody},
			{"posts by ids invalid", w.bob, "POST", "/posts/ids", []string{"x"}, 400, badBody},
		})

		// Edits.
		w.bob.Put("/posts/"+root.ID+"/patch", map[string]string{"message": "edited #tag"}).Expect(http.StatusOK).JSON(&got)
		if got.Message != "edited #tag" || got.EditAt == 0 || got.Hashtags != "#tag" {
			t.Errorf("patched: %+v", got)
		}
		w.bob.Put("/posts/"+root.ID, map[string]string{"id": root.ID, "message": "updated"}).Expect(http.StatusOK).JSON(&got)
		if got.Message != "updated" {
			t.Errorf("updated: %+v", got)
		}
		w.admin.Put("/posts/"+reply.ID+"/patch", map[string]string{"message": "moderated"}).Expect(http.StatusOK)

		// Pins.
		w.bob.Post("/posts/"+root.ID+"/pin", nil).Expect(http.StatusOK)
		var pinned model.PostList
		w.carol.Get("/channels/" + ch + "/pinned").Expect(http.StatusOK).JSON(&pinned)
		if len(pinned.Order) != 1 || !pinned.Posts[root.ID].IsPinned {
			t.Errorf("pinned: %+v", pinned.Order)
		}
		var stats model.ChannelStats
		w.bob.Get("/channels/" + ch + "/stats").Expect(http.StatusOK).JSON(&stats)
		if stats.PinnedPostCount != 1 {
			t.Errorf("pinned count %d", stats.PinnedPostCount)
		}
		w.bob.Post("/posts/"+root.ID+"/unpin", nil).Expect(http.StatusOK)
		if r := w.bob.Get("/channels/" + ch + "/pinned").Expect(http.StatusOK); string(rawJSON(t, r.Body)["order"]) != "[]" {
			t.Errorf("pinned after unpin: %s", r.Body)
		}

		// Threads: order newest first, the same from a reply.
		var thread model.PostList
		w.carol.Get("/posts/" + reply.ID + "/thread").Expect(http.StatusOK).JSON(&thread)
		if !slices.Equal(thread.Order, []string{reply.ID, root.ID}) {
			t.Errorf("thread order %v", thread.Order)
		}

		// Deleting a root deletes its replies; deleted posts are gone from reads.
		w.bob.Delete("/posts/" + root.ID).Expect(http.StatusOK)
		for _, id := range []string{root.ID, reply.ID} {
			checkError(t, "deleted post "+id, w.bob.Get("/posts/"+id), 404, "app.post.get.app_error")
		}
		checkError(t, "thread of deleted root", w.bob.Get("/posts/"+root.ID+"/thread"), 404, "app.post.get.app_error")
		checkError(t, "delete again", w.bob.Delete("/posts/"+root.ID), 404, "app.post.get.app_error")
		var page model.PostList
		w.bob.Get("/channels/" + ch + "/posts").Expect(http.StatusOK).JSON(&page)
		if _, ok := page.Posts[root.ID]; ok {
			t.Error("deleted post still in the channel page")
		}
	})
}

// firstSystemPost returns the id of a system message in the channel.
func firstSystemPost(t *testing.T, c *apitest.Client, channelID string) string {
	t.Helper()
	var l model.PostList
	c.Get("/channels/" + channelID + "/posts?per_page=200").Expect(http.StatusOK).JSON(&l)
	for _, id := range l.Order {
		if l.Posts[id].IsSystemMessage() {
			return id
		}
	}
	t.Fatal("no system message in channel")
	return ""
}

func TestChannelPostPaging(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("staff", true)
		ch := admin.CreateChannel(team.ID, "paging", "O")
		// An empty page has the exact empty shape.
		r := admin.Get("/channels/" + ch.ID + "/posts?page=5").Expect(http.StatusOK)
		raw := rawJSON(t, r.Body)
		if string(raw["order"]) != "[]" || string(raw["posts"]) != "{}" || string(raw["next_post_id"]) != `""` || string(raw["prev_post_id"]) != `""` {
			t.Errorf("empty post list: %s", r.Body)
		}
		for i := range 7 {
			admin.CreatePost(ch.ID, "message "+strconv.Itoa(i), "")
		}
		// The server's own newest-first order is the reference (posts may share a millisecond).
		var all model.PostList
		admin.Get("/channels/" + ch.ID + "/posts?per_page=200").Expect(http.StatusOK).JSON(&all)
		order := all.Order
		if len(order) < 7 || all.NextPostID != "" || all.PrevPostID != "" {
			t.Fatalf("all posts: %d, next %q prev %q", len(order), all.NextPostID, all.PrevPostID)
		}
		n := len(order)
		for i := 1; i < n; i++ {
			a, b := all.Posts[order[i-1]], all.Posts[order[i]]
			if a.CreateAt < b.CreateAt {
				t.Fatalf("order not newest first at %d", i)
			}
		}
		at := func(i int) string {
			if i < 0 || i >= n {
				return ""
			}
			return order[i]
		}
		check := func(query string, from, to int) {
			t.Helper()
			var l model.PostList
			admin.Get("/channels/" + ch.ID + "/posts?" + query).Expect(http.StatusOK).JSON(&l)
			want := order[from:to]
			if !slices.Equal(l.Order, want) || l.NextPostID != at(from-1) || l.PrevPostID != at(to) {
				t.Errorf("%s: order %v next %q prev %q; want %v next %q prev %q", query, l.Order, l.NextPostID, l.PrevPostID,
					want, at(from-1), at(to))
			}
			for _, id := range l.Order {
				if l.Posts[id] == nil {
					t.Errorf("%s: %s in order but not in posts", query, id)
				}
			}
		}
		check("page=0&per_page=3", 0, 3)
		check("page=1&per_page=3", 3, 6)
		check("page=2&per_page=3", 6, n)
		check("before="+order[2]+"&per_page=2", 3, 5)
		check("before="+order[2]+"&page=1&per_page=2", 5, 7)
		check("after="+order[5]+"&per_page=2", 3, 5)
		check("after="+order[5]+"&page=1&per_page=2", 1, 3)
		check("after="+order[0], 0, 0)

		// since: everything updated after a moment, including deletions.
		mark := all.Posts[order[0]].UpdateAt
		admin.Put("/posts/"+order[3]+"/patch", map[string]string{"message": "changed"}).Expect(http.StatusOK)
		admin.Delete("/posts/" + order[4]).Expect(http.StatusOK)
		var since model.PostList
		admin.Get("/channels/" + ch.ID + "/posts?since=" + strconv.FormatInt(mark, 10)).Expect(http.StatusOK).JSON(&since)
		if _, ok := since.Posts[order[3]]; !ok {
			t.Errorf("since misses the edited post: %v", since.Order)
		}
		if p := since.Posts[order[4]]; p == nil || p.DeleteAt == 0 || p.Message != "" {
			t.Errorf("since misses the deleted post or shows its message: %+v", p)
		}

		// Posts around the last unread, for a member who has read nothing.
		bob := s.SignUp("bob")
		admin.AddToTeam(team.ID, bob.UserID)
		admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		newer := admin.CreatePost(ch.ID, "after bob joined", "")
		var around model.PostList
		bob.Get("/users/me/channels/" + ch.ID + "/posts/unread?limit_before=2&limit_after=5").Expect(http.StatusOK).JSON(&around)
		if len(around.Order) != 3 || around.Order[0] != newer.ID || around.PrevPostID == "" {
			t.Errorf("around unread: %v prev %q", around.Order, around.PrevPostID)
		}

		for _, tc := range []refusal{
			{"invalid before", admin, "GET", "/channels/" + ch.ID + "/posts?before=abc", nil, 400, badBody},
			{"invalid after", admin, "GET", "/channels/" + ch.ID + "/posts?after=abc", nil, 400, badBody},
			{"invalid since", admin, "GET", "/channels/" + ch.ID + "/posts?since=yesterday", nil, 400, badURL},
			{"unknown channel", admin, "GET", "/channels/" + model.NewID() + "/posts", nil, 404, "app.channel.get.existing.app_error"},
			{"limit_after zero", bob, "GET", "/users/me/channels/" + ch.ID + "/posts/unread?limit_after=0", nil, 400, badURL},
			{"unread for another user", bob, "GET", "/users/" + admin.UserID + "/channels/" + ch.ID + "/posts/unread", nil, 403, forbidden},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestReactions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		w.carol.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": w.carol.UserID}).Expect(http.StatusCreated)
		p := w.bob.CreatePost(w.public.ID, "react to me", "")
		plain := w.bob.CreatePost(w.public.ID, "no reactions", "")
		if r := w.carol.Get("/posts/" + p.ID + "/reactions").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("no reactions: %s", r.Body)
		}
		reaction := func(c *apitest.Client, emoji string) map[string]string {
			return map[string]string{"user_id": c.UserID, "post_id": p.ID, "emoji_name": emoji}
		}
		var rx model.Reaction
		w.carol.Post("/reactions", reaction(w.carol, "+1")).Expect(http.StatusOK).JSON(&rx)
		if rx.UserID != w.carol.UserID || rx.EmojiName != "+1" || rx.ChannelID != w.public.ID || rx.CreateAt == 0 {
			t.Errorf("reaction: %+v", rx)
		}
		w.carol.Post("/reactions", reaction(w.carol, "+1")).Expect(http.StatusOK)
		w.bob.Post("/reactions", reaction(w.bob, "smile")).Expect(http.StatusOK)
		var rs []model.Reaction
		w.carol.Get("/posts/" + p.ID + "/reactions").Expect(http.StatusOK).JSON(&rs)
		if len(rs) != 2 {
			t.Errorf("reactions: %+v", rs)
		}
		var got model.Post
		w.carol.Get("/posts/" + p.ID).Expect(http.StatusOK).JSON(&got)
		if !got.HasReactions || got.Metadata == nil || len(got.Metadata.Reactions) != 2 {
			t.Errorf("post with reactions: %+v", got)
		}
		r := w.carol.Post("/posts/ids/reactions", []string{p.ID, plain.ID}).Expect(http.StatusOK)
		m := rawJSON(t, r.Body)
		if string(m[plain.ID]) != "[]" || len(m) != 2 {
			t.Errorf("reactions for posts: %s", r.Body)
		}

		// Removing others' reactions is a system permission: bob administers the
		// channel and dave the team, and neither may remove carol's reaction.
		w.admin.Put("/teams/"+w.team.ID+"/members/"+w.dave.UserID+"/roles", map[string]string{"roles": "team_user team_admin"}).Expect(http.StatusOK)
		w.dave.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": w.dave.UserID}).Expect(http.StatusCreated)
		snapshot := []string{"/posts/" + p.ID + "/reactions", "/posts/" + p.ID}
		expectRefused(t, w.admin, snapshot, []refusal{
			{"channel admin deletes other's reaction", w.bob, "DELETE", "/users/" + w.carol.UserID + "/posts/" + p.ID + "/reactions/+1", nil, 403, forbidden},
			{"team admin deletes other's reaction", w.dave, "DELETE", "/users/" + w.carol.UserID + "/posts/" + p.ID + "/reactions/+1", nil, 403, forbidden},
			{"for another user", w.carol, "POST", "/reactions", reaction(w.bob, "heart"), 403, "api.reaction.save_reaction.user_id.app_error"},
			{"invalid emoji", w.carol, "POST", "/reactions", reaction(w.carol, "no way"), 400, "api.reaction.save_reaction.invalid.app_error"},
			{"unknown emoji", w.carol, "POST", "/reactions", reaction(w.carol, "no_such_emoji"), 404, "app.emoji.get_by_name.no_result"},
			{"empty emoji", w.carol, "POST", "/reactions", reaction(w.carol, ""), 400, "api.reaction.save_reaction.invalid.app_error"},
			{"long emoji", w.carol, "POST", "/reactions", reaction(w.carol, strings.Repeat("a", 65)), 400, "api.reaction.save_reaction.invalid.app_error"},
			{"invalid post id", w.carol, "POST", "/reactions", map[string]string{"user_id": w.carol.UserID, "post_id": "x", "emoji_name": "a"}, 400,
				"api.reaction.save_reaction.invalid.app_error"},
			// Mattermost's SessionHasPermissionToChannelByPost: an unknown post is 403.
			{"unknown post", w.carol, "POST", "/reactions", map[string]string{"user_id": w.carol.UserID, "post_id": model.NewID(), "emoji_name": "a"}, 403,
				forbidden},
			{"malformed", w.carol, "POST", "/reactions", `{"user_id": `, 400, badBody},
			{"wrong type", w.carol, "POST", "/reactions", `{"user_id": "` + w.carol.UserID + `", "post_id": "` + p.ID + `", "emoji_name": 1}`, 400, badBody},
			{"oversized", w.carol, "POST", "/reactions", oversized("emoji_name"), 413, tooLarge},
			{"not in team", s.SignUp("eve"), "POST", "/reactions", map[string]string{"post_id": p.ID, "emoji_name": "a"}, 400,
				"api.reaction.save_reaction.invalid.app_error"},
			{"delete other's reaction", w.carol, "DELETE", "/users/" + w.bob.UserID + "/posts/" + p.ID + "/reactions/smile", nil, 403, forbidden},
			{"delete invalid emoji", w.carol, "DELETE", "/users/me/posts/" + p.ID + "/reactions/a+b+c+" + strings.Repeat("x", 64), nil, 400, badURL},
			{"delete on unknown post", w.carol, "DELETE", "/users/me/posts/" + model.NewID() + "/reactions/smile", nil, 403, forbidden},
			{"list unknown post", w.carol, "GET", "/posts/" + model.NewID() + "/reactions", nil, 403, forbidden},
			{"ids malformed", w.carol, "POST", "/posts/ids/reactions", `[`, 400, badBody},
		})

		// Deleting a reaction that does not exist is fine; the last one clears has_reactions.
		w.carol.Delete("/users/me/posts/" + p.ID + "/reactions/heart").Expect(http.StatusOK)
		w.carol.Delete("/users/me/posts/" + p.ID + "/reactions/+1").Expect(http.StatusOK)
		w.admin.Delete("/users/" + w.bob.UserID + "/posts/" + p.ID + "/reactions/smile").Expect(http.StatusOK)
		var after model.Post
		w.carol.Get("/posts/" + p.ID).Expect(http.StatusOK).JSON(&after)
		if after.HasReactions {
			t.Error("has_reactions after the last reaction was removed")
		}
		if r := w.carol.Get("/posts/" + p.ID + "/reactions").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("reactions after removal: %s", r.Body)
		}
	})
}

func TestPreferences(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		if r := bob.Get("/users/me/preferences").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("preferences of a new user: %s", r.Body)
		}
		pref := func(cat, name, value string) model.Preference {
			return model.Preference{UserID: bob.UserID, Category: cat, Name: name, Value: value}
		}
		bob.Put("/users/me/preferences", []model.Preference{pref("display_settings", "use_military_time", "true"),
			pref("theme", "", `{"sidebarBg":"#000"}`)}).Expect(http.StatusOK)
		bob.Put("/users/me/preferences", []model.Preference{pref("display_settings", "use_military_time", "false")}).Expect(http.StatusOK)
		var ps []model.Preference
		bob.Get("/users/me/preferences/display_settings").Expect(http.StatusOK).JSON(&ps)
		if len(ps) != 1 || ps[0].Value != "false" {
			t.Errorf("category: %+v", ps)
		}
		var p model.Preference
		bob.Get("/users/me/preferences/display_settings/name/use_military_time").Expect(http.StatusOK).JSON(&p)
		if p.Value != "false" || p.UserID != bob.UserID {
			t.Errorf("one preference: %+v", p)
		}
		admin.Get("/users/" + bob.UserID + "/preferences").Expect(http.StatusOK).JSON(&ps)
		if len(ps) != 2 {
			t.Errorf("admin reads %d preferences", len(ps))
		}

		expectRefused(t, bob, []string{"/users/me/preferences"}, []refusal{
			{"other user's preferences", bob, "GET", "/users/" + admin.UserID + "/preferences", nil, 403, forbidden},
			{"save for other user in path", bob, "PUT", "/users/" + admin.UserID + "/preferences",
				[]model.Preference{{UserID: admin.UserID, Category: "a", Name: "b", Value: "c"}}, 403, forbidden},
			{"user id mismatch", bob, "PUT", "/users/me/preferences", []model.Preference{{UserID: admin.UserID, Category: "a", Name: "b"}}, 403,
				"api.preference.update_preferences.set.app_error"},
			{"one bad among good", bob, "PUT", "/users/me/preferences", []model.Preference{pref("a", "b", "c"), pref("", "b", "c")}, 400,
				"model.preference.is_valid.category.app_error"},
			{"long category", bob, "PUT", "/users/me/preferences", []model.Preference{pref(strings.Repeat("c", 33), "b", "c")}, 400,
				"model.preference.is_valid.category.app_error"},
			{"long name", bob, "PUT", "/users/me/preferences", []model.Preference{pref("a", strings.Repeat("n", 33), "c")}, 400,
				"model.preference.is_valid.name.app_error"},
			{"long value", bob, "PUT", "/users/me/preferences", []model.Preference{pref("a", "b", strings.Repeat("v", 2001))}, 400,
				"model.preference.is_valid.value.app_error"},
			{"theme not an object", bob, "PUT", "/users/me/preferences", []model.Preference{pref("theme", "", "dark")}, 400,
				"model.preference.is_valid.theme.app_error"},
			{"empty list", bob, "PUT", "/users/me/preferences", []model.Preference{}, 400, badBody},
			{"not a list", bob, "PUT", "/users/me/preferences", pref("a", "b", "c"), 400, badBody},
			{"wrong type", bob, "PUT", "/users/me/preferences", `[{"user_id": "` + bob.UserID + `", "category": "a", "name": "b", "value": true}]`, 400, badBody},
			{"malformed", bob, "PUT", "/users/me/preferences", `[{"user_id": `, 400, badBody},
			{"oversized", bob, "PUT", "/users/me/preferences", oversized("a"), 413, tooLarge},
			{"flag unknown post", bob, "PUT", "/users/me/preferences", []model.Preference{pref("flagged_post", model.NewID(), "true")}, 403, forbidden},
			{"missing category", bob, "GET", "/users/me/preferences/nothing", nil, 404, "api.preference.preferences_category.get.app_error"},
			{"missing name", bob, "GET", "/users/me/preferences/display_settings/name/nothing", nil, 400, "app.preference.get.app_error"},
			{"delete for other user", bob, "POST", "/users/me/preferences/delete", []model.Preference{{UserID: admin.UserID, Category: "a", Name: "b"}}, 403,
				"api.preference.delete_preferences.delete.app_error"},
			{"delete as other user", bob, "POST", "/users/" + admin.UserID + "/preferences/delete",
				[]model.Preference{{UserID: admin.UserID, Category: "a", Name: "b"}}, 403, forbidden},
			{"no session", s.Anon(), "GET", "/users/me/preferences", nil, 401, sessionExpired},
		})

		bob.Post("/users/me/preferences/delete", []model.Preference{pref("display_settings", "use_military_time", "")}).Expect(http.StatusOK)
		checkError(t, "deleted category", bob.Get("/users/me/preferences/display_settings"), 404, "api.preference.preferences_category.get.app_error")
	})
}
