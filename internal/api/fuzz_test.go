package api

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// FuzzRouterMatch checks that any method and path either matches no route or
// matches one whose parameters fit their classes and whose literals agree.
func FuzzRouterMatch(f *testing.F) {
	h := New(app.New(nil, nil, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil))), slog.Default())
	id := model.NewID()
	for _, seed := range []struct{ method, path string }{
		{"GET", "/users/me"}, {"GET", "/users/" + id}, {"GET", "/users/tokens/" + id}, {"GET", "/users/username/a.b-c_d"},
		{"GET", "/users/email/a@b.c"}, {"DELETE", "/users/me/posts/" + id + "/reactions/+1"}, {"GET", "/teams/name/x/channels/name/y"},
		{"GET", "//"}, {"GET", ""}, {"POST", "/users/login/"}, {"GET", "/users/me/preferences/cat/name/n"}, {"PUT", "/a/b/c/d/e/f/g/h/i"},
		{"GET", "/users/\x00"}, {"GET", "/posts/" + id + "/thread"}, {"BREW", "/system/ping"},
	} {
		f.Add(seed.method, seed.path)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		ep, params := h.router.match(method, path)
		if ep == nil {
			if params != nil {
				t.Fatalf("no route but params %v", params)
			}
			return
		}
		parts := strings.Split(strings.Trim(path, "/"), "/")
		for name, v := range params {
			if v == "" || strings.Contains(v, "/") || !slices.Contains(parts, v) {
				t.Fatalf("%s %q: param %s = %q", method, path, name, v)
			}
		}
	})
}

// FuzzDecode checks the JSON body helper: it never panics, answers only with
// AppErrors of the right kind, and accepts exactly one JSON value.
func FuzzDecode(f *testing.F) {
	cfg := config.Default()
	cfg.MaxRequestBodyKB = 1
	a := app.New(nil, nil, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, seed := range []string{`{"login_id":"a","password":"b"}`, `{"login_id":1}`, `[]`, `null`, ``, `{}{}`, `{"a":`,
		`{"login_id":"` + strings.Repeat("x", 2000) + `"}`, `"str"`, "\xff", `{"login_id":"a"} `, `{"props":{"a":"b"}}`, `{"login_id":"a\u0000"}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v4/users/login", strings.NewReader(body))
		c := &Context{w: httptest.NewRecorder(), r: req, app: a}
		var v app.LoginRequest
		err := c.decode(&v, "login_id")
		if err == nil {
			if f := model.NULField(&v); f != "" {
				t.Fatalf("decode %q: accepted U+0000 in %s", body, f)
			}
			return
		}
		var ae *model.AppError
		if !errors.As(err, &ae) {
			t.Fatalf("decode %q: not an AppError: %v", body, err)
		}
		switch ae.ID {
		case "api.context.invalid_body_param.app_error":
			if ae.StatusCode != http.StatusBadRequest {
				t.Fatalf("decode %q: %d", body, ae.StatusCode)
			}
		case "api.context.request_body_too_large.app_error":
			if len(body) <= 1024 {
				t.Fatalf("decode %q: too large at %d bytes", body, len(body))
			}
		default:
			t.Fatalf("decode %q: unexpected error %s", body, ae.ID)
		}
	})
}
