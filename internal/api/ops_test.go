package api_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
)

func TestRateLimit(t *testing.T) {
	limited := func(c *config.Config) {
		c.RateLimitEnabled, c.RateLimitPerSec, c.RateLimitBurst = true, 1, 5
	}
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.SignUp("alice")
		bob := s.SignUp("bob")
		var last *apitest.Response
		for range 10 {
			last = alice.Get("/users/me")
			if last.Status == http.StatusTooManyRequests {
				break
			}
		}
		if last.Status != http.StatusTooManyRequests {
			t.Fatalf("10 quick requests at 1/s with burst 5 were all allowed")
		}
		if string(last.Body) != "limit exceeded\n" || last.Header.Get("Retry-After") == "" {
			t.Fatalf("429 body %q, Retry-After %q", last.Body, last.Header.Get("Retry-After"))
		}
		if last.Header.Get("X-Ratelimit-Limit") != "1" || last.Header.Get("X-Ratelimit-Remaining") != "0" {
			t.Fatalf("headers: %v", last.Header)
		}
		if reset, err := strconv.Atoi(last.Header.Get("X-Ratelimit-Reset")); err != nil || reset < 1 {
			t.Fatalf("X-Ratelimit-Reset = %q", last.Header.Get("X-Ratelimit-Reset"))
		}
		// Buckets are per user: bob is unaffected by alice's burst.
		bob.Get("/users/me").Expect(http.StatusOK)
	}, limited)
}

func TestPingServerStatusAndHeaders(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		r := s.Anon().Get("/system/ping?get_server_status=true").Expect(http.StatusOK)
		var body map[string]string
		r.JSON(&body)
		if body["status"] != "OK" || body["database_status"] != "OK" || body["filestore_status"] != "OK" {
			t.Fatalf("ping: %v", body)
		}
		for _, h := range []string{"X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy", "X-Request-Id", "X-Version-Id"} {
			if r.Header.Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
		}
	})
}

func TestMetricsUseMattermostNames(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("ops", true)
		ch := admin.CreateChannel(team.ID, "alerts", "O")
		admin.CreatePost(ch.ID, "disk full", "")
		rec := httptest.NewRecorder()
		s.Srv.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		out := rec.Body.String()
		for _, want := range []string{
			`mattermost_http_requests_total{handler="/posts",method="POST",status_code="201"} 1`,
			`mattermost_post_total 1`,
			`mattermost_login_logins_total 1`,
			`mattermost_db_store_time_count{method="SavePost",success="true"}`,
			`mattermost_api_time_bucket{handler="/channels"`,
			`mattermost_db_master_connections_total`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}
