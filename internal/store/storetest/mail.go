package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func testMail(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx

	t.Run("Queue", func(t *testing.T) {
		mk := func(next int64) *model.QueuedMail {
			m := &model.QueuedMail{ID: model.NewID(), CreateAt: 1, To: "a@example.com", Subject: "s", Text: "t", HTML: "<p>h</p>",
				Status: model.MailPending, NextAttemptAt: next, UpdateAt: 1, ListUnsubscribe: "https://x/u"}
			must(t, s.EnqueueMail(ctx, m))
			return m
		}
		late, early := mk(200), mk(100)
		sameJSON(t, "QueuedMail", get(s.QueuedMail(ctx, early.ID))(t), early)
		wantErr(t, "QueuedMail of nothing", second(s.QueuedMail(ctx, model.NewID())), store.ErrNotFound)
		mine := []string{late.ID, early.ID}
		mIDs := func(ms []*model.QueuedMail) []string {
			return ids(ms, func(m *model.QueuedMail) string { return m.ID })
		}
		sameIDs(t, "DueMail at 150", only(mIDs(get(s.DueMail(ctx, 150, 1000))(t)), mine), []string{early.ID})
		sameIDs(t, "DueMail at 200, oldest first", only(mIDs(get(s.DueMail(ctx, 200, 1000))(t)), mine), []string{early.ID, late.ID})
		if ok := get(s.ClaimMail(ctx, late.ID, 150))(t); ok {
			t.Error("ClaimMail of a message not due yet won")
		}
		if ok := get(s.ClaimMail(ctx, early.ID, 150))(t); !ok {
			t.Error("ClaimMail of a due message lost")
		}
		if ok := get(s.ClaimMail(ctx, early.ID, 151))(t); ok {
			t.Error("a second ClaimMail won")
		}
		must(t, s.RetryMail(ctx, early.ID, 300, 160, "421 busy"))
		got := get(s.QueuedMail(ctx, early.ID))(t)
		if got.Status != model.MailPending || got.Attempts != 1 || got.NextAttemptAt != 300 || got.LastError != "421 busy" || got.UpdateAt != 160 {
			t.Errorf("after RetryMail: %+v", got)
		}
		wantErr(t, "RetryMail of an unclaimed message", s.RetryMail(ctx, early.ID, 400, 170, ""), store.ErrNotFound)
		if !get(s.ClaimMail(ctx, early.ID, 300))(t) {
			t.Fatal("ClaimMail after a retry lost")
		}
		must(t, s.RetryMail(ctx, early.ID, 0, 310, "550 no such user"))
		if got := get(s.QueuedMail(ctx, early.ID))(t); got.Status != model.MailFailed || got.Attempts != 2 {
			t.Errorf("after a last RetryMail: status %q attempts %d", got.Status, got.Attempts)
		}
	})

	t.Run("Tokens", func(t *testing.T) {
		u, other := f.user(), f.user()
		typ := name("tok")
		mk := func(userID string, at int64) *model.Token {
			tok := &model.Token{Hash: model.NewID(), Type: typ, CreateAt: at, UserID: userID, Email: "e@example.com", TeamID: model.NewID()}
			must(t, s.SaveToken(ctx, tok))
			return tok
		}
		t1, t2, t3 := mk(u.ID, 100), mk(u.ID, 200), mk(other.ID, 300)
		sameJSON(t, "GetToken", get(s.GetToken(ctx, t1.Hash, typ))(t), t1)
		wantErr(t, "GetToken of another type", second(s.GetToken(ctx, t1.Hash, model.TokenTypeVerifyEmail)), store.ErrNotFound)
		wantErr(t, "SaveToken again", s.SaveToken(ctx, t1), store.ErrConflict)
		if n := get(s.CountUserTokensSince(ctx, u.ID, typ, 150))(t); n != 1 {
			t.Errorf("CountUserTokensSince(150) = %d, want 1", n)
		}
		if n := get(s.CountUserTokensSince(ctx, u.ID, typ, 0))(t); n != 2 {
			t.Errorf("CountUserTokensSince(0) = %d, want 2", n)
		}
		// A token serves once.
		sameJSON(t, "TakeToken", get(s.TakeToken(ctx, t1.Hash, typ))(t), t1)
		wantErr(t, "TakeToken again", second(s.TakeToken(ctx, t1.Hash, typ)), store.ErrNotFound)
		wantErr(t, "TakeToken of another type", second(s.TakeToken(ctx, t2.Hash, model.TokenTypeVerifyEmail)), store.ErrNotFound)

		must(t, s.DeleteUserTokens(ctx, u.ID, typ))
		wantErr(t, "GetToken after DeleteUserTokens", second(s.GetToken(ctx, t2.Hash, typ)), store.ErrNotFound)
		get(s.GetToken(ctx, t3.Hash, typ))(t)
		must(t, s.DeleteTokensOfType(ctx, typ))
		wantErr(t, "GetToken after DeleteTokensOfType", second(s.GetToken(ctx, t3.Hash, typ)), store.ErrNotFound)

		old, young := mk(u.ID, 10), mk(u.ID, model.Now())
		must(t, s.DeleteTokensBefore(ctx, 11))
		wantErr(t, "GetToken after DeleteTokensBefore", second(s.GetToken(ctx, old.Hash, typ)), store.ErrNotFound)
		get(s.GetToken(ctx, young.Hash, typ))(t)
	})

	t.Run("VerifyEmail", func(t *testing.T) {
		u := f.user()
		// The address must still be the user's.
		wantErr(t, "VerifyEmail of another address", s.VerifyEmail(ctx, u.ID, "old@example.com", 10), store.ErrNotFound)
		must(t, s.VerifyEmail(ctx, u.ID, u.Email, 20))
		got := get(s.GetUser(ctx, u.ID))(t)
		if !got.EmailVerified || got.UpdateAt != 20 {
			t.Errorf("after VerifyEmail: verified %v update_at %d", got.EmailVerified, got.UpdateAt)
		}
	})

	t.Run("Digests", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		soon, later := f.user(), f.user()
		m := f.channelMember(c.ID, soon.ID)
		mk := func(userID string, at, after int64) *model.DigestItem {
			it := &model.DigestItem{ID: model.NewID(), UserID: userID, CreateAt: at, SendAfter: after, ChannelID: c.ID, Text: "t", HTML: "<p>h</p>"}
			must(t, s.AddDigestItem(ctx, it))
			return it
		}
		a := mk(soon.ID, 10, 100)
		b := mk(soon.ID, 30, 300)
		l := mk(later.ID, 20, 200)
		mine := []string{soon.ID, later.ID}
		sameIDs(t, "DueDigestUsers at 99", only(get(s.DueDigestUsers(ctx, 99, 1000))(t), mine), nil)
		sameIDs(t, "DueDigestUsers at 200, by oldest item", only(get(s.DueDigestUsers(ctx, 200, 1000))(t), mine), []string{soon.ID, later.ID})

		// The member read the channel at 20: the item of 10 is seen.
		m.LastViewedAt = 20
		must(t, s.SaveChannelMember(ctx, m))
		items := get(s.DigestItems(ctx, soon.ID))(t)
		a.Seen = true
		sameJSON(t, "DigestItems, oldest first", items, []*model.DigestItem{a, b})
		sameJSON(t, "DigestItems of a non-member", get(s.DigestItems(ctx, later.ID))(t), []*model.DigestItem{l})

		if n := get(s.DeleteDigestItems(ctx, []string{a.ID, b.ID}))(t); n != 2 {
			t.Errorf("DeleteDigestItems = %d, want 2", n)
		}
		if n := get(s.DeleteDigestItems(ctx, []string{a.ID, l.ID}))(t); n != 1 {
			t.Errorf("DeleteDigestItems of one sent already = %d, want 1", n)
		}
		if n := get(s.DeleteDigestItems(ctx, nil))(t); n != 0 {
			t.Errorf("DeleteDigestItems of none = %d", n)
		}
		sameIDs(t, "DueDigestUsers after the deletes", only(get(s.DueDigestUsers(ctx, 1000, 1000))(t), mine), nil)
	})
}
