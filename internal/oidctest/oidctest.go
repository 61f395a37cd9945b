// Package oidctest runs a real OpenID Connect provider for tests: the
// example OP server of zitadel/oidc (github.com/zitadel/oidc/v3/example/server),
// built from the Go module proxy into a cache directory
// (scripts/test-deps.sh does the same ahead of time), on a port the test
// picks, with its users from a file. A test that cannot get it fails rather
// than skips.
package oidctest

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/proctest"
)

// Version is the zitadel/oidc release whose example OP the tests run.
const Version = "v3.52.0"

// The client the OP knows (its example "web" client, secret-based).
const (
	ClientID     = "web"
	ClientSecret = "secret"
)

// User is one account of the OP.
type User struct {
	ID, Username, Password, FirstName, LastName, Email string
	EmailVerified                                      bool
}

// Provider is one running OP.
type Provider struct {
	Issuer string // http://localhost:PORT/
}

// DiscoveryURL is the provider's discovery document, as Mattermost's
// DiscoveryEndpoint settings name it.
func (p *Provider) DiscoveryURL() string { return p.Issuer + ".well-known/openid-configuration" }

// BinDir is where the OP binary is cached.
func BinDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "parley", "zitadel-op-"+Version)
}

// Binary returns the OP's path, building it when missing.
func Binary(t testing.TB) string {
	t.Helper()
	p := filepath.Join(BinDir(), "server")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	cmd := exec.Command("go", "install", "github.com/zitadel/oidc/v3/example/server@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+BinDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oidctest: build the zitadel example OP %s (run scripts/test-deps.sh): %v\n%s", Version, err, out)
	}
	return p
}

// IssuerFor is the issuer of an OP on port.
func IssuerFor(port int) string { return "http://localhost:" + strconv.Itoa(port) + "/" }

// Start runs the OP on port until the test ends, accepting redirectURI for
// its client.
func Start(t testing.TB, port int, redirectURI string, users ...User) *Provider {
	t.Helper()
	bin := Binary(t)
	m := map[string]map[string]any{}
	for _, u := range users {
		m[u.ID] = map[string]any{"ID": u.ID, "Username": u.Username, "Password": u.Password, "FirstName": u.FirstName,
			"LastName": u.LastName, "Email": u.Email, "EmailVerified": u.EmailVerified, "PreferredLanguage": "en"}
	}
	js, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(file, js, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "REDIRECT_URI="+redirectURI, "USERS_FILE="+file)
	out := proctest.Run(t, "the OpenID provider", cmd)
	p := &Provider{Issuer: IssuerFor(port)}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(p.DiscoveryURL())
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("oidctest: OP did not answer on port %d: %v\n%s", port, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Browser is a user agent with cookies that signs in through the OP's
// login form, as a person would.
type Browser struct {
	Client *http.Client
}

// NewBrowser returns a browser with an empty cookie jar.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{Client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// SignIn opens start (the relying party's login URL), fills in the OP's
// form with username and password, and returns the last response after the
// redirects back.
func (b *Browser) SignIn(t testing.TB, start, username, password string) *http.Response {
	t.Helper()
	resp, err := b.Client.Get(start)
	if err != nil {
		t.Fatalf("oidctest: open %s: %v", start, err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("oidctest: %s did not lead to the OP's login form (ended at %s, %d)", start, resp.Request.URL, resp.StatusCode)
	}
	form := resp.Request.URL.ResolveReference(&url.URL{Path: "/login/username"})
	resp, err = b.Client.PostForm(form.String(), url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatalf("oidctest: submit the login form: %v", err)
	}
	return resp
}

// Cookie returns the value of a cookie the browser holds for u.
func (b *Browser) Cookie(u, name string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	for _, c := range b.Client.Jar.Cookies(pu) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}
