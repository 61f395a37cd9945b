package sqlstore

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// A queued push is claimed by one caller only, and a failed delivery puts it
// back for later or ends it as failed.
func TestPushQueue(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		a := &model.QueuedPush{ID: model.NewID(), CreateAt: 10, UserID: "u", SessionID: "s", DeviceID: "android_rn-v2:x",
			Payload: `{"type":"message"}`, Status: model.MailPending, NextAttemptAt: 10, UpdateAt: 10}
		b := &model.QueuedPush{ID: model.NewID(), CreateAt: 20, UserID: "u", SessionID: "s", DeviceID: "apple_rn-v2:y",
			Payload: `{}`, Status: model.MailPending, NextAttemptAt: 500, UpdateAt: 20}
		must(t, s.EnqueuePush(ctx, a))
		must(t, s.EnqueuePush(ctx, b))
		if due, err := s.DuePush(ctx, 100, 10); err != nil || len(due) != 1 || *due[0] != *a {
			t.Fatalf("due at 100: %v, %v", due, err)
		}
		if ok, err := s.ClaimPush(ctx, b.ID, 100); err != nil || ok {
			t.Fatalf("claim before due: %v, %v", ok, err)
		}
		if ok, err := s.ClaimPush(ctx, a.ID, 100); err != nil || !ok {
			t.Fatalf("first claim: %v, %v", ok, err)
		}
		if ok, err := s.ClaimPush(ctx, a.ID, 100); err != nil || ok {
			t.Fatalf("second claim: %v, %v, want false", ok, err)
		}
		must(t, s.RetryPush(ctx, a.ID, 200, 110, "502"))
		if err := s.RetryPush(ctx, a.ID, 300, 110, "again"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("retry of an unclaimed push: %v, want ErrNotFound", err)
		}
		got, err := s.QueuedPush(ctx, a.ID)
		if err != nil || got.Status != model.MailPending || got.Attempts != 1 || got.NextAttemptAt != 200 || got.LastError != "502" {
			t.Fatalf("after retry: %+v, %v", got, err)
		}
		if ok, err := s.ClaimPush(ctx, a.ID, 200); err != nil || !ok {
			t.Fatalf("claim when due again: %v, %v", ok, err)
		}
		must(t, s.RetryPush(ctx, a.ID, 0, 210, "bad device"))
		if got, _ := s.QueuedPush(ctx, a.ID); got.Status != model.MailFailed || got.Attempts != 2 {
			t.Fatalf("after giving up: %+v", got)
		}
	})
}

// Device sessions: only unexpired sessions with a device count, a device
// moves to the newest session, and the badge adds DM unreads to mentions.
func TestPushDevicesAndBadge(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		ann, ben, cat := newUser("ann"), newUser("ben"), newUser("cat")
		for _, u := range []*model.User{ann, ben, cat} {
			must(t, s.SaveUser(ctx, u))
		}
		team := &model.Team{ID: model.NewID(), Name: "t", DisplayName: "T", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		town := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "town", DisplayName: "Town"}
		dm := &model.Channel{ID: model.NewID(), Type: model.ChannelDirect, Name: "dm"}
		gone := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "gone", DisplayName: "Gone", DeleteAt: 5}
		for _, ch := range []*model.Channel{town, dm, gone} {
			must(t, s.SaveChannel(ctx, ch))
			for _, u := range []*model.User{ann, ben, cat} {
				must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
					NotifyProps: model.DefaultChannelNotifyProps()}))
			}
		}
		sess := func(u *model.User, device string, expires int64) *model.Session {
			ses := &model.Session{ID: model.NewID(), Token: model.NewID(), CreateAt: 1, ExpiresAt: expires, UserID: u.ID,
				DeviceID: device, Props: model.StringMap{}}
			must(t, s.SaveSession(ctx, ses))
			return ses
		}
		old := sess(ann, "android_rn-v2:phone", 0)
		newer := sess(ann, "android_rn-v2:phone", 0)
		sess(ann, "", 0)
		sess(ben, "apple_rn-v2:pad", 1000) // expired at 2000
		bens := sess(ben, "apple_rn-v2:pad2", 0)

		a, err := s.ChannelAudience(ctx, store.AudienceQuery{ChannelID: town.ID, Devices: true, Now: 2000})
		if err != nil || len(a.Devices) != 2 {
			t.Fatalf("channel device users: %+v, %v", a, err)
		}
		must(t, s.ClearDeviceElsewhere(ctx, ann.ID, "android_rn-v2:phone", newer.ID))
		got, err := s.DeviceSessions(ctx, []string{ann.ID, ben.ID, cat.ID}, 2000)
		if err != nil || len(got) != 2 {
			t.Fatalf("device sessions: %v, %v", got, err)
		}
		for _, g := range got {
			if g.ID != newer.ID && g.ID != bens.ID {
				t.Errorf("unexpected device session %+v (old %s)", g, old.ID)
			}
		}

		for range 3 {
			must(t, s.IncrementChannelCounts(ctx, dm.ID, 10, true))
			must(t, s.IncrementChannelCounts(ctx, town.ID, 10, true))
		}
		must(t, s.IncrementMentions(ctx, town.ID, []string{ann.ID}, true))
		must(t, s.IncrementMentions(ctx, gone.ID, []string{ann.ID}, true))
		if n, err := s.BadgeCount(ctx, ann.ID); err != nil || n != 4 {
			t.Fatalf("badge: %d, %v, want 3 DM unreads + 1 mention", n, err)
		}
		if _, err := s.ViewChannel(ctx, dm.ID, ann.ID, 20); err != nil {
			t.Fatal(err)
		}
		if n, err := s.BadgeCount(ctx, ann.ID); err != nil || n != 1 {
			t.Fatalf("badge after reading the DM: %d, %v", n, err)
		}
	})
}

// Web Push subscriptions: an expired session's are not used, an endpoint
// stored again moves to the new session and keeps its id, deleting the
// session deletes its subscriptions; the first value stored under a system
// key stays.
func TestWebPushSubscriptions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		ann, ben := newUser("ann"), newUser("ben")
		for _, u := range []*model.User{ann, ben} {
			must(t, s.SaveUser(ctx, u))
		}
		team := &model.Team{ID: model.NewID(), Name: "t", DisplayName: "T", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		town := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "town", DisplayName: "Town"}
		must(t, s.SaveChannel(ctx, town))
		for _, u := range []*model.User{ann, ben} {
			must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: town.ID, UserID: u.ID, SchemeUser: true,
				NotifyProps: model.DefaultChannelNotifyProps()}))
		}
		sess := func(u *model.User, expires int64) *model.Session {
			ses := &model.Session{ID: model.NewID(), Token: model.NewID(), CreateAt: 1, ExpiresAt: expires, UserID: u.ID, Props: model.StringMap{}}
			must(t, s.SaveSession(ctx, ses))
			return ses
		}
		sub := func(ses *model.Session, endpoint string) *model.WebPushSubscription {
			w := &model.WebPushSubscription{ID: model.NewID(), UserID: ses.UserID, SessionID: ses.ID, Endpoint: endpoint,
				P256dh: "k", Auth: "a", CreateAt: 5}
			must(t, s.SaveWebPushSubscription(ctx, w))
			return w
		}
		annSes, benOld, benNew := sess(ann, 0), sess(ben, 1000), sess(ben, 0)
		first := sub(annSes, "https://push.example/1")
		sub(benOld, "https://push.example/2")
		if a, err := s.ChannelAudience(ctx, store.AudienceQuery{ChannelID: town.ID, WebPush: true, Now: 2000}); err != nil || len(a.WebPush) != 1 || a.WebPush[0] != ann.ID {
			t.Fatalf("at 2000, ben's session has expired: %+v, %v", a, err)
		}
		if got, err := s.WebPushSubscriptions(ctx, []string{ann.ID, ben.ID}, 500); err != nil || len(got) != 2 {
			t.Fatalf("at 500: %v, %v", got, err)
		}
		// The browser logs in as ben: the endpoint is his now, same id.
		moved := sub(benNew, "https://push.example/1")
		if moved.ID != first.ID {
			t.Errorf("re-stored endpoint got id %s, want %s", moved.ID, first.ID)
		}
		if got, err := s.GetWebPushSubscription(ctx, first.ID); err != nil || got.UserID != ben.ID || got.SessionID != benNew.ID {
			t.Fatalf("moved subscription: %+v, %v", got, err)
		}
		must(t, s.DeleteSession(ctx, benNew.ID))
		if _, err := s.GetWebPushSubscription(ctx, first.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after the session was deleted: %v, want ErrNotFound", err)
		}
		if err := s.DeleteWebPushSubscription(ctx, ann.ID, "", "https://push.example/2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting another user's subscription: %v, want ErrNotFound", err)
		}
		if v, err := s.SetSystemIfAbsent(ctx, "k", "one"); err != nil || v != "one" {
			t.Fatalf("first set: %q, %v", v, err)
		}
		if v, err := s.SetSystemIfAbsent(ctx, "k", "two"); err != nil || v != "one" {
			t.Fatalf("second set: %q, %v, want the first value", v, err)
		}
	})
}
