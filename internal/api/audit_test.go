package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// Every administrative change made through the API is in the audit log with
// the admin who made it, the session it was made with and the client's address.
func TestAdminChangesAreAudited(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		team := admin.CreateTeam("staff", true)
		var carl model.User
		admin.Post("/users", map[string]string{"username": "carl", "email": "carl@example.com", "password": "password-carl"}).
			Expect(http.StatusCreated).JSON(&carl)
		admin.Delete("/users/" + carl.ID).Expect(http.StatusOK)
		admin.Put("/users/"+carl.ID+"/active", map[string]bool{"active": true}).Expect(http.StatusOK)
		admin.Put("/users/"+bob.UserID+"/roles", map[string]string{"roles": "system_user system_admin"}).Expect(http.StatusOK)
		admin.Put("/users/"+bob.UserID+"/password", map[string]string{"new_password": "password-bob2"}).Expect(http.StatusOK)
		admin.AddToTeam(team.ID, carl.ID)
		ch := admin.CreateChannel(team.ID, "releases", model.ChannelOpen)
		admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": carl.ID}).Expect(http.StatusCreated)
		admin.Delete("/channels/" + ch.ID + "/members/" + carl.ID).Expect(http.StatusOK)
		admin.Delete("/channels/" + ch.ID).Expect(http.StatusOK)
		admin.Post("/channels/"+ch.ID+"/restore", nil).Expect(http.StatusOK)
		admin.Delete("/teams/" + team.ID + "/members/" + carl.ID).Expect(http.StatusOK)
		var e model.Emoji
		createEmoji(admin, "logo", pngBytes(t, 8, 8)).Expect(http.StatusOK).JSON(&e)
		admin.Delete("/emoji/" + e.ID).Expect(http.StatusOK)

		var audits []model.Audit
		admin.Get("/audits?per_page=200").Expect(http.StatusOK).JSON(&audits)
		byAction := map[string][]model.Audit{}
		for _, a := range audits {
			byAction[a.Action] = append(byAction[a.Action], a)
		}
		for _, want := range []struct{ action, target string }{
			{model.AuditUserCreate, carl.ID}, {model.AuditUserDeactivate, carl.ID}, {model.AuditUserActivate, carl.ID},
			{model.AuditRoleChange, bob.UserID}, {model.AuditUserPassword, bob.UserID},
			{model.AuditTeamCreate, team.ID}, {model.AuditTeamMemberAdd, carl.ID}, {model.AuditTeamMemberRemove, carl.ID},
			{model.AuditChannelCreate, ch.ID}, {model.AuditChannelMemberAdd, carl.ID}, {model.AuditChannelMemberRemove, carl.ID},
			{model.AuditChannelArchive, ch.ID}, {model.AuditChannelRestore, ch.ID},
			{model.AuditEmojiAdd, e.ID}, {model.AuditEmojiDelete, e.ID},
		} {
			found := false
			for _, a := range byAction[want.action] {
				if a.TargetID != want.target {
					continue
				}
				found = true
				if a.ActorID != admin.UserID || a.SessionID == "" || a.SessionID == "system" || a.IPAddress != "127.0.0.1" || !a.Success {
					js, _ := json.Marshal(a)
					t.Errorf("%s: %s", want.action, js)
				}
			}
			if !found {
				t.Errorf("no %s entry about %s", want.action, want.target)
			}
		}
	})
}
