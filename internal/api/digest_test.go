package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/mailtest"
	"github.com/parley-chat/parley/internal/model"
)

// With email batching, a member's notification mails wait for one digest per
// interval (their email_interval preference, 15 minutes by default); "30"
// (Mattermost's "immediately") mails at once. Posts in a channel the member
// has read meanwhile are left out, and a digest is mailed once even when two
// nodes look at the same moment.
func TestEmailBatching(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		ann, bob, carol := s.SignUp("ann"), s.SignUp("bob"), s.SignUp("carol")
		team := ann.CreateTeam("crew", true)
		ann.AddToTeam(team.ID, bob.UserID)
		ann.AddToTeam(team.ID, carol.UserID)
		ops := ann.CreateChannel(team.ID, "ops", model.ChannelOpen)
		dev := ann.CreateChannel(team.ID, "dev", model.ChannelOpen)
		for _, c := range []*apitest.Client{bob, carol} {
			for _, ch := range []*model.Channel{ops, dev} {
				c.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": c.UserID}).Expect(http.StatusCreated)
			}
		}
		var cc map[string]string
		bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["EnableEmailBatching"] != "true" {
			t.Errorf("client config EnableEmailBatching %q", cc["EnableEmailBatching"])
		}
		// Carol wants her mail at once.
		carol.Put("/users/"+carol.UserID+"/preferences", []map[string]string{{"user_id": carol.UserID,
			"category": "notifications", "name": "email_interval", "value": "30"}}).Expect(http.StatusOK)

		ann.CreatePost(ops.ID, "@bob first <one>", "")
		ann.CreatePost(dev.ID, "@bob second", "")
		ann.CreatePost(ops.ID, "@bob @carol third", "")
		var dm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		ann.CreatePost(dm.ID, "lunch?", "")
		// Bob reads dev: its mention drops out of the digest.
		bob.Post("/channels/members/"+bob.UserID+"/view", map[string]string{"channel_id": dev.ID}).Expect(http.StatusOK)

		if m := mp.WaitFor(t, "carol@example.com", 1)[0]; !strings.HasPrefix(m.Subject, "[Parley] Notification in ") {
			t.Errorf("carol's immediate mail: %q", m.Subject)
		}
		app := s.Srv.App
		ctx := context.Background()
		// Not due yet: nothing for Bob.
		if n, err := app.SendDueDigests(ctx, time.Now()); err != nil || n != 0 {
			t.Fatalf("digests before the interval: %d, %v", n, err)
		}
		// Two nodes at once, 15 minutes on: one digest.
		later := time.Now().Add(16 * time.Minute)
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := app.SendDueDigests(ctx, later)
				if err != nil {
					t.Errorf("digest pass: %v", err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != 1 {
			t.Errorf("digests queued %v, want one in all", counts)
		}
		m := mp.WaitFor(t, "bob@example.com", 1)[0]
		if !strings.HasPrefix(m.Subject, "[Parley] New Notifications for ") || !strings.Contains(m.Text, "You have 3 new notifications.") ||
			!strings.Contains(m.Text, "first <one>") || !strings.Contains(m.HTML, "first &lt;one&gt;") ||
			!strings.Contains(m.Text, "third") || !strings.Contains(m.Text, "lunch?") || strings.Contains(m.Text, "second") ||
			strings.Index(m.Text, "first") > strings.Index(m.Text, "third") || !strings.Contains(m.Text, "https://chat.example.com/unsubscribe?") {
			t.Errorf("digest %q:\n%s", m.Subject, m.Text)
		}
		if n, _ := app.SendDueDigests(ctx, later.Add(time.Hour)); n != 0 {
			t.Errorf("a second digest of the same posts: %d", n)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(mp.WaitFor(t, "bob@example.com", 1)); n != 1 {
			t.Errorf("bob got %d mails, want the one digest", n)
		}
	}, func(c *config.Config) {
		c.SendEmailNotifications, c.EnableEmailBatching, c.SiteURL = true, true, "https://chat.example.com"
	})
}
