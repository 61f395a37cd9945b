package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// nginxBinary finds Debian's nginx (in /usr/sbin, often not on a user's PATH).
// Missing, the test is skipped, or fails when CI is set: scripts/test-deps.sh
// (run by make test) installs it.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	if os.Getenv("CI") != "" {
		t.Fatal("nginx is not installed (make test installs it: scripts/test-deps.sh)")
	}
	t.Skip("nginx not installed; apt-get install nginx")
	return ""
}

// startNginx runs the shipped deploy/nginx.conf, without TLS, on a random
// 127.0.0.1 port in front of upstream, and returns its base URL.
func startNginx(t *testing.T, bin, upstream string) string {
	t.Helper()
	shipped, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	site := regexp.MustCompile(`(?s)server \{\n    listen 80;.*?\n\}\n`).ReplaceAllString(string(shipped), "")
	site = regexp.MustCompile(`(?m)^\s*(listen \[::\].*|ssl_.*)\n`).ReplaceAllString(site, "")
	for old, repl := range map[string]string{"server 127.0.0.1:8065;": "server " + upstream + ";",
		"listen 443 ssl http2;": "listen " + addr + ";"} {
		if !strings.Contains(site, old) {
			t.Fatalf("deploy/nginx.conf no longer has %q", old)
		}
		site = strings.Replace(site, old, repl, 1)
	}
	dir := t.TempDir()
	main := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/site.conf;
}
`, dir)
	os.WriteFile(filepath.Join(dir, "site.conf"), []byte(site), 0o600)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o600)
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"))
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
		if i == 100 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s\n%s", out, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// from is an HTTP client whose connections come from a given loopback address,
// so nginx sees distinct clients.
type from struct {
	base   string
	client *http.Client
}

func clientFrom(base, ip string) *from {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &from{base: base, client: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
}

func (f *from) do(t *testing.T, method, path, token string, body any, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = strings.NewReader(string(js))
	}
	req, _ := http.NewRequest(method, f.base+"/api/v4"+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// shippedConfig is deploy/config.json as Parley loads it.
func shippedConfig(t *testing.T) config.Config {
	t.Helper()
	cfg, err := config.Load("config.json", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Behind the shipped nginx with the shipped settings, each client has its own
// rate-limit bucket, and the audit log and sessions record its address, not
// nginx's, nor one the client made up in its own X-Forwarded-For.
func TestBehindNginx(t *testing.T) {
	bin := nginxBinary(t)
	shipped := shippedConfig(t)
	if shipped.TrustedProxyIPHeader == "" {
		t.Fatal("deploy/config.json does not set trusted_proxy_ip_header")
	}
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		admin.Post("/users", map[string]string{"username": "bob", "email": "bob@example.com", "password": "password-bob"}).
			Expect(http.StatusCreated)
		proxy := startNginx(t, bin, strings.TrimPrefix(s.URL, "http://"))
		flooder, bob := clientFrom(proxy, "127.0.0.2"), clientFrom(proxy, "127.0.0.3")

		limited := false
		for range 50 {
			if resp, _ := flooder.do(t, "GET", "/system/ping", "", nil, nil); resp.StatusCode == http.StatusTooManyRequests {
				limited = true
				break
			}
		}
		if !limited {
			t.Fatal("50 anonymous pings through nginx were never limited")
		}

		resp, body := bob.do(t, "POST", "/users/login", "", map[string]string{"login_id": "bob", "password": "password-bob"},
			map[string]string{"X-Forwarded-For": "203.0.113.9"})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("another client's login through nginx: %d %s", resp.StatusCode, body)
		}
		var u model.User
		json.Unmarshal(body, &u)
		token := resp.Header.Get("Token")

		var audits []model.Audit
		admin.Get("/audits").Expect(http.StatusOK).JSON(&audits)
		found := false
		for _, a := range audits {
			if a.Action == model.AuditLogin && a.TargetID == u.ID {
				found = true
				if a.IPAddress != "127.0.0.3" {
					t.Errorf("audit ip %q, want the client's 127.0.0.3", a.IPAddress)
				}
			}
		}
		if !found {
			t.Fatalf("no login audit for bob in %+v", audits)
		}

		resp, body = bob.do(t, "GET", "/users/me/sessions", token, nil, nil)
		var sessions []model.Session
		if err := json.Unmarshal(body, &sessions); err != nil || resp.StatusCode != http.StatusOK || len(sessions) != 1 {
			t.Fatalf("sessions: %d %s", resp.StatusCode, body)
		}
		if ip := sessions[0].Props["ip"]; ip != "127.0.0.3" {
			t.Errorf("session ip %q, want 127.0.0.3", ip)
		}
	}, func(c *config.Config) {
		c.RateLimitEnabled, c.RateLimitPerSec, c.RateLimitBurst = true, 1, 10
		c.TrustedProxyIPHeader = shipped.TrustedProxyIPHeader
		// The test's clients are on loopback too: only nginx's address is a proxy.
		c.TrustedProxies = "127.0.0.1"
	})
}
