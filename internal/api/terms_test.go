package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// Custom terms of service as Mattermost's apps use them: an admin publishes
// versions, the client config names the one in force, and each user accepts
// or declines it; the user object carries the acceptance for the user and
// admins only.
func TestTermsOfService(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")

		bob.Get("/terms_of_service").ExpectError(http.StatusNotFound, "app.terms_of_service.get.no_rows.app_error")
		s.Anon().Get("/terms_of_service").ExpectError(http.StatusUnauthorized, "api.context.session_expired.app_error")
		cfg := clientConfig(t, bob)
		if cfg["EnableCustomTermsOfService"] != "true" || cfg["CustomTermsOfServiceReAcceptancePeriod"] != "30" {
			t.Errorf("client config: EnableCustomTermsOfService %q, period %q", cfg["EnableCustomTermsOfService"],
				cfg["CustomTermsOfServiceReAcceptancePeriod"])
		}
		if _, ok := cfg["CustomTermsOfServiceId"]; ok {
			t.Errorf("CustomTermsOfServiceId with no version published: %q", cfg["CustomTermsOfServiceId"])
		}
		var lic map[string]string
		bob.Get("/license/client?format=old").Expect(http.StatusOK).JSON(&lic)
		if lic["CustomTermsOfService"] != "true" {
			t.Errorf("license CustomTermsOfService %q", lic["CustomTermsOfService"])
		}

		// Only system admins publish; bad bodies are refused with nothing written.
		bob.Post("/terms_of_service", map[string]string{"text": "mine"}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		admin.Post("/terms_of_service", map[string]string{"text": ""}).
			ExpectError(http.StatusBadRequest, "api.create_terms_of_service.empty_text.app_error")
		admin.Raw("POST", "/terms_of_service", "application/json", []byte(`{"text":`)).
			ExpectError(http.StatusBadRequest, "api.create_terms_of_service.empty_text.app_error")
		admin.Post("/terms_of_service", map[string]string{"text": strings.Repeat("é", model.MaxTermsOfServiceRunes+1)}).
			ExpectError(http.StatusBadRequest, "model.terms_of_service.is_valid.text.app_error")
		bob.Get("/terms_of_service").ExpectError(http.StatusNotFound, "app.terms_of_service.get.no_rows.app_error")

		var v1 model.TermsOfService
		admin.Post("/terms_of_service", map[string]string{"text": "# Rules\n\nBe **kind**."}).Expect(http.StatusOK).JSON(&v1)
		if !model.IsValidID(v1.ID) || v1.CreateAt == 0 || v1.UserID != admin.UserID || v1.Text != "# Rules\n\nBe **kind**." {
			t.Fatalf("created %+v", v1)
		}
		var got model.TermsOfService
		bob.Get("/terms_of_service").Expect(http.StatusOK).JSON(&got)
		if got != v1 {
			t.Fatalf("latest %+v, want %+v", got, v1)
		}
		// The same text again is the same version: nobody has to accept again.
		var same model.TermsOfService
		admin.Post("/terms_of_service", map[string]string{"text": v1.Text}).Expect(http.StatusOK).JSON(&same)
		if same != v1 {
			t.Errorf("republishing the same text made %+v", same)
		}
		if id := clientConfig(t, bob)["CustomTermsOfServiceId"]; id != v1.ID {
			t.Errorf("CustomTermsOfServiceId %q, want %q", id, v1.ID)
		}
		if id := clientConfig(t, s.Anon())["CustomTermsOfServiceId"]; id != v1.ID {
			t.Errorf("logged-out CustomTermsOfServiceId %q, want %q", id, v1.ID)
		}

		// Accepting.
		bob.Get("/users/me/terms_of_service").
			ExpectError(http.StatusNotFound, "app.user_terms_of_service.get_by_user.no_rows.app_error")
		bob.Post("/users/me/terms_of_service", map[string]any{"termsOfServiceId": v1.ID, "accepted": true}).Expect(http.StatusOK)
		var acc model.UserTermsOfService
		bob.Get("/users/" + bob.UserID + "/terms_of_service").Expect(http.StatusOK).JSON(&acc)
		if acc.UserID != bob.UserID || acc.TermsOfServiceID != v1.ID || acc.CreateAt < v1.CreateAt {
			t.Fatalf("acceptance %+v", acc)
		}

		// The user and admins see it on the user; others do not.
		for _, viewer := range []*apitest.Client{bob, admin} {
			var u model.User
			viewer.Get("/users/" + bob.UserID).Expect(http.StatusOK).JSON(&u)
			if u.TermsOfServiceID != v1.ID || u.TermsOfServiceCreateAt != acc.CreateAt {
				t.Errorf("user as seen by %s: terms %q at %d", viewer.User.Username, u.TermsOfServiceID, u.TermsOfServiceCreateAt)
			}
		}
		r := carol.Get("/users/" + bob.UserID).Expect(http.StatusOK)
		if strings.Contains(string(r.Body), "terms_of_service") {
			t.Errorf("another user sees bob's acceptance: %s", r.Body)
		}
		// The login answer carries it, for the apps to decide at once.
		var me model.User
		s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "password-bob"}).
			Expect(http.StatusOK).JSON(&me)
		if me.TermsOfServiceID != v1.ID || me.TermsOfServiceCreateAt != acc.CreateAt {
			t.Errorf("login answer: terms %q at %d", me.TermsOfServiceID, me.TermsOfServiceCreateAt)
		}

		// A new version is the one in force; declining it keeps nothing of it.
		var v2 model.TermsOfService
		admin.Post("/terms_of_service", map[string]string{"text": "Be kinder."}).Expect(http.StatusOK).JSON(&v2)
		if v2.ID == v1.ID || v2.CreateAt <= v1.CreateAt {
			t.Fatalf("second version %+v after %+v", v2, v1)
		}
		if id := clientConfig(t, bob)["CustomTermsOfServiceId"]; id != v2.ID {
			t.Errorf("CustomTermsOfServiceId %q, want the new %q", id, v2.ID)
		}
		bob.Post("/users/me/terms_of_service", map[string]any{"termsOfServiceId": v2.ID, "accepted": false}).Expect(http.StatusOK)
		bob.Get("/users/me/terms_of_service").Expect(http.StatusOK).JSON(&acc)
		if acc.TermsOfServiceID != v1.ID {
			t.Errorf("declining the new version changed the acceptance: %+v", acc)
		}
		// The reference's name for the id is understood too.
		carol.Post("/users/me/terms_of_service", map[string]any{"serviceTermsId": v2.ID, "accepted": true}).Expect(http.StatusOK)
		carol.Get("/users/me/terms_of_service").Expect(http.StatusOK).JSON(&acc)
		if acc.TermsOfServiceID != v2.ID {
			t.Errorf("carol's acceptance %+v", acc)
		}
		carol.Post("/users/me/terms_of_service", map[string]any{"termsOfServiceId": v2.ID, "accepted": false}).Expect(http.StatusOK)
		carol.Get("/users/me/terms_of_service").
			ExpectError(http.StatusNotFound, "app.user_terms_of_service.get_by_user.no_rows.app_error")

		// Bad input, and nothing written by it.
		for _, bad := range []struct {
			body   string
			status int
			id     string
		}{
			{`{"termsOfServiceId":`, http.StatusBadRequest, "api.context.invalid_body_param.app_error"},
			{`{"accepted":true}`, http.StatusBadRequest, "api.context.invalid_body_param.app_error"},
			{`{"termsOfServiceId":"` + v2.ID + `","accepted":"true"}`, http.StatusBadRequest, "api.context.invalid_body_param.app_error"},
			{`{"termsOfServiceId":"` + model.NewID() + `","accepted":true}`, http.StatusNotFound, "app.terms_of_service.get.no_rows.app_error"},
			{`{"termsOfServiceId":"","accepted":true}`, http.StatusNotFound, "app.terms_of_service.get.no_rows.app_error"},
		} {
			carol.Raw("POST", "/users/me/terms_of_service", "application/json", []byte(bad.body)).ExpectError(bad.status, bad.id)
		}
		carol.Get("/users/me/terms_of_service").
			ExpectError(http.StatusNotFound, "app.user_terms_of_service.get_by_user.no_rows.app_error")
		// An acceptance is only ever one's own.
		carol.Post("/users/"+bob.UserID+"/terms_of_service", map[string]any{"termsOfServiceId": v2.ID, "accepted": true}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		admin.Get("/users/"+bob.UserID+"/terms_of_service").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Get("/users/me/terms_of_service").Expect(http.StatusOK).JSON(&acc)
		if acc.TermsOfServiceID != v1.ID {
			t.Errorf("bob's acceptance after carol's attempt: %+v", acc)
		}

		// The user's data export has their acceptance.
		export := bob.Get("/users/me/export").Expect(http.StatusOK)
		zr, err := zip.NewReader(bytes.NewReader(export.Body), int64(len(export.Body)))
		if err != nil {
			t.Fatal(err)
		}
		var exported struct{ Profile model.User }
		for _, f := range zr.File {
			if f.Name == "export.json" {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				if err := json.NewDecoder(rc).Decode(&exported); err != nil {
					t.Fatal(err)
				}
				rc.Close()
			}
		}
		if exported.Profile.TermsOfServiceID != v1.ID || exported.Profile.TermsOfServiceCreateAt == 0 {
			t.Errorf("data export profile: terms %q at %d", exported.Profile.TermsOfServiceID, exported.Profile.TermsOfServiceCreateAt)
		}

		// Publishing and answering are in the audit log.
		var audits []model.Audit
		admin.Get("/audits?per_page=200").Expect(http.StatusOK).JSON(&audits)
		count := map[string]int{}
		for _, a := range audits {
			if a.TargetType != "terms_of_service" {
				continue
			}
			count[a.Action]++
			if a.Action == model.AuditTermsOfServiceCreate && (a.ActorID != admin.UserID || a.SessionID == "" || !a.Success) {
				t.Errorf("create audit %+v", a)
			}
		}
		if count[model.AuditTermsOfServiceCreate] != 2 || count[model.AuditTermsOfServiceAccept] != 2 ||
			count[model.AuditTermsOfServiceDecline] != 2 {
			t.Errorf("audit entries %v", count)
		}
	}, func(c *config.Config) {
		c.CustomTermsOfServiceEnabled = true
		c.CustomTermsOfServiceReAcceptancePeriod = 30
	})
}

// Off (the default), the client config and licence say so and name no version.
func TestTermsOfServiceOff(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		admin.Post("/terms_of_service", map[string]string{"text": "Prepared before turning it on."}).Expect(http.StatusOK)
		cfg := clientConfig(t, admin)
		if cfg["EnableCustomTermsOfService"] != "false" || cfg["CustomTermsOfServiceReAcceptancePeriod"] != "365" {
			t.Errorf("client config: EnableCustomTermsOfService %q, period %q", cfg["EnableCustomTermsOfService"],
				cfg["CustomTermsOfServiceReAcceptancePeriod"])
		}
		if _, ok := cfg["CustomTermsOfServiceId"]; ok {
			t.Errorf("CustomTermsOfServiceId while off")
		}
		var lic map[string]string
		admin.Get("/license/client?format=old").Expect(http.StatusOK).JSON(&lic)
		if lic["CustomTermsOfService"] != "false" {
			t.Errorf("license CustomTermsOfService %q", lic["CustomTermsOfService"])
		}
		// Mattermost's names in the configuration API turn it on.
		var doc map[string]map[string]any
		admin.Get("/config").Expect(http.StatusOK).JSON(&doc)
		doc["SupportSettings"]["CustomTermsOfServiceEnabled"] = true
		doc["SupportSettings"]["CustomTermsOfServiceReAcceptancePeriod"] = 7
		admin.Put("/config", doc).Expect(http.StatusOK)
		cfg = clientConfig(t, admin)
		if cfg["EnableCustomTermsOfService"] != "true" || cfg["CustomTermsOfServiceReAcceptancePeriod"] != "7" ||
			cfg["CustomTermsOfServiceId"] == "" {
			t.Errorf("after PUT /config: %q %q %q", cfg["EnableCustomTermsOfService"],
				cfg["CustomTermsOfServiceReAcceptancePeriod"], cfg["CustomTermsOfServiceId"])
		}
		doc["SupportSettings"]["CustomTermsOfServiceReAcceptancePeriod"] = 0
		if r := admin.Put("/config", doc); r.Status != http.StatusBadRequest {
			t.Errorf("a re-acceptance period of 0 days: %d %s", r.Status, r.Body)
		}
	})
}
