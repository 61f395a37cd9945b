package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Web Push subscriptions belong to a session: an expired one's are not
// used, a re-stored endpoint moves with its id, and deleting the session
// removes them.
func testWebPush(t *testing.T, s store.Store) {
	ctx := context.Background()
	ok := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	user := func() *model.User {
		id := model.NewID()
		u := &model.User{ID: id, Username: "wp" + id[:10], Email: "wp" + id[:10] + "@example.com", Roles: model.RoleSystemUser,
			NotifyProps: model.StringMap{}, Props: model.StringMap{}}
		ok(s.SaveUser(ctx, u))
		return u
	}
	ann, ben := user(), user()
	team := &model.Team{ID: model.NewID(), Name: "wp" + model.NewID()[:10], DisplayName: "T", Type: "O", InviteID: model.NewID()}
	ok(s.SaveTeam(ctx, team))
	town := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "town", DisplayName: "Town"}
	ok(s.SaveChannel(ctx, town))
	for _, u := range []*model.User{ann, ben} {
		ok(s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: town.ID, UserID: u.ID, SchemeUser: true,
			NotifyProps: model.DefaultChannelNotifyProps()}))
	}
	sess := func(u *model.User, expires int64) *model.Session {
		ses := &model.Session{ID: model.NewID(), Token: model.NewID(), CreateAt: 1, ExpiresAt: expires, UserID: u.ID, Props: model.StringMap{}}
		ok(s.SaveSession(ctx, ses))
		return ses
	}
	base := "https://push.example/" + model.NewID() + "/"
	sub := func(ses *model.Session, endpoint string) *model.WebPushSubscription {
		w := &model.WebPushSubscription{ID: model.NewID(), UserID: ses.UserID, SessionID: ses.ID, Endpoint: base + endpoint,
			P256dh: "k", Auth: "a", CreateAt: 5}
		ok(s.SaveWebPushSubscription(ctx, w))
		return w
	}
	annSes, benOld, benNew := sess(ann, 0), sess(ben, 1000), sess(ben, 0)
	first := sub(annSes, "1")
	sub(benOld, "2")
	if a, err := s.ChannelAudience(ctx, store.AudienceQuery{ChannelID: town.ID, WebPush: true, Now: 2000}); err != nil || len(a.WebPush) != 1 || a.WebPush[0] != ann.ID {
		t.Fatalf("at 2000, ben's session has expired: %+v, %v", a, err)
	}
	if got, err := s.WebPushSubscriptions(ctx, []string{ann.ID, ben.ID}, 500); err != nil || len(got) != 2 {
		t.Fatalf("at 500: %v, %v", got, err)
	}
	moved := sub(benNew, "1")
	if moved.ID != first.ID {
		t.Errorf("re-stored endpoint got id %s, want %s", moved.ID, first.ID)
	}
	if got, err := s.UserWebPushSubscriptions(ctx, ben.ID); err != nil || len(got) != 2 {
		t.Fatalf("ben's subscriptions after the move: %v, %v", got, err)
	}
	if got, err := s.GetWebPushSubscription(ctx, first.ID); err != nil || got.UserID != ben.ID || got.SessionID != benNew.ID {
		t.Fatalf("moved subscription: %+v, %v", got, err)
	}
	ok(s.DeleteSession(ctx, benNew.ID))
	if _, err := s.GetWebPushSubscription(ctx, first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after the session was deleted: %v, want ErrNotFound", err)
	}
	if err := s.DeleteWebPushSubscription(ctx, ann.ID, "", base+"2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting another user's subscription: %v, want ErrNotFound", err)
	}
	key := "storetest_" + model.NewID()
	if v, err := s.SetSystemIfAbsent(ctx, key, "one"); err != nil || v != "one" {
		t.Fatalf("first set: %q, %v", v, err)
	}
	if v, err := s.SetSystemIfAbsent(ctx, key, "two"); err != nil || v != "one" {
		t.Fatalf("second set: %q, %v, want the first value", v, err)
	}
}
