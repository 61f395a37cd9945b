package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/mailtest"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// eachWithMail runs fn against a fresh server on every backend, each sending
// through its own mailpit.
func eachWithMail(t *testing.T, fn func(t *testing.T, s *apitest.Server, mp *mailtest.Server), opts ...func(*config.Config)) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		mp := mailtest.Start(t)
		withMail := func(c *config.Config) {
			c.SMTPServer, c.SMTPPort, c.FeedbackEmail = mp.Host, mp.SMTPPort, "parley@example.com"
		}
		fn(t, apitest.Start(t, b, append([]func(*config.Config){withMail}, opts...)...), mp)
	})
}

var (
	resetLink  = regexp.MustCompile(`(\S+)/reset_password_complete\?token=([0-9a-f]{64})`)
	verifyLink = regexp.MustCompile(`(\S+)/do_verify_email\?email=(\S+)&token=([0-9a-f]{64})`)
)

// tokenIn returns the site part and the token of the link the mail carries.
func tokenIn(t *testing.T, re *regexp.Regexp, m mailtest.Message) (site, token string) {
	t.Helper()
	g := re.FindStringSubmatch(m.Text)
	if g == nil {
		t.Fatalf("no link matching %s in %q", re, m.Text)
	}
	if !strings.Contains(m.HTML, g[0][len(g[1]):]) && !strings.Contains(m.HTML, strings.ReplaceAll(g[0][len(g[1]):], "&", "&amp;")) {
		t.Errorf("HTML part lacks the link: %q", m.HTML)
	}
	return g[1], g[len(g)-1]
}

func TestPasswordReset(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		ann := s.SignUp("ann")
		other := s.Login("ann", "password-ann")
		anon := s.Anon()
		var cc map[string]string
		anon.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["PasswordEnableForgotLink"] != "true" {
			t.Errorf("PasswordEnableForgotLink = %q with SMTP set, want true", cc["PasswordEnableForgotLink"])
		}

		// The same answer whether or not the address has an account.
		anon.Post("/users/password/reset/send", map[string]string{"email": "nobody@example.com"}).Expect(http.StatusOK)
		anon.Post("/users/password/reset/send", map[string]string{"email": "ann@example.com"}).Expect(http.StatusOK)
		checkError(t, "no email", anon.Post("/users/password/reset/send", map[string]string{}), 400,
			"api.context.invalid_body_param.app_error")
		first := mp.WaitFor(t, "ann@example.com", 1)[0]
		if first.Subject != "[Parley] Reset your password" || first.From != "parley@example.com" {
			t.Errorf("mail: %+v", first)
		}
		site, oldToken := tokenIn(t, resetLink, first)
		if site != s.URL {
			t.Errorf("link to %s, want %s", site, s.URL)
		}
		// A second request voids the first link.
		anon.Post("/users/password/reset/send", map[string]string{"email": "ann@example.com"}).Expect(http.StatusOK)
		var token string
		for _, m := range mp.WaitFor(t, "ann@example.com", 2) {
			if _, tk := tokenIn(t, resetLink, m); tk != oldToken {
				token = tk
			}
		}
		reset := func(tok, pw string) *apitest.Response {
			return anon.Post("/users/password/reset", map[string]string{"token": tok, "new_password": pw})
		}
		checkError(t, "voided link", reset(oldToken, "new-password-ann"), 400, "api.user.reset_password.invalid_link.app_error")
		checkError(t, "unknown token", reset(strings.Repeat("ab", 32), "new-password-ann"), 400,
			"api.user.reset_password.invalid_link.app_error")
		checkError(t, "short token", reset("abc", "new-password-ann"), 400, "api.context.invalid_body_param.app_error")
		if r := reset(token, "x"); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "model.user.is_valid.pwd") {
			t.Errorf("weak password: %d %s", r.Status, r.Body)
		}
		// The refused password left the token usable.
		reset(token, "new-password-ann").Expect(http.StatusOK)
		checkError(t, "token used twice", reset(token, "other-password"), 400, "api.user.reset_password.invalid_link.app_error")
		for _, c := range []*apitest.Client{ann, other} {
			if r := c.Get("/users/me"); r.Status != http.StatusUnauthorized {
				t.Errorf("session after reset: %d, want 401", r.Status)
			}
		}
		checkError(t, "old password", anon.Post("/users/login", map[string]string{"login_id": "ann", "password": "password-ann"}),
			401, "api.user.login.invalid_credentials_email_username")
		s.Login("ann", "new-password-ann")
		if n := len(mp.Messages(t)); n != 2 {
			t.Errorf("%d mails delivered, want 2 (none to an unknown address)", n)
		}

		// A token older than Mattermost's 24 hours has expired.
		raw := strings.Repeat("cd", 32)
		h := sha256.Sum256([]byte(raw))
		if err := s.Store.SaveToken(context.Background(), &model.Token{Hash: hex.EncodeToString(h[:]),
			Type: model.TokenTypePasswordRecovery, CreateAt: model.Now() - model.PasswordRecoverExpiryTime - 1000,
			UserID: ann.UserID, Email: "ann@example.com"}); err != nil {
			t.Fatal(err)
		}
		checkError(t, "expired", reset(raw, "newer-password"), 400, "api.user.reset_password.link_expired.app_error")
	})
}

func TestPasswordResetWithoutMail(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.SignUp("ann")
		anon := s.Anon()
		var cc map[string]string
		anon.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["PasswordEnableForgotLink"] != "false" {
			t.Errorf("PasswordEnableForgotLink = %q without SMTP, want false", cc["PasswordEnableForgotLink"])
		}
		for _, email := range []string{"ann@example.com", "nobody@example.com"} {
			checkError(t, email, anon.Post("/users/password/reset/send", map[string]string{"email": email}), 500,
				"api.user.send_password_reset.send.app_error")
		}
	})
}

func TestEmailVerification(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		anon := s.Anon()
		signUp := func(name string) {
			anon.Post("/users", map[string]string{"username": name, "email": name + "@example.com",
				"password": "password-" + name}).Expect(http.StatusCreated)
		}
		login := func(name string) *apitest.Response {
			return anon.Post("/users/login", map[string]string{"login_id": name, "password": "password-" + name})
		}
		signUp("ann")
		checkError(t, "unverified", login("ann"), 401, "api.user.login.not_verified.app_error")
		checkError(t, "wrong password first", anon.Post("/users/login", map[string]string{"login_id": "ann", "password": "nope-nope"}),
			401, "api.user.login.invalid_credentials_email_username")
		// The welcome mail carries the link: one mail, not two.
		m := mp.WaitFor(t, "ann@example.com", 1)[0]
		if m.Subject != "[Parley] You joined chat.example.com" {
			t.Errorf("subject %q", m.Subject)
		}
		site, token := tokenIn(t, verifyLink, m)
		if site != "https://chat.example.com" {
			t.Errorf("link to %s, want site_url", site)
		}
		verify := func(tok string) *apitest.Response {
			return anon.Post("/users/email/verify", map[string]string{"token": tok})
		}
		checkError(t, "unknown token", verify(strings.Repeat("ef", 32)), 400, "api.user.verify_email.bad_link.app_error")
		checkError(t, "short token", verify("x"), 400, "api.context.invalid_body_param.app_error")
		verify(token).Expect(http.StatusOK)
		checkError(t, "used twice", verify(token), 400, "api.user.verify_email.bad_link.app_error")
		login("ann").Expect(http.StatusOK)

		// Asking again sends a new link and voids the old one.
		signUp("bob")
		anon.Post("/users/email/verify/send", map[string]string{"email": "bob@example.com"}).Expect(http.StatusOK)
		anon.Post("/users/email/verify/send", map[string]string{"email": "nobody@example.com"}).Expect(http.StatusOK)
		mails := mp.WaitFor(t, "bob@example.com", 2)
		_, newest := tokenIn(t, verifyLink, mails[0]) // mailpit lists newest first
		_, older := tokenIn(t, verifyLink, mails[1])
		checkError(t, "voided link", verify(older), 400, "api.user.verify_email.bad_link.app_error")
		verify(newest).Expect(http.StatusOK)
		login("bob").Expect(http.StatusOK)
	}, func(c *config.Config) { c.RequireEmailVerification, c.SiteURL = true, "https://chat.example.com" })
}

// A sign-up gets Mattermost's welcome mail while notification mail or
// verification is on, unless it asks for none; the verification link then
// still comes, alone.
func TestWelcomeMail(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		anon := s.Anon()
		anon.Post("/users", map[string]any{"username": "ann", "email": "ann@example.com", "password": "password-ann"}).Expect(http.StatusCreated)
		m := mp.WaitFor(t, "ann@example.com", 1)[0]
		if m.Subject != "[Parley] You joined chat.example.com" || !strings.Contains(m.Text, "https://chat.example.com/") ||
			verifyLink.MatchString(m.Text) {
			t.Errorf("welcome mail %q: %q", m.Subject, m.Text)
		}
		anon.Post("/users", map[string]any{"username": "bob", "email": "bob@example.com", "password": "password-bob",
			"disable_welcome_email": true}).Expect(http.StatusCreated)
		// A failed sign-up sends nothing.
		anon.Post("/users", map[string]any{"username": "ann", "email": "ann2@example.com", "password": "password-ann"}).Expect(http.StatusBadRequest)

		admin := s.Login("ann", "password-ann")
		admin.Put("/config/patch", map[string]any{"EmailSettings": map[string]any{"RequireEmailVerification": true}}).Expect(http.StatusOK)
		anon.Post("/users", map[string]any{"username": "carol", "email": "carol@example.com", "password": "password-carol",
			"disable_welcome_email": true}).Expect(http.StatusCreated)
		m = mp.WaitFor(t, "carol@example.com", 1)[0]
		if m.Subject != "[Parley] Email Verification" {
			t.Errorf("disable_welcome_email with verification: %q", m.Subject)
		}
		tokenIn(t, verifyLink, m)
		admin.Put("/config/patch", map[string]any{"EmailSettings": map[string]any{"SendEmailNotifications": false,
			"RequireEmailVerification": false}}).Expect(http.StatusOK)
		anon.Post("/users", map[string]any{"username": "dave", "email": "dave@example.com", "password": "password-dave"}).Expect(http.StatusCreated)
		anon.Post("/users/password/reset/send", map[string]string{"email": "dave@example.com"}).Expect(http.StatusOK)
		if got := mp.WaitFor(t, "dave@example.com", 1); got[0].Subject != "[Parley] Reset your password" {
			t.Errorf("dave got %q: no welcome mail with both switches off", got[0].Subject)
		}
		if n := len(mp.Messages(t)); n != 3 {
			t.Errorf("%d mails, want 3 (ann's welcome, carol's verification, dave's reset)", n)
		}
	}, func(c *config.Config) { c.SendEmailNotifications, c.SiteURL = true, "https://chat.example.com" })
}
