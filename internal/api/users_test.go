package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func TestCreateUser(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		anon := s.Anon()
		r := anon.Post("/users", map[string]any{"username": "Admin", "email": "Admin@Example.com", "password": "password-admin",
			"roles": "system_user", "id": model.NewID(), "delete_at": 5}).Expect(http.StatusCreated)
		created := rawJSON(t, r.Body)
		for _, k := range []string{"id", "delete_at", "username", "auth_data", "auth_service", "email", "nickname", "first_name",
			"last_name", "position", "roles", "locale", "timezone", "notify_props", "disable_welcome_email"} {
			if _, ok := created[k]; !ok {
				t.Errorf("created user lacks %q: %s", k, r.Body)
			}
		}
		for _, k := range []string{"password", "mfa_secret"} {
			if _, ok := created[k]; ok {
				t.Errorf("created user carries %q", k)
			}
		}
		var u model.User
		r.JSON(&u)
		if u.Username != "admin" || u.Email != "admin@example.com" || u.DeleteAt != 0 || *u.AuthData != "" ||
			u.Timezone["useAutomaticTimezone"] != "true" || u.NotifyProps["push"] != "mention" || u.Locale != "en" ||
			!model.HasRole(u.Roles, model.RoleSystemAdmin) {
			t.Errorf("created user: %+v", u)
		}
		admin := s.Login("admin", "password-admin")
		bob := s.SignUp("bob")
		if bob.User.Roles != model.RoleSystemUser {
			t.Errorf("second user roles %q", bob.User.Roles)
		}

		user := func(name, email, pw string) map[string]string {
			return map[string]string{"username": name, "email": email, "password": pw}
		}
		invalid := func(f string) string { return "model.user.is_valid." + f + ".app_error" }
		expectRefused(t, admin, []string{"/users?per_page=200", "/users/stats"}, []refusal{
			{"duplicate username", anon, "POST", "/users", user("bob", "bob2@example.com", "password-x"), 400, "app.user.save.username_exists.app_error"},
			{"duplicate username other case", anon, "POST", "/users", user("BOB", "bob3@example.com", "password-x"), 400, "app.user.save.username_exists.app_error"},
			{"duplicate email", anon, "POST", "/users", user("bobby", "BOB@example.com", "password-x"), 400, "app.user.save.email_exists.app_error"},
			{"empty username", anon, "POST", "/users", user("", "e1@example.com", "password-x"), 400, invalid("username")},
			{"username with space", anon, "POST", "/users", user("bo b", "e2@example.com", "password-x"), 400, invalid("username")},
			{"username with symbol", anon, "POST", "/users", user("bob!", "e3@example.com", "password-x"), 400, invalid("username")},
			{"reserved username", anon, "POST", "/users", user("all", "e4@example.com", "password-x"), 400, invalid("username")},
			{"too long username", anon, "POST", "/users", user(strings.Repeat("a", 65), "e5@example.com", "password-x"), 400, invalid("username")},
			{"invalid email", anon, "POST", "/users", user("eve", "not-an-email", "password-x"), 400, invalid("email")},
			{"missing email", anon, "POST", "/users", map[string]string{"username": "eve", "password": "password-x"}, 400, invalid("email")},
			{"too long nickname", anon, "POST", "/users", map[string]string{"username": "eve", "email": "eve@example.com",
				"password": "password-x", "nickname": strings.Repeat("n", 65)}, 400, invalid("nickname")},
			{"short password", anon, "POST", "/users", user("eve", "eve@example.com", "short"), 400, invalid("pwd_min_length")},
			{"missing password", anon, "POST", "/users", map[string]string{"username": "eve", "email": "eve@example.com"}, 400, invalid("pwd_min_length")},
			{"malformed JSON", anon, "POST", "/users", `{"username": "eve", `, 400, badBody},
			{"wrong type", anon, "POST", "/users", `{"username": ["eve"], "email": "eve@example.com", "password": "password-x"}`, 400, badBody},
			{"wrong props type", anon, "POST", "/users", `{"username": "eve", "email": "eve@example.com", "password": "password-x", "props": {"a": 1}}`, 400, badBody},
			{"null body", anon, "POST", "/users", `null`, 400, "model.user.is_valid.username.app_error"},
			{"oversized", anon, "POST", "/users", oversized("username"), 413, tooLarge},
			{"bad invite id", anon, "POST", "/users?iid=" + model.NewID(), user("eve", "eve@example.com", "password-x"), 400,
				"api.user.create_user.signup_link_invalid.app_error"},
		})
	})
}

func TestCreateUserClosedServer(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("staff", false)
		body := map[string]string{"username": "eve", "email": "eve@example.com", "password": "password-eve"}
		expectRefused(t, admin, []string{"/users/stats"}, []refusal{
			{"no open server", s.Anon(), "POST", "/users", body, 403, "api.user.create_user.no_open_server"},
		})
		// A team invite id opens the door and joins the team.
		var withInvite model.Team
		admin.Get("/teams/" + team.ID).Expect(http.StatusOK).JSON(&withInvite)
		s.Anon().Post("/users?iid="+withInvite.InviteID, body).Expect(http.StatusCreated)
		eve := s.Login("eve", "password-eve")
		var teams []model.Team
		eve.Get("/users/me/teams").Expect(http.StatusOK).JSON(&teams)
		if len(teams) != 1 || teams[0].ID != team.ID {
			t.Errorf("invited user's teams: %+v", teams)
		}
		// Admins may always create users.
		admin.Post("/users", map[string]string{"username": "fred", "email": "fred@example.com", "password": "password-fred"}).
			Expect(http.StatusCreated)
	}, func(c *config.Config) { c.EnableOpenServer = false })
}

func TestCreateUserDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		expectRefused(t, admin, []string{"/users/stats"}, []refusal{
			{"user creation disabled", s.Anon(), "POST", "/users",
				map[string]string{"username": "eve", "email": "eve@example.com", "password": "password-eve"}, 501,
				"api.user.create_user.signup_email_disabled.app_error"},
		})
	}, func(c *config.Config) { c.EnableUserCreation = false })
}

// enable_sign_up_with_email off refuses sign-up as Mattermost does, and the
// client config says so; an admin still creates accounts.
func TestSignUpWithEmailDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		body := map[string]string{"username": "eve", "email": "eve@example.com", "password": "password-eve"}
		s.Anon().Post("/users", body).ExpectError(http.StatusNotImplemented, "api.user.create_user.signup_email_disabled.app_error")
		var cfg map[string]string
		s.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["EnableSignUpWithEmail"] != "false" || cfg["EnableUserCreation"] != "true" {
			t.Errorf("client config: EnableSignUpWithEmail %q, EnableUserCreation %q", cfg["EnableSignUpWithEmail"], cfg["EnableUserCreation"])
		}
		admin.Post("/users", body).Expect(http.StatusCreated)
	}, func(c *config.Config) { c.EnableSignUpWithEmail = false })
}

func TestGetUsers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")

		var me model.User
		r := bob.Get("/users/me").Expect(http.StatusOK)
		r.JSON(&me)
		if me.ID != bob.UserID || me.NotifyProps == nil || me.Email != "bob@example.com" {
			t.Errorf("me: %+v", me)
		}
		// Other users are sanitized: no notify_props, auth_data "", delete_at and timezone present.
		r = bob.Get("/users/" + carol.UserID).Expect(http.StatusOK)
		other := rawJSON(t, r.Body)
		if _, ok := other["notify_props"]; ok {
			t.Errorf("other user's notify_props visible: %s", r.Body)
		}
		if string(other["auth_data"]) != `""` || string(other["delete_at"]) != "0" || other["timezone"] == nil {
			t.Errorf("other user shape: %s", r.Body)
		}
		// Admins see notify props.
		if m := rawJSON(t, admin.Get("/users/"+carol.UserID).Expect(http.StatusOK).Body); m["notify_props"] == nil {
			t.Error("admin does not see notify_props")
		}
		var byName, byEmail model.User
		bob.Get("/users/username/carol").Expect(http.StatusOK).JSON(&byName)
		bob.Get("/users/email/carol@example.com").Expect(http.StatusOK).JSON(&byEmail)
		if byName.ID != carol.UserID || byEmail.ID != carol.UserID {
			t.Errorf("by name %s, by email %s", byName.ID, byEmail.ID)
		}

		var us []model.User
		bob.Post("/users/ids", []string{carol.UserID, model.NewID(), admin.UserID}).Expect(http.StatusOK).JSON(&us)
		if ids := userIDs(us); len(ids) != 2 || !slices.Contains(ids, carol.UserID) || !slices.Contains(ids, admin.UserID) {
			t.Errorf("users by ids: %v", ids)
		}
		if r := bob.Post("/users/ids", []string{model.NewID()}).Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("unknown ids: %s", r.Body)
		}
		bob.Post("/users/usernames", []string{"carol", "nobody"}).Expect(http.StatusOK).JSON(&us)
		if len(us) != 1 || us[0].ID != carol.UserID {
			t.Errorf("users by usernames: %v", userIDs(us))
		}
		var stats map[string]int64
		bob.Get("/users/stats").Expect(http.StatusOK).JSON(&stats)
		if stats["total_users_count"] != 3 {
			t.Errorf("stats %v", stats)
		}

		for _, tc := range []refusal{
			{"no session", s.Anon(), "GET", "/users/" + carol.UserID, nil, 401, sessionExpired},
			{"unknown id", bob, "GET", "/users/" + model.NewID(), nil, 404, "app.user.missing_account.const"},
			{"short id", bob, "GET", "/users/abc", nil, 400, badURL},
			{"unknown username", bob, "GET", "/users/username/nobody", nil, 404, "app.user.get_by_username.app_error"},
			{"email without @", bob, "GET", "/users/email/carol", nil, 400, badURL},
			{"ids malformed", bob, "POST", "/users/ids", `["` + carol.UserID, 400, badBody},
			{"ids not an array", bob, "POST", "/users/ids", map[string]string{"id": carol.UserID}, 400, badBody},
			{"ids invalid id", bob, "POST", "/users/ids", []string{"abc"}, 400, badBody},
			{"ids empty", bob, "POST", "/users/ids", []string{}, 400, badBody},
			{"ids wrong element type", bob, "POST", "/users/ids", `[1, 2]`, 400, badBody},
			{"ids bad since", bob, "POST", "/users/ids?since=x", []string{carol.UserID}, 400, badURL},
			{"usernames empty", bob, "POST", "/users/usernames", []string{}, 400, badBody},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestGetUserByEmailHidden(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		checkError(t, "email hidden", bob.Get("/users/email/admin@example.com"), 403, "api.user.get_user_by_email.permissions.app_error")
		var u model.User
		bob.Get("/users/" + admin.UserID).Expect(http.StatusOK).JSON(&u)
		if u.Email != "" {
			t.Errorf("email visible: %q", u.Email)
		}
		admin.Get("/users/email/bob@example.com").Expect(http.StatusOK)
	}, func(c *config.Config) { c.ShowEmailAddress = false })
}

func TestListUsers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		dave := s.SignUp("dave")
		team := admin.CreateTeam("staff", true)
		admin.AddToTeam(team.ID, bob.UserID)
		admin.AddToTeam(team.ID, carol.UserID)
		private := admin.CreateChannel(team.ID, "secret", "P")
		admin.Post("/channels/"+private.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)

		list := func(c *apitest.Client, query string) []string {
			t.Helper()
			var us []model.User
			c.Get("/users" + query).Expect(http.StatusOK).JSON(&us)
			return userIDs(us)
		}
		if got := list(bob, ""); len(got) != 4 {
			t.Errorf("all users: %v", got)
		}
		if got := list(bob, "?in_team="+team.ID); len(got) != 3 || slices.Contains(got, dave.UserID) {
			t.Errorf("in_team: %v", got)
		}
		if got := list(admin, "?not_in_team="+team.ID); len(got) != 1 || got[0] != dave.UserID {
			t.Errorf("not_in_team: %v", got)
		}
		if got := list(bob, "?in_channel="+private.ID); len(got) != 2 || !slices.Contains(got, bob.UserID) {
			t.Errorf("in_channel: %v", got)
		}
		if got := list(bob, "?in_team="+team.ID+"&not_in_channel="+private.ID); len(got) != 1 || got[0] != carol.UserID {
			t.Errorf("not_in_channel: %v", got)
		}
		// Paging: one per page, in a stable order, then [] past the end.
		var paged []string
		for p := range 4 {
			paged = append(paged, list(bob, "?per_page=1&page="+string(rune('0'+p)))...)
		}
		if len(paged) != 4 || len(slices.Compact(slices.Sorted(slices.Values(paged)))) != 4 {
			t.Errorf("paged users: %v", paged)
		}
		if r := bob.Get("/users?page=9&per_page=50").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("page past the end: %s", r.Body)
		}
		if got := list(bob, "?per_page=abc&page=-1"); len(got) != 4 {
			t.Errorf("bad paging values should fall back to defaults: %v", got)
		}

		var ac struct {
			Users        []model.User `json:"users"`
			OutOfChannel []model.User `json:"out_of_channel"`
		}
		bob.Get("/users/autocomplete?name=ca&in_team=" + team.ID + "&in_channel=" + private.ID).Expect(http.StatusOK).JSON(&ac)
		if len(ac.Users) != 0 || len(ac.OutOfChannel) != 1 || ac.OutOfChannel[0].ID != carol.UserID {
			t.Errorf("autocomplete in channel: %+v", ac)
		}
		r := bob.Get("/users/autocomplete?name=zzz&in_team=" + team.ID).Expect(http.StatusOK)
		if string(rawJSON(t, r.Body)["users"]) != "[]" {
			t.Errorf("empty autocomplete: %s", r.Body)
		}
		var found []model.User
		bob.Post("/users/search", map[string]string{"term": "car"}).Expect(http.StatusOK).JSON(&found)
		if len(found) != 1 || found[0].ID != carol.UserID {
			t.Errorf("search: %v", userIDs(found))
		}

		for _, tc := range []refusal{
			{"not_in_channel without in_team", bob, "GET", "/users?not_in_channel=" + private.ID, nil, 400, badURL},
			{"invalid in_team", bob, "GET", "/users?in_team=abc", nil, 400, badURL},
			{"bad sort", bob, "GET", "/users?sort=name", nil, 400, badURL},
			{"sort by status without channel", bob, "GET", "/users?sort=status", nil, 400, badURL},
			{"in_team of another team", dave, "GET", "/users?in_team=" + team.ID, nil, 403, forbidden},
			{"in_channel of a private channel", carol, "GET", "/users?in_channel=" + private.ID, nil, 403, forbidden},
			{"not_in_channel of a private channel", carol, "GET", "/users?in_team=" + team.ID + "&not_in_channel=" + private.ID, nil, 403, forbidden},
			{"autocomplete private channel", carol, "GET", "/users/autocomplete?name=&in_team=" + team.ID + "&in_channel=" + private.ID, nil, 403, forbidden},
			{"autocomplete other team", dave, "GET", "/users/autocomplete?name=&in_team=" + team.ID, nil, 403, forbidden},
			{"without_team as member", bob, "GET", "/users?without_team=true", nil, 403, forbidden},
			{"search without term", bob, "POST", "/users/search", map[string]string{"term": ""}, 400, badBody},
			{"search private channel", carol, "POST", "/users/search", map[string]string{"term": "b", "in_channel_id": private.ID}, 403, forbidden},
			{"search malformed", bob, "POST", "/users/search", `{"term":`, 400, badBody},
			{"no session", s.Anon(), "GET", "/users", nil, 401, sessionExpired},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestUpdateUsers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")

		var u model.User
		bob.Put("/users/me/patch", map[string]any{"nickname": "Bobby", "position": "dev",
			"notify_props": map[string]string{"mention_keys": "bob,@bob", "push": "all"}}).Expect(http.StatusOK).JSON(&u)
		if u.Nickname != "Bobby" || u.Position != "dev" || u.Username != "bob" || u.NotifyProps["push"] != "all" {
			t.Errorf("patched: %+v", u)
		}
		// A username change rewrites mention keys.
		bob.Put("/users/me/patch", map[string]string{"username": "robert"}).Expect(http.StatusOK).JSON(&u)
		if u.Username != "robert" || u.NotifyProps["mention_keys"] != "robert,robert" {
			t.Errorf("renamed: %q %q", u.Username, u.NotifyProps["mention_keys"])
		}
		admin.Put("/users/"+bob.UserID+"/patch", map[string]string{"first_name": "Rob"}).Expect(http.StatusOK)
		bob.Get("/users/me").Expect(http.StatusOK).JSON(&u)
		full := u
		full.LastName = "Jones"
		full.Password = ""
		bob.Put("/users/me", full).Expect(http.StatusOK).JSON(&u)
		if u.LastName != "Jones" || u.FirstName != "Rob" {
			t.Errorf("updated: %+v", u)
		}
		bob.Put("/users/me/patch", map[string]string{"email": "robert@example.com", "password": "password-bob"}).Expect(http.StatusOK)

		invalid := func(f string) string { return "model.user.is_valid." + f + ".app_error" }
		expectRefused(t, admin, []string{"/users/" + bob.UserID, "/users/" + carol.UserID}, []refusal{
			{"patch other user", carol, "PUT", "/users/" + bob.UserID + "/patch", map[string]string{"nickname": "x"}, 403, forbidden},
			{"patch admin as non-admin", bob, "PUT", "/users/" + admin.UserID + "/patch", map[string]string{"nickname": "x"}, 403, forbidden},
			{"patch unknown user", admin, "PUT", "/users/" + model.NewID() + "/patch", map[string]string{"nickname": "x"}, 404, "app.user.missing_account.const"},
			{"patch invalid id", admin, "PUT", "/users/abc/patch", map[string]string{"nickname": "x"}, 400, badURL},
			{"duplicate username", bob, "PUT", "/users/me/patch", map[string]string{"username": "carol"}, 400, "app.user.save.username_exists.app_error"},
			{"duplicate email", bob, "PUT", "/users/me/patch", map[string]string{"email": "carol@example.com", "password": "password-bob"}, 400,
				"app.user.save.email_exists.app_error"},
			{"email change without password", bob, "PUT", "/users/me/patch", map[string]string{"email": "new@example.com"}, 400,
				"api.user.check_user_password.invalid.app_error"},
			{"invalid username", bob, "PUT", "/users/me/patch", map[string]string{"username": "no way"}, 400, invalid("username")},
			{"reserved username", bob, "PUT", "/users/me/patch", map[string]string{"username": "channel"}, 400, invalid("username")},
			{"invalid email", admin, "PUT", "/users/" + bob.UserID + "/patch", map[string]string{"email": "nope"}, 400, invalid("email")},
			{"long position", bob, "PUT", "/users/me/patch", map[string]string{"position": strings.Repeat("p", 129)}, 400, invalid("position")},
			{"long locale", bob, "PUT", "/users/me/patch", map[string]string{"locale": "xx-long"}, 400, invalid("locale")},
			{"wrong type", bob, "PUT", "/users/me/patch", `{"nickname": 5}`, 400, badBody},
			{"malformed", bob, "PUT", "/users/me/patch", `{"nickname": "x"`, 400, badBody},
			{"oversized", bob, "PUT", "/users/me/patch", oversized("nickname"), 413, tooLarge},
			{"update id mismatch", bob, "PUT", "/users/me", map[string]string{"id": carol.UserID, "username": "x"}, 400, badBody},
			{"update other user", carol, "PUT", "/users/" + bob.UserID, map[string]string{"id": bob.UserID, "username": "x"}, 403, forbidden},
			{"password wrong current", bob, "PUT", "/users/me/password", map[string]string{"current_password": "nope-nope", "new_password": "new-password"},
				400, "api.user.update_password.incorrect.app_error"},
			{"password missing current", bob, "PUT", "/users/me/password", map[string]string{"new_password": "new-password"}, 400, badBody},
			{"password too short", bob, "PUT", "/users/me/password", map[string]string{"current_password": "password-bob", "new_password": "short"},
				400, invalid("pwd_min_length")},
			{"password of other user", carol, "PUT", "/users/" + bob.UserID + "/password", map[string]string{"new_password": "new-password"}, 403, forbidden},
			{"roles as non-admin", bob, "PUT", "/users/me/roles", map[string]string{"roles": "system_user system_admin"}, 403, forbidden},
			{"unknown role", admin, "PUT", "/users/" + bob.UserID + "/roles", map[string]string{"roles": "system_user team_admin"}, 400, badBody},
			{"roles of unknown user", admin, "PUT", "/users/" + model.NewID() + "/roles", map[string]string{"roles": "system_user"}, 404,
				"app.user.missing_account.const"},
		})

		bob.Put("/users/me/password", map[string]string{"current_password": "password-bob", "new_password": "better-password"}).Expect(http.StatusOK)
		checkError(t, "old password", s.Anon().Post("/users/login", map[string]string{"login_id": "robert", "password": "password-bob"}),
			401, "api.user.login.invalid_credentials_email_username")
		s.Login("robert", "better-password")
		admin.Put("/users/"+carol.UserID+"/password", map[string]string{"new_password": "reset-by-admin"}).Expect(http.StatusOK)
		s.Login("carol", "reset-by-admin")
	})
}

func TestUserImageAndMisc(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		r := admin.Get("/users/me/image").Expect(http.StatusOK)
		if r.Header.Get("Content-Type") != "image/png" || len(r.Body) == 0 {
			t.Errorf("image: %v", r.Header)
		}
		var known []string
		if r := admin.Get("/users/known").Expect(http.StatusOK); !isEmptyArray(r.Body) {
			r.JSON(&known)
			t.Errorf("known users of a lone admin: %v", known)
		}
		checkError(t, "image of unknown user", admin.Get("/users/"+model.NewID()+"/image"), 404, "app.user.missing_account.const")
		checkError(t, "terms of service", admin.Get("/users/me/terms_of_service"), 404, "app.user_terms_of_service.get_by_user.no_rows.app_error")
		var mfa map[string]bool
		s.Anon().Post("/users/mfa", map[string]string{"login_id": "admin"}).Expect(http.StatusOK).JSON(&mfa)
		if v, ok := mfa["mfa_required"]; !ok || v {
			t.Errorf("mfa: %v", mfa)
		}
		var st map[string]any
		admin.Get("/users/me/status").Expect(http.StatusOK).JSON(&st)
		if st["user_id"] != admin.UserID {
			t.Errorf("status: %v", st)
		}
		var sts []json.RawMessage
		admin.Post("/users/status/ids", []string{admin.UserID, model.NewID()}).Expect(http.StatusOK).JSON(&sts)
		if len(sts) != 2 {
			t.Errorf("statuses: %d", len(sts))
		}
	})
}

// With full names hidden, a search by first name finds no one for other users.
func TestUserSearchHonoursHiddenFullNames(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		bob.Put("/users/me/patch", map[string]string{"first_name": "Zebedee"}).Expect(http.StatusOK)
		var found []model.User
		admin.Post("/users/search", map[string]any{"term": "zebe"}).Expect(http.StatusOK).JSON(&found)
		if len(found) != 1 {
			t.Fatalf("admin search by first name: %d results", len(found))
		}
		carol := s.SignUp("carol")
		carol.Post("/users/search", map[string]any{"term": "zebe"}).Expect(http.StatusOK).JSON(&found)
		if len(found) != 0 {
			t.Fatalf("hidden first name was searchable: %+v", found)
		}
		carol.Post("/users/search", map[string]any{"term": "bo"}).Expect(http.StatusOK).JSON(&found)
		if len(found) != 1 || found[0].FirstName != "" {
			t.Fatalf("search by username: %+v", found)
		}
	}, func(c *config.Config) { c.ShowFullName = false })
}

func TestUpdateRolesKeepsABaseRole(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		for _, roles := range []string{"", "system_admin", "team_admin system_user"} {
			admin.Put("/users/"+bob.UserID+"/roles", map[string]string{"roles": roles}).
				ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		}
		admin.Put("/users/"+bob.UserID+"/roles", map[string]string{"roles": "system_user system_admin"}).Expect(http.StatusOK)
	})
}
