package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/mailtest"
	"github.com/parley-chat/parley/internal/model"
)

var inviteLink = regexp.MustCompile(`(\S+)/signup_user_complete/\?d=(\S+)&t=([0-9a-f]{64})`)

// An invitation mails a sign-up link; signing up with it makes a verified
// account with the invited address in the team, once. A member who already
// has an account joins with the token instead.
func TestEmailInvitations(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		team := ann.CreateTeam("crew", false)
		ann.AddToTeam(team.ID, bob.UserID)
		inv := "/teams/" + team.ID + "/invite/email"
		carol := s.SignUp("carol")
		ann.Put("/config/patch", map[string]any{"TeamSettings": map[string]any{"EnableOpenServer": false}}).Expect(http.StatusOK)

		// Bad input and permissions first: nothing is sent for them.
		checkError(t, "anonymous", s.Anon().Post(inv, []string{"x@example.com"}), 401, "api.context.session_expired.app_error")
		checkError(t, "not a member", carol.Post(inv, []string{"x@example.com"}), 403, "api.context.permissions.app_error")
		checkError(t, "malformed", ann.Post(inv, `{"emails": [`), 400, "api.team.invite_members_to_team_and_channels.invalid_body_parsing.app_error")
		checkError(t, "empty", ann.Post(inv, []string{}), 400, "api.context.invalid_body_param.app_error")
		checkError(t, "bad address", ann.Post(inv, []string{"dave@example.com", "not-an-address"}), 400,
			"api.team.invite_members.invalid_email.app_error")
		many := make([]string, 21)
		for i := range many {
			many[i] = fmt.Sprintf("p%d@example.com", i)
		}
		checkError(t, "over the hourly limit", ann.Post(inv, many), 413, "app.email.rate_limit_exceeded.app_error")

		ann.Post(inv, []string{"Dave@Example.com"}).Expect(http.StatusOK)
		m := mp.WaitFor(t, "dave@example.com", 1)[0]
		if m.Subject != "[Parley] ann invited you to join Crew Team" {
			t.Errorf("subject %q", m.Subject)
		}
		g := inviteLink.FindStringSubmatch(m.Text)
		if g == nil || g[1] != "https://chat.example.com" || !strings.Contains(m.HTML, g[3]) {
			t.Fatalf("no invitation link in %q", m.Text)
		}
		if d, _ := url.QueryUnescape(g[2]); !strings.Contains(d, `"name":"crew"`) || !strings.Contains(d, `"email":"dave@example.com"`) {
			t.Errorf("d = %s", d)
		}
		token := g[3]

		// The sign-up takes the invited address, whatever the body says, and
		// needs no open server.
		anon := s.Anon()
		var dave model.User
		anon.Post("/users?t="+token, map[string]string{"username": "dave", "email": "other@example.com",
			"password": "password-dave"}).Expect(http.StatusCreated).JSON(&dave)
		if dave.Email != "dave@example.com" || !dave.EmailVerified {
			t.Errorf("invited account: %s verified=%v", dave.Email, dave.EmailVerified)
		}
		ann.Get("/teams/" + team.ID + "/members/" + dave.ID).Expect(http.StatusOK)
		checkError(t, "token used twice", anon.Post("/users?t="+token, map[string]string{"username": "dave2",
			"email": "d2@example.com", "password": "password-dave"}), 400, "api.user.create_user.signup_link_invalid.app_error")
		checkError(t, "made-up token", anon.Post("/users?t=abc", map[string]string{"username": "eve",
			"email": "eve@example.com", "password": "password-eve"}), 400, "api.user.create_user.signup_link_invalid.app_error")

		// Graceful: each address gets its result; the good one goes out.
		var res []struct {
			Email string          `json:"email"`
			Error *model.AppError `json:"error"`
		}
		ann.Post(inv+"?graceful=true", map[string]any{"emails": []string{"carol@example.com", "bad@"}}).Expect(http.StatusOK).JSON(&res)
		if len(res) != 2 || res[0].Email != "carol@example.com" || res[0].Error != nil ||
			res[1].Error == nil || res[1].Error.ID != "api.team.invite_members.invalid_email.app_error" {
			t.Errorf("graceful results %+v", res)
		}
		_, _, carolToken := tokenParts(t, mp.WaitFor(t, "carol@example.com", 1)[0])
		checkError(t, "no parameter", carol.Post("/teams/members/invite", nil), 400, "api.team.add_user_to_team.missing_parameter.app_error")
		carol.Post("/teams/members/invite?token="+carolToken, nil).Expect(http.StatusCreated)
		carol.Get("/teams/" + team.ID).Expect(http.StatusOK)

		// An admin voids every pending invitation.
		ann.Post(inv, []string{"frank@example.com"}).Expect(http.StatusOK)
		_, _, frankToken := tokenParts(t, mp.WaitFor(t, "frank@example.com", 1)[0])
		checkError(t, "invalidate as member", bob.Delete("/teams/invites/email"), 403, "api.context.permissions.app_error")
		ann.Delete("/teams/invites/email").Expect(http.StatusOK)
		checkError(t, "voided", anon.Post("/users?t="+frankToken, map[string]string{"username": "frank",
			"email": "frank@example.com", "password": "password-frank"}), 400, "api.user.create_user.signup_link_invalid.app_error")
	}, func(c *config.Config) {
		c.EnableEmailInvitations, c.SiteURL = true, "https://chat.example.com"
	})
}

func tokenParts(t *testing.T, m mailtest.Message) (site, data, token string) {
	t.Helper()
	g := inviteLink.FindStringSubmatch(m.Text)
	if g == nil {
		t.Fatalf("no invitation link in %q", m.Text)
	}
	return g[1], g[2], g[3]
}

// Invitations follow the domain rules and the switch; the client config says
// whether they are on.
func TestEmailInvitationRules(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		team := ann.CreateTeam("crew", true)
		ann.AddToTeam(team.ID, bob.UserID)
		inv := "/teams/" + team.ID + "/invite/email"
		var cc map[string]string
		bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["EnableEmailInvitations"] != "true" {
			t.Errorf("client config EnableEmailInvitations %q", cc["EnableEmailInvitations"])
		}
		// The server's domains bind members; a system admin only the team's.
		checkError(t, "server domain", bob.Post(inv, []string{"x@other.org"}), 400, "api.team.invite_members.invalid_email.app_error")
		ann.Post(inv, []string{"x@other.org"}).Expect(http.StatusOK)
		ann.Put("/teams/"+team.ID+"/patch", map[string]string{"allowed_domains": "example.com"}).Expect(http.StatusOK)
		checkError(t, "team domain", ann.Post(inv, []string{"y@other.org"}), 400, "api.team.invite_members.invalid_email.app_error")
		var res []struct {
			Email string          `json:"email"`
			Error *model.AppError `json:"error"`
		}
		r := bob.Post(inv+"?graceful=1", []string{"ok@example.com", "no@other.org"}).Expect(http.StatusOK)
		r.JSON(&res)
		var raw []map[string]json.RawMessage
		r.JSON(&raw)
		if len(res) != 2 || res[0].Error != nil || res[1].Error == nil || string(raw[0]["error"]) != "null" {
			t.Errorf("graceful: %s", r.Body)
		}
		mp.WaitFor(t, "ok@example.com", 1)
		mp.WaitFor(t, "x@other.org", 1)
		// Sign-up outside the server's domains is refused.
		checkError(t, "sign-up domain", s.Anon().Post("/users", map[string]string{"username": "zed", "email": "zed@other.org",
			"password": "password-zed"}), 400, "api.user.create_user.accepted_domain.app_error")

		ann.Put("/config/patch", map[string]any{"ServiceSettings": map[string]any{"EnableEmailInvitations": false}}).Expect(http.StatusOK)
		checkError(t, "disabled", bob.Post(inv, []string{"ok@example.com"}), 501, "api.team.invite_members.disabled.app_error")
	}, func(c *config.Config) {
		c.EnableEmailInvitations, c.RestrictCreationToDomains = true, "example.com"
	})
}
