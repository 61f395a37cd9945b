package api_test

import (
	"net/http"
	"path"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// TestIntegrationsOfCreatorWhoLostAccess: the webhooks and slash commands of a
// creator who is deactivated, removed from the team, erased or offboarded stop
// at once (nothing of members' posts goes out, nothing is posted as the
// creator), and are shown as disabled; a sysadmin's integrations keep working.
func TestIntegrationsOfCreatorWhoLostAccess(t *testing.T) {
	losses := []struct {
		name   string
		lose   func(w *channelWorld, ann *apitest.Client) *apitest.Response
		reason string
	}{
		{"deactivated", func(w *channelWorld, ann *apitest.Client) *apitest.Response {
			return w.admin.Put("/users/"+ann.UserID+"/active", map[string]bool{"active": false})
		}, model.DisabledCreatorDeactivated},
		{"removed from team", func(w *channelWorld, ann *apitest.Client) *apitest.Response {
			return w.admin.Delete("/teams/" + w.team.ID + "/members/" + ann.UserID)
		}, model.DisabledCreatorNotInTeam},
		{"left the team", func(w *channelWorld, ann *apitest.Client) *apitest.Response {
			return ann.Delete("/teams/" + w.team.ID + "/members/" + ann.UserID)
		}, model.DisabledCreatorNotInTeam},
		{"erased", func(w *channelWorld, ann *apitest.Client) *apitest.Response {
			return w.admin.Delete("/users/" + ann.UserID + "?permanent=true")
		}, model.DisabledCreatorDeleted},
		{"offboarded", func(w *channelWorld, ann *apitest.Client) *apitest.Response {
			return w.admin.Post("/users/"+ann.UserID+"/offboard", nil)
		}, model.DisabledCreatorDeactivated},
	}
	for _, loss := range losses {
		t.Run(loss.name, func(t *testing.T) {
			apitest.Each(t, func(t *testing.T, s *apitest.Server) {
				w := newChannelWorld(t, s)
				ann := s.SignUp("ann")
				w.admin.AddToTeam(w.team.ID, ann.UserID)
				w.admin.Put("/teams/"+w.team.ID+"/members/"+ann.UserID+"/roles",
					map[string]string{"roles": "team_user team_admin"}).Expect(http.StatusOK)

				annRec, annSrv := newRecorder(t, func(r *http.Request) (int, string, string) {
					return 200, "application/json", `{"text":"ann's integration answers"}`
				})
				ctlRec, ctlSrv := newRecorder(t, func(r *http.Request) (int, string, string) {
					return 200, "application/json", `{}`
				})
				// Ann's hook is created first, so without the check it is listed,
				// queued and called before the control.
				var annOut, ctlOut model.OutgoingWebhook
				ann.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "trigger_words": []string{"ping"},
					"callback_urls": []string{annSrv.URL + "/out"}, "content_type": "application/json"}).
					Expect(http.StatusCreated).JSON(&annOut)
				w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "trigger_words": []string{"ping"},
					"callback_urls": []string{ctlSrv.URL + "/out"}}).Expect(http.StatusCreated).JSON(&ctlOut)
				var annCmd model.Command
				ann.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "anncmd", "method": "P",
					"url": annSrv.URL + "/cmd"}).Expect(http.StatusCreated).JSON(&annCmd)
				var annIn model.IncomingWebhook
				ann.Post("/hooks/incoming", map[string]any{"channel_id": w.public.ID}).Expect(http.StatusCreated).JSON(&annIn)
				if annOut.DisabledReason != "" || annCmd.DisabledReason != "" || annIn.DisabledReason != "" {
					t.Fatalf("working integrations marked disabled: %+v %+v %+v", annOut, annCmd, annIn)
				}

				// Before: everything works.
				replies := func() int {
					n := 0
					for _, p := range channelMessages(t, w.bob, w.public.ID) {
						if p.Message == "ann's integration answers" && p.UserID == ann.UserID {
							n++
						}
					}
					return n
				}
				w.bob.CreatePost(w.public.ID, "ping one", "")
				waitFor(t, "both hooks and ann's reply", func() bool {
					return annRec.count() == 1 && ctlRec.count() == 1 && replies() == 1
				})
				w.bob.Post("/commands/execute", map[string]string{"channel_id": w.public.ID, "command": "/anncmd hi"}).
					Expect(http.StatusOK)
				annRec.mu.Lock()
				responseHook := "commands/" + path.Base(annRec.forms[1].Get("response_url"))
				annRec.mu.Unlock()
				if code, id := hookPost(t, s, annIn.ID, "application/json", `{"text":"before"}`); code != 200 {
					t.Fatalf("incoming hook before: %d %s", code, id)
				}

				loss.lose(w, ann).Expect(http.StatusOK)

				// After: members' posts reach only the control hook.
				calls := annRec.count()
				for i, msg := range []string{"ping secret two", "ping secret three"} {
					w.bob.CreatePost(w.public.ID, msg, "")
					waitFor(t, "the control hook", func() bool { return ctlRec.count() == 2+i })
				}
				if n := annRec.count(); n != calls {
					t.Errorf("the disabled hook was called %d more times", n-calls)
				}
				if n := replies(); n > 1 {
					t.Errorf("%d replies posted as ann", n)
				}
				checkError(t, "command", w.bob.Post("/commands/execute", map[string]string{"channel_id": w.public.ID,
					"command": "/anncmd secret"}), 403, "api.command.execute_command.creator_inactive.app_error")
				if n := annRec.count(); n != calls {
					t.Errorf("the disabled command was called")
				}
				if code, id := hookPost(t, s, responseHook, "application/json", `{"text":"late answer","response_type":"in_channel"}`); code != 400 ||
					id != "web.command_webhook.invalid.app_error" {
					t.Errorf("response_url after the loss: %d %s", code, id)
				}
				if code, id := hookPost(t, s, annIn.ID, "application/json", `{"text":"after"}`); code != 403 ||
					id != "web.incoming_webhook.user.app_error" {
					t.Errorf("incoming hook after: %d %s", code, id)
				}
				for _, p := range channelMessages(t, w.bob, w.public.ID) {
					if p.Message == "after" || p.Message == "late answer" {
						t.Errorf("posted after the loss: %+v", p)
					}
				}

				// Admins see which integrations stopped, and why.
				var outs []*model.OutgoingWebhook
				w.admin.Get("/hooks/outgoing?team_id=" + w.team.ID).Expect(http.StatusOK).JSON(&outs)
				reasons := map[string]string{}
				for _, h := range outs {
					reasons[h.ID] = h.DisabledReason
				}
				if len(outs) != 2 || reasons[annOut.ID] != loss.reason || reasons[ctlOut.ID] != "" {
					t.Errorf("outgoing list reasons: %v", reasons)
				}
				var one model.OutgoingWebhook
				w.admin.Get("/hooks/outgoing/" + annOut.ID).Expect(http.StatusOK).JSON(&one)
				if one.DisabledReason != loss.reason {
					t.Errorf("outgoing get: %q", one.DisabledReason)
				}
				var ins []*model.IncomingWebhook
				w.admin.Get("/hooks/incoming?team_id=" + w.team.ID).Expect(http.StatusOK).JSON(&ins)
				if len(ins) != 1 || ins[0].DisabledReason != loss.reason {
					t.Errorf("incoming list: %+v", ins)
				}
				var cmds []*model.Command
				w.admin.Get("/commands?team_id=" + w.team.ID + "&custom_only=true").Expect(http.StatusOK).JSON(&cmds)
				if len(cmds) != 1 || cmds[0].DisabledReason != loss.reason {
					t.Errorf("command list: %+v", cmds)
				}
				var auto []*model.Command
				w.bob.Get("/teams/" + w.team.ID + "/commands/autocomplete").Expect(http.StatusOK).JSON(&auto)
				for _, c := range auto {
					if c.Trigger == "anncmd" {
						t.Error("a disabled command is offered for autocompletion")
					}
				}
			}, integrationConfig, func(c *config.Config) { c.EnableAPIDeletion = true })
		})
	}
}

// TestOffboardReportsIntegrations: offboarding names the webhooks and commands
// that stop with the user.
func TestOffboardReportsIntegrations(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newChannelWorld(t, s)
		w.admin.Put("/teams/"+w.team.ID+"/members/"+w.bob.UserID+"/roles",
			map[string]string{"roles": "team_user team_admin"}).Expect(http.StatusOK)
		var out model.OutgoingWebhook
		w.bob.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "trigger_words": []string{"x"},
			"callback_urls": []string{"https://example.com/x"}, "display_name": "Exporter"}).Expect(http.StatusCreated).JSON(&out)
		var in model.IncomingWebhook
		w.bob.Post("/hooks/incoming", map[string]any{"channel_id": w.public.ID, "display_name": "CI"}).
			Expect(http.StatusCreated).JSON(&in)
		var cmd model.Command
		w.bob.Post("/commands", map[string]any{"team_id": w.team.ID, "trigger": "deploy", "method": "P",
			"url": "https://example.com/cmd"}).Expect(http.StatusCreated).JSON(&cmd)
		w.admin.Post("/hooks/outgoing", map[string]any{"team_id": w.team.ID, "trigger_words": []string{"y"},
			"callback_urls": []string{"https://example.com/y"}}).Expect(http.StatusCreated)

		var report struct {
			Status               string `json:"status"`
			DisabledIntegrations []struct {
				Kind        string `json:"kind"`
				ID          string `json:"id"`
				TeamID      string `json:"team_id"`
				DisplayName string `json:"display_name"`
				Trigger     string `json:"trigger"`
			} `json:"disabled_integrations"`
		}
		w.admin.Post("/users/"+w.bob.UserID+"/offboard", nil).Expect(http.StatusOK).JSON(&report)
		got := map[string]string{}
		for _, i := range report.DisabledIntegrations {
			if i.TeamID != w.team.ID {
				t.Errorf("team of %s: %s", i.ID, i.TeamID)
			}
			got[i.Kind+" "+i.ID] = i.DisplayName + i.Trigger
		}
		want := map[string]string{"outgoing_webhook " + out.ID: "Exporter", "incoming_webhook " + in.ID: "CI", "command " + cmd.ID: "deploy"}
		if report.Status != "OK" || len(got) != len(want) {
			t.Fatalf("report: %+v", report)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("report %s: %q, want %q", k, got[k], v)
			}
		}
	})
}
