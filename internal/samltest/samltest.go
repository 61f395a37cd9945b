// Package samltest runs a real SAML 2.0 identity provider for tests:
// crewjam/saml's samlidp, in the test process, on 127.0.0.1 at a random
// port, with a key and certificate made for the test. Users, service
// providers and IdP-initiated shortcuts are added through its HTTP API, and
// Browser signs in through its login form as a browser does.
package samltest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml/samlidp"
	"golang.org/x/net/html"
)

// KeyPair is an RSA key and a self-signed certificate for it, also written
// as PEM files.
type KeyPair struct {
	Key               *rsa.PrivateKey
	Cert              *x509.Certificate
	KeyFile, CertFile string
	KeyPEM, CertPEM   []byte
}

// NewKeyPair makes a key pair named cn in the test's temporary directory.
func NewKeyPair(t testing.TB, cn string) KeyPair {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kp := KeyPair{Key: key, Cert: cert,
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	dir := t.TempDir()
	kp.KeyFile, kp.CertFile = filepath.Join(dir, cn+".key"), filepath.Join(dir, cn+".crt")
	if err := os.WriteFile(kp.KeyFile, kp.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kp.CertFile, kp.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return kp
}

// IdP is one running identity provider.
type IdP struct {
	URL  string // base, e.g. http://127.0.0.1:PORT
	Keys KeyPair
	srv  *httptest.Server
}

// SSOURL is its single sign-on service (Mattermost's IdpURL).
func (p *IdP) SSOURL() string { return p.URL + "/sso" }

// EntityID is its issuer (Mattermost's IdpDescriptorURL).
func (p *IdP) EntityID() string { return p.URL + "/metadata" }

// MetadataURL is where its metadata is.
func (p *IdP) MetadataURL() string { return p.URL + "/metadata" }

// Start runs an identity provider until the test ends.
func Start(t testing.TB) *IdP {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	p := &IdP{URL: srv.URL, Keys: NewKeyPair(t, "idp"), srv: srv}
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	idp, err := samlidp.New(samlidp.Options{URL: *u, Key: p.Keys.Key, Certificate: p.Keys.Cert, Store: &samlidp.MemoryStore{},
		Logger: testLogger{t}})
	if err != nil {
		t.Fatalf("samltest: %v", err)
	}
	srv.Config.Handler = idp
	return p
}

type testLogger struct{ t testing.TB }

func (l testLogger) Printf(format string, v ...any) { l.t.Logf("idp: "+format, v...) }
func (l testLogger) Print(v ...any)                 { l.t.Log(append([]any{"idp:"}, v...)...) }
func (l testLogger) Println(v ...any)               { l.t.Log(append([]any{"idp:"}, v...)...) }
func (l testLogger) Fatal(v ...any)                 { l.t.Fatal(v...) }
func (l testLogger) Fatalf(format string, v ...any) { l.t.Fatalf(format, v...) }
func (l testLogger) Fatalln(v ...any)               { l.t.Fatal(v...) }
func (l testLogger) Panic(v ...any)                 { l.t.Fatal(v...) }
func (l testLogger) Panicf(format string, v ...any) { l.t.Fatalf(format, v...) }
func (l testLogger) Panicln(v ...any)               { l.t.Fatal(v...) }

// User is one account of the identity provider. Groups come as
// eduPersonAffiliation; the other fields as uid, mail, givenName, sn, cn.
type User struct {
	Name       string   `json:"name"`
	Password   string   `json:"password"`
	Email      string   `json:"email,omitempty"`
	GivenName  string   `json:"given_name,omitempty"`
	Surname    string   `json:"surname,omitempty"`
	CommonName string   `json:"common_name,omitempty"`
	Groups     []string `json:"groups,omitempty"`
}

func (p *IdP) put(t testing.TB, path string, body []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, p.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("samltest: PUT %s: %s %s", path, resp.Status, b)
	}
}

// AddUser creates or replaces a user.
func (p *IdP) AddUser(t testing.TB, u User) {
	t.Helper()
	js, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	p.put(t, "/users/"+u.Name, js)
}

// AddServiceProvider registers a service provider by its metadata.
func (p *IdP) AddServiceProvider(t testing.TB, id string, metadata []byte) {
	t.Helper()
	p.put(t, "/services/"+id, metadata)
}

// AddShortcut makes GET /login/<name> start an IdP-initiated sign-in at the
// service provider with that entity ID.
func (p *IdP) AddShortcut(t testing.TB, name, entityID string) {
	t.Helper()
	js, err := json.Marshal(map[string]string{"name": name, "service_provider": entityID})
	if err != nil {
		t.Fatal(err)
	}
	p.put(t, "/shortcuts/"+name, js)
}

// Browser is a cookie-keeping HTTP client.
type Browser struct {
	Client *http.Client
}

// NewBrowser makes a browser with an empty cookie jar.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{Client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// Form is an HTML form as a browser would submit it.
type Form struct {
	Action string
	Fields url.Values
}

// Answer opens start, posts the service provider's request form when it
// answers with one, logs in at the identity provider's form when it shows
// one, and returns the form the identity provider answers with: the
// SAMLResponse and RelayState it would have the browser post to the service
// provider.
func (b *Browser) Answer(t testing.TB, start, username, password string) Form {
	t.Helper()
	resp, err := b.Client.Get(start)
	if err != nil {
		t.Fatal(err)
	}
	f := readForm(t, resp)
	// At most: the service provider's form posting the request, then the
	// login form, then the answer.
	for i := 0; i < 2 && f.Fields.Get("SAMLResponse") == ""; i++ {
		if _, ok := f.Fields["password"]; ok {
			f.Fields.Set("user", username)
			f.Fields.Set("password", password)
		}
		resp, err = b.Client.PostForm(f.Action, f.Fields)
		if err != nil {
			t.Fatal(err)
		}
		f = readForm(t, resp)
	}
	if f.Fields.Get("SAMLResponse") == "" {
		t.Fatalf("samltest: the identity provider gave no SAMLResponse (form to %s: %v)", f.Action, f.Fields)
	}
	return f
}

// Submit posts a form as the browser and follows redirects.
func (b *Browser) Submit(t testing.TB, f Form) *http.Response {
	t.Helper()
	resp, err := b.Client.PostForm(f.Action, f.Fields)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// Cookie is the value of a cookie the browser holds for u.
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

// readForm finds the first form of an HTML page, with its action resolved
// against the page's URL.
func readForm(t testing.TB, resp *http.Response) Form {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	f := Form{Fields: url.Values{}}
	z := html.NewTokenizer(bytes.NewReader(body))
	inForm := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			if tt == html.EndTagToken {
				if name, _ := z.TagName(); string(name) == "form" && inForm {
					break
				}
			}
			continue
		}
		name, _ := z.TagName()
		attrs := map[string]string{}
		for {
			k, v, more := z.TagAttr()
			attrs[string(k)] = string(v)
			if !more {
				break
			}
		}
		switch string(name) {
		case "form":
			if inForm {
				continue
			}
			inForm = true
			action, err := resp.Request.URL.Parse(attrs["action"])
			if err != nil {
				t.Fatal(err)
			}
			f.Action = action.String()
		case "input":
			if inForm && attrs["name"] != "" && !strings.EqualFold(attrs["type"], "submit") {
				f.Fields.Set(attrs["name"], attrs["value"])
			}
		}
	}
	if f.Action == "" {
		t.Fatalf("samltest: no form in the answer of %s (%s): %.500s", resp.Request.URL, resp.Status, body)
	}
	return f
}
