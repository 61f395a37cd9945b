package api_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
)

// The GETs Mattermost tags answer with an ETag and, when If-None-Match repeats
// it, 304 without a body; a change gives a new tag.
func TestEtags(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		root := w.bob.CreatePost(w.public.ID, "root", "")
		w.bob.CreatePost(w.public.ID, "reply", root.ID)
		revalidate := func(c *apitest.Client, path string) string {
			t.Helper()
			r := c.Get(path).Expect(http.StatusOK)
			tag := r.Header.Get("ETag")
			if tag == "" {
				t.Fatalf("%s: no ETag", path)
			}
			c.Header.Set("If-None-Match", tag)
			defer c.Header.Del("If-None-Match")
			again := c.Get(path)
			if again.Status != http.StatusNotModified || len(again.Body) != 0 || again.Header.Get("ETag") != tag {
				t.Errorf("%s with If-None-Match %s: %d %q etag %q", path, tag, again.Status, again.Body, again.Header.Get("ETag"))
			}
			return tag
		}
		for _, path := range []string{
			"/users/me", "/users/" + w.carol.UserID, "/users/username/carol", "/users/email/carol@example.com",
			"/users?in_team=" + w.team.ID, "/posts/" + root.ID, "/posts/" + root.ID + "/thread",
			"/channels/" + w.public.ID + "/posts", "/users/me/teams/" + w.team.ID + "/channels",
		} {
			revalidate(w.admin, path)
		}

		// A change answers 200 with a new tag.
		before := revalidate(w.bob, "/users/me")
		w.bob.Put("/users/me/patch", map[string]string{"nickname": "bobby"}).Expect(http.StatusOK)
		w.bob.Header.Set("If-None-Match", before)
		r := w.bob.Get("/users/me").Expect(http.StatusOK)
		w.bob.Header.Del("If-None-Match")
		if r.Header.Get("ETag") == before || len(r.Body) == 0 {
			t.Errorf("patched user: etag %q unchanged or empty body", before)
		}
		posts := revalidate(w.carol, "/channels/"+w.public.ID+"/posts")
		w.bob.CreatePost(w.public.ID, "news", "")
		w.carol.Header.Set("If-None-Match", posts)
		w.carol.Get("/channels/" + w.public.ID + "/posts").Expect(http.StatusOK)
		w.carol.Header.Del("If-None-Match")

		// Routes Mattermost does not tag answer in full, whatever If-None-Match says.
		for _, path := range []string{"/teams/" + w.team.ID, "/channels/" + w.public.ID + "/posts?since=1"} {
			w.carol.Header.Set("If-None-Match", "*")
			r := w.carol.Get(path).Expect(http.StatusOK)
			w.carol.Header.Del("If-None-Match")
			if r.Header.Get("ETag") != "" {
				t.Errorf("%s: unexpected ETag %q", path, r.Header.Get("ETag"))
			}
		}
	})
}
