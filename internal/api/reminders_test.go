package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// A post reminder is refused for an unknown or unreadable post, and once due
// arrives once, as the system bot's reminder post in the user's DM with it.
func TestPostReminders(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.SignUp("alice"), s.SignUp("bob")
		team := alice.CreateTeam("remind", true)
		ch := alice.CreateChannel(team.ID, "remind-room", "O")
		secret := alice.CreateChannel(team.ID, "secret-room", "P")
		p := alice.CreatePost(ch.ID, "do the thing", "")
		hidden := alice.CreatePost(secret.ID, "hidden", "")
		soon := time.Now().Add(time.Hour).Unix()
		path := func(user, post string) string { return "/users/" + user + "/posts/" + post + "/reminder" }

		alice.Post(path(alice.UserID, model.NewID()), map[string]any{"target_time": soon}).
			ExpectError(http.StatusNotFound, "app.post.get.app_error")
		alice.AddToTeam(team.ID, bob.UserID)
		bob.Post(path(bob.UserID, hidden.ID), map[string]any{"target_time": soon}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Post(path(alice.UserID, p.ID), map[string]any{"target_time": soon}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		alice.Post(path(alice.UserID, p.ID), "soon").ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		alice.Post(path(alice.UserID, "nope"), map[string]any{"target_time": soon}).
			ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")

		alice.Post(path("me", p.ID), map[string]any{"target_time": soon}).Expect(http.StatusOK)
		app, ctx := s.Srv.App, context.Background()
		if n, err := app.SendDueReminders(ctx, time.Now()); err != nil || n != 0 {
			t.Fatalf("before the time: %d sent, %v", n, err)
		}
		later := time.Now().Add(2 * time.Hour)
		if n, err := app.SendDueReminders(ctx, later); err != nil || n != 1 {
			t.Fatalf("at the time: %d sent, %v", n, err)
		}
		if n, _ := app.SendDueReminders(ctx, later); n != 0 {
			t.Fatalf("sent again: %d", n)
		}

		bot, list := systemBotDM(t, alice)
		if len(list.Order) != 1 {
			t.Fatalf("DM posts: %+v", list)
		}
		got := list.Posts[list.Order[0]]
		if got.Type != "reminder" || got.UserID != bot.ID || got.Props["post_id"] != p.ID || got.Props["username"] != "alice" ||
			got.Props["team_name"] != team.Name || !strings.Contains(got.Message, "/"+team.Name+"/pl/"+p.ID) {
			t.Fatalf("reminder post %+v", got)
		}
	})
}

// The endpoints Mattermost guards with SessionHasPermissionToChannelByPost
// (reminder, mark unread, a post's files, reactions) answer an unknown post
// 403 (that check falls back to the system roles), but a system admin, whom
// those roles let read every channel, 404; a deleted post the caller could
// read stays 404. Pinning refuses both with 403, admins too.
func TestUnknownPostByChannelPermission(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, bob := s.SignUp("admin"), s.SignUp("bob")
		team := admin.CreateTeam("byperm", true)
		admin.AddToTeam(team.ID, bob.UserID)
		ch := admin.CreateChannel(team.ID, "byperm-room", "O")
		admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		gone := bob.CreatePost(ch.ID, "soon gone", "")
		bob.Delete("/posts/" + gone.ID).Expect(http.StatusOK)
		unknown := model.NewID()
		soon := map[string]any{"target_time": time.Now().Add(time.Hour).Unix()}
		for _, tc := range []struct {
			name, method, path string
			body               any
		}{
			{"reminder", "POST", "/users/me/posts/%s/reminder", soon},
			{"set_unread", "POST", "/users/me/posts/%s/set_unread", map[string]bool{"collapsed_threads_supported": true}},
			{"files/info", "GET", "/posts/%s/files/info", nil},
			{"reactions", "GET", "/posts/%s/reactions", nil},
			{"delete reaction", "DELETE", "/users/me/posts/%s/reactions/smile", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				path := func(id string) string { return strings.Replace(tc.path, "%s", id, 1) }
				bob.Do(tc.method, path(unknown), tc.body).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
				admin.Do(tc.method, path(unknown), tc.body).ExpectError(http.StatusNotFound, "app.post.get.app_error")
				bob.Do(tc.method, path(gone.ID), tc.body).ExpectError(http.StatusNotFound, "app.post.get.app_error")
			})
		}
		react := func(c *apitest.Client, post string) *apitest.Response {
			return c.Post("/reactions", map[string]string{"user_id": c.UserID, "post_id": post, "emoji_name": "smile"})
		}
		react(bob, unknown).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		react(admin, unknown).ExpectError(http.StatusNotFound, "app.post.get.app_error")
		react(bob, gone.ID).ExpectError(http.StatusNotFound, "app.post.get.app_error")
		// Pinning answers a post it cannot load 403 for everyone, a deleted
		// one included (Mattermost's saveIsPinnedPost).
		for _, c := range []*apitest.Client{bob, admin} {
			for _, id := range []string{unknown, gone.ID} {
				c.Post("/posts/"+id+"/pin", nil).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
				c.Post("/posts/"+id+"/unpin", nil).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
			}
		}
	})
}

// A reminder time already past is taken, as Mattermost does (it validates
// nothing but the JSON), and the next check sends it.
func TestPostRemindersPastTime(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.SignUp("alice")
		team := alice.CreateTeam("late", true)
		ch := alice.CreateChannel(team.ID, "late-room", "O")
		p := alice.CreatePost(ch.ID, "missed it", "")
		alice.Post("/users/me/posts/"+p.ID+"/reminder", map[string]any{"target_time": time.Now().Add(-time.Hour).Unix()}).
			Expect(http.StatusOK)
		if n, err := s.Srv.App.SendDueReminders(context.Background(), time.Now()); err != nil || n != 1 {
			t.Fatalf("past reminder: %d sent, %v", n, err)
		}
	})
}

// systemBotDM is the system bot and the posts of c's DM with it.
func systemBotDM(t *testing.T, c *apitest.Client) (model.User, model.PostList) {
	t.Helper()
	var bot model.User
	c.Get("/users/username/system-bot").Expect(http.StatusOK).JSON(&bot)
	if !bot.IsBot {
		t.Fatalf("system bot %+v", bot)
	}
	var dm model.Channel
	c.Post("/channels/direct", []string{c.UserID, bot.ID}).Expect(http.StatusCreated).JSON(&dm)
	var list model.PostList
	c.Get("/channels/" + dm.ID + "/posts").Expect(http.StatusOK).JSON(&list)
	return bot, list
}
