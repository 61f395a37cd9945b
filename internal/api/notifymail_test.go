package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/mailtest"
	"github.com/parley-chat/parley/internal/model"
)

// A mention or a DM mails a member who is not online, unless they turned
// email notifications off; an online member gets none.
func TestNotificationMail(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		team := ann.CreateTeam("crew", true)
		ann.AddToTeam(team.ID, bob.UserID)
		ch := ann.CreateChannel(team.ID, "ops", model.ChannelOpen)
		bob.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		// Ann is online (set by hand), Bob has no client open.
		ann.Put("/users/"+ann.UserID+"/status", map[string]string{"user_id": ann.UserID, "status": "online"}).Expect(http.StatusOK)

		bob.CreatePost(ch.ID, "@ann are you there?", "")
		p := ann.CreatePost(ch.ID, "@bob the <deploy> is done", "")
		m := mp.WaitFor(t, "bob@example.com", 1)[0]
		if !strings.HasPrefix(m.Subject, "[Parley] Notification in ") || !strings.Contains(m.Text, "@ann mentioned you") ||
			!strings.Contains(m.Text, "the <deploy> is done") || !strings.Contains(m.HTML, "the &lt;deploy&gt; is done") ||
			!strings.Contains(m.Text, "https://chat.example.com/_redirect/pl/"+p.ID) {
			t.Errorf("mention mail: %q / %q / %q", m.Subject, m.Text, m.HTML)
		}
		var dm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		ann.CreatePost(dm.ID, "lunch?", "")
		got := mp.WaitFor(t, "bob@example.com", 2)
		if !strings.HasPrefix(got[0].Subject, "[Parley] New Direct Message from @ann on ") {
			t.Errorf("DM mail subject %q", got[0].Subject)
		}

		// Bob turns email off: nothing more for him. A DM back to ann (online) sends none either.
		bob.Put("/users/"+bob.UserID+"/patch", map[string]any{"notify_props": map[string]string{"email": "false",
			"push": "mention", "desktop": "mention", "channel": "true"}}).Expect(http.StatusOK)
		ann.CreatePost(dm.ID, "still there?", "")
		bob.CreatePost(dm.ID, "yes", "")
		// Carol is offline with email on: her mail comes after the ones that must not exist.
		carol := s.SignUp("carol")
		ann.AddToTeam(team.ID, carol.UserID)
		carol.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": carol.UserID}).Expect(http.StatusCreated)
		// Dave muted the channel: no mail for him there.
		dave := s.SignUp("dave")
		ann.AddToTeam(team.ID, dave.UserID)
		dave.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": dave.UserID}).Expect(http.StatusCreated)
		dave.Put("/channels/"+ch.ID+"/members/"+dave.UserID+"/notify_props",
			map[string]string{"mark_unread": "mention"}).Expect(http.StatusOK)
		ann.CreatePost(ch.ID, "@dave muted", "")
		ann.CreatePost(ch.ID, "@carol welcome", "")
		mp.WaitFor(t, "carol@example.com", 1)
		if n := len(mp.Messages(t)); n != 3 {
			t.Errorf("%d mails, want 3 (two to bob, one to carol)", n)
		}
	}, func(c *config.Config) { c.SendEmailNotifications, c.SiteURL = true, "https://chat.example.com" })
}
