package api_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func TestPermanentDeletionNeedsSwitchAndAdmin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		team := admin.CreateTeam("staff", true)
		ch := admin.CreateChannel(team.ID, "old-project", model.ChannelOpen)
		admin.Delete("/channels/"+ch.ID+"?permanent=true").ExpectError(http.StatusUnauthorized, "api.user.delete_channel.not_enabled.app_error")
		admin.Delete("/users/"+bob.UserID+"?permanent=true").ExpectError(http.StatusUnauthorized, "api.user.delete_user.not_enabled.app_error")
		admin.Get("/channels/" + ch.ID).Expect(http.StatusOK)
	})
}

func TestPermanentDeletionAndGDPREndpoints(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carl := s.SignUp("carl")
		team := admin.CreateTeam("staff", true)
		admin.AddToTeam(team.ID, bob.UserID)
		ch := admin.CreateChannel(team.ID, "old-project", model.ChannelOpen)
		post := admin.CreatePost(ch.ID, "bye", "")

		bob.Delete("/channels/" + ch.ID + "?permanent=true").Expect(http.StatusForbidden)
		admin.Delete("/channels/" + ch.ID + "?permanent=true").Expect(http.StatusOK)
		admin.Get("/channels/" + ch.ID).Expect(http.StatusNotFound)
		admin.Get("/posts/" + post.ID).Expect(http.StatusNotFound)

		// Self-service export, but not of others.
		resp := bob.Get("/users/me/export").Expect(http.StatusOK)
		zr, err := zip.NewReader(bytes.NewReader(resp.Body), int64(len(resp.Body)))
		if err != nil || len(zr.File) != 2 {
			t.Fatalf("export zip: %v", err)
		}
		bob.Get("/users/" + admin.UserID + "/export").Expect(http.StatusForbidden)
		admin.Get("/users/" + bob.UserID + "/export").Expect(http.StatusOK)

		bob.Get("/audits").Expect(http.StatusForbidden)
		var audits []model.Audit
		admin.Get("/audits?action=user.export").Expect(http.StatusOK).JSON(&audits)
		if len(audits) != 2 {
			t.Fatalf("export audits: %d", len(audits))
		}
		s.Anon().Post("/users/login", map[string]string{"login_id": "carl", "password": "wrong-password"}).Expect(http.StatusUnauthorized)
		admin.Get("/audits?action=user.login_failed&user_id=" + carl.UserID).Expect(http.StatusOK).JSON(&audits)
		if len(audits) != 1 || audits[0].Success {
			t.Fatalf("failed login audits: %+v", audits)
		}

		bob.Delete("/users/" + carl.UserID + "?permanent=true").Expect(http.StatusForbidden)
		admin.Delete("/users/" + carl.UserID + "?permanent=true").Expect(http.StatusOK)
		admin.Get("/users/" + carl.UserID).Expect(http.StatusNotFound)
		admin.Post("/users/"+bob.UserID+"/offboard", nil).Expect(http.StatusOK)
		bob.Get("/users/me").Expect(http.StatusUnauthorized)
	}, func(c *config.Config) { c.EnableAPIDeletion = true })
}
