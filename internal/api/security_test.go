package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMFAEnrolmentAndLogin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		ann := s.SignUp("ann")
		anon := s.Anon()
		var req map[string]bool
		anon.Post("/users/mfa", map[string]string{"login_id": "ann"}).Expect(http.StatusOK).JSON(&req)
		if req["mfa_required"] {
			t.Fatal("mfa_required before enrolment")
		}

		// Someone else cannot generate or activate ann's secret.
		checkError(t, "generate for another", admin.Post("/users/"+ann.UserID+"/mfa/generate", nil), 403, "api.context.permissions.app_error")
		var gen struct {
			Secret string `json:"secret"`
			QRCode string `json:"qr_code"`
		}
		r := ann.Post("/users/me/mfa/generate", nil).Expect(http.StatusOK)
		r.JSON(&gen)
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Error("MFA secret answer may be cached")
		}
		pngData, err := base64.StdEncoding.DecodeString(gen.QRCode)
		if err != nil {
			t.Fatalf("qr_code not base64: %v", err)
		}
		if _, err := png.Decode(bytes.NewReader(pngData)); err != nil || len(gen.Secret) < 16 {
			t.Fatalf("qr_code not a PNG (%v) or short secret %q", err, gen.Secret)
		}
		// Not active until confirmed with a code; a wrong code does not activate.
		checkError(t, "bad activation code", ann.Put("/users/me/mfa", map[string]any{"activate": true, "code": "000000"}),
			400, "mfa.activate.bad_token.app_error")
		s.Login("ann", "password-ann")
		enrolled := time.Now()
		ann.Put("/users/me/mfa", map[string]any{"activate": true, "code": code(t, gen.Secret, enrolled)}).Expect(http.StatusOK)

		// The secret never comes back in user JSON, to anyone.
		for _, c := range []*apitest.Client{ann, admin} {
			for _, path := range []string{"/users/" + ann.UserID, "/users/me", "/users?per_page=200"} {
				body := c.Get(path).Body
				if bytes.Contains(body, []byte(gen.Secret)) || bytes.Contains(body, []byte("mfa_secret")) {
					t.Fatalf("%s shows the MFA secret: %s", path, body)
				}
			}
		}

		anon.Post("/users/mfa", map[string]string{"login_id": "ann@example.com"}).Expect(http.StatusOK).JSON(&req)
		if !req["mfa_required"] {
			t.Fatal("mfa_required false after enrolment")
		}
		login := func(token string) *apitest.Response {
			return s.Anon().Post("/users/login", map[string]string{"login_id": "ann", "password": "password-ann", "token": token})
		}
		checkError(t, "login without code", login(""), 401, "mfa.validate_token.authenticate.app_error")
		checkError(t, "login with bad code", login("123456"), 401, "api.user.check_user_mfa.bad_code.app_error")
		checkError(t, "login with code of an hour ago", login(code(t, gen.Secret, time.Now().Add(-time.Hour))), 401,
			"api.user.check_user_mfa.bad_code.app_error")
		// The activation code is used up; so is every code once it logged in
		// (RFC 6238 §5.2), and any older one. The next step's code is within
		// the allowed skew even if a step boundary passes meanwhile.
		checkError(t, "login with the activation code", login(code(t, gen.Secret, enrolled)), 401,
			"api.user.check_user_mfa.bad_code.app_error")
		next := code(t, gen.Secret, enrolled.Add(30*time.Second))
		login(next).Expect(http.StatusOK)
		checkError(t, "login with a used code", login(next), 401, "api.user.check_user_mfa.bad_code.app_error")
		// A code does not stand in for the password.
		checkError(t, "code without password", s.Anon().Post("/users/login", map[string]string{"login_id": "ann",
			"password": "wrong", "token": code(t, gen.Secret, time.Now())}), 401, "api.user.login.invalid_credentials_email_username")

		// Deactivation by the user; then a password is enough again.
		ann.Put("/users/me/mfa", map[string]any{"activate": false}).Expect(http.StatusOK)
		login("").Expect(http.StatusOK)
	})
}

func TestMFAEnforcementAndReset(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		// Until bob sets up MFA he can only see himself and set it up.
		checkError(t, "enforced", bob.Get("/users?per_page=10"), 403, "api.context.mfa_required.app_error")
		checkError(t, "enforced post", bob.Post("/teams", map[string]string{"name": "x", "display_name": "x", "type": "O"}),
			403, "api.context.mfa_required.app_error")
		bob.Get("/users/me").Expect(http.StatusOK)
		var gen struct {
			Secret string `json:"secret"`
		}
		bob.Post("/users/me/mfa/generate", nil).Expect(http.StatusOK).JSON(&gen)
		bob.Put("/users/me/mfa", map[string]any{"activate": true, "code": code(t, gen.Secret, time.Now())}).Expect(http.StatusOK)
		bob.Get("/users?per_page=10").Expect(http.StatusOK)
		checkError(t, "login without code", s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "password-bob"}),
			401, "mfa.validate_token.authenticate.app_error")

		// The admin command turns it off: bob logs in with his password, and is
		// held back again until he sets it up anew.
		if err := s.Srv.App.ResetMFA(context.Background(), app.SystemSession(), bob.UserID); err != nil {
			t.Fatal(err)
		}
		again := s.Login("bob", "password-bob")
		checkError(t, "enforced after reset", again.Get("/users?per_page=10"), 403, "api.context.mfa_required.app_error")
		_ = admin
	}, func(c *config.Config) { c.EnforceMFA = true })
}

// TestTOTPVectors checks codes against RFC 6238 appendix B (SHA-1, truncated
// to the six digits authenticator apps show).
func TestTOTPVectors(t *testing.T) {
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of "12345678901234567890"
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1111111111: "050471",
		1234567890: "005924", 2000000000: "279037", 20000000000: "353130"} {
		if got := code(t, secret, time.Unix(unix, 0)); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		anon := s.Anon()
		mk := func(pw string) *apitest.Response {
			return anon.Post("/users", map[string]string{"username": "u" + strings.ToLower(model.NewID()[:8]),
				"email": model.NewID() + "@example.com", "password": pw})
		}
		// As Mattermost: a length error names the bound, otherwise the id names what is missing.
		for pw, id := range map[string]string{"short": "pwd_min_length", "alllowercase1!": "pwd_uppercase", "ALLUPPERCASE1!": "pwd_lowercase",
			"NoNumberHere!": "pwd_number", "NoSymbol1234": "pwd_symbol", "nothingelse": "pwd_uppercase_number_symbol",
			strings.Repeat("Aa1!", 19): "pwd_max_length"} {
			checkError(t, "password "+pw, mk(pw), 400, "model.user.is_valid."+id+".app_error")
		}
		mk("Good-Passw0rd").Expect(http.StatusCreated)
	}, func(c *config.Config) {
		c.PasswordMinLength = 10
		c.PasswordRequireLowercase, c.PasswordRequireUppercase, c.PasswordRequireNumber, c.PasswordRequireSymbol = true, true, true, true
	})
	t.Run("length only", func(t *testing.T) {
		apitest.Each(t, func(t *testing.T, s *apitest.Server) {
			checkError(t, "short", s.Anon().Post("/users", map[string]string{"username": "x1", "email": "x1@example.com", "password": "1234567"}),
				400, "model.user.is_valid.pwd_min_length.app_error")
		})
	})
}

// TestLockoutExpires locks an account, then lets the lockout period pass:
// the owner can log in again, and failures while locked did not extend it.
func TestLockoutExpires(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		anon := s.Anon()
		wrong := map[string]string{"login_id": "admin", "password": "wrong-one"}
		right := map[string]string{"login_id": "admin", "password": "password-admin"}
		for range 2 {
			anon.Post("/users/login", wrong)
		}
		for range 5 { // an attacker keeps trying while it is locked
			checkError(t, "locked", anon.Post("/users/login", wrong), 401, "api.user.check_user_login_attempts.too_many.app_error")
		}
		checkError(t, "locked", anon.Post("/users/login", right), 401, "api.user.check_user_login_attempts.too_many.app_error")
		// Move the last failure back past the lockout period.
		st := s.Store
		if err := st.RecordFailedLogin(context.Background(), admin.UserID, 2, model.Now()-2*60_000); err != nil {
			t.Fatal(err)
		}
		anon.Post("/users/login", right).Expect(http.StatusOK)
		var me model.User
		admin.Get("/users/me").Expect(http.StatusOK).JSON(&me)
		if me.FailedAttempts != 0 {
			t.Fatalf("failed attempts not reset: %d", me.FailedAttempts)
		}
	}, func(c *config.Config) { c.MaxLoginAttempts, c.LoginLockoutMinutes = 2, 1 })
}

// TestReauthentication: an old session cannot create tokens or deactivate its
// own account; a fresh login can.
func TestReauthentication(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		ctx := context.Background()
		st := s.Store
		old := &model.Session{ID: model.NewID(), Token: model.NewID(), UserID: admin.UserID, Roles: admin.User.Roles,
			CreateAt: model.Now() - 2*int64(time.Hour/time.Millisecond), LastActivityAt: model.Now(),
			ExpiresAt: model.Now() + int64(time.Hour/time.Millisecond), Props: model.StringMap{"csrf": model.NewID()}}
		if err := st.SaveSession(ctx, old); err != nil {
			t.Fatal(err)
		}
		stale := s.Anon()
		stale.Token = old.Token
		checkError(t, "token from an old session", stale.Post("/users/"+admin.UserID+"/tokens", map[string]string{"description": "x"}),
			401, "api.context.reauthentication_required.app_error")
		checkError(t, "self-deactivation from an old session", stale.Delete("/users/"+admin.UserID),
			401, "api.context.reauthentication_required.app_error")
		admin.Get("/users/me").Expect(http.StatusOK)
		admin.Post("/users/"+admin.UserID+"/tokens", map[string]string{"description": "x"}).Expect(http.StatusOK)
	}, func(c *config.Config) { c.EnableUserDeactivation = true })
}

// TestPatchCannotForgeServerProps: webhook and bot props are set by the
// server; a member editing a post cannot add them.
func TestPatchCannotForgeServerProps(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		team := admin.CreateTeam("crew", true)
		admin.AddToTeam(team.ID, bob.UserID)
		ch := admin.CreateChannel(team.ID, "general", "O")
		bob.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		p := bob.CreatePost(ch.ID, "hello", "")
		forged := map[string]any{"from_webhook": "true", "from_bot": "true", "override_username": "admin",
			"override_icon_url": "https://evil.example.com/x.png", "from_plugin": "true", "kept": "yes"}
		var out model.Post
		bob.Put("/posts/"+p.ID+"/patch", map[string]any{"props": forged}).Expect(http.StatusOK).JSON(&out)
		for k := range forged {
			if _, ok := out.Props[k]; ok && k != "kept" {
				t.Errorf("member set server prop %s: %v", k, out.Props)
			}
		}
		if out.Props["kept"] != "yes" {
			t.Errorf("ordinary prop lost: %v", out.Props)
		}
		bob.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "new", "props": forged}).Expect(http.StatusCreated).JSON(&out)
		for k := range forged {
			if _, ok := out.Props[k]; ok && k != "kept" {
				t.Errorf("member created post with server prop %s: %v", k, out.Props)
			}
		}
	})
}

// mattermostPBKDF2 is the password of TestMattermostPasswordHashes hashed the
// way current Mattermost does (hashers.DefaultPBKDF2: SHA-256, 600,000
// iterations, 32-byte key, 16-byte salt, unpadded base64), computed apart
// from Parley with Python's hashlib.pbkdf2_hmac and the salt bytes 0..15.
const mattermostPBKDF2 = "$pbkdf2$f=SHA256,w=600000,l=32$AAECAwQFBgcICQoLDA0ODw$VXeu5UMHumyhuAS/i7W8YnUYB6qSbQsoX0CWhUnwFkc"

// A database that comes from Mattermost holds PBKDF2 hashes: the password
// logs in, and the hash becomes Parley's bcrypt on the way.
func TestMattermostPasswordHashes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		const pw = "^a v3ery c0mp_ex Passw∙rd$"
		s.SignUp("admin")
		bob := s.SignUp("bob")
		st := s.Store
		ctx := context.Background()
		if err := st.UpdatePassword(ctx, bob.UserID, mattermostPBKDF2, model.Now()); err != nil {
			t.Fatal(err)
		}
		for _, wrong := range []string{"password-bob", pw + "x", ""} {
			r := s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": wrong})
			if r.Status == http.StatusOK {
				t.Fatalf("login with %q accepted", wrong)
			}
		}
		if u, err := st.GetUser(ctx, bob.UserID); err != nil || u.Password != mattermostPBKDF2 {
			t.Fatalf("a failed login changed the hash: %v %q", err, u.Password)
		}
		s.Login("bob", pw)
		u, err := st.GetUser(ctx, bob.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.Password, "$2a$") {
			t.Fatalf("hash after login: %q, want bcrypt", u.Password)
		}
		s.Login("bob", pw) // and the bcrypt hash works
		if r := s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "password-bob"}); r.Status == http.StatusOK {
			t.Fatal("old Parley password accepted after re-hash")
		}
	})
}
