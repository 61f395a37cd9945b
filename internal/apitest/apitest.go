// Package apitest starts real Parley servers on 127.0.0.1 for black-box tests
// and drives them over HTTP the way API v4 clients do.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/server"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/testdb"
)

// Server is a running Parley on a random local port.
type Server struct {
	t       testing.TB
	URL     string // base URL, without /api/v4
	Backend testdb.Backend
	Srv     *server.Server
	// Store is the server's storage, for tests that set up or inspect rows
	// directly; the app does not expose it.
	Store store.Store
}

// Each runs fn against a fresh server on every database backend.
func Each(t *testing.T, fn func(t *testing.T, s *Server), opts ...func(*config.Config)) {
	t.Helper()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		fn(t, Start(t, b, opts...))
	})
}

// Start runs a server on b until the test ends.
func Start(t testing.TB, b testdb.Backend, opts ...func(*config.Config)) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = b.DataDir
	cfg.Database = b.DSN
	// Tests make requests faster than people do; a test that checks the limiter
	// turns it back on. Each test server would otherwise fight for port 8067.
	cfg.RateLimitEnabled = false
	cfg.MetricsListen = ""
	for _, o := range opts {
		o(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := server.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	// The settings are the server's configuration file, so that the
	// configuration API reloads and saves them as it would in production.
	cfgFile := filepath.Join(cfg.DataDir, "config.json")
	js, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgFile, js, 0o600); err != nil {
		t.Fatalf("config file: %v", err)
	}
	srv.App.SetConfigSource(config.Source{Path: cfgFile}, nil)
	if err := srv.Start(cfg.Listen); err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return &Server{t: t, URL: "http://" + srv.Addr(), Backend: b, Srv: srv, Store: srv.Store()}
}

type testWriter struct{ t testing.TB }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Client calls the API as one user (or anonymously while Token is empty).
type Client struct {
	s      *Server
	t      testing.TB
	Token  string
	UserID string
	User   *model.User
	Header http.Header // extra headers for every request
}

// Anon returns a client without credentials.
func (s *Server) Anon() *Client { return &Client{s: s, t: s.t, Header: http.Header{}} }

// Response is what came back.
type Response struct {
	t      testing.TB
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request to /api/v4+path. body may be nil, a string (sent raw) or
// any value (sent as JSON).
func (c *Client) Do(method, path string, body any) *Response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, c.s.URL+"/api/v4"+path, rd)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return &Response{t: c.t, Status: resp.StatusCode, Header: resp.Header, Body: data}
}

func (c *Client) Get(path string) *Response            { c.t.Helper(); return c.Do("GET", path, nil) }
func (c *Client) Post(path string, body any) *Response { c.t.Helper(); return c.Do("POST", path, body) }
func (c *Client) Put(path string, body any) *Response  { c.t.Helper(); return c.Do("PUT", path, body) }
func (c *Client) Delete(path string) *Response         { c.t.Helper(); return c.Do("DELETE", path, nil) }

// JSON decodes the body into v.
func (r *Response) JSON(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Expect fails the test unless the status is want; it returns r for chaining.
func (r *Response) Expect(want int) *Response {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	return r
}

// ExpectError checks status and error id of an AppError body.
func (r *Response) ExpectError(status int, id string) {
	r.t.Helper()
	var e model.AppError
	if err := json.Unmarshal(r.Body, &e); err != nil {
		r.t.Fatalf("status %d, error body not JSON: %s", r.Status, r.Body)
	}
	if r.Status != status || e.ID != id {
		r.t.Fatalf("got %d %s, want %d %s (%s)", r.Status, e.ID, status, id, e.Message)
	}
	if e.StatusCode != status || e.RequestID == "" || e.RequestID != r.Header.Get("X-Request-Id") {
		r.t.Fatalf("error body fields wrong: %s", r.Body)
	}
}

// SignUp creates an account (the first becomes system admin) and logs it in.
func (s *Server) SignUp(username string) *Client {
	s.t.Helper()
	anon := s.Anon()
	var u model.User
	// No welcome mail: tests that read mail look for the ones they cause.
	anon.Post("/users", map[string]any{"username": username, "email": username + "@example.com",
		"password": "password-" + username, "disable_welcome_email": true}).Expect(http.StatusCreated).JSON(&u)
	return s.Login(username, "password-"+username)
}

// Login opens a session for an existing account.
func (s *Server) Login(username, password string) *Client {
	s.t.Helper()
	c := s.Anon()
	r := c.Post("/users/login", map[string]string{"login_id": username, "password": password}).Expect(http.StatusOK)
	var u model.User
	r.JSON(&u)
	c.Token, c.UserID, c.User = r.Header.Get("Token"), u.ID, &u
	if c.Token == "" {
		s.t.Fatal("login returned no Token header")
	}
	return c
}

// CreateTeam makes a team as c and returns it.
func (c *Client) CreateTeam(name string, open bool) *model.Team {
	c.t.Helper()
	typ := "I"
	if open {
		typ = "O"
	}
	var t model.Team
	c.Post("/teams", map[string]any{"name": name, "display_name": strings.ToUpper(name[:1]) + name[1:], "type": typ,
		"allow_open_invite": open}).Expect(http.StatusCreated).JSON(&t)
	return &t
}

// CreateChannel makes a channel as c ("O" or "P").
func (c *Client) CreateChannel(teamID, name, typ string) *model.Channel {
	c.t.Helper()
	var ch model.Channel
	c.Post("/channels", map[string]any{"team_id": teamID, "name": name, "display_name": name, "type": typ}).
		Expect(http.StatusCreated).JSON(&ch)
	return &ch
}

// AddToTeam adds userID to the team as c.
func (c *Client) AddToTeam(teamID, userID string) {
	c.t.Helper()
	c.Post("/teams/"+teamID+"/members", map[string]string{"team_id": teamID, "user_id": userID}).Expect(http.StatusCreated)
}

// CreatePost posts a message as c.
func (c *Client) CreatePost(channelID, message, rootID string) *model.Post {
	c.t.Helper()
	var p model.Post
	c.Post("/posts", map[string]string{"channel_id": channelID, "message": message, "root_id": rootID}).
		Expect(http.StatusCreated).JSON(&p)
	return &p
}

// Remote is a server running elsewhere (another process) at url, such as a
// node of a cluster a test started.
func Remote(t *testing.T, url string) *Server { return &Server{t: t, URL: url} }

// On is c calling another server (another node of the same cluster) with
// the same session.
func (c *Client) On(s *Server) *Client {
	d := *c
	d.s, d.Header = s, c.Header.Clone()
	return &d
}
