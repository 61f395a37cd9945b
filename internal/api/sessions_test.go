package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

const (
	sessionExpired = "api.context.session_expired.app_error"
	forbidden      = "api.context.permissions.app_error"
	badBody        = "api.context.invalid_body_param.app_error"
	badURL         = "api.context.invalid_url_param.app_error"
	tooLarge       = "api.context.request_body_too_large.app_error"
)

func TestLoginErrors(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		anon := s.Anon()
		invalid := "api.user.login.invalid_credentials_email_username"
		expectRefused(t, admin, []string{"/users/me/sessions"}, []refusal{
			{"blank password", anon, "POST", "/users/login", map[string]string{"login_id": "admin"}, 400, "api.user.login.blank_pwd.app_error"},
			{"wrong password", anon, "POST", "/users/login", map[string]string{"login_id": "admin", "password": "nope-nope"}, 401, invalid},
			{"unknown user", anon, "POST", "/users/login", map[string]string{"login_id": "nobody", "password": "x-password"}, 401, invalid},
			{"unknown email", anon, "POST", "/users/login", map[string]string{"login_id": "no@example.com", "password": "x-password"}, 401, invalid},
			{"malformed JSON", anon, "POST", "/users/login", `{"login_id": "admin", "password": `, 400, badBody},
			{"wrong type", anon, "POST", "/users/login", `{"login_id": 7, "password": "password-admin"}`, 400, badBody},
			{"array body", anon, "POST", "/users/login", `["admin"]`, 400, badBody},
			{"empty body", anon, "POST", "/users/login", nil, 400, badBody},
			{"trailing garbage", anon, "POST", "/users/login", `{"login_id":"admin","password":"password-admin"} x`, 400, badBody},
			{"oversized", anon, "POST", "/users/login", oversized("login_id"), 413, tooLarge},
		})
		// Logging in by email works too.
		s.Login("admin@example.com", "password-admin")
	})
}

func TestLoginLockout(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.SignUp("admin")
		anon := s.Anon()
		for range 2 {
			checkError(t, "wrong password", anon.Post("/users/login", map[string]string{"login_id": "admin", "password": "wrong-one"}),
				401, "api.user.login.invalid_credentials_email_username")
		}
		checkError(t, "locked", anon.Post("/users/login", map[string]string{"login_id": "admin", "password": "password-admin"}),
			401, "api.user.check_user_login_attempts.too_many.app_error")
	}, func(c *config.Config) { c.MaxLoginAttempts = 2 })
}

func TestCookieLoginAndCSRF(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		web := s.Anon()
		web.Header.Set("X-Requested-With", "XMLHttpRequest")
		r := web.Post("/users/login", map[string]string{"login_id": "admin", "password": "password-admin"}).Expect(http.StatusOK)
		token := r.Header.Get("Token")
		cookies := map[string]*http.Cookie{}
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			cookies[c.Name] = c
		}
		auth, uid, csrf := cookies["MMAUTHTOKEN"], cookies["MMUSERID"], cookies["MMCSRF"]
		switch {
		case auth == nil || uid == nil || csrf == nil:
			t.Fatalf("login cookies: %v", r.Header["Set-Cookie"])
		case auth.Value != token || !auth.HttpOnly || auth.MaxAge <= 0 || auth.Path != "/":
			t.Errorf("MMAUTHTOKEN cookie: %+v", auth)
		case uid.Value != admin.UserID || uid.HttpOnly:
			t.Errorf("MMUSERID cookie: %+v", uid)
		case !model.IsValidID(csrf.Value) || csrf.HttpOnly:
			t.Errorf("MMCSRF cookie: %+v", csrf)
		}
		// Without X-Requested-With the login sets no cookies, only the Token header.
		plain := s.Anon().Post("/users/login", map[string]string{"login_id": "admin", "password": "password-admin"}).Expect(http.StatusOK)
		if plain.Header.Get("Token") == "" || len(plain.Header["Set-Cookie"]) != 0 {
			t.Errorf("plain login: Token %q, cookies %v", plain.Header.Get("Token"), plain.Header["Set-Cookie"])
		}

		var me model.User
		withCookies(s, token, nil).Get("/users/me").Expect(http.StatusOK).JSON(&me)
		if me.ID != admin.UserID {
			t.Fatalf("cookie session is %s", me.ID)
		}
		prefs := []model.Preference{{UserID: admin.UserID, Category: "display_settings", Name: "use_military_time", Value: "true"}}
		// State-changing cookie requests need the CSRF token, or the XHR fallback.
		checkError(t, "cookie PUT without CSRF", withCookies(s, token, nil).Put("/users/me/preferences", prefs), 401, sessionExpired)
		checkError(t, "cookie PUT with wrong CSRF", withCookies(s, token, map[string]string{"X-CSRF-Token": model.NewID()}).
			Put("/users/me/preferences", prefs), 401, sessionExpired)
		withCookies(s, token, map[string]string{"X-CSRF-Token": csrf.Value}).Put("/users/me/preferences", prefs).Expect(http.StatusOK)
		withCookies(s, token, map[string]string{"X-Requested-With": "XMLHttpRequest"}).Put("/users/me/preferences", prefs).
			Expect(http.StatusOK)
		// Bearer tokens are never CSRF-checked.
		bearer := s.Anon()
		bearer.Header.Set("Authorization", "BEARER "+token)
		bearer.Put("/users/me/preferences", prefs).Expect(http.StatusOK)
		legacy := s.Anon()
		legacy.Header.Set("Authorization", "token "+token)
		legacy.Get("/users/me").Expect(http.StatusOK)
		// A session token in the query string is refused.
		checkError(t, "token in query", s.Anon().Get("/users/me?access_token="+token), 401, "api.context.token_provided.app_error")

		// An unknown cookie is cleared.
		bad := withCookies(s, model.NewID(), nil).Get("/users/me")
		checkError(t, "unknown cookie", bad, 401, sessionExpired)
		cleared := false
		for _, c := range (&http.Response{Header: bad.Header}).Cookies() {
			cleared = cleared || (c.Name == "MMAUTHTOKEN" && c.Value == "" && c.MaxAge < 0 && c.HttpOnly)
		}
		if !cleared {
			t.Errorf("unknown cookie not cleared: %v", bad.Header["Set-Cookie"])
		}
	})
}

func TestStrictCSRF(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		prefs := []model.Preference{{UserID: admin.UserID, Category: "display_settings", Name: "x", Value: "1"}}
		checkError(t, "XHR without CSRF token", withCookies(s, admin.Token, map[string]string{"X-Requested-With": "XMLHttpRequest"}).
			Put("/users/me/preferences", prefs), 401, sessionExpired)
		// GETs are not CSRF-checked.
		withCookies(s, admin.Token, nil).Get("/users/me").Expect(http.StatusOK)
	}, func(c *config.Config) { c.StrictCSRF = true })
}

func TestLogoutAndSessions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		bob2 := s.Login("bob", "password-bob")

		var sessions []model.Session
		bob.Get("/users/me/sessions").Expect(http.StatusOK).JSON(&sessions)
		if len(sessions) != 2 {
			t.Fatalf("bob has %d sessions", len(sessions))
		}
		for _, x := range sessions {
			if x.Token != "" || x.UserID != bob.UserID || x.Props["csrf"] == "" {
				t.Errorf("listed session: %+v", x)
			}
		}
		var adminSessions []model.Session
		admin.Get("/users/me/sessions").Expect(http.StatusOK).JSON(&adminSessions)

		expectRefused(t, admin, []string{"/users/" + bob.UserID + "/sessions", "/users/me/sessions"}, []refusal{
			{"other user's sessions", bob, "GET", "/users/" + admin.UserID + "/sessions", nil, 403, forbidden},
			{"revoke other user's session", bob, "POST", "/users/" + admin.UserID + "/sessions/revoke",
				map[string]string{"session_id": adminSessions[0].ID}, 403, forbidden},
			{"revoke session of another user via own path", bob, "POST", "/users/me/sessions/revoke",
				map[string]string{"session_id": adminSessions[0].ID}, 400, badBody},
			{"revoke unknown session", bob, "POST", "/users/me/sessions/revoke", map[string]string{"session_id": model.NewID()}, 400, badBody},
			{"revoke invalid session id", bob, "POST", "/users/me/sessions/revoke", map[string]string{"session_id": "x"}, 400, badBody},
			{"revoke malformed", bob, "POST", "/users/me/sessions/revoke", `{"session_id":`, 400, badBody},
			{"revoke all of another user", bob, "POST", "/users/" + admin.UserID + "/sessions/revoke/all", nil, 403, forbidden},
			{"revoke everyone's", bob, "POST", "/users/sessions/revoke/all", nil, 403, forbidden},
			{"device without id", bob, "PUT", "/users/sessions/device", map[string]string{"device_id": ""}, 400, badBody},
			{"no session", s.Anon(), "GET", "/users/me/sessions", nil, 401, sessionExpired},
		})

		bob.Put("/users/sessions/device", map[string]string{"device_id": "android_rn-v2:abc"}).Expect(http.StatusOK)

		// Revoking bob2's session ends it and only it.
		var other string
		bob.Get("/users/me/sessions").Expect(http.StatusOK).JSON(&sessions)
		for _, x := range sessions {
			if x.DeviceID == "" {
				other = x.ID
			}
		}
		bob.Post("/users/me/sessions/revoke", map[string]string{"session_id": other}).Expect(http.StatusOK)
		checkError(t, "revoked session", bob2.Get("/users/me"), 401, sessionExpired)
		bob.Get("/users/me").Expect(http.StatusOK)

		// Logout revokes; logging out again, or without a session, is still 200.
		var ok map[string]string
		bob.Post("/users/logout", nil).Expect(http.StatusOK).JSON(&ok)
		if ok["status"] != "OK" {
			t.Errorf("logout answered %v", ok)
		}
		checkError(t, "after logout", bob.Get("/users/me"), 401, sessionExpired)
		bob.Post("/users/logout", nil).Expect(http.StatusOK)
		s.Anon().Post("/users/logout", nil).Expect(http.StatusOK)

		// Admins may end every session of a user.
		bob3 := s.Login("bob", "password-bob")
		admin.Post("/users/"+bob.UserID+"/sessions/revoke/all", nil).Expect(http.StatusOK)
		checkError(t, "after revoke all", bob3.Get("/users/me"), 401, sessionExpired)
	})
}

// A session that names its push device is a mobile app's: from then on it
// lasts the mobile session length, as Mattermost's attachDeviceId makes it.
func TestDeviceSessionLastsMobileLength(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.SignUp("bob")
		const day = int64(24 * 60 * 60 * 1000)
		expiry := func() int64 {
			var sessions []model.Session
			bob.Get("/users/me/sessions").Expect(http.StatusOK).JSON(&sessions)
			if len(sessions) != 1 {
				t.Fatalf("bob has %d sessions", len(sessions))
			}
			return sessions[0].ExpiresAt - model.Now()
		}
		if left := expiry(); left > day {
			t.Fatalf("a web session lasts %d ms, want at most a day", left)
		}
		bob.Put("/users/sessions/device", map[string]string{"device_id": "apple_rn-v2:abc"}).Expect(http.StatusOK)
		if left := expiry(); left < 29*day || left > 30*day {
			t.Fatalf("after naming its device the session lasts %.1f days, want 30", float64(left)/float64(day))
		}
	}, func(c *config.Config) { c.SessionLengthDays, c.SessionLengthMobileDays = 1, 30 })
}

func TestSessionExpiry(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		expired := &model.Session{ID: model.NewID(), Token: model.NewID(), UserID: admin.UserID, CreateAt: 1, ExpiresAt: 2,
			LastActivityAt: 1, Roles: admin.User.Roles, Props: model.StringMap{"csrf": model.NewID()}}
		if err := s.Store.SaveSession(context.Background(), expired); err != nil {
			t.Fatal(err)
		}
		c := s.Anon()
		c.Token = expired.Token
		checkError(t, "expired session", c.Get("/users/me"), 401, sessionExpired)
		var sessions []model.Session
		admin.Get("/users/me/sessions").Expect(http.StatusOK).JSON(&sessions)
		for _, x := range sessions {
			if x.ID == expired.ID {
				t.Error("expired session still listed")
			}
		}
	})
}

func TestDeactivatedUsers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		admin.Put("/users/"+bob.UserID+"/roles", map[string]string{"roles": "system_user system_user_access_token"}).Expect(http.StatusOK)
		var pat model.UserAccessToken
		bob.Post("/users/me/tokens", map[string]string{"description": "bot"}).Expect(http.StatusOK).JSON(&pat)

		expectRefused(t, admin, []string{"/users/" + bob.UserID, "/users?active=false"}, []refusal{
			{"self-deactivation disabled", bob, "PUT", "/users/me/active", map[string]bool{"active": false}, 401,
				"api.user.update_active.not_enable.app_error"},
			{"deactivate another user", carol, "PUT", "/users/" + bob.UserID + "/active", map[string]bool{"active": false}, 403,
				"api.user.update_active.permissions.app_error"},
			{"active missing", admin, "PUT", "/users/" + bob.UserID + "/active", map[string]string{}, 400, badBody},
			{"active wrong type", admin, "PUT", "/users/" + bob.UserID + "/active", map[string]string{"active": "no"}, 400, badBody},
			{"unknown user", admin, "PUT", "/users/" + model.NewID() + "/active", map[string]bool{"active": false}, 404,
				"app.user.missing_account.const"},
			{"delete another user", carol, "DELETE", "/users/" + bob.UserID, nil, 403, forbidden},
			{"deactivate another user", carol, "PUT", "/users/" + bob.UserID + "/active", map[string]bool{"active": false}, 403, "api.user.update_active.permissions.app_error"},
			{"permanent delete", admin, "DELETE", "/users/" + bob.UserID + "?permanent=true", nil, 401,
				"api.user.delete_user.not_enabled.app_error"},
		})

		admin.Put("/users/"+bob.UserID+"/active", map[string]bool{"active": false}).Expect(http.StatusOK)
		checkError(t, "session of deactivated user", bob.Get("/users/me"), 401, sessionExpired)
		patClient := s.Anon()
		patClient.Token = pat.Token
		checkError(t, "token of deactivated user", patClient.Get("/users/me"), 401, sessionExpired)
		checkError(t, "login of deactivated user", s.Anon().Post("/users/login",
			map[string]string{"login_id": "bob", "password": "password-bob"}), 401, "api.user.login.inactive.app_error")
		var u model.User
		admin.Get("/users/" + bob.UserID).Expect(http.StatusOK).JSON(&u)
		if u.DeleteAt == 0 {
			t.Error("deactivated user has delete_at 0")
		}
		var inactive []model.User
		admin.Get("/users?inactive=true").Expect(http.StatusOK).JSON(&inactive)
		if ids := userIDs(inactive); len(ids) != 1 || ids[0] != bob.UserID {
			t.Errorf("inactive users: %v", ids)
		}

		admin.Put("/users/"+bob.UserID+"/active", map[string]bool{"active": true}).Expect(http.StatusOK)
		s.Login("bob", "password-bob")
		patClient.Get("/users/me").Expect(http.StatusOK)

		// DELETE /users/{id} deactivates.
		admin.Delete("/users/" + carol.UserID).Expect(http.StatusOK)
		checkError(t, "deleted user's session", carol.Get("/users/me"), 401, sessionExpired)
		admin.Get("/users/" + carol.UserID).Expect(http.StatusOK).JSON(&u)
		if u.DeleteAt == 0 {
			t.Error("DELETE did not deactivate")
		}
	})
}

func TestSelfDeactivation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.SignUp("admin")
		bob := s.SignUp("bob")
		bob.Put("/users/me/active", map[string]bool{"active": false}).Expect(http.StatusOK)
		checkError(t, "own session after self-deactivation", bob.Get("/users/me"), 401, sessionExpired)
	}, func(c *config.Config) { c.EnableUserDeactivation = true })
}

func TestPersonalAccessTokens(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		checkError(t, "without the token role", bob.Post("/users/me/tokens", map[string]string{"description": "x"}), 403, forbidden)
		admin.Put("/users/"+bob.UserID+"/roles", map[string]string{"roles": "system_user system_user_access_token"}).Expect(http.StatusOK)

		var pat model.UserAccessToken
		bob.Post("/users/me/tokens", map[string]string{"description": "ci"}).Expect(http.StatusOK).JSON(&pat)
		if !model.IsValidID(pat.Token) || !model.IsValidID(pat.ID) || pat.UserID != bob.UserID || !pat.IsActive {
			t.Fatalf("created token: %+v", pat)
		}
		tc := s.Anon()
		tc.Token = pat.Token
		var me model.User
		tc.Get("/users/me").Expect(http.StatusOK).JSON(&me)
		if me.ID != bob.UserID {
			t.Fatalf("PAT authenticates as %s", me.ID)
		}
		// Token sessions are not CSRF-checked either.
		tc.Put("/users/me/preferences", []model.Preference{{UserID: bob.UserID, Category: "a", Name: "b", Value: "c"}}).Expect(http.StatusOK)

		var list []model.UserAccessToken
		bob.Get("/users/me/tokens").Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 || list[0].Token != "" || list[0].Description != "ci" {
			t.Errorf("token list: %+v", list)
		}
		var got model.UserAccessToken
		bob.Get("/users/tokens/" + pat.ID).Expect(http.StatusOK).JSON(&got)
		if got.Token != "" || got.ID != pat.ID {
			t.Errorf("get token: %+v", got)
		}

		expectRefused(t, admin, []string{"/users/" + bob.UserID + "/tokens", "/users/tokens"}, []refusal{
			{"empty description", bob, "POST", "/users/me/tokens", map[string]string{"description": " "}, 400,
				"model.user_access_token.is_valid.description.app_error"},
			{"description wrong type", bob, "POST", "/users/me/tokens", `{"description": 1}`, 400, badBody},
			{"token for another user", bob, "POST", "/users/" + carol.UserID + "/tokens", map[string]string{"description": "x"}, 403, forbidden},
			{"other user's tokens", carol, "GET", "/users/" + bob.UserID + "/tokens", nil, 403, forbidden},
			{"other user's token", carol, "GET", "/users/tokens/" + pat.ID, nil, 403, forbidden},
			{"all tokens as non-admin", bob, "GET", "/users/tokens", nil, 403, forbidden},
			{"unknown token", bob, "GET", "/users/tokens/" + model.NewID(), nil, 404, "app.user_access_token.get_by_user.app_error"},
			{"invalid token id", bob, "GET", "/users/tokens/abc", nil, 400, badURL},
			{"revoke other user's token", carol, "POST", "/users/tokens/revoke", map[string]string{"token_id": pat.ID}, 403, forbidden},
			{"disable other user's token", carol, "POST", "/users/tokens/disable", map[string]string{"token_id": pat.ID}, 403, forbidden},
			{"revoke invalid id", bob, "POST", "/users/tokens/revoke", map[string]string{"token_id": "nope"}, 400, badBody},
			{"revoke unknown", bob, "POST", "/users/tokens/revoke", map[string]string{"token_id": model.NewID()}, 404,
				"app.user_access_token.get_by_user.app_error"},
			{"search as non-admin", bob, "POST", "/users/tokens/search", map[string]string{"term": "ci"}, 403, forbidden},
		})
		var found []model.UserAccessToken
		admin.Post("/users/tokens/search", map[string]string{"term": "ci"}).Expect(http.StatusOK).JSON(&found)
		if len(found) != 1 || found[0].Token != "" {
			t.Errorf("token search: %+v", found)
		}

		bob.Post("/users/tokens/disable", map[string]string{"token_id": pat.ID}).Expect(http.StatusOK)
		checkError(t, "disabled token", tc.Get("/users/me"), 401, sessionExpired)
		bob.Post("/users/tokens/enable", map[string]string{"token_id": pat.ID}).Expect(http.StatusOK)
		tc.Get("/users/me").Expect(http.StatusOK)
		bob.Post("/users/tokens/revoke", map[string]string{"token_id": pat.ID}).Expect(http.StatusOK)
		checkError(t, "revoked token", tc.Get("/users/me"), 401, sessionExpired)
		if r := bob.Get("/users/me/tokens").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("tokens after revoke: %s", r.Body)
		}
	})
}

func TestPersonalAccessTokensDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		checkError(t, "tokens disabled", admin.Post("/users/me/tokens", map[string]string{"description": "x"}), 501,
			"app.user_access_token.disabled")
	}, func(c *config.Config) { c.EnableUserAccessTokens = false })
}

// Behind a trusted proxy the session keeps the address it logged in from
// (props.ip) and the one of its last activity (props.last_activity_ip), and
// audit entries of a signed-in user's actions carry the request's address.
func TestSessionAndAuditAddresses(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.SignUp("admin")
		admin := s.Anon()
		admin.Header.Set("X-Forwarded-For", "203.0.113.1")
		r := admin.Post("/users/login", map[string]string{"login_id": "admin", "password": "password-admin"}).Expect(http.StatusOK)
		var u model.User
		r.JSON(&u)
		admin.Token, admin.UserID = r.Header.Get("Token"), u.ID
		sessionOf := func() *model.Session {
			t.Helper()
			var ss []*model.Session
			admin.Get("/users/me/sessions").Expect(http.StatusOK).JSON(&ss)
			for _, x := range ss {
				if x.Props["ip"] == "203.0.113.1" {
					return x
				}
			}
			t.Fatalf("no session with the login address: %+v", ss)
			return nil
		}
		// A minute and more later, a request from elsewhere moves the last activity.
		sess := sessionOf()
		if err := s.Store.TouchSession(context.Background(), sess.ID, sess.LastActivityAt-120_000, ""); err != nil {
			t.Fatal(err)
		}
		admin.Header.Set("X-Forwarded-For", "203.0.113.2")
		admin.Get("/users/me").Expect(http.StatusOK)
		if got := sessionOf().Props["last_activity_ip"]; got != "203.0.113.2" {
			t.Fatalf("last_activity_ip %q", got)
		}

		admin.Header.Set("X-Forwarded-For", "203.0.113.3")
		admin.Get("/users/" + admin.UserID + "/export").Expect(http.StatusOK)
		var audits []model.Audit
		admin.Get("/audits?action=" + model.AuditUserExport).Expect(http.StatusOK).JSON(&audits)
		if len(audits) != 1 || audits[0].IPAddress != "203.0.113.3" {
			t.Fatalf("export audit %+v, want ip 203.0.113.3", audits)
		}
	}, func(c *config.Config) {
		c.TrustedProxyIPHeader, c.TrustedProxies = "X-Forwarded-For", "127.0.0.1"
	})
}
