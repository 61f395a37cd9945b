package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store/sqlstore"
)

// fuzzWorld is a real app on SQLite with one admin, a team and a channel,
// driven in-process so a fuzzer can send thousands of requests a second.
type fuzzWorld struct {
	h       *Handler
	token   string
	ids     map[string]string // route parameter → an existing id
	routes  []string          // "METHOD pattern" of every state-changing route
	channel string
}

func newFuzzWorld(f *testing.F) *fuzzWorld {
	f.Helper()
	ctx := context.Background()
	dir := f.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlstore.Open(ctx, "", dir, log)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	cfg := config.Default()
	cfg.DataDir, cfg.RateLimitEnabled, cfg.EnableAPIDeletion = dir, false, false
	a := app.New(st, bus.NewLocal(), cfg, log)
	h := New(a, log)
	w := &fuzzWorld{h: h, ids: map[string]string{}}
	u, err := a.CreateUser(ctx, app.SystemSession(), &model.User{Username: "admin", Email: "admin@example.com",
		Password: "password-admin"}, "")
	if err != nil {
		f.Fatal(err)
	}
	_, s, err := a.Login(ctx, app.LoginRequest{LoginID: "admin", Password: "password-admin"}, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	w.token = s.Token
	t, err := a.CreateTeam(ctx, s, &model.Team{Name: "crew", DisplayName: "Crew", Type: model.TeamOpen})
	if err != nil {
		f.Fatal(err)
	}
	ch, err := a.CreateChannel(ctx, s, &model.Channel{TeamID: t.ID, Name: "general", DisplayName: "General", Type: model.ChannelOpen})
	if err != nil {
		f.Fatal(err)
	}
	w.channel = ch.ID
	for _, k := range []string{"user_id", "other_user_id"} {
		w.ids[k] = u.ID
	}
	w.ids["team_id"], w.ids["channel_id"] = t.ID, ch.ID
	for _, r := range h.Routes() {
		if r.Method != http.MethodGet && !fuzzSkipped[r.Pattern] {
			w.routes = append(w.routes, r.Method+" "+r.Pattern)
		}
	}
	sort.Strings(w.routes)
	return w
}

// fuzzSkipped are routes whose side effects would end the fuzz world.
var fuzzSkipped = map[string]bool{
	"/users/logout": true, "/users/{user_id}/sessions/revoke/all": true, "/users/sessions/revoke/all": true,
	"/users/{user_id}/sessions/revoke": true, "/users/{user_id}": true, "/users/{user_id}/active": true,
	"/users/{user_id}/password": true, "/users/{user_id}/roles": true, "/users/{user_id}/mfa": true,
	"/users/{user_id}/patch": true,
}

// path fills a route pattern's parameters with known ids or the fuzzer's word.
func (w *fuzzWorld) path(pattern, word string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, "{") {
			continue
		}
		name, _, _ := strings.Cut(strings.Trim(p, "{}"), ":")
		if id, ok := w.ids[name]; ok {
			parts[i] = id
		} else if word != "" && !strings.Contains(word, "/") {
			parts[i] = word
		} else {
			parts[i] = model.NewID()
		}
	}
	return strings.Join(parts, "/")
}

func (w *fuzzWorld) do(t *testing.T, method, path, contentType string, body []byte) {
	t.Helper()
	req := httptest.NewRequest(method, "/", bytes.NewReader(body))
	// Set after parsing: the fuzzer's words may be anything a client can
	// percent-encode into a path segment.
	path, query, _ := strings.Cut(path, "?")
	req.URL.Path, req.URL.RawQuery = Prefix+path, query
	req.Header.Set("Authorization", "Bearer "+w.token)
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	// A 5xx for client input is a bug: bad input gets a clear 4xx error.
	if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
		t.Fatalf("%s %s with %q: %d %s", method, path, body, rec.Code, rec.Body)
	}
}

// FuzzRequestBodies sends arbitrary bodies to every state-changing route as a
// system admin (who may reach every handler's decoding): never a panic, never
// a server error.
func FuzzRequestBodies(f *testing.F) {
	w := newFuzzWorld(f)
	for i := range w.routes {
		for _, body := range []string{`{}`, `[]`, `{"name":"x","display_name":"x","type":"O"}`, `{"message":"hi","channel_id":"` + w.channel + `"}`,
			`["` + w.channel + `"]`, `{"user_id":"` + w.ids["user_id"] + `"}`, `null`, `{"props":{"a":1}}`} {
			f.Add(uint16(i), "", body)
		}
	}
	f.Fuzz(func(t *testing.T, route uint16, word, body string) {
		method, pattern, _ := strings.Cut(w.routes[int(route)%len(w.routes)], " ")
		w.do(t, method, w.path(pattern, word), "application/json", []byte(body))
	})
}

// FuzzMultipartUpload sends arbitrary multipart bodies to POST /files.
func FuzzMultipartUpload(f *testing.F) {
	w := newFuzzWorld(f)
	good := "--B\r\nContent-Disposition: form-data; name=\"channel_id\"\r\n\r\n" + w.channel +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n"
	for _, seed := range []string{good, "--B\r\n\r\n--B--", "", "--B--\r\n", strings.Replace(good, "a.txt", "../../etc/passwd", 1),
		strings.Replace(good, "a.txt", "", 1), strings.Replace(good, "--B--", "--B", 1),
		"--B\r\nContent-Disposition: form-data; name=\"client_ids\"\r\n\r\nx\r\n" + good[4:]} {
		f.Add("B", seed)
	}
	f.Fuzz(func(t *testing.T, boundary, body string) {
		w.do(t, http.MethodPost, "/files?channel_id="+w.channel, "multipart/form-data; boundary="+boundary, []byte(body))
	})
}
