package api_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

func TestFirstUserFlow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		if !model.HasRole(admin.User.Roles, model.RoleSystemAdmin) {
			t.Fatalf("first user roles = %q, want system_admin", admin.User.Roles)
		}
		bob := s.SignUp("bob")
		if model.HasRole(bob.User.Roles, model.RoleSystemAdmin) {
			t.Fatal("second user became admin")
		}
		team := admin.CreateTeam("staff", true)
		bob.AddToTeam(team.ID, bob.UserID)
		var town model.Channel
		bob.Get("/teams/name/staff/channels/name/town-square").Expect(http.StatusOK).JSON(&town)
		root := admin.CreatePost(town.ID, "hello @bob", "")
		reply := bob.CreatePost(town.ID, "hi", root.ID)
		if reply.RootID != root.ID {
			t.Fatalf("reply root = %q", reply.RootID)
		}
		var thread model.PostList
		admin.Get("/posts/" + reply.ID + "/thread").Expect(http.StatusOK).JSON(&thread)
		if len(thread.Order) != 2 || thread.Posts[root.ID].ReplyCount != 1 {
			t.Fatalf("thread: %+v", thread)
		}
	})
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		anon := s.Anon()
		anon.Get("/no/such/thing").ExpectError(http.StatusNotFound, "api.context.404.app_error")
		anon.Do("DELETE", "/system/ping", nil).ExpectError(http.StatusNotFound, "api.context.404.app_error")
		anon.Get("/users/me").ExpectError(http.StatusUnauthorized, "api.context.session_expired.app_error")
	})
}
