package ws_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// revokeWithin is the promise: an ended session's sockets close within a second.
const revokeWithin = time.Second

// TestRevocationClosesSockets opens sockets, ends their sessions every way
// there is, and checks each socket closes within a second while the sockets
// of sessions that were not ended stay open.
func TestRevocationClosesSockets(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		users := map[string]*apitest.Client{}
		for _, name := range []string{"logout", "revoke", "revokeall", "pwd", "deact", "erase", "offboard", "tobot"} {
			users[name] = s.SignUp(name)
		}
		open := func(c *apitest.Client) *wsClient {
			w := dial(t, s, c.Token, "")
			w.hello()
			return w
		}
		bystander := open(admin)

		cases := []struct {
			name string
			do   func(victim *apitest.Client)
		}{
			{"logout", func(v *apitest.Client) { v.Post("/users/logout", nil).Expect(http.StatusOK) }},
			{"revoke", func(v *apitest.Client) {
				var ss []model.Session
				admin.Get("/users/" + v.UserID + "/sessions").Expect(http.StatusOK).JSON(&ss)
				for _, x := range ss {
					admin.Post("/users/"+v.UserID+"/sessions/revoke", map[string]string{"session_id": x.ID}).Expect(http.StatusOK)
				}
			}},
			{"revokeall", func(v *apitest.Client) {
				admin.Post("/users/"+v.UserID+"/sessions/revoke/all", nil).Expect(http.StatusOK)
			}},
			{"deact", func(v *apitest.Client) {
				admin.Put("/users/"+v.UserID+"/active", map[string]bool{"active": false}).Expect(http.StatusOK)
			}},
			{"erase", func(v *apitest.Client) {
				admin.Delete("/users/" + v.UserID + "?permanent=true").Expect(http.StatusOK)
			}},
			{"offboard", func(v *apitest.Client) {
				admin.Post("/users/"+v.UserID+"/offboard", nil).Expect(http.StatusOK)
			}},
			{"tobot", func(v *apitest.Client) { // parley user convert-to-bot
				if _, err := s.Srv.App.ConvertUserToBot(context.Background(), app.SystemSession(), v.UserID); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, tc := range cases {
			victim := users[tc.name]
			w := open(victim)
			tc.do(victim)
			w.expectClosedWithin(revokeWithin)
		}

		// Password change: the user's other sessions close, the one used to
		// change it stays; an admin's reset closes them all.
		pwd := users["pwd"]
		other := s.Login("pwd", "password-pwd")
		keep, gone := open(pwd), open(other)
		pwd.Put("/users/"+pwd.UserID+"/password", map[string]string{"current_password": "password-pwd",
			"new_password": "password-new"}).Expect(http.StatusOK)
		gone.expectClosedWithin(revokeWithin)
		if r := keep.send("ping", nil); r.Status != "OK" {
			t.Fatalf("the session that changed the password lost its socket: %s", r.raw)
		}
		pwd.Get("/users/me").Expect(http.StatusOK)
		other.Get("/users/me").Expect(http.StatusUnauthorized)
		admin.Put("/users/"+pwd.UserID+"/password", map[string]string{"new_password": "password-reset"}).Expect(http.StatusOK)
		keep.expectClosedWithin(revokeWithin)

		// A personal access token's socket closes when the token is revoked or disabled.
		pat := admin // members may not create tokens by default
		for _, how := range []string{"disable", "revoke"} {
			var tok model.UserAccessToken
			pat.Post("/users/"+pat.UserID+"/tokens", map[string]string{"description": how}).Expect(http.StatusOK).JSON(&tok)
			w := dial(t, s, tok.Token, "")
			w.hello()
			login := open(pat) // the user's login session is not the token's
			pat.Post("/users/tokens/"+how, map[string]string{"token_id": tok.ID}).Expect(http.StatusOK)
			w.expectClosedWithin(revokeWithin)
			if r := login.send("ping", nil); r.Status != "OK" {
				t.Fatalf("%s of a token closed the login socket", how)
			}
		}

		// A bot's token socket closes when the bot is disabled.
		var bot model.Bot
		admin.Post("/bots", map[string]string{"username": "helper"}).Expect(http.StatusCreated).JSON(&bot)
		var botTok model.UserAccessToken
		admin.Post("/users/"+bot.UserID+"/tokens", map[string]string{"description": "bot"}).Expect(http.StatusOK).JSON(&botTok)
		bw := dial(t, s, botTok.Token, "")
		bw.hello()
		admin.Post("/bots/"+bot.UserID+"/disable", nil).Expect(http.StatusOK)
		bw.expectClosedWithin(revokeWithin)

		// A revoked connection cannot be resumed by its id either.
		r := s.Login("revoke", "password-revoke")
		w := open(r)
		r.Post("/users/logout", nil).Expect(http.StatusOK)
		w.expectClosedWithin(revokeWithin)
		fresh := s.Login("revoke", "password-revoke")
		resumed := dial(t, s, fresh.Token, w.resumeQuery())
		if f := resumed.hello(); f.Data["connection_id"] == w.connID {
			t.Fatal("a revoked connection was resumed")
		}

		if r := bystander.send("ping", nil); r.Status != "OK" {
			t.Fatal("an unrelated socket was closed")
		}
	}, func(c *config.Config) { c.EnableAPIDeletion, c.EnableBotAccountCreation = true, true })
}

// TestRevokeEverySession closes every socket of every user.
func TestRevokeEverySession(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		a, b := dial(t, s, admin.Token, ""), dial(t, s, bob.Token, "")
		a.hello()
		b.hello()
		admin.Post("/users/sessions/revoke/all", nil).Expect(http.StatusOK)
		a.expectClosedWithin(revokeWithin)
		b.expectClosedWithin(revokeWithin)
	})
}

// TestRemovalStopsEventsAtOnce removes members from a private channel and from
// a team while their sockets are open and the hub's membership cache is warm:
// nothing posted afterwards reaches them.
func TestRemovalStopsEventsAtOnce(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		secret := w.alice.CreateChannel(w.team.ID, "hush", "P")
		for _, u := range []*apitest.Client{w.bob, w.carol} {
			w.alice.Post("/channels/"+secret.ID+"/members", map[string]string{"user_id": u.UserID}).Expect(http.StatusCreated)
		}
		b, c := dial(t, s, w.bob.Token, ""), dial(t, s, w.carol.Token, "")
		b.hello()
		c.hello()
		// Warm the cache with the channel's members.
		w.alice.CreatePost(secret.ID, "warm", "")
		b.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), "warm") })
		c.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), "warm") })

		// Bob is removed from the channel, carol from the team; the very next
		// posts, with no pause, must not reach them.
		w.alice.Delete("/channels/" + secret.ID + "/members/" + w.bob.UserID).Expect(http.StatusOK)
		w.alice.CreatePost(secret.ID, "leak-after-channel-removal", "")
		w.alice.Delete("/teams/" + w.team.ID + "/members/" + w.carol.UserID).Expect(http.StatusOK)
		w.alice.CreatePost(secret.ID, "leak-after-team-removal", "")
		a := dial(t, s, w.alice.Token, "")
		a.hello()
		a.send("user_typing", map[string]string{"channel_id": secret.ID})

		// Sentinels: a DM to each reaches them after everything above.
		for _, u := range []*apitest.Client{w.bob, w.carol} {
			var dm model.Channel
			w.alice.Post("/channels/direct", []string{w.alice.UserID, u.UserID}).Expect(http.StatusCreated).JSON(&dm)
			w.alice.CreatePost(dm.ID, "sentinel", "")
		}
		for ws, leaks := range map[*wsClient][]string{
			b: {"leak-after-channel-removal", "leak-after-team-removal"},
			c: {"leak-after-team-removal"},
		} {
			ws.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), "sentinel") })
			for _, raw := range ws.seen {
				for _, leak := range leaks {
					if strings.Contains(raw, leak) {
						t.Fatalf("removed member received: %s", raw)
					}
				}
				if strings.Contains(raw, `"typing"`) && strings.Contains(raw, secret.ID) {
					t.Fatalf("removed member received: %s", raw)
				}
			}
		}
	})
}

// TestOriginCheck refuses WebSocket upgrades from foreign pages.
func TestOriginCheck(t *testing.T) {
	try := func(t *testing.T, s *apitest.Server, origin string) int {
		t.Helper()
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/v4/websocket",
			&websocket.DialOptions{HTTPHeader: h})
		if err == nil {
			_ = c.CloseNow()
			return http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatalf("dial %q: %v", origin, err)
		}
		return resp.StatusCode
	}
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		for origin, want := range map[string]int{
			"":                         http.StatusSwitchingProtocols, // non-browser client
			s.URL:                      http.StatusSwitchingProtocols, // same host
			"https://evil.example.com": http.StatusForbidden,
			"null":                     http.StatusForbidden,
		} {
			if got := try(t, s, origin); got != want {
				t.Errorf("origin %q: status %d, want %d", origin, got, want)
			}
		}
	})
	t.Run("site_url", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			for origin, want := range map[string]int{
				"https://chat.example.com": http.StatusSwitchingProtocols,
				"http://chat.example.com":  http.StatusForbidden, // scheme must match too
				s.URL:                      http.StatusForbidden, // the raw host is not the site
			} {
				if got := try(t, s, origin); got != want {
					t.Errorf("origin %q: status %d, want %d", origin, got, want)
				}
			}
		}, func(c *config.Config) { c.SiteURL = "https://chat.example.com" })
	})
}
