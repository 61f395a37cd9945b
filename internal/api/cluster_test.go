package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
)

// A single node is no cluster: Mattermost answers an empty list then. The
// three-node behaviour is tested in internal/server (TestClusterThreeNodes).
func TestClusterStatusSingleNode(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		member := s.SignUp("member")
		r := admin.Get("/cluster/status").Expect(http.StatusOK)
		if strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("cluster status = %s, want []", r.Body)
		}
		member.Get("/cluster/status").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		s.Anon().Get("/cluster/status").ExpectError(http.StatusUnauthorized, "api.context.session_expired.app_error")
	})
}
