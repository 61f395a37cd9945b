package ws_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// TestEnforcedMFAKeepsSocketsClosed: with enforce_mfa, a user without MFA is
// refused a WebSocket as the API refuses them (403
// api.context.mfa_required.app_error), however the socket authenticates,
// and gets one once MFA is set up.
func TestEnforcedMFAKeepsSocketsClosed(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		cfg := *s.Srv.App.Config()
		cfg.EnforceMFA = true
		s.Srv.App.SetConfig(cfg)
		const mfaRequired = "api.context.mfa_required.app_error"
		checkError := func(t *testing.T, r *apitest.Response) {
			t.Helper()
			r.ExpectError(http.StatusForbidden, mfaRequired)
		}
		checkError(t, w.bob.Get("/users?per_page=10")) // the API's refusal, for comparison

		wsURL := "ws" + strings.TrimPrefix(s.URL, "http") + "/api/v4/websocket"
		upgrades := map[string]struct {
			url string
			hdr http.Header
		}{
			"bearer header": {wsURL, http.Header{"Authorization": {"Bearer " + w.bob.Token}}},
			"cookie":        {wsURL, http.Header{"Cookie": {"MMAUTHTOKEN=" + w.bob.Token}}},
			"query":         {wsURL + "?access_token=" + w.bob.Token, http.Header{}},
		}
		for name, u := range upgrades {
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			c, resp, err := websocket.Dial(ctx, u.url, &websocket.DialOptions{HTTPHeader: u.hdr})
			cancel()
			if err == nil {
				_ = c.CloseNow()
				t.Fatalf("%s: socket opened for a user without MFA", name)
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("%s: upgrade answered %v, want 403", name, resp)
			}
			body, _ := io.ReadAll(resp.Body)
			var e model.AppError
			if json.Unmarshal(body, &e) != nil || e.ID != mfaRequired || e.StatusCode != 403 ||
				e.RequestID == "" || e.RequestID != resp.Header.Get("X-Request-Id") {
				t.Fatalf("%s: refusal body %s", name, body)
			}
		}

		// The challenge is refused the same way, and the socket closes.
		c := dial(t, s, "", "")
		c.sendRaw(map[string]any{"seq": 1, "action": "authentication_challenge", "data": map[string]string{"token": w.bob.Token}})
		f := c.next(waitFor)
		if f == nil || f.Status != "FAIL" || f.SeqReply != 1 || f.Error == nil || f.Error.ID != mfaRequired || f.Error.StatusCode != 403 {
			t.Fatalf("challenge answer: %+v", f)
		}
		c.expectClosed()

		// With MFA set up, bob gets his socket.
		var gen struct {
			Secret string `json:"secret"`
		}
		w.bob.Post("/users/me/mfa/generate", nil).Expect(http.StatusOK).JSON(&gen)
		code, err := totp.GenerateCodeCustom(gen.Secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix,
			Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		w.bob.Put("/users/me/mfa", map[string]any{"activate": true, "code": code}).Expect(http.StatusOK)
		b := dial(t, s, w.bob.Token, "")
		b.hello()
		c2 := dial(t, s, "", "")
		if r := c2.send("authentication_challenge", map[string]string{"token": w.bob.Token}); r.Status != "OK" {
			t.Fatalf("challenge after MFA set-up: %s", r.raw)
		}
	})
}
