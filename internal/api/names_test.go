package api_test

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
)

// TestUsernameAndEmailRefused: a username must start with a letter and an
// email must be one plain address, on sign-up, on a patch and for a bot,
// the same rule the CLI and the importer apply (model.IsValidUsername and
// model.IsValidEmail).
func TestUsernameAndEmailRefused(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		anon := s.Anon()
		var cases []refusal
		for _, name := range []string{".", "..", "-", "_", "1", ".hidden", "1abc", "-x"} {
			cases = append(cases,
				refusal{"signup " + name, anon, "POST", "/users", map[string]string{"username": name, "email": "n@example.com", "password": "password-n"},
					http.StatusBadRequest, "model.user.is_valid.username.app_error"},
				refusal{"patch " + name, admin, "PUT", "/users/me/patch", map[string]string{"username": name},
					http.StatusBadRequest, "model.user.is_valid.username.app_error"})
		}
		for _, email := range []string{"Bob <bob@example.com>", "<bob@example.com>", "bob@two@example.com", "bob smith@example.com", "bob@exa\nmple.com", "bob"} {
			cases = append(cases,
				refusal{"signup " + email, anon, "POST", "/users", map[string]string{"username": "bob", "email": email, "password": "password-n"},
					http.StatusBadRequest, "model.user.is_valid.email.app_error"},
				refusal{"patch " + email, admin, "PUT", "/users/me/patch", map[string]string{"email": email, "password": "password-admin"},
					http.StatusBadRequest, "model.user.is_valid.email.app_error"})
		}
		cases = append(cases, refusal{"lookup by a non-address", admin, "GET", "/users/email/Bob%20%3Cbob@example.com%3E", nil,
			http.StatusBadRequest, "api.context.invalid_url_param.app_error"})
		expectRefused(t, admin, []string{"/users?per_page=200", "/users/me"}, cases)
		// Still accepted: a letter first, then the usual alphabet.
		anon.Post("/users", map[string]string{"username": "a1.b-c_d", "email": "first.last+tag@example.com", "password": "password-n"}).
			Expect(http.StatusCreated)
	})
}
