package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/ldaptest"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

var (
	ldapAlice = ldaptest.User{UID: "alice", Password: "alice-pw", Mail: "alice@example.com", GivenName: "Alice",
		Surname: "Liddell", Title: "Engineer", EmployeeNumber: "1001"}
	ldapBob = ldaptest.User{UID: "bob", Password: "bob-pw", Mail: "bob@example.com", GivenName: "Bob",
		Surname: "Builder", Title: "Builder", EmployeeNumber: "1002"}
)

// ldapConfig points Parley at dir with Mattermost's usual OpenLDAP mapping.
func ldapConfig(dir *ldaptest.Server) func(*config.Config) {
	return func(c *config.Config) {
		c.LdapEnable, c.LdapEnableSync = true, true
		c.LdapServer, c.LdapPort, c.LdapBaseDN = dir.Host, dir.Port, ldaptest.BaseDN
		c.LdapBindUsername, c.LdapBindPassword = ldaptest.AdminDN, ldaptest.AdminPassword
		c.LdapUserFilter = "(objectClass=inetOrgPerson)"
		c.LdapIDAttribute, c.LdapUsernameAttribute, c.LdapLoginIDAttribute = "employeeNumber", "uid", "uid"
		c.LdapEmailAttribute, c.LdapFirstNameAttribute, c.LdapLastNameAttribute = "mail", "givenName", "sn"
		c.LdapPositionAttribute = "title"
	}
}

func ldapLogin(t *testing.T, s *apitest.Server, body map[string]string) *apitest.Client {
	t.Helper()
	c := s.Anon()
	r := c.Post("/users/login", body).Expect(http.StatusOK)
	var u model.User
	r.JSON(&u)
	c.Token, c.UserID, c.User = r.Header.Get("Token"), u.ID, &u
	return c
}

// TestLdapLogin logs in against a real slapd as the official clients do
// (ldap_only "true") and with a plain login id, and checks what the
// directory owns cannot be changed through the API.
func TestLdapLogin(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		dir := ldaptest.Start(t, ldapAlice, ldapBob)
		s := apitest.Start(t, b, ldapConfig(dir))
		admin := s.SignUp("admin")

		alice := ldapLogin(t, s, map[string]string{"login_id": "alice", "password": "alice-pw", "ldap_only": "true"})
		u := alice.User
		if u.AuthService != "ldap" || u.Username != "alice" || u.Email != "alice@example.com" || u.FirstName != "Alice" ||
			u.LastName != "Liddell" || u.Position != "Engineer" {
			t.Fatalf("first LDAP login created %+v", u)
		}
		for _, body := range []map[string]string{
			{"login_id": "alice", "password": "alice-pw"},
			{"login_id": "alice@example.com", "password": "alice-pw"},
			{"login_id": "alice", "password": "alice-pw", "ldap_only": "true"},
		} {
			if again := ldapLogin(t, s, body); again.UserID != u.ID {
				t.Fatalf("login %v gave user %s, want %s", body, again.UserID, u.ID)
			}
		}
		for _, body := range []map[string]string{
			{"login_id": "alice", "password": "wrong", "ldap_only": "true"},
			{"login_id": "alice", "password": "wrong"},
			{"login_id": "nobody", "password": "alice-pw", "ldap_only": "true"},
			{"login_id": "nobody", "password": "alice-pw"},
		} {
			s.Anon().Post("/users/login", body).ExpectError(http.StatusUnauthorized, "api.user.login.invalid_credentials_email_username")
		}
		// The email account of the admin still logs in with its password.
		s.Login("admin", "password-admin")

		alice.Put("/users/"+u.ID+"/password", map[string]string{"current_password": "alice-pw", "new_password": "another-pw-1"}).
			ExpectError(http.StatusBadRequest, "api.user.update_password.oauth.app_error")
		alice.Put("/users/"+u.ID+"/patch", map[string]string{"position": "CEO"}).
			ExpectError(http.StatusConflict, "api.user.patch_user.login_provider_attribute_set.app_error")
		admin.Put("/users/"+u.ID+"/patch", map[string]string{"first_name": "Al"}).
			ExpectError(http.StatusConflict, "api.user.patch_user.login_provider_attribute_set.app_error")
		var patched model.User
		alice.Put("/users/"+u.ID+"/patch", map[string]string{"nickname": "ally", "position": "Engineer"}).Expect(http.StatusOK).JSON(&patched)
		if patched.Nickname != "ally" {
			t.Fatalf("nickname (not mapped) not changed: %+v", patched)
		}

		var cc map[string]string
		s.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["EnableLdap"] != "true" {
			t.Fatalf("client config EnableLdap = %q", cc["EnableLdap"])
		}
		var lic map[string]string
		s.Anon().Get("/license/client?format=old").Expect(http.StatusOK).JSON(&lic)
		if lic["LDAP"] != "true" || lic["IsLicensed"] != "true" {
			t.Fatalf("license/client LDAP = %q, IsLicensed = %q", lic["LDAP"], lic["IsLicensed"])
		}

		// Wrong directory passwords count as wrong passwords do: the account locks.
		for range 10 {
			s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "wrong"}).
				ExpectError(http.StatusUnauthorized, "api.user.login.invalid_credentials_email_username")
		}
		s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "bob-pw"}).Expect(http.StatusOK)
		for range 10 {
			s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "wrong", "ldap_only": "true"})
		}
		s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "bob-pw", "ldap_only": "true"}).
			ExpectError(http.StatusUnauthorized, "api.user.check_user_login_attempts.too_many.app_error")

		admin.Post("/ldap/test", nil).Expect(http.StatusOK)
		alice.Post("/ldap/test", nil).Expect(http.StatusForbidden)
		alice.Post("/ldap/sync", nil).Expect(http.StatusForbidden)
	})
}

// TestLdapSync changes and removes directory entries, runs POST /ldap/sync
// and checks the removed user is deactivated within 30 s with their socket
// closed and token refused, while the other's attributes follow the directory.
func TestLdapSync(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		dir := ldaptest.Start(t, ldapAlice, ldapBob)
		s := apitest.Start(t, b, ldapConfig(dir))
		admin := s.SignUp("admin")
		alice := ldapLogin(t, s, map[string]string{"login_id": "alice", "password": "alice-pw", "ldap_only": "true"})
		bob := ldapLogin(t, s, map[string]string{"login_id": "bob", "password": "bob-pw", "ldap_only": "true"})

		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
		defer cancel()
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/v4/websocket",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + bob.Token}}})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.CloseNow()
		closed := make(chan error, 1)
		go func() {
			for {
				if _, _, err := ws.Read(ctx); err != nil {
					closed <- err
					return
				}
			}
		}()

		dir.Replace(t, ldapAlice.DN(), "title", "Architect")
		dir.Delete(t, ldapBob.DN())
		start := time.Now()
		var ok map[string]string
		admin.Post("/ldap/sync", nil).Expect(http.StatusOK).JSON(&ok)
		if ok["status"] != "OK" {
			t.Fatalf("POST /ldap/sync answered %v", ok)
		}
		for {
			var u model.User
			admin.Get("/users/" + bob.UserID).Expect(http.StatusOK).JSON(&u)
			if u.DeleteAt > 0 {
				t.Logf("deactivated %v after POST /ldap/sync", time.Since(start).Round(time.Millisecond))
				break
			}
			if time.Since(start) > 30*time.Second {
				t.Fatal("bob, gone from the directory, is still active 30 s after POST /ldap/sync")
			}
			time.Sleep(100 * time.Millisecond)
		}
		select {
		case <-closed:
			t.Logf("socket closed %v after POST /ldap/sync", time.Since(start).Round(time.Millisecond))
		case <-time.After(30*time.Second - time.Since(start)):
			t.Fatal("bob's socket is still open 30 s after the sync")
		}
		bob.Get("/users/me").Expect(http.StatusUnauthorized)
		var a model.User
		admin.Get("/users/" + alice.UserID).Expect(http.StatusOK).JSON(&a)
		if a.DeleteAt != 0 || a.Position != "Architect" {
			t.Fatalf("alice after sync: delete_at %d, position %q; want active, Architect", a.DeleteAt, a.Position)
		}
		// The job records its end just after its last change.
		for {
			var jobs []model.Job
			admin.Get("/jobs/type/ldap_sync").Expect(http.StatusOK).JSON(&jobs)
			if len(jobs) != 1 {
				t.Fatalf("ldap_sync jobs: %+v", jobs)
			}
			if jobs[0].Status == model.JobStatusSuccess && jobs[0].Data["deactivated"] == "1" {
				break
			}
			if jobs[0].Status != model.JobStatusInProgress || time.Since(start) > 30*time.Second {
				t.Fatalf("ldap_sync job: %+v", jobs[0])
			}
			time.Sleep(50 * time.Millisecond)
		}
		// Bob cannot log in any more: the directory no longer knows him.
		s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "bob-pw"}).
			ExpectError(http.StatusUnauthorized, "api.user.login.invalid_credentials_email_username")
	})
}

// TestLdapGuestFilter: with guest accounts on, the users GuestFilter matches
// log in as guests, and a sync promotes one the filter no longer matches.
func TestLdapGuestFilter(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		gina := ldaptest.User{UID: "gina", Password: "gina-pw", Mail: "gina@example.com", GivenName: "Gina",
			Surname: "Guest", Title: "Contractor", EmployeeNumber: "1003"}
		dir := ldaptest.Start(t, ldapAlice, gina)
		s := apitest.Start(t, b, ldapConfig(dir), guestsOn, func(c *config.Config) { c.LdapGuestFilter = "(title=Contractor)" })
		admin := s.SignUp("admin")
		g := ldapLogin(t, s, map[string]string{"login_id": "gina", "password": "gina-pw", "ldap_only": "true"})
		a := ldapLogin(t, s, map[string]string{"login_id": "alice", "password": "alice-pw", "ldap_only": "true"})
		if g.User.Roles != model.RoleSystemGuest || a.User.Roles != model.RoleSystemUser {
			t.Fatalf("roles after first login: gina %q, alice %q", g.User.Roles, a.User.Roles)
		}
		dir.Replace(t, gina.DN(), "title", "Engineer")
		admin.Post("/ldap/sync", nil).Expect(http.StatusOK)
		deadline := time.Now().Add(30 * time.Second)
		for {
			var u model.User
			admin.Get("/users/" + g.UserID).Expect(http.StatusOK).JSON(&u)
			if u.Roles == model.RoleSystemUser {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("gina still %q 30 s after the sync", u.Roles)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}
