package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/pushtest"
	"github.com/parley-chat/parley/internal/testdb"
)

// eachWithWebPush runs fn on every backend against a server that may send
// Web Push to the stand-in push service on 127.0.0.1 (no push proxy).
func eachWithWebPush(t *testing.T, fn func(t *testing.T, s *apitest.Server, ps *pushtest.WebPush), opts ...func(*config.Config)) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ps := pushtest.StartWebPush(t)
		loopback := func(c *config.Config) { c.WebPushAllowHTTPLoopback = true }
		fn(t, apitest.Start(t, b, append([]func(*config.Config){loopback}, opts...)...), ps)
	})
}

func webPushKey(t *testing.T, c *apitest.Client) string {
	t.Helper()
	var info struct {
		Enabled   bool   `json:"enabled"`
		PublicKey string `json:"public_key"`
	}
	c.Get("/parley/webpush").Expect(http.StatusOK).JSON(&info)
	if !info.Enabled || len(info.PublicKey) != 87 { // 65 bytes, base64url
		t.Fatalf("web push info: %+v", info)
	}
	return info.PublicKey
}

func mySubscriptions(c *apitest.Client) []model.WebPushSubscription {
	var subs []model.WebPushSubscription
	c.Get("/parley/webpush/subscriptions").Expect(http.StatusOK).JSON(&subs)
	return subs
}

func webPushPayload(t *testing.T, m pushtest.WebPushMessage) model.WebPushMessage {
	t.Helper()
	var p model.WebPushMessage
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		t.Fatalf("payload %q: %v", m.Payload, err)
	}
	return p
}

// A DM and a mention reach the browser of a member who is offline,
// encrypted for it and signed with the server's VAPID key; a push service
// answering 410 removes the subscription.
func TestWebPush(t *testing.T) {
	eachWithWebPush(t, func(t *testing.T, s *apitest.Server, ps *pushtest.WebPush) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		key := webPushKey(t, bob)
		browser := ps.NewBrowser(t)
		var sub model.WebPushSubscription
		bob.Post("/parley/webpush/subscriptions", browser.Subscription()).Expect(http.StatusCreated).JSON(&sub)
		if sub.Endpoint != browser.Endpoint || sub.UserID != bob.UserID || len(sub.ID) != 26 {
			t.Errorf("subscription: %+v", sub)
		}
		if raw := bob.Get("/parley/webpush/subscriptions").Body; strings.Contains(string(raw), "p256dh") {
			t.Errorf("the keys are listed: %s", raw)
		}

		var dm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		p := ann.CreatePost(dm.ID, "lunch?", "")
		got := ps.WaitFor(t, browser, 1)[0]
		want := model.WebPushMessage{Title: "@ann", Body: "lunch?", ChannelID: dm.ID, PostID: p.ID, URL: "/_redirect/pl/" + p.ID}
		if pl := webPushPayload(t, got); pl != want {
			t.Errorf("DM push:\n got %+v\nwant %+v", pl, want)
		}
		if got.VAPIDKey != key || got.TTL != "3600" || got.Urgency != "high" || got.Subject != "" {
			t.Errorf("push headers: %+v (key %s)", got, key)
		}

		team := ann.CreateTeam("crew", true)
		ann.AddToTeam(team.ID, bob.UserID)
		ch := ann.CreateChannel(team.ID, "ops", model.ChannelOpen)
		bob.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		ann.CreatePost(ch.ID, "no mention", "")
		m := ann.CreatePost(ch.ID, "@bob the deploy is done", "")
		want = model.WebPushMessage{Title: ch.DisplayName, Body: "@ann: @bob the deploy is done", ChannelID: ch.ID, PostID: m.ID,
			TeamID: team.ID, TeamName: "crew", URL: "/crew/pl/" + m.ID}
		if pl := webPushPayload(t, ps.WaitFor(t, browser, 2)[1]); pl != want {
			t.Errorf("mention push:\n got %+v\nwant %+v", pl, want)
		}

		// Bob at his desk (a web request marks him online) gets none.
		bob.Header.Set("X-Requested-With", "XMLHttpRequest")
		bob.Get("/users/me").Expect(http.StatusOK)
		ann.CreatePost(dm.ID, "you are here", "")
		bob.Put("/users/"+bob.UserID+"/status", map[string]string{"user_id": bob.UserID, "status": "offline"}).Expect(http.StatusOK)

		// The browser withdrew the subscription: the service answers 410
		// and Parley forgets it.
		ps.Answer(browser, http.StatusGone)
		ann.CreatePost(dm.ID, "still there?", "")
		if pl := webPushPayload(t, ps.WaitFor(t, browser, 3)[2]); pl.Body != "still there?" {
			t.Errorf("after the online spell: %+v", pl)
		}
		waitUntil(t, "the subscription is removed", func() bool { return len(mySubscriptions(bob)) == 0 })
		ann.CreatePost(dm.ID, "gone", "")
		time.Sleep(300 * time.Millisecond)
		if n := len(ps.Messages(browser)); n != 3 {
			t.Errorf("%d pushes after the 410, want 3", n)
		}
		if errs := ps.Errors(); len(errs) > 0 {
			t.Errorf("push service errors: %v", errs)
		}
		// Three queued; the 410 counts as a failed attempt.
		rec := httptest.NewRecorder()
		s.Srv.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for _, line := range []string{`parley_notifications_total{kind="webpush",outcome="queued"} 3`,
			`parley_notifications_total{kind="webpush",outcome="sent"} 2`,
			`parley_notifications_total{kind="webpush",outcome="failed"} 1`} {
			if !strings.Contains(rec.Body.String(), line) {
				t.Errorf("metrics lack %s", line)
			}
		}
	}, func(c *config.Config) { c.FeedbackEmail = "" })
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// What a Web Push says follows PushNotificationContents, as the mobile
// pushes do; sub is the feedback address.
func TestWebPushContents(t *testing.T) {
	for _, tc := range []struct{ contents, title, body string }{
		{"generic", "@ann", "sent you a direct message."},
		{"id_loaded", "Parley", "You've received a new message."},
	} {
		t.Run(tc.contents, func(t *testing.T) {
			eachWithWebPush(t, func(t *testing.T, s *apitest.Server, ps *pushtest.WebPush) {
				ann, bob := s.SignUp("ann"), s.SignUp("bob")
				browser := ps.NewBrowser(t)
				bob.Post("/parley/webpush/subscriptions", browser.Subscription()).Expect(http.StatusCreated)
				var dm model.Channel
				ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
				ann.CreatePost(dm.ID, "secret lunch", "")
				got := ps.WaitFor(t, browser, 1)[0]
				if pl := webPushPayload(t, got); pl.Title != tc.title || pl.Body != tc.body || strings.Contains(string(got.Payload), "secret") {
					t.Errorf("push: %s", got.Payload)
				}
				if got.Subject != "mailto:parley@example.com" {
					t.Errorf("sub %q", got.Subject)
				}
			}, func(c *config.Config) {
				c.PushNotificationContents, c.FeedbackEmail = tc.contents, "parley@example.com"
			})
		})
	}
}

// A subscription ends with its session: logout, revocation, deactivation.
// The VAPID key is the database's: another app on the same store (a
// restart, another node) publishes the same one.
func TestWebPushSessionEnds(t *testing.T) {
	eachWithWebPush(t, func(t *testing.T, s *apitest.Server, ps *pushtest.WebPush) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		tab1, tab2, tab3 := s.Login("bob", "password-bob"), s.Login("bob", "password-bob"), s.Login("bob", "password-bob")
		for _, c := range []*apitest.Client{tab1, tab2, tab3} {
			c.Post("/parley/webpush/subscriptions", ps.NewBrowser(t).Subscription()).Expect(http.StatusCreated)
		}
		if n := len(mySubscriptions(bob)); n != 3 {
			t.Fatalf("%d subscriptions, want 3", n)
		}
		tab1.Post("/users/logout", nil).Expect(http.StatusOK)
		if n := len(mySubscriptions(bob)); n != 2 {
			t.Errorf("after logout: %d subscriptions, want 2", n)
		}
		tab2Session, err := s.Store.GetSessionByToken(context.Background(), tab2.Token)
		if err != nil {
			t.Fatal(err)
		}
		bob.Post("/users/"+bob.UserID+"/sessions/revoke", map[string]string{"session_id": tab2Session.ID}).Expect(http.StatusOK)
		if n := len(mySubscriptions(bob)); n != 1 {
			t.Errorf("after revoking a session: %d subscriptions, want 1", n)
		}
		// The export names the browser, not its keys.
		body := bob.Get("/users/me/export").Expect(http.StatusOK).Body
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		var export struct {
			Subs []model.WebPushSubscription `json:"web_push_subscriptions"`
		}
		for _, f := range zr.File {
			if f.Name == "export.json" {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(rc)
				rc.Close()
				if err := json.Unmarshal(raw, &export); err != nil || strings.Contains(string(raw), "p256dh") {
					t.Errorf("export: %v, keys in it: %t", err, strings.Contains(string(raw), "p256dh"))
				}
			}
		}
		if len(export.Subs) != 1 || !strings.HasPrefix(export.Subs[0].Endpoint, ps.URL) {
			t.Errorf("exported subscriptions: %+v", export.Subs)
		}
		ann.Put("/users/"+bob.UserID+"/active", map[string]bool{"active": false}).Expect(http.StatusOK)
		subs, err := s.Store.UserWebPushSubscriptions(context.Background(), bob.UserID)
		if err != nil || len(subs) != 0 {
			t.Errorf("after deactivation: %d subscriptions (%v)", len(subs), err)
		}

		published := webPushKey(t, ann)
		other := app.New(s.Store, nil, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if k, err := other.WebPushPublicKey(context.Background()); err != nil || k != published {
			t.Errorf("another node's key %q (%v), want %q", k, err, published)
		}
	})
}

// Bad subscriptions answer 400 with the field in the id, and store nothing.
func TestWebPushSubscriptionRefused(t *testing.T) {
	eachWithWebPush(t, func(t *testing.T, s *apitest.Server, ps *pushtest.WebPush) {
		bob := s.SignUp("bob")
		good := ps.NewBrowser(t).Subscription()
		with := func(k string, v any) map[string]any {
			m := map[string]any{"endpoint": good["endpoint"], "keys": good["keys"]}
			if k == "p256dh" || k == "auth" {
				keys := map[string]string{}
				for kk, vv := range good["keys"].(map[string]string) {
					keys[kk] = vv
				}
				keys[k] = v.(string)
				m["keys"] = keys
			} else {
				m[k] = v
			}
			return m
		}
		for _, tc := range []struct {
			name string
			body any
			id   string
		}{
			{"not JSON", "{", "api.context.invalid_body_param.app_error"},
			{"a list", []string{"x"}, "api.web_push.subscription.invalid_body.app_error"},
			{"no endpoint", with("endpoint", ""), "api.web_push.subscription.endpoint.app_error"},
			{"http to another host", with("endpoint", "http://push.example.com/x"), "api.web_push.subscription.endpoint.app_error"},
			{"ftp", with("endpoint", "ftp://push.example.com/x"), "api.web_push.subscription.endpoint.app_error"},
			{"credentials", with("endpoint", "https://u:p@push.example.com/x"), "api.web_push.subscription.endpoint.app_error"},
			{"endpoint too long", with("endpoint", "https://push.example.com/"+strings.Repeat("a", 2100)), "api.web_push.subscription.endpoint.app_error"},
			{"short key", with("p256dh", "BAAA"), "api.web_push.subscription.p256dh.app_error"},
			{"key not on the curve", with("p256dh", "B"+strings.Repeat("A", 86)), "api.web_push.subscription.p256dh.app_error"},
			{"no auth", with("auth", ""), "api.web_push.subscription.auth.app_error"},
			{"long auth", with("auth", strings.Repeat("A", 32)), "api.web_push.subscription.auth.app_error"},
		} {
			checkError(t, tc.name, bob.Post("/parley/webpush/subscriptions", tc.body), http.StatusBadRequest, tc.id)
		}
		if n := len(mySubscriptions(bob)); n != 0 {
			t.Errorf("%d subscriptions stored from bad bodies", n)
		}
		// The same endpoint again is one subscription; at most ten per user.
		for range 2 {
			bob.Post("/parley/webpush/subscriptions", good).Expect(http.StatusCreated)
		}
		for range 9 {
			bob.Post("/parley/webpush/subscriptions", ps.NewBrowser(t).Subscription()).Expect(http.StatusCreated)
		}
		checkError(t, "eleventh", bob.Post("/parley/webpush/subscriptions", ps.NewBrowser(t).Subscription()),
			http.StatusBadRequest, "api.web_push.subscription.too_many.app_error")
		bob.Do("DELETE", "/parley/webpush/subscriptions", map[string]any{"endpoint": good["endpoint"]}).Expect(http.StatusOK)
		if n := len(mySubscriptions(bob)); n != 9 {
			t.Errorf("%d subscriptions after one was deleted, want 9", n)
		}
		checkError(t, "delete unknown", bob.Do("DELETE", "/parley/webpush/subscriptions", map[string]any{"endpoint": "https://x.example/1"}),
			http.StatusNotFound, "api.web_push.subscription.not_found.app_error")
		// Off, subscribing is refused.
		off := *s.Srv.App.Config()
		off.EnableWebPush = false
		s.Srv.App.SetConfig(off)
		checkError(t, "disabled", bob.Post("/parley/webpush/subscriptions", ps.NewBrowser(t).Subscription()),
			http.StatusNotImplemented, "api.web_push.disabled.app_error")
	})
	// Plain http to 127.0.0.1 is for tests only.
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.SignUp("bob")
		ps := pushtest.StartWebPush(t)
		checkError(t, "http loopback", bob.Post("/parley/webpush/subscriptions", ps.NewBrowser(t).Subscription()),
			http.StatusBadRequest, "api.web_push.subscription.endpoint.app_error")
	})
}
