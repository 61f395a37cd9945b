package api_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func guestsOn(c *config.Config) { c.GuestAccountsEnable = true }

// TestGuestAccounts demotes a member to guest and checks what a guest may
// do: only the channels they were added to, no browsing, joining or
// creating, direct messages only to people sharing a channel, every
// membership scheme_guest; then promotes them back.
func TestGuestAccounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		carol := w.carol
		erin := s.SignUp("erin") // shares no channel with carol
		w.bob.Post("/channels/"+w.private.ID+"/members", map[string]string{"user_id": carol.UserID}).Expect(http.StatusCreated)

		carol.Post("/users/"+w.bob.UserID+"/demote", nil).Expect(http.StatusForbidden)
		w.admin.Post("/users/"+carol.UserID+"/demote", nil).Expect(http.StatusOK)
		var me model.User
		carol.Get("/users/me").Expect(http.StatusOK).JSON(&me)
		if me.Roles != model.RoleSystemGuest {
			t.Fatalf("demoted roles %q", me.Roles)
		}
		var tm model.TeamMember
		carol.Get("/teams/" + w.team.ID + "/members/" + carol.UserID).Expect(http.StatusOK).JSON(&tm)
		if !tm.SchemeGuest || tm.SchemeUser || tm.Roles != "team_guest" {
			t.Fatalf("guest's team membership %+v", tm)
		}
		var cm model.ChannelMember
		carol.Get("/channels/" + w.private.ID + "/members/me").Expect(http.StatusOK).JSON(&cm)
		if !cm.SchemeGuest || cm.SchemeUser || cm.Roles != "channel_guest" {
			t.Fatalf("guest's channel membership %+v", cm)
		}
		// Added channels work: read and post.
		carol.CreatePost(w.private.ID, "hello from a guest", "")
		// No browsing, joining or creating.
		carol.Get("/teams/" + w.team.ID + "/channels").Expect(http.StatusForbidden)
		carol.Get("/channels/" + w.public.ID).Expect(http.StatusForbidden)
		carol.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": carol.UserID}).Expect(http.StatusForbidden)
		carol.Post("/channels", map[string]string{"team_id": w.team.ID, "name": "guest-made", "display_name": "G", "type": "O"}).
			Expect(http.StatusForbidden)
		// Direct messages only with people who share a channel.
		carol.Post("/channels/direct", []string{carol.UserID, w.dave.UserID}).Expect(http.StatusCreated)
		carol.Post("/channels/direct", []string{carol.UserID, erin.UserID}).Expect(http.StatusForbidden)
		carol.Post("/channels/group", []string{w.dave.UserID, erin.UserID}).Expect(http.StatusForbidden)
		// A member adds the guest to a channel: the new membership is a guest's too.
		w.bob.Post("/channels/"+w.public.ID+"/members", map[string]string{"user_id": carol.UserID}).Expect(http.StatusCreated)
		carol.Get("/channels/" + w.public.ID + "/members/me").Expect(http.StatusOK).JSON(&cm)
		if !cm.SchemeGuest || cm.SchemeUser {
			t.Fatalf("membership added after demotion %+v", cm)
		}

		var cc, lic map[string]string
		s.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		s.Anon().Get("/license/client?format=old").Expect(http.StatusOK).JSON(&lic)
		if cc["EnableGuestAccounts"] != "true" || lic["GuestAccounts"] != "true" {
			t.Fatalf("EnableGuestAccounts %q, license GuestAccounts %q", cc["EnableGuestAccounts"], lic["GuestAccounts"])
		}

		w.admin.Post("/users/"+carol.UserID+"/promote", nil).Expect(http.StatusOK)
		carol.Get("/users/me").Expect(http.StatusOK).JSON(&me)
		carol.Get("/teams/" + w.team.ID + "/members/" + carol.UserID).Expect(http.StatusOK).JSON(&tm)
		carol.Get("/channels/" + w.private.ID + "/members/me").Expect(http.StatusOK).JSON(&cm)
		if me.Roles != model.RoleSystemUser || tm.SchemeGuest || !tm.SchemeUser || cm.SchemeGuest || !cm.SchemeUser {
			t.Fatalf("after promotion: roles %q, team %+v, channel %+v", me.Roles, tm, cm)
		}
		carol.Get("/teams/" + w.team.ID + "/channels").Expect(http.StatusOK)
		carol.Post("/channels/direct", []string{carol.UserID, erin.UserID}).Expect(http.StatusCreated)
	}, guestsOn)
}

// TestGuestAccountsDisabled: with GuestAccountsSettings.Enable off (the
// default) demotion is refused as Mattermost refuses it and nothing changes.
func TestGuestAccountsDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, bob := s.SignUp("admin"), s.SignUp("bob")
		admin.Post("/users/"+bob.UserID+"/demote", nil).ExpectError(http.StatusNotImplemented, "api.team.demote_user_to_guest.disabled.error")
		var me model.User
		bob.Get("/users/me").Expect(http.StatusOK).JSON(&me)
		if me.Roles != model.RoleSystemUser {
			t.Fatalf("roles %q after a refused demotion", me.Roles)
		}
		var cc map[string]string
		s.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["EnableGuestAccounts"] != "false" {
			t.Fatalf("EnableGuestAccounts %q with guests off", cc["EnableGuestAccounts"])
		}
	})
}
