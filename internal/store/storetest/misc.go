package storetest

import (
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// testStore checks what the store itself does: transactions, their hooks,
// the lag-tolerant view and the connection.
func testStore(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	must(t, s.Ping(ctx))
	if d := s.DriverName(); d != "sqlite" && d != "postgres" {
		t.Errorf("DriverName = %q", d)
	}

	t.Run("TxCommitsOrRollsBack", func(t *testing.T) {
		kept, undone := name("kept"), name("undone")
		var ran []string
		must(t, s.Tx(ctx, func(tx store.Store) error {
			tx.AfterCommit(func() { ran = append(ran, "commit") })
			return tx.SetSystem(ctx, kept, "1")
		}))
		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx store.Store) error {
			tx.AfterCommit(func() { ran = append(ran, "rollback") })
			if err := tx.SetSystem(ctx, undone, "1"); err != nil {
				return err
			}
			if v := get(tx.GetSystem(ctx, undone))(t); v != "1" {
				t.Errorf("the transaction does not read its own write: %q", v)
			}
			return boom
		})
		wantErr(t, "Tx returning an error", err, boom)
		if v := get(s.GetSystem(ctx, kept))(t); v != "1" {
			t.Errorf("committed value = %q", v)
		}
		wantErr(t, "GetSystem of a rolled back write", second(s.GetSystem(ctx, undone)), store.ErrNotFound)
		sameIDs(t, "AfterCommit hooks run", ran, []string{"commit"})

		// Hooks run in order, those of a nested Tx after the outer commit only.
		ran = nil
		must(t, s.Tx(ctx, func(tx store.Store) error {
			tx.AfterCommit(func() { ran = append(ran, "1") })
			must(t, tx.Tx(ctx, func(inner store.Store) error {
				inner.AfterCommit(func() { ran = append(ran, "2") })
				return nil
			}))
			if len(ran) != 0 {
				t.Errorf("hooks ran before the outer commit: %v", ran)
			}
			tx.AfterCommit(func() { ran = append(ran, "3") })
			return nil
		}))
		sameIDs(t, "hooks of nested transactions, in order", ran, []string{"1", "2", "3"})
		ran = nil
		nested := name("nested")
		wantErr(t, "an outer Tx failing after a nested one", s.Tx(ctx, func(tx store.Store) error {
			must(t, tx.Tx(ctx, func(inner store.Store) error {
				inner.AfterCommit(func() { ran = append(ran, "inner") })
				return inner.SetSystem(ctx, nested, "1")
			}))
			return boom
		}), boom)
		sameIDs(t, "hooks of a nested Tx whose outer one rolled back", ran, nil)
		wantErr(t, "GetSystem of a nested write rolled back", second(s.GetSystem(ctx, nested)), store.ErrNotFound)

		// Outside a transaction a hook runs at once.
		now := false
		s.AfterCommit(func() { now = true })
		if !now {
			t.Error("AfterCommit outside a transaction did not run at once")
		}
	})

	t.Run("PostTx", func(t *testing.T) {
		u := f.user()
		ch := f.channel(f.team().ID, "O")
		var p *model.Post
		hooked := false
		must(t, s.PostTx(ctx, ch.ID, func(tx store.Store) error {
			p = &model.Post{ID: model.NewID(), CreateAt: 10, UpdateAt: 10, UserID: u.ID, ChannelID: ch.ID, Message: "in a post tx"}
			p.PreCommit()
			tx.AfterCommit(func() { hooked = true })
			return tx.SavePost(ctx, p)
		}))
		if !hooked {
			t.Error("PostTx did not run the AfterCommit hook")
		}
		sameJSON(t, "post saved in PostTx", get(s.GetPost(ctx, p.ID))(t), p)
		q := &model.Post{ID: model.NewID(), CreateAt: 11, UpdateAt: 11, UserID: u.ID, ChannelID: ch.ID, Message: "undone"}
		q.PreCommit()
		boom := errors.New("boom")
		wantErr(t, "PostTx returning an error", s.PostTx(ctx, ch.ID, func(tx store.Store) error {
			must(t, tx.SavePost(ctx, q))
			return boom
		}), boom)
		wantErr(t, "GetPost of a post rolled back", second(s.GetPost(ctx, q.ID)), store.ErrNotFound)
	})

	t.Run("LagTolerant", func(t *testing.T) {
		// Without replicas it reads the primary.
		u := f.user()
		sameJSON(t, "GetUser through LagTolerant", get(s.LagTolerant().GetUser(ctx, u.ID))(t), u)
	})

	t.Run("System", func(t *testing.T) {
		k := name("sys")
		wantErr(t, "GetSystem of nothing", second(s.GetSystem(ctx, k)), store.ErrNotFound)
		must(t, s.SetSystem(ctx, k, "a"))
		must(t, s.SetSystem(ctx, k, "b"))
		if v := get(s.GetSystem(ctx, k))(t); v != "b" {
			t.Errorf("GetSystem after two sets = %q, want b", v)
		}
	})
}

func testStatuses(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	a, b, c := f.user(), f.user(), f.user()
	wantErr(t, "GetStatus of no status", second(s.GetStatus(ctx, a.ID)), store.ErrNotFound)
	sa := &model.Status{UserID: a.ID, Status: model.StatusDND, Manual: true, LastActivityAt: 10, DNDEndTime: 99}
	must(t, s.SaveStatus(ctx, sa))
	sameJSON(t, "GetStatus", get(s.GetStatus(ctx, a.ID))(t), sa)
	sa = &model.Status{UserID: a.ID, Status: model.StatusOnline, LastActivityAt: 20}
	must(t, s.SaveStatus(ctx, sa))
	sameJSON(t, "GetStatus after a second save", get(s.GetStatus(ctx, a.ID))(t), sa)
	sb := &model.Status{UserID: b.ID, Status: model.StatusAway, LastActivityAt: 5}
	must(t, s.SaveStatus(ctx, sb))
	got := get(s.GetStatuses(ctx, []string{a.ID, b.ID, c.ID}))(t)
	sameSet(t, "GetStatuses", ids(got, func(st *model.Status) string { return st.UserID }), []string{a.ID, b.ID})
	if n := len(get(s.GetStatuses(ctx, nil))(t)); n != 0 {
		t.Errorf("GetStatuses of none: %d", n)
	}
}

func testPreferences(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	u, other := f.user(), f.user()
	prefs := []model.Preference{
		{UserID: u.ID, Category: "display_settings", Name: "use_military_time", Value: "true"},
		{UserID: u.ID, Category: "display_settings", Name: "channel_display_mode", Value: "full"},
		{UserID: u.ID, Category: "flagged_post", Name: model.NewID(), Value: "true"},
		{UserID: other.ID, Category: "display_settings", Name: "use_military_time", Value: "false"},
	}
	must(t, s.SavePreferences(ctx, prefs))
	sameJSON(t, "GetPreferences of a category, by name", get(s.GetPreferences(ctx, u.ID, "display_settings"))(t), []model.Preference{prefs[1], prefs[0]})
	sameJSON(t, "GetPreferences of all, by category and name", get(s.GetPreferences(ctx, u.ID, ""))(t), []model.Preference{prefs[1], prefs[0], prefs[2]})
	sameJSON(t, "GetPreference", get(s.GetPreference(ctx, u.ID, "display_settings", "use_military_time"))(t), prefs[0])
	wantErr(t, "GetPreference of nothing", second(s.GetPreference(ctx, u.ID, "display_settings", "nothing")), store.ErrNotFound)

	prefs[0].Value = "false"
	must(t, s.SavePreferences(ctx, prefs[:1]))
	sameJSON(t, "GetPreference after an update", get(s.GetPreference(ctx, u.ID, "display_settings", "use_military_time"))(t), prefs[0])

	// The user id of the call is the one that counts.
	must(t, s.DeletePreferences(ctx, other.ID, prefs[1:2]))
	must(t, s.DeletePreferences(ctx, u.ID, prefs[:1]))
	sameJSON(t, "GetPreferences after a delete", get(s.GetPreferences(ctx, u.ID, "display_settings"))(t), []model.Preference{prefs[1]})
	sameJSON(t, "the other user's", get(s.GetPreferences(ctx, other.ID, ""))(t), []model.Preference{prefs[3]})

	// In bulk, the last value of a key wins, and existing rows are updated.
	bulk := []model.Preference{
		{UserID: u.ID, Category: "tutorial_step", Name: u.ID, Value: "1"},
		{UserID: u.ID, Category: "tutorial_step", Name: u.ID, Value: "2"},
		{UserID: u.ID, Category: "display_settings", Name: "channel_display_mode", Value: "centered"},
	}
	must(t, s.BulkSavePreferences(ctx, bulk))
	sameJSON(t, "after BulkSavePreferences", get(s.GetPreferences(ctx, u.ID, ""))(t), []model.Preference{bulk[2], prefs[2], bulk[1]})
	must(t, s.BulkSavePreferences(ctx, nil))
}

func testSecurity(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	u := f.user()
	if at := get(s.LastFailedLogin(ctx, u.ID))(t); at != 0 {
		t.Errorf("LastFailedLogin of a new user = %d", at)
	}
	must(t, s.RecordFailedLogin(ctx, u.ID, 2, 500))
	if at := get(s.LastFailedLogin(ctx, u.ID))(t); at != 500 {
		t.Errorf("LastFailedLogin = %d, want 500", at)
	}
	if n := get(s.GetUser(ctx, u.ID))(t).FailedAttempts; n != 2 {
		t.Errorf("failed attempts = %d, want 2", n)
	}
	wantErr(t, "RecordFailedLogin of nobody", s.RecordFailedLogin(ctx, model.NewID(), 1, 1), store.ErrNotFound)
	wantErr(t, "LastFailedLogin of nobody", second(s.LastFailedLogin(ctx, model.NewID())), store.ErrNotFound)

	must(t, s.SetMFA(ctx, u.ID, "SECRET", true))
	got := get(s.GetUser(ctx, u.ID))(t)
	if !got.MfaActive || got.MfaSecret != "SECRET" {
		t.Errorf("after SetMFA: active %v secret %q", got.MfaActive, got.MfaSecret)
	}
	for _, c := range []struct {
		step int64
		want bool
	}{{10, true}, {10, false}, {9, false}, {11, true}} {
		if ok := get(s.UseMFAStep(ctx, u.ID, c.step))(t); ok != c.want {
			t.Errorf("UseMFAStep(%d) = %v, want %v", c.step, ok, c.want)
		}
	}
	// A new secret forgets the steps used.
	must(t, s.SetMFA(ctx, u.ID, "OTHER", false))
	if ok := get(s.UseMFAStep(ctx, u.ID, 5))(t); !ok {
		t.Error("a step was refused after MFA was reset")
	}
	wantErr(t, "SetMFA of nobody", s.SetMFA(ctx, model.NewID(), "x", true), store.ErrNotFound)
}
