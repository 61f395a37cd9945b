package storetest

import (
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func policyIDs(ps []*model.RetentionPolicyWithTeamAndChannelCounts) []string {
	return ids(ps, func(p *model.RetentionPolicyWithTeamAndChannelCounts) string { return p.ID })
}

func testRetention(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	all := store.Page{Limit: 100000}
	i64 := func(n int64) *int64 { return &n }
	yes := true

	t.Run("Global", func(t *testing.T) {
		// The store's one global policy: start and end without one.
		clear := func() {
			if err := s.DeleteGlobalRetention(ctx); err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Error(err)
			}
		}
		clear()
		t.Cleanup(clear)
		wantErr(t, "GlobalRetention when none is set", second(s.GlobalRetention(ctx)), store.ErrNotFound)
		p := &model.GlobalRetention{PostDays: 30, FileDays: model.KeepForever, PreservePinnedPosts: true, UpdateAt: 10}
		must(t, s.SaveGlobalRetention(ctx, p))
		sameJSON(t, "GlobalRetention", get(s.GlobalRetention(ctx))(t), p)
		p = &model.GlobalRetention{PostDays: 7, FileDays: 1, UpdateAt: 20}
		must(t, s.SaveGlobalRetention(ctx, p))
		sameJSON(t, "GlobalRetention after a second save", get(s.GlobalRetention(ctx))(t), p)
		must(t, s.DeleteGlobalRetention(ctx))
		wantErr(t, "GlobalRetention after delete", second(s.GlobalRetention(ctx)), store.ErrNotFound)
		wantErr(t, "DeleteGlobalRetention again", s.DeleteGlobalRetention(ctx), store.ErrNotFound)
	})

	t.Run("Policies", func(t *testing.T) {
		n0 := get(s.CountRetentionPolicies(ctx))(t)
		t1, t2 := f.team(func(tm *model.Team) { tm.DisplayName = "b team" }), f.team(func(tm *model.Team) { tm.DisplayName = "a team" })
		c1 := f.channel(t1.ID, "O", func(c *model.Channel) { c.DisplayName = "b chan"; c.Purpose = "findme" })
		c2 := f.channel(t2.ID, "P", func(c *model.Channel) { c.DisplayName = "a chan" })
		tag := name("pol")
		p := &model.RetentionPolicyWithTeamAndChannelIDs{ID: model.NewID(), DisplayName: tag + " b", PostDuration: i64(30),
			FileDuration: i64(10), PreservePinnedPosts: &yes, TeamIDs: []string{t1.ID, t2.ID}, ChannelIDs: []string{c1.ID}}
		must(t, s.SaveRetentionPolicy(ctx, p, 100))
		want := &model.RetentionPolicyWithTeamAndChannelCounts{RetentionPolicy: model.RetentionPolicy{ID: p.ID, DisplayName: p.DisplayName,
			PostDuration: i64(30), FileDuration: i64(10), PreservePinnedPosts: true}, ChannelCount: 1, TeamCount: 2}
		sameJSON(t, "GetRetentionPolicy", get(s.GetRetentionPolicy(ctx, p.ID))(t), want)
		wantErr(t, "GetRetentionPolicy of nothing", second(s.GetRetentionPolicy(ctx, model.NewID())), store.ErrNotFound)

		// A team another policy holds, or one that does not exist, is refused and nothing is written.
		q := &model.RetentionPolicyWithTeamAndChannelIDs{ID: model.NewID(), DisplayName: tag + " a", PostDuration: i64(5), TeamIDs: []string{t1.ID}}
		err := s.SaveRetentionPolicy(ctx, q, 100)
		var ref *store.RefError
		if !errors.Is(err, store.ErrConflict) || !errors.As(err, &ref) || ref.ID != t1.ID || ref.PolicyID != p.ID {
			t.Errorf("SaveRetentionPolicy with a held team: err = %v", err)
		}
		wantErr(t, "the refused policy", second(s.GetRetentionPolicy(ctx, q.ID)), store.ErrNotFound)
		q.TeamIDs = []string{model.NewID()}
		wantErr(t, "SaveRetentionPolicy with a missing team", s.SaveRetentionPolicy(ctx, q, 100), store.ErrNotFound)
		q.TeamIDs, q.ChannelIDs = nil, []string{c2.ID}
		must(t, s.SaveRetentionPolicy(ctx, q, 100))
		if n := get(s.CountRetentionPolicies(ctx))(t); n != n0+2 {
			t.Errorf("CountRetentionPolicies grew by %d, want 2", n-n0)
		}
		mine := []string{p.ID, q.ID}
		sameIDs(t, "ListRetentionPolicies, by display name", only(policyIDs(get(s.ListRetentionPolicies(ctx, all))(t)), mine), []string{q.ID, p.ID})

		tIDs, total := get2(s.RetentionPolicyTeams(ctx, p.ID, "", all))(t)
		sameIDs(t, "RetentionPolicyTeams, by display name", teamIDs(tIDs), []string{t2.ID, t1.ID})
		if total != 2 || tIDs[0].PolicyID == nil || *tIDs[0].PolicyID != p.ID {
			t.Errorf("RetentionPolicyTeams: total %d, policy id %v", total, tIDs[0].PolicyID)
		}
		tIDs, total = get2(s.RetentionPolicyTeams(ctx, p.ID, "B T", store.Page{Limit: 10}))(t)
		sameIDs(t, "RetentionPolicyTeams of a term", teamIDs(tIDs), []string{t1.ID})
		if total != 1 {
			t.Errorf("RetentionPolicyTeams of a term: total %d", total)
		}
		tIDs, total = get2(s.RetentionPolicyTeams(ctx, p.ID, "", store.Page{Offset: 1, Limit: 1}))(t)
		sameIDs(t, "RetentionPolicyTeams paged", teamIDs(tIDs), []string{t1.ID})
		if total != 2 {
			t.Errorf("RetentionPolicyTeams paged: total %d, want all 2", total)
		}
		chs, total := get2(s.RetentionPolicyChannels(ctx, p.ID, nil, all))(t)
		if len(chs) != 1 || chs[0].ID != c1.ID || total != 1 || chs[0].TeamName != t1.Name || chs[0].PolicyID == nil {
			t.Errorf("RetentionPolicyChannels: %d, total %d", len(chs), total)
		}
		chs, total = get2(s.RetentionPolicyChannels(ctx, p.ID, &model.ChannelSearch{Term: "FINDME"}, all))(t)
		if len(chs) != 1 || total != 1 {
			t.Errorf("RetentionPolicyChannels by purpose: %d, total %d", len(chs), total)
		}
		chs, total = get2(s.RetentionPolicyChannels(ctx, p.ID, &model.ChannelSearch{Term: "nothing" + tag}, all))(t)
		if len(chs) != 0 || total != 0 {
			t.Errorf("RetentionPolicyChannels of no match: %d, total %d", len(chs), total)
		}

		// What a user's teams and channels keep.
		u := f.user()
		f.teamMember(t1.ID, u.ID)
		f.channelMember(c1.ID, u.ID)
		f.channelMember(c2.ID, u.ID)
		ut, total := get2(s.UserTeamRetention(ctx, u.ID, all))(t)
		sameJSON(t, "UserTeamRetention", ut, []*model.RetentionPolicyForTeam{{TeamID: t1.ID, PostDuration: 30}})
		if total != 1 {
			t.Errorf("UserTeamRetention total %d", total)
		}
		uc, total := get2(s.UserChannelRetention(ctx, u.ID, all))(t)
		wantCh := []*model.RetentionPolicyForChannel{{ChannelID: c1.ID, PostDuration: 30}, {ChannelID: c2.ID, PostDuration: 5}}
		if c2.ID < c1.ID {
			wantCh[0], wantCh[1] = wantCh[1], wantCh[0]
		}
		sameJSON(t, "UserChannelRetention, by channel id", uc, wantCh)
		if total != 2 {
			t.Errorf("UserChannelRetention total %d", total)
		}
		uc, total = get2(s.UserChannelRetention(ctx, u.ID, store.Page{Offset: 1, Limit: 1}))(t)
		if len(uc) != 1 || total != 2 {
			t.Errorf("UserChannelRetention paged: %d, total %d", len(uc), total)
		}

		// Patching: the set fields change; lists given replace.
		must(t, s.PatchRetentionPolicy(ctx, &model.RetentionPolicyWithTeamAndChannelIDs{ID: p.ID, PostDuration: i64(60), TeamIDs: []string{t2.ID}}, 200))
		want.PostDuration, want.TeamCount = i64(60), 1
		sameJSON(t, "after PatchRetentionPolicy", get(s.GetRetentionPolicy(ctx, p.ID))(t), want)
		wantErr(t, "PatchRetentionPolicy of nothing", s.PatchRetentionPolicy(ctx, &model.RetentionPolicyWithTeamAndChannelIDs{ID: model.NewID()}, 1), store.ErrNotFound)
		wantErr(t, "PatchRetentionPolicy to a held channel", s.PatchRetentionPolicy(ctx, &model.RetentionPolicyWithTeamAndChannelIDs{ID: p.ID, ChannelIDs: []string{c2.ID}}, 1), store.ErrConflict)
		sameJSON(t, "after a refused patch", get(s.GetRetentionPolicy(ctx, p.ID))(t), want)

		must(t, s.AddRetentionPolicyTeams(ctx, p.ID, []string{t1.ID, t2.ID}))
		wantErr(t, "AddRetentionPolicyChannels of a held channel", s.AddRetentionPolicyChannels(ctx, p.ID, []string{c2.ID}), store.ErrConflict)
		must(t, s.RemoveRetentionPolicyTeams(ctx, p.ID, []string{t2.ID}))
		must(t, s.RemoveRetentionPolicyChannels(ctx, q.ID, []string{c2.ID}))
		must(t, s.AddRetentionPolicyChannels(ctx, p.ID, []string{c2.ID}))
		want.TeamCount, want.ChannelCount = 1, 2
		sameJSON(t, "after adds and removes", get(s.GetRetentionPolicy(ctx, p.ID))(t), want)

		must(t, s.DeleteRetentionPolicy(ctx, p.ID))
		wantErr(t, "GetRetentionPolicy after delete", second(s.GetRetentionPolicy(ctx, p.ID)), store.ErrNotFound)
		wantErr(t, "DeleteRetentionPolicy again", s.DeleteRetentionPolicy(ctx, p.ID), store.ErrNotFound)
		// Its team and channels are free again.
		must(t, s.AddRetentionPolicyChannels(ctx, q.ID, []string{c1.ID, c2.ID}))
	})

	t.Run("ExpiredAndHeld", func(t *testing.T) {
		tm := f.team()
		governed := f.channel(tm.ID, "O")
		global := f.channel(tm.ID, "O")
		u, held := f.user(), f.user()
		p := &model.RetentionPolicyWithTeamAndChannelIDs{ID: model.NewID(), DisplayName: name("exp"), PostDuration: i64(1),
			FileDuration: i64(1), ChannelIDs: []string{governed.ID}}
		must(t, s.SaveRetentionPolicy(ctx, p, 1))
		old := f.post(governed.ID, u.ID, 10)
		pinned := f.post(governed.ID, u.ID, 20, func(p *model.Post) { p.IsPinned = true })
		heldPost := f.post(governed.ID, held.ID, 30)
		young := f.post(governed.ID, u.ID, 500)
		g := f.post(global.ID, u.ID, 10)
		fOld := f.file(u.ID, governed.ID, old.ID, 10)
		fHeld := f.file(held.ID, governed.ID, heldPost.ID, 30)
		fGlobal := f.file(u.ID, global.ID, g.ID, 10)
		fLoose := f.file(u.ID, governed.ID, "", 15) // uploaded, never attached
		f.file(u.ID, governed.ID, "", 600)
		h := &model.LegalHold{ID: model.NewID(), Name: name("hold"), DisplayName: "Hold", UserIDs: []string{held.ID}, StartsAt: 0, CreatorID: u.ID}
		must(t, s.SaveLegalHold(ctx, h))

		q := store.ExpiredPostsQuery{PolicyID: p.ID, Before: 100, Limit: 100}
		sameIDs(t, "ExpiredPostIDs of a policy, oldest first, holds left out", get(s.ExpiredPostIDs(ctx, q))(t), []string{old.ID, pinned.ID})
		q.PreservePinned = true
		sameIDs(t, "ExpiredPostIDs keeping pinned ones", get(s.ExpiredPostIDs(ctx, q))(t), []string{old.ID})
		q.Limit = 1
		q.PreservePinned = false
		sameIDs(t, "ExpiredPostIDs limited", get(s.ExpiredPostIDs(ctx, q))(t), []string{old.ID})
		mine := []string{old.ID, pinned.ID, heldPost.ID, young.ID, g.ID}
		sameIDs(t, "ExpiredPostIDs of the global policy", only(get(s.ExpiredPostIDs(ctx, store.ExpiredPostsQuery{Before: 100, Limit: 100000}))(t), mine), []string{g.ID})
		sameIDs(t, "ExpiredFileIDs of a policy, attached or not", get(s.ExpiredFileIDs(ctx, store.ExpiredPostsQuery{PolicyID: p.ID, Before: 100, Limit: 100}))(t), []string{fOld.ID, fLoose.ID})
		sameIDs(t, "ExpiredFileIDs of the global policy", only(get(s.ExpiredFileIDs(ctx, store.ExpiredPostsQuery{Before: 100, Limit: 100000}))(t),
			[]string{fOld.ID, fHeld.ID, fGlobal.ID, fLoose.ID}), []string{fGlobal.ID})
		must(t, s.DeleteLegalHold(ctx, h.ID))
		q.Limit = 100
		sameIDs(t, "ExpiredPostIDs once the hold is gone", get(s.ExpiredPostIDs(ctx, q))(t), []string{old.ID, pinned.ID, heldPost.ID})
	})

	t.Run("LegalHolds", func(t *testing.T) {
		c, other := f.channel(f.team().ID, "O"), f.channel(f.team().ID, "O")
		a, b, writer := f.user(), f.user(), f.user()
		tag := name("lh")
		h := &model.LegalHold{ID: model.NewID(), Name: tag + "b", DisplayName: "B", Description: "d", UserIDs: sorted([]string{a.ID, b.ID}),
			ChannelIDs: []string{c.ID}, StartsAt: 100, EndsAt: 200, CreateAt: 1, UpdateAt: 1, CreatorID: a.ID}
		must(t, s.SaveLegalHold(ctx, h))
		sameJSON(t, "GetLegalHold", get(s.GetLegalHold(ctx, h.ID))(t), h)
		sameJSON(t, "GetLegalHoldByName", get(s.GetLegalHoldByName(ctx, h.Name))(t), h)
		wantErr(t, "GetLegalHold of nothing", second(s.GetLegalHold(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "GetLegalHoldByName of nothing", second(s.GetLegalHoldByName(ctx, name("none"))), store.ErrNotFound)
		dup := *h
		dup.ID = model.NewID()
		wantErr(t, "SaveLegalHold with a taken name", s.SaveLegalHold(ctx, &dup), store.ErrConflict)
		missing := &model.LegalHold{ID: model.NewID(), Name: tag + "x", UserIDs: []string{model.NewID()}}
		wantErr(t, "SaveLegalHold of a missing user", s.SaveLegalHold(ctx, missing), store.ErrNotFound)
		wantErr(t, "the refused hold", second(s.GetLegalHold(ctx, missing.ID)), store.ErrNotFound)
		h2 := &model.LegalHold{ID: model.NewID(), Name: tag + "a", ChannelIDs: []string{other.ID}, UserIDs: []string{}, CreatorID: a.ID}
		must(t, s.SaveLegalHold(ctx, h2))
		hIDs := func(hs []*model.LegalHold) []string { return ids(hs, func(h *model.LegalHold) string { return h.ID }) }
		sameIDs(t, "ListLegalHolds, by name", only(hIDs(get(s.ListLegalHolds(ctx))(t)), []string{h.ID, h2.ID}), []string{h2.ID, h.ID})

		// A hold on a channel keeps what writer wrote there within its range.
		in := f.post(c.ID, writer.ID, 150)
		f.post(c.ID, writer.ID, 250)
		byA := f.post(other.ID, a.ID, 120)
		f.post(other.ID, a.ID, 50)
		sameIDs(t, "LegalHoldsOnUser named", get(s.LegalHoldsOnUser(ctx, a.ID))(t), []string{h2.Name, h.Name})
		sameIDs(t, "LegalHoldsOnUser who wrote in a held channel", get(s.LegalHoldsOnUser(ctx, writer.ID))(t), []string{h.Name})
		sameIDs(t, "LegalHoldsOnUser of nobody held", get(s.LegalHoldsOnUser(ctx, f.user().ID))(t), nil)
		sameIDs(t, "LegalHoldsOnChannels", get(s.LegalHoldsOnChannels(ctx, []string{other.ID}))(t), []string{h2.Name, h.Name})
		sameIDs(t, "LegalHoldsOnChannels of none", get(s.LegalHoldsOnChannels(ctx, nil))(t), nil)

		deleted := f.post(c.ID, b.ID, 160, func(p *model.Post) { p.DeleteAt = 170 })
		covered := []string{byA.ID, in.ID, deleted.ID}
		sameIDs(t, "LegalHoldPosts, deleted too, in order", postIDs(get(s.LegalHoldPosts(ctx, h, 0, "", 10))(t)), covered)
		sameIDs(t, "LegalHoldPosts after a cursor", postIDs(get(s.LegalHoldPosts(ctx, h, in.CreateAt, in.ID, 10))(t)), covered[2:])
		sameIDs(t, "LegalHoldPosts limited", postIDs(get(s.LegalHoldPosts(ctx, h, 0, "", 1))(t)), covered[:1])

		h.DisplayName, h.UserIDs, h.ChannelIDs, h.EndsAt, h.UpdateAt = "B2", []string{b.ID}, []string{}, 0, 5
		must(t, s.UpdateLegalHold(ctx, h))
		sameJSON(t, "after UpdateLegalHold", get(s.GetLegalHold(ctx, h.ID))(t), h)
		h2.Name = h.Name
		wantErr(t, "UpdateLegalHold to a taken name", s.UpdateLegalHold(ctx, h2), store.ErrConflict)
		wantErr(t, "UpdateLegalHold of nothing", s.UpdateLegalHold(ctx, &model.LegalHold{ID: model.NewID(), Name: name("x")}), store.ErrNotFound)
		must(t, s.DeleteLegalHold(ctx, h.ID))
		wantErr(t, "GetLegalHold after delete", second(s.GetLegalHold(ctx, h.ID)), store.ErrNotFound)
		wantErr(t, "DeleteLegalHold again", s.DeleteLegalHold(ctx, h.ID), store.ErrNotFound)
	})
}

// get2 is get for methods that return two values and an error.
func get2[A, B any](a A, b B, err error) func(*testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		must(t, err)
		return a, b
	}
}
