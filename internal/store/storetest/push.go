package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func testPush(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx

	t.Run("Queue", func(t *testing.T) {
		u := f.user()
		mk := func(next int64) *model.QueuedPush {
			p := &model.QueuedPush{ID: model.NewID(), CreateAt: 1, UserID: u.ID, SessionID: model.NewID(), DeviceID: "apple:x",
				Payload: `{"message":"m"}`, Status: model.MailPending, NextAttemptAt: next, UpdateAt: 1}
			must(t, s.EnqueuePush(ctx, p))
			return p
		}
		late, early := mk(200), mk(100)
		sameJSON(t, "QueuedPush", get(s.QueuedPush(ctx, early.ID))(t), early)
		wantErr(t, "QueuedPush of nothing", second(s.QueuedPush(ctx, model.NewID())), store.ErrNotFound)
		pIDs := func(ps []*model.QueuedPush) []string {
			return ids(ps, func(p *model.QueuedPush) string { return p.ID })
		}
		mine := []string{late.ID, early.ID}
		sameIDs(t, "DuePush at 150", only(pIDs(get(s.DuePush(ctx, 150, 1000))(t)), mine), []string{early.ID})
		sameIDs(t, "DuePush at 200, oldest first", only(pIDs(get(s.DuePush(ctx, 200, 1000))(t)), mine), []string{early.ID, late.ID})
		if get(s.ClaimPush(ctx, late.ID, 150))(t) {
			t.Error("ClaimPush of a push not due yet won")
		}
		if !get(s.ClaimPush(ctx, early.ID, 150))(t) {
			t.Error("ClaimPush of a due push lost")
		}
		if get(s.ClaimPush(ctx, early.ID, 151))(t) {
			t.Error("a second ClaimPush won")
		}
		must(t, s.RetryPush(ctx, early.ID, 300, 160, "503"))
		got := get(s.QueuedPush(ctx, early.ID))(t)
		if got.Status != model.MailPending || got.Attempts != 1 || got.NextAttemptAt != 300 || got.LastError != "503" || got.UpdateAt != 160 {
			t.Errorf("after RetryPush: %+v", got)
		}
		wantErr(t, "RetryPush of an unclaimed push", s.RetryPush(ctx, early.ID, 400, 170, ""), store.ErrNotFound)
		if !get(s.ClaimPush(ctx, early.ID, 300))(t) {
			t.Fatal("ClaimPush after a retry lost")
		}
		must(t, s.RetryPush(ctx, early.ID, 0, 310, "410 gone"))
		if got := get(s.QueuedPush(ctx, early.ID))(t); got.Status != model.MailFailed || got.Attempts != 2 {
			t.Errorf("after a last RetryPush: status %q attempts %d", got.Status, got.Attempts)
		}
	})

	t.Run("Devices", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		phone, desk, lapsed, outside := f.user(), f.user(), f.user(), f.user()
		for _, u := range []*model.User{phone, desk, lapsed} {
			f.channelMember(c.ID, u.ID)
		}
		now := model.Now()
		keep := f.session(phone.ID, func(ses *model.Session) { ses.DeviceID = "apple:1"; ses.ExpiresAt = 0 })
		old := f.session(phone.ID, func(ses *model.Session) { ses.DeviceID = "apple:1" })
		f.session(desk.ID)
		f.session(lapsed.ID, func(ses *model.Session) { ses.DeviceID = "android:2"; ses.ExpiresAt = now - 1 })
		f.session(outside.ID, func(ses *model.Session) { ses.DeviceID = "android:3" })
		got := get(s.DeviceSessions(ctx, []string{phone.ID, desk.ID, lapsed.ID}, now))(t)
		sameSet(t, "DeviceSessions: unexpired, with a device", sessionIDs(got), []string{keep.ID, old.ID})
		if n := len(get(s.DeviceSessions(ctx, nil, now))(t)); n != 0 {
			t.Errorf("DeviceSessions of nobody: %d", n)
		}
		sameIDs(t, "ChannelAudience devices", get(s.ChannelAudience(ctx, store.AudienceQuery{ChannelID: c.ID, Devices: true, Now: now}))(t).Devices, []string{phone.ID})

		// The phone logged in again: only its newest session keeps the device.
		must(t, s.ClearDeviceElsewhere(ctx, phone.ID, "apple:1", keep.ID))
		sameIDs(t, "DeviceSessions after ClearDeviceElsewhere", sessionIDs(get(s.DeviceSessions(ctx, []string{phone.ID}, now))(t)), []string{keep.ID})
		if got := get(s.GetSession(ctx, old.ID))(t); got.DeviceID != "" {
			t.Errorf("the older session kept device %q", got.DeviceID)
		}
	})

	t.Run("BadgeCount", func(t *testing.T) {
		u, other := f.user(), f.user()
		dm := f.channel("", "D")
		c := f.channel(f.team().ID, "O")
		gone := f.channel(f.team().ID, "O", func(c *model.Channel) { c.DeleteAt = 1 })
		if n := get(s.BadgeCount(ctx, u.ID))(t); n != 0 {
			t.Errorf("BadgeCount of a new user = %d", n)
		}
		f.channelMember(dm.ID, u.ID)
		f.channelMember(dm.ID, other.ID)
		f.channelMember(c.ID, u.ID)
		f.channelMember(gone.ID, u.ID)
		for range 3 {
			must(t, s.IncrementChannelCounts(ctx, dm.ID, 10, true))
		}
		for range 5 {
			must(t, s.IncrementChannelCounts(ctx, c.ID, 10, true))
		}
		must(t, s.IncrementMentions(ctx, c.ID, []string{u.ID}, true))
		must(t, s.IncrementMentions(ctx, gone.ID, []string{u.ID}, true))
		// Three unread direct messages and one mention elsewhere; an archived channel counts for nothing.
		if n := get(s.BadgeCount(ctx, u.ID))(t); n != 4 {
			t.Errorf("BadgeCount = %d, want 4", n)
		}
	})
}
