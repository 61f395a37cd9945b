package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/ldaptest"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestUserMigrateAuth moves email accounts to a real slapd's entries and
// back, as mmctl user migrate-auth does: a dry run and an unmatched account
// change nothing, --force migrates the matched ones.
func TestUserMigrateAuth(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		dir := ldaptest.Start(t,
			ldaptest.User{UID: "ann", Password: "ann-pw", Mail: "ann@example.com", GivenName: "Ann", Surname: "A", EmployeeNumber: "2001"},
			ldaptest.User{UID: "bob", Password: "bob-pw", Mail: "bob@example.com", GivenName: "Bob", Surname: "B", EmployeeNumber: "2002"})
		h := newHarness(t, b)
		cfg := h.config()
		cfg.LdapEnable, cfg.LdapServer, cfg.LdapPort, cfg.LdapBaseDN = true, dir.Host, dir.Port, ldaptest.BaseDN
		cfg.LdapBindUsername, cfg.LdapBindPassword = ldaptest.AdminDN, ldaptest.AdminPassword
		cfg.LdapIDAttribute, cfg.LdapUsernameAttribute, cfg.LdapLoginIDAttribute, cfg.LdapEmailAttribute = "employeeNumber", "uid", "uid", "mail"
		js, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		h.cfgPath = filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(h.cfgPath, js, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ann", "bob", "zed"} {
			h.ok("user", "create", "--email", name+"@example.com", "--username", name, "--password", "Passw0rd-"+name)
		}
		ldapUsers := func() int { return h.count("SELECT COUNT(*) FROM users WHERE auth_service = 'ldap'") }

		out := h.ok("user", "migrate-auth", "email", "ldap", "email", "--dryRun")
		if !strings.Contains(out, "2 users would be migrated") || ldapUsers() != 0 {
			t.Fatalf("dry run: %q, %d ldap users", out, ldapUsers())
		}
		// zed has no entry: without --force nobody moves.
		if _, errOut, code := h.run("", "user", "migrate-auth", "email", "ldap", "email"); code == 0 || !strings.Contains(errOut, "zed") || ldapUsers() != 0 {
			t.Fatalf("unmatched account: exit %d, stderr %q, %d ldap users", code, errOut, ldapUsers())
		}
		h.run("", "user", "migrate-auth", "email", "ldap", "username", "--force")
		ann := h.user("ann")
		if ann.AuthService != "ldap" || ann.AuthData == nil || *ann.AuthData != "2001" || ann.Password != "" || h.user("zed").AuthService != "" {
			t.Fatalf("after --force: ann %q %v password %q; zed %q", ann.AuthService, ann.AuthData, ann.Password, h.user("zed").AuthService)
		}
		if ldapUsers() != 2 {
			t.Fatalf("%d ldap users after --force, want 2", ldapUsers())
		}
		samlUsers := func() int { return h.count("SELECT COUNT(*) FROM users WHERE auth_service = 'saml'") }
		h.ok("user", "migrate-auth", "ldap", "saml", "--auto", "--confirm")
		if ann := h.user("ann"); ldapUsers() != 0 || samlUsers() != 2 || ann.AuthData == nil || *ann.AuthData != "ann@example.com" || h.user("zed").AuthService != "" {
			t.Fatalf("ldap saml --auto: %d ldap, %d saml users, ann %q %v", ldapUsers(), samlUsers(), ann.AuthService, ann.AuthData)
		}
		h.ok("user", "migrate-auth", "saml", "email")
		// An OpenID Connect account goes back to email and password too.
		if _, err := h.st.DB().Exec("UPDATE users SET auth_service = 'gitlab', auth_data = 'gl-7' WHERE username = 'zed'"); err != nil {
			t.Fatal(err)
		}
		h.ok("user", "migrate-auth", "gitlab", "email")
		if zed := h.user("zed"); zed.AuthService != "" || zed.AuthData != nil {
			t.Fatalf("gitlab email: zed %q %v", zed.AuthService, zed.AuthData)
		}
		if _, _, code := h.run("", "user", "migrate-auth", "email", "gitlab"); code == 0 {
			t.Fatal("email to gitlab accepted: a verified first sign-in links the account instead")
		}
		h.run("", "user", "migrate-auth", "email", "ldap", "username", "--force")
		if ldapUsers() != 2 {
			t.Fatalf("%d ldap users after migrating back, want 2", ldapUsers())
		}
		h.ok("user", "migrate-auth", "ldap", "email")
		if ldapUsers() != 0 || h.user("bob").AuthData != nil {
			t.Fatalf("after ldap email: %d ldap users", ldapUsers())
		}
		if _, _, code := h.run("", "user", "migrate-auth", "email", "saml"); code == 0 {
			t.Fatal("email to saml without a file or --auto accepted")
		}
		ids := filepath.Join(t.TempDir(), "ids.json")
		if err := os.WriteFile(ids, []byte(`{"Ann@example.com": "ann-at-idp"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		h.ok("user", "migrate-auth", "email", "saml", ids)
		if ann := h.user("ann"); samlUsers() != 1 || ann.AuthService != "saml" || ann.AuthData == nil || *ann.AuthData != "ann-at-idp" {
			t.Fatalf("email saml FILE: %d saml users, ann %q", samlUsers(), ann.AuthService)
		}
		if _, _, code := h.run("NO\n", "user", "migrate-auth", "email", "saml", "--auto"); code == 0 || samlUsers() != 1 {
			t.Fatalf("--auto answered NO: exit %d, %d saml users", code, samlUsers())
		}
		h.ok("user", "migrate-auth", "email", "saml", "--auto", "--confirm")
		if bob := h.user("bob"); samlUsers() != 3 || bob.AuthData == nil || *bob.AuthData != "bob@example.com" {
			t.Fatalf("--auto: %d saml users", samlUsers())
		}
		h.ok("user", "migrate-auth", "saml", "email")
		if samlUsers() != 0 {
			t.Fatalf("after saml email: %d saml users", samlUsers())
		}
	})
}
