package api_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
)

// TestGuestRolesRefused: guests are made by demotion only, so no guest role
// (system, team or channel; by name or scheme flag) is given, with a clear
// error, and the memberships stay as they were.
func TestGuestRolesRefused(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		const guest = "app.role.guest_unsupported.app_error"
		team := "/teams/" + w.team.ID + "/members/" + w.carol.UserID
		channel := "/channels/" + w.private.ID + "/members/" + w.dave.UserID
		snapshot := []string{"/users/" + w.carol.UserID, team, channel}
		scheme := func(guest bool) map[string]bool {
			return map[string]bool{"scheme_admin": false, "scheme_user": true, "scheme_guest": guest}
		}
		expectRefused(t, w.admin, snapshot, []refusal{
			{"system guest", w.admin, "PUT", "/users/" + w.carol.UserID + "/roles", map[string]string{"roles": "system_guest"}, 400, guest},
			{"system user and guest", w.admin, "PUT", "/users/" + w.carol.UserID + "/roles", map[string]string{"roles": "system_user system_guest"}, 400, guest},
			{"team guest", w.admin, "PUT", team + "/roles", map[string]string{"roles": "team_guest"}, 400, guest},
			{"team user and guest", w.admin, "PUT", team + "/roles", map[string]string{"roles": "team_user team_guest"}, 400, guest},
			{"team scheme guest", w.admin, "PUT", team + "/schemeRoles", scheme(true), 400, guest},
			{"channel guest", w.admin, "PUT", channel + "/roles", map[string]string{"roles": "channel_user channel_guest"}, 400, guest},
			{"channel scheme guest", w.admin, "PUT", channel + "/schemeRoles", scheme(true), 400, guest},
			// Permission comes first: a member learns nothing new.
			{"member sets team guest", w.carol, "PUT", team + "/schemeRoles", scheme(true), 403, forbidden},
		})
		// What is not a guest role still works.
		w.admin.Put(team+"/schemeRoles", scheme(false)).Expect(http.StatusOK)
		w.admin.Put(channel+"/roles", map[string]string{"roles": "channel_user"}).Expect(http.StatusOK)
		w.admin.Put("/users/"+w.carol.UserID+"/roles", map[string]string{"roles": "system_user"}).Expect(http.StatusOK)
	})
}
