// Package ldaptest runs a real LDAP server, Debian's slapd, for tests: its
// own instance on a random 127.0.0.1 port, with its own configuration and
// database in the test's temporary directory, loaded with slapadd. The
// system's slapd (installed by scripts/test-deps.sh, its service kept from
// starting) is never touched. A test that cannot start slapd fails rather
// than skips.
package ldaptest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/parley-chat/parley/internal/proctest"
)

// The directory every server holds: one suffix with its admin, and the
// organisational unit users live in.
const (
	BaseDN        = "dc=example,dc=com"
	PeopleDN      = "ou=people," + BaseDN
	AdminDN       = "cn=admin," + BaseDN
	AdminPassword = "admin-secret"
)

// Server is one running slapd.
type Server struct {
	Host string
	Port int
}

// User is an inetOrgPerson entry under PeopleDN.
type User struct {
	UID, Password, Mail, GivenName, Surname, DisplayName, Title string
	// EmployeeNumber stands for the directory's stable id (IdAttribute).
	EmployeeNumber string
}

// DN is the entry's name.
func (u User) DN() string { return "uid=" + u.UID + "," + PeopleDN }

func (u User) ldif() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s %s\nsn: %s\n", u.DN(), u.UID, u.GivenName, u.Surname, u.Surname)
	for _, kv := range [][2]string{{"givenName", u.GivenName}, {"mail", u.Mail}, {"userPassword", u.Password},
		{"displayName", u.DisplayName}, {"title", u.Title}, {"employeeNumber", u.EmployeeNumber}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
		}
	}
	return b.String()
}

// binary finds a slapd tool in /usr/sbin or on PATH.
func binary(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	p := filepath.Join("/usr/sbin", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("ldaptest: %s not found; run scripts/test-deps.sh (apt-get install slapd ldap-utils)", name)
	}
	return p
}

// Start loads users into a new database and runs slapd on it until the test
// ends.
func Start(t testing.TB, users ...User) *Server {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "slapd.conf")
	var schema strings.Builder
	for _, s := range []string{"core", "cosine", "inetorgperson", "nis"} {
		fmt.Fprintf(&schema, "include /etc/ldap/schema/%s.schema\n", s)
	}
	cfg := schema.String() + fmt.Sprintf(`modulepath /usr/lib/ldap
moduleload back_mdb
pidfile %s/slapd.pid
database mdb
maxsize 67108864
suffix "%s"
rootdn "%s"
rootpw %s
directory %s
`, dir, BaseDN, AdminDN, AdminPassword, db)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	fixture := fmt.Sprintf("dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"+
		"dn: %s\nobjectClass: organizationalUnit\nou: people\n", BaseDN, PeopleDN)
	for _, u := range users {
		fixture += "\n" + u.ldif()
	}
	ldif := filepath.Join(dir, "fixture.ldif")
	if err := os.WriteFile(ldif, []byte(fixture), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binary(t, "slapadd"), "-f", conf, "-l", ldif).CombinedOutput(); err != nil {
		t.Fatalf("ldaptest: slapadd: %v\n%s", err, out)
	}
	port := proctest.FreePort(t)
	// -d 0 keeps slapd in the foreground, so it ends with the test.
	out := proctest.Run(t, "slapd", exec.Command(binary(t, "slapd"), "-f", conf, "-h", "ldap://127.0.0.1:"+strconv.Itoa(port)+"/", "-d", "0"))
	s := &Server{Host: "127.0.0.1", Port: port}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := s.dial()
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("ldaptest: slapd did not answer on port %d: %v\n%s", port, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) dial() (*ldap.Conn, error) {
	c, err := ldap.DialURL("ldap://" + net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
	if err != nil {
		return nil, err
	}
	if err := c.Bind(AdminDN, AdminPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Admin returns a connection bound as the directory's admin, closed when
// the test ends.
func (s *Server) Admin(t testing.TB) *ldap.Conn {
	t.Helper()
	c, err := s.dial()
	if err != nil {
		t.Fatalf("ldaptest: bind as admin: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Delete removes an entry.
func (s *Server) Delete(t testing.TB, dn string) {
	t.Helper()
	if err := s.Admin(t).Del(ldap.NewDelRequest(dn, nil)); err != nil {
		t.Fatalf("ldaptest: delete %s: %v", dn, err)
	}
}

// Replace sets one attribute of an entry.
func (s *Server) Replace(t testing.TB, dn, attr, value string) {
	t.Helper()
	m := ldap.NewModifyRequest(dn, nil)
	m.Replace(attr, []string{value})
	if err := s.Admin(t).Modify(m); err != nil {
		t.Fatalf("ldaptest: modify %s: %v", dn, err)
	}
}
