package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/oidctest"

	"github.com/parley-chat/parley/internal/proctest"
)

// TestOpenIDConnect signs in through a real OpenID provider (zitadel's
// example OP) with the authorization code flow and PKCE, as a browser does:
// the first sign-in creates the account, an existing account is linked by
// email only when the provider says the address is verified. A mobile app's
// sign-in ends handing the session to the app's URL scheme.
func TestOpenIDConnect(t *testing.T) {
	port := proctest.FreePort(t)
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		s.SignUp("linked")     // linked@example.com, verified by the OP
		s.SignUp("unverified") // unverified@example.com, not verified by the OP
		oidctest.Start(t, port, s.URL+"/signup/openid/complete",
			oidctest.User{ID: "sub-ann", Username: "ann", Password: "ann-secret", FirstName: "Ann", LastName: "Oidc",
				Email: "ann@example.org", EmailVerified: true},
			oidctest.User{ID: "sub-linked", Username: "linked", Password: "linked-secret", Email: "linked@example.com", EmailVerified: true},
			oidctest.User{ID: "sub-unverified", Username: "unverified", Password: "u-secret", Email: "unverified@example.com"})

		var cc map[string]string
		s.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["EnableSignUpWithOpenId"] != "true" || cc["OpenIdButtonText"] != "Company SSO" {
			t.Fatalf("client config EnableSignUpWithOpenId %q, OpenIdButtonText %q", cc["EnableSignUpWithOpenId"], cc["OpenIdButtonText"])
		}

		signIn := func(username, password string) (*http.Response, *apitest.Client) {
			b := oidctest.NewBrowser(t)
			resp := b.SignIn(t, s.URL+"/oauth/openid/login?redirect_to=/staff/channels/town-square", username, password)
			resp.Body.Close()
			c := s.Anon()
			c.Token = b.Cookie(s.URL, "MMAUTHTOKEN")
			return resp, c
		}
		resp, ann := signIn("ann", "ann-secret")
		if resp.Request.URL.Path != "/staff/channels/town-square" || ann.Token == "" {
			t.Fatalf("sign-in ended at %s (%d), token %q", resp.Request.URL, resp.StatusCode, ann.Token)
		}
		var me model.User
		ann.Get("/users/me").Expect(http.StatusOK).JSON(&me)
		if me.AuthService != "openid" || me.Email != "ann@example.org" || me.Username != "ann" || me.FirstName != "Ann" {
			t.Fatalf("account made by the first sign-in: %+v", me)
		}
		_, again := signIn("ann", "ann-secret")
		var me2 model.User
		again.Get("/users/me").Expect(http.StatusOK).JSON(&me2)
		if me2.ID != me.ID {
			t.Fatalf("second sign-in gave another account %s, want %s", me2.ID, me.ID)
		}
		// An OIDC user has no password to change.
		ann.Put("/users/"+me.ID+"/password", map[string]string{"current_password": "x", "new_password": "another-pw-1"}).
			ExpectError(http.StatusBadRequest, "api.user.update_password.oauth.app_error")

		var linkedBefore model.User
		admin.Get("/users/username/linked").Expect(http.StatusOK).JSON(&linkedBefore)
		_, linked := signIn("linked", "linked-secret")
		var l model.User
		linked.Get("/users/me").Expect(http.StatusOK).JSON(&l)
		if l.ID != linkedBefore.ID || l.AuthService != "openid" {
			t.Fatalf("verified email: got account %s (%s), want %s linked", l.ID, l.AuthService, linkedBefore.ID)
		}

		resp, unverified := signIn("unverified", "u-secret")
		if resp.StatusCode != http.StatusConflict || unverified.Token != "" {
			t.Fatalf("unverified email of an existing account: %d, token %q", resp.StatusCode, unverified.Token)
		}
		var u model.User
		admin.Get("/users/username/unverified").Expect(http.StatusOK).JSON(&u)
		if u.AuthService != "" {
			t.Fatalf("unverified email linked the account: %+v", u)
		}
		// The mobile apps' sign-in hands the session to the app's scheme.
		b := oidctest.NewBrowser(t)
		mob := mobileSignedIn(t, s, b.SignIn(t, s.URL+"/oauth/openid/mobile_login?redirect_to="+url.QueryEscape("mmauth://callback"),
			"ann", "ann-secret"))
		if mob.ID != me.ID {
			t.Fatalf("mobile sign-in gave account %s, want %s", mob.ID, me.ID)
		}
		mobileRefused(t, s, oidctest.NewBrowser(t).Client,
			s.URL+"/oauth/openid/mobile_login?redirect_to="+url.QueryEscape("https://evil.example/callback"))

		// A forged answer (a state this browser did not start) is refused.
		forged, err := oidctest.NewBrowser(t).Client.Get(s.URL + "/signup/openid/complete?code=x&state=forged")
		if err != nil {
			t.Fatal(err)
		}
		forged.Body.Close()
		if forged.StatusCode != http.StatusBadRequest {
			t.Fatalf("forged state answered %d, want 400", forged.StatusCode)
		}
	}, func(c *config.Config) {
		c.OpenIDEnable, c.OpenIDID, c.OpenIDSecret = true, oidctest.ClientID, oidctest.ClientSecret
		c.OpenIDDiscoveryEndpoint = oidctest.IssuerFor(port) + ".well-known/openid-configuration"
		c.OpenIDButtonText = "Company SSO"
		c.SessionLengthMobileDays = 7
	})
}
