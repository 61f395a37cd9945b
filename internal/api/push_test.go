package api_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/pushtest"
	"github.com/parley-chat/parley/internal/testdb"
)

// eachWithPush runs fn on every backend against a server that pushes to a
// push-proxy receiver.
func eachWithPush(t *testing.T, fn func(t *testing.T, s *apitest.Server, pp *pushtest.Server), opts ...func(*config.Config)) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		pp := pushtest.Start(t)
		withPush := func(c *config.Config) { c.SendPushNotifications, c.PushNotificationServer = true, pp.URL }
		fn(t, apitest.Start(t, b, append([]func(*config.Config){withPush}, opts...)...), pp)
	})
}

func attachDevice(c *apitest.Client, device string) {
	c.Put("/users/sessions/device", map[string]string{"device_id": device}).Expect(http.StatusOK)
}

// A mention and a DM push to the device of a member who is away, in
// Mattermost's message shape; a post that does not mention them, a member
// online through the web app, in do not disturb or in a muted channel gets
// none; reading the channel elsewhere clears it on the phone.
func TestPushNotifications(t *testing.T) {
	eachWithPush(t, func(t *testing.T, s *apitest.Server, pp *pushtest.Server) {
		ann, bob, carol := s.SignUp("ann"), s.SignUp("bob"), s.SignUp("carol")
		team := ann.CreateTeam("crew", true)
		ch := ann.CreateChannel(team.ID, "ops", model.ChannelOpen)
		for _, c := range []*apitest.Client{bob, carol} {
			ann.AddToTeam(team.ID, c.UserID)
			c.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": c.UserID}).Expect(http.StatusCreated)
		}
		attachDevice(bob, "android_rn-v2:bob-phone")
		attachDevice(carol, "apple_rn-v2:carol-phone")

		ann.CreatePost(ch.ID, "no mention here", "")
		p := ann.CreatePost(ch.ID, "@bob the deploy is done", "")
		got := pp.WaitFor(t, "bob-phone", 1)[0]
		want := model.PushNotification{AckID: got.AckID, Platform: "android_rn-v2", ServerID: got.ServerID, DeviceID: "bob-phone",
			PostID: p.ID, Category: "CAN_REPLY", Message: "@ann: @bob the deploy is done", Badge: 1, TeamID: team.ID,
			ChannelID: ch.ID, ChannelName: ch.DisplayName, Type: "message", SenderID: ann.UserID, SenderName: "@ann", Version: "v2"}
		if got != want || len(got.AckID) != 26 || len(got.ServerID) != 26 {
			t.Errorf("push:\n got %+v\nwant %+v", got, want)
		}

		var dm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		ann.CreatePost(dm.ID, "lunch?", "")
		d := pp.WaitFor(t, "bob-phone", 2)[1]
		if d.Message != "lunch?" || d.ChannelName != "@ann" || d.TeamID != "" || d.Badge != 2 || d.ChannelID != dm.ID {
			t.Errorf("DM push: %+v", d)
		}

		// Bob reads the channel on the web: his phone is told to clear it.
		web := s.Login("bob", "password-bob")
		web.Post("/channels/members/"+bob.UserID+"/view", map[string]string{"channel_id": ch.ID}).Expect(http.StatusOK)
		c := pp.WaitFor(t, "bob-phone", 3)[2]
		if c.Type != "clear" || c.ChannelID != ch.ID || c.Badge != 1 || c.ContentAvailable != 1 || c.Version != "v2" || c.AckID == "" {
			t.Errorf("clear push: %+v", c)
		}

		// Marking the mention unread again updates the badge on the phone, silently.
		web.Post("/users/me/posts/"+p.ID+"/set_unread", map[string]bool{}).Expect(http.StatusOK)
		b := pp.WaitFor(t, "bob-phone", 4)[3]
		if b.Type != "update_badge" || b.Badge != 2 || b.Sound != "none" || b.ContentAvailable != 1 || b.ChannelID != "" {
			t.Errorf("badge push: %+v", b)
		}
		web.Post("/channels/members/"+bob.UserID+"/view", map[string]string{"channel_id": ch.ID}).Expect(http.StatusOK)
		pp.WaitFor(t, "bob-phone", 5)

		// A web request marks Bob online: no push while he is.
		web.Header.Set("X-Requested-With", "XMLHttpRequest")
		web.Get("/users/me").Expect(http.StatusOK)
		var st model.Status
		bob.Get("/users/" + bob.UserID + "/status").Expect(http.StatusOK).JSON(&st)
		if st.Status != model.StatusOnline {
			t.Fatalf("status after an XMLHttpRequest: %+v", st)
		}
		ann.CreatePost(ch.ID, "@bob online now", "")
		// In do not disturb, none either; Carol's push comes after those that must not exist.
		web.Put("/users/"+bob.UserID+"/status", map[string]string{"user_id": bob.UserID, "status": "dnd"}).Expect(http.StatusOK)
		ann.CreatePost(ch.ID, "@bob dnd", "")
		// Carol mutes the channel: no push for her there.
		carol.Put("/channels/"+ch.ID+"/members/"+carol.UserID+"/notify_props",
			map[string]string{"mark_unread": "mention"}).Expect(http.StatusOK)
		ann.CreatePost(ch.ID, "@carol muted", "")
		ann.CreatePost(dm.ID, "anyone?", "") // to bob, in dnd
		var cdm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, carol.UserID}).Expect(http.StatusCreated).JSON(&cdm)
		ann.CreatePost(cdm.ID, "@carol ping", "")
		pp.WaitFor(t, "carol-phone", 1)
		if n := len(pp.WaitFor(t, "bob-phone", 5)); n != 5 {
			t.Errorf("%d pushes to bob, want 5", n)
		}
		if n := len(pp.WaitFor(t, "carol-phone", 1)); n != 1 {
			t.Errorf("%d pushes to carol, want 1", n)
		}

		// Carol wants every message of the channel pushed, and unmutes it.
		carol.Put("/channels/"+ch.ID+"/members/"+carol.UserID+"/notify_props",
			map[string]string{"mark_unread": "all", "push": "all"}).Expect(http.StatusOK)
		ann.CreatePost(ch.ID, "for everyone", "")
		if m := pp.WaitFor(t, "carol-phone", 2)[1]; m.Message != "@ann: for everyone" {
			t.Errorf("push=all: %+v", m)
		}
	})
}

// What a push says follows PushNotificationContents.
func TestPushContents(t *testing.T) {
	for _, tc := range []struct {
		contents    string
		channelName bool
	}{{"generic_no_channel", false}, {"generic", true}} {
		t.Run(tc.contents, func(t *testing.T) {
			eachWithPush(t, func(t *testing.T, s *apitest.Server, pp *pushtest.Server) {
				ann, bob := s.SignUp("ann"), s.SignUp("bob")
				team := ann.CreateTeam("crew", true)
				ann.AddToTeam(team.ID, bob.UserID)
				ch := ann.CreateChannel(team.ID, "ops", model.ChannelOpen)
				bob.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
				attachDevice(bob, "apple_rn-v2:pad")
				ann.CreatePost(ch.ID, "@bob secret plans", "")
				var dm model.Channel
				ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
				ann.CreatePost(dm.ID, "secret lunch", "")
				ann.CreatePost(ch.ID, "@channel secret meeting", "")
				got := pp.WaitFor(t, "pad", 3)
				if got[0].Message != "@ann mentioned you." || (got[0].ChannelName == ch.DisplayName) != tc.channelName ||
					got[0].SenderName != "@ann" {
					t.Errorf("mention: %+v", got[0])
				}
				if got[1].Message != "sent you a direct message." || got[1].ChannelName != "@ann" {
					t.Errorf("DM: %+v", got[1])
				}
				if got[2].Message != "@ann notified the channel." {
					t.Errorf("@channel: %+v", got[2])
				}
			}, func(c *config.Config) { c.PushNotificationContents = tc.contents })
		})
	}
}

// With id_loaded the push carries ids only; the app's ack fetches the
// content, for a reader of the post only, and is forwarded to the proxy.
func TestPushAckIDLoaded(t *testing.T) {
	eachWithPush(t, func(t *testing.T, s *apitest.Server, pp *pushtest.Server) {
		ann, bob, eve := s.SignUp("ann"), s.SignUp("bob"), s.SignUp("eve")
		var dm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		attachDevice(bob, "android_rn-v2:bob-phone")
		p := ann.CreatePost(dm.ID, "the code is 4711", "")
		got := pp.WaitFor(t, "bob-phone", 1)[0]
		if !got.IsIDLoaded || got.Message != "You've received a new message." || got.PostID != p.ID || got.ChannelID != dm.ID ||
			got.SenderName != "" || got.ChannelName != "" {
			t.Errorf("id_loaded push: %+v", got)
		}
		ack := model.PushNotificationAck{ID: got.AckID, ClientReceivedAt: 5, ClientPlatform: "android", NotificationType: "message",
			PostID: p.ID, IsIDLoaded: true}
		var full model.PushNotification
		bob.Post("/notifications/ack", ack).Expect(http.StatusOK).JSON(&full)
		if full.Message != "the code is 4711" || full.SenderName != "@ann" || full.PostID != p.ID || full.Badge != 1 {
			t.Errorf("ack answer: %+v", full)
		}
		if acks := pp.Acks(); len(acks) != 1 || acks[0] != ack {
			t.Errorf("acks at the proxy: %+v", acks)
		}
		// The post itself, as the app then loads it.
		bob.Get("/posts/" + p.ID).Expect(http.StatusOK)
		eve.Post("/notifications/ack", ack).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

		// A plain ack answers OK.
		var ok map[string]string
		bob.Post("/notifications/ack", model.PushNotificationAck{ID: "x", NotificationType: "message"}).Expect(http.StatusOK).JSON(&ok)
		if ok["status"] != "OK" {
			t.Errorf("plain ack: %v", ok)
		}
		bob.Post("/notifications/ack", "{").ExpectError(http.StatusBadRequest, "api.push_notifications_ack.message.parse.app_error")
	}, func(c *config.Config) { c.PushNotificationContents = "id_loaded" })
}

// A proxy outage delays a push, it does not lose it; a device the proxy
// reports removed is pushed to no more. The ping's test push says whether
// a device can be reached.
func TestPushRetryAndRemovedDevice(t *testing.T) {
	eachWithPush(t, func(t *testing.T, s *apitest.Server, pp *pushtest.Server) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		var ping map[string]string
		bob.Get("/system/ping?device_id=android_rn-v2:bob-phone").Expect(http.StatusOK).JSON(&ping)
		if ping["CanReceiveNotifications"] != "true" {
			t.Errorf("ping: %v", ping)
		}
		if got := pp.WaitFor(t, "bob-phone", 1)[0]; got.Type != "test" || got.Platform != "android_rn-v2" || got.ServerID == "" {
			t.Errorf("test push: %+v", got)
		}
		var dm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		attachDevice(bob, "android_rn-v2:bob-phone")
		pp.FailNext(1)
		ann.CreatePost(dm.ID, "after the outage", "")
		// The first attempt failed with 503; the retry 5 s later delivers.
		if got := pp.WaitFor(t, "bob-phone", 2)[1]; got.Message != "after the outage" {
			t.Errorf("retried push: %+v", got)
		}
		pp.Remove("bob-phone")
		ann.CreatePost(dm.ID, "uninstalled", "")
		pp.WaitFor(t, "bob-phone", 3)
		bob.Get("/system/ping?device_id=android_rn-v2:bob-phone").Expect(http.StatusOK).JSON(&ping)
		if ping["CanReceiveNotifications"] != "false" {
			t.Errorf("ping of a removed device: %v", ping)
		}
		// The proxy's REMOVE is handled once its answer is read: wait for it.
		for deadline := time.Now().Add(10 * time.Second); ; {
			var sessions []model.Session
			bob.Get("/users/" + bob.UserID + "/sessions").Expect(http.StatusOK).JSON(&sessions)
			left := slices.ContainsFunc(sessions, func(se model.Session) bool { return se.DeviceID != "" })
			if !left {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a session still has the removed device: %+v", sessions)
			}
			time.Sleep(50 * time.Millisecond)
		}
		ann.CreatePost(dm.ID, "anyone?", "")
		ann.CreatePost(dm.ID, "hello?", "")
		if n := len(pp.Pushes()); n != 4 {
			t.Errorf("%d pushes, want 4 (test, retried, removed, test)", n)
		}
		// The outage and the removal count as failed attempts; two pushes were queued.
		rec := httptest.NewRecorder()
		s.Srv.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for _, line := range []string{`parley_notifications_total{kind="push",outcome="queued"} 2`,
			`parley_notifications_total{kind="push",outcome="sent"} 1`,
			`parley_notifications_total{kind="push",outcome="failed"} 2`} {
			if !strings.Contains(rec.Body.String(), line) {
				t.Errorf("metrics lack %s", line)
			}
		}
	})
}

// With push off (the default: no server), the ping says the device gets
// nothing and the ack is refused as Mattermost refuses it.
func TestPushOff(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.SignUp("bob")
		var ping map[string]string
		bob.Get("/system/ping?device_id=android_rn-v2:bob-phone").Expect(http.StatusOK).JSON(&ping)
		if ping["CanReceiveNotifications"] != "false" {
			t.Errorf("ping: %v", ping)
		}
		bob.Post("/notifications/ack", model.PushNotificationAck{ID: "x"}).
			ExpectError(http.StatusNotImplemented, "api.push_notification.disabled.app_error")
	})
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.SignUp("bob")
		bob.Post("/notifications/ack", model.PushNotificationAck{ID: "x"}).
			ExpectError(http.StatusNotImplemented, "api.push_notification.disabled.app_error")
	}, func(c *config.Config) {
		c.SendPushNotifications, c.PushNotificationServer = false, "http://127.0.0.1:1"
	})
}

// A group message's push names its other members, the poster among them
// (the poster is no mention target elsewhere, but is here); a self-mention
// in a channel pushes nothing and counts no mention.
func TestPushGroupMessageNamesPoster(t *testing.T) {
	eachWithPush(t, func(t *testing.T, s *apitest.Server, pp *pushtest.Server) {
		ann, bob, carol := s.SignUp("ann"), s.SignUp("bob"), s.SignUp("carol")
		team := ann.CreateTeam("crew", true)
		ch := ann.CreateChannel(team.ID, "ops", model.ChannelOpen)
		ann.AddToTeam(team.ID, bob.UserID)
		bob.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		attachDevice(bob, "android_rn-v2:bob-phone")

		bob.CreatePost(ch.ID, "@bob note to self", "")
		var m model.ChannelMember
		bob.Get("/channels/" + ch.ID + "/members/" + bob.UserID).Expect(http.StatusOK).JSON(&m)
		if m.MentionCount != 0 {
			t.Errorf("self-mention counted: %d mentions", m.MentionCount)
		}

		var gm model.Channel
		ann.Post("/channels/group", []string{ann.UserID, bob.UserID, carol.UserID}).Expect(http.StatusCreated).JSON(&gm)
		ann.CreatePost(gm.ID, "lunch, all?", "")
		got := pp.WaitFor(t, "bob-phone", 1)
		if len(got) != 1 || got[0].ChannelID != gm.ID || got[0].ChannelName != "ann, carol" {
			t.Errorf("pushes to bob: %+v, want one for the group message named \"ann, carol\"", got)
		}
	})
}
