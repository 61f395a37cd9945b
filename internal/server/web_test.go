package server

import (
	"io/fs"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/parley-chat/parley/web"
)

func TestWebHandlerServesTheSinglePageApp(t *testing.T) {
	dist := fstest.MapFS{
		"index.html":          {Data: []byte("<!doctype html><div id=root></div>")},
		"assets/index-abc.js": {Data: []byte("console.log(1)")},
	}
	h := webHandler(dist)
	cases := []struct {
		method, path string
		status       int
		body, cache  string
	}{
		{"GET", "/", 200, "id=root", "no-cache"},
		{"GET", "/staff/channels/town-square", 200, "id=root", "no-cache"},
		{"GET", "/staff/pl/abc123", 200, "id=root", "no-cache"},
		// Team pages of teams named like server paths (hooks, static, messages).
		{"GET", "/hooks/channels/town-square", 200, "id=root", "no-cache"},
		{"GET", "/static/channels/town-square", 200, "id=root", "no-cache"},
		{"GET", "/static/pl/abc123", 200, "id=root", "no-cache"},
		// What clients probe for plugins and server static files is not a page.
		{"GET", "/static/emoji/1f600.png", 404, "404 page not found", ""},
		{"GET", "/static/plugins/x/remote_entry.js", 404, "404 page not found", ""},
		{"GET", "/plugins/com.mattermost.calls/version", 404, "404 page not found", ""},
		{"GET", "/messages/messages/@bob", 200, "id=root", "no-cache"},
		{"GET", "/assets/index-abc.js", 200, "console.log", "public, max-age=31536000, immutable"},
		{"GET", "/assets/missing.js", 200, "id=root", "no-cache"},
		{"POST", "/staff", 404, "api.context.404.app_error", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.body) || rec.Header().Get("Cache-Control") != c.cache {
			t.Errorf("%s %s: %d %q cache %q", c.method, c.path, rec.Code, rec.Body.String(), rec.Header().Get("Cache-Control"))
		}
	}
}

// The service worker and the manifest come with the types browsers insist
// on, uncached, and the worker may control the whole client.
func TestWebHandlerServesTheServiceWorker(t *testing.T) {
	dist := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><div id=root></div>")},
		"sw.js":                {Data: []byte("self.addEventListener('push', () => {})")},
		"manifest.webmanifest": {Data: []byte(`{"name":"Parley"}`)},
	}
	h := webHandler(dist)
	for path, want := range map[string][3]string{
		"/sw.js":                {"text/javascript; charset=utf-8", "no-cache", "/"},
		"/manifest.webmanifest": {"application/manifest+json", "no-cache", ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		got := [3]string{rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"), rec.Header().Get("Service-Worker-Allowed")}
		if rec.Code != 200 || got != want {
			t.Errorf("%s: %d %q, want %q", path, rec.Code, got, want)
		}
	}
}

func TestEmbeddedClientHasAnIndex(t *testing.T) {
	b, err := fs.ReadFile(web.Dist(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	// Built client or the fallback page: both are HTML that loads in a browser.
	if !strings.Contains(string(b), "<html") {
		t.Fatalf("index.html is not HTML: %.80s", b)
	}
	if web.Built() && !strings.Contains(string(b), `id="root"`) {
		t.Fatal("built client without its root element")
	}
}
