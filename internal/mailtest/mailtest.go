// Package mailtest runs a real SMTP server, mailpit, for tests: it accepts
// mail on a random local port and lets a test read what was delivered
// through its HTTP API. The binary is built once with the Go toolchain into a
// cache directory (scripts/test-deps.sh does the same ahead of time); a test
// that cannot get it fails rather than skips.
package mailtest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/proctest"
)

// Version is the mailpit release the tests run (served by the Go module proxy).
const Version = "v1.27.11"

// Server is one running mailpit.
type Server struct {
	Host     string
	SMTPPort string
	apiURL   string
}

// Message is a delivered mail as the tests look at it.
type Message struct {
	ID      string
	From    string
	To      []string
	ReplyTo []string
	Subject string
	Text    string
	HTML    string
}

// Binary returns the path of the mailpit binary, building it when missing.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PARLEY_MAILPIT"); p != "" {
		return p
	}
	dir := BinDir()
	p := filepath.Join(dir, "mailpit")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	cmd := exec.Command("go", "install", "github.com/axllent/mailpit@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mailtest: build mailpit %s (run scripts/test-deps.sh): %v\n%s", Version, err, out)
	}
	return p
}

// BinDir is where the test binaries are cached.
func BinDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "parley", "mailpit-"+Version)
}

// Start runs mailpit until the test ends. extra are more mailpit flags (TLS
// certificates, authentication).
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin := Binary(t)
	smtpPort, httpPort := strconv.Itoa(proctest.FreePort(t)), strconv.Itoa(proctest.FreePort(t))
	args := append([]string{"--smtp", "127.0.0.1:" + smtpPort, "--listen", "127.0.0.1:" + httpPort,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--quiet", "--smtp-disable-rdns"}, extra...)
	out := proctest.Run(t, "mailpit", exec.Command(bin, args...))
	s := &Server{Host: "127.0.0.1", SMTPPort: smtpPort, apiURL: "http://127.0.0.1:" + httpPort}
	// Ready when both listeners answer; bounded, mailpit starts in well under a second.
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", "127.0.0.1:"+smtpPort)
		if err == nil {
			c.Close()
			if r, err := http.Get(s.apiURL + "/api/v1/messages"); err == nil {
				r.Body.Close()
				break
			}
		}
		if i == 200 {
			t.Fatalf("mailtest: mailpit did not start: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	r, err := http.Get(s.apiURL + path)
	if err != nil {
		t.Fatalf("mailtest: %s: %v", path, err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("mailtest: %s: %s", path, r.Status)
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Fatalf("mailtest: %s: %v", path, err)
	}
}

type address struct{ Name, Address string }

func addrs(as []address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Address
	}
	return out
}

// Messages lists every delivered message, newest first.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	s.get(t, "/api/v1/messages?limit=500", &list)
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full struct {
			ID      string
			From    address
			To      []address
			ReplyTo []address
			Subject string
			Text    string
			HTML    string
		}
		s.get(t, "/api/v1/message/"+m.ID, &full)
		out = append(out, Message{ID: full.ID, From: full.From.Address, To: addrs(full.To), ReplyTo: addrs(full.ReplyTo),
			Subject: full.Subject, Text: full.Text, HTML: full.HTML})
	}
	return out
}

// Headers returns the headers of a delivered message.
func (s *Server) Headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	var h map[string][]string
	s.get(t, "/api/v1/message/"+id+"/headers", &h)
	return h
}

// WaitFor returns the messages to addr once there are at least n. Mail is sent
// by a background worker, so the test waits; the bound is generous because a
// missing mail fails the test anyway.
func (s *Server) WaitFor(t testing.TB, addr string, n int) []Message {
	t.Helper()
	for i := 0; ; i++ {
		var got []Message
		for _, m := range s.Messages(t) {
			for _, to := range m.To {
				if strings.EqualFold(to, addr) {
					got = append(got, m)
				}
			}
		}
		if len(got) >= n {
			return got
		}
		if i == 600 {
			t.Fatalf("mailtest: %d message(s) to %s after 30 s, want %d", len(got), addr, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// String names the server in failures.
func (s *Server) String() string { return fmt.Sprintf("mailpit smtp %s:%s", s.Host, s.SMTPPort) }
