package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/testdb"
)

// ExpiredFileIDs selects files by upload time within a retention scope;
// RemoveFileInfos deletes their rows and queues their bytes.
func TestExpiredFiles(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u := newUser("dave")
		must(t, s.SaveUser(ctx, u))
		team := &model.Team{ID: model.NewID(), Name: "staff", DisplayName: "Staff", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		a := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "a", DisplayName: "A"}
		b := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "b", DisplayName: "B"}
		must(t, s.SaveChannel(ctx, a))
		must(t, s.SaveChannel(ctx, b))
		file := func(ch *model.Channel, at, deleted int64) string {
			f := &model.FileInfo{ID: model.NewID(), UserID: u.ID, ChannelID: ch.ID, CreateAt: at, UpdateAt: at, DeleteAt: deleted,
				Name: "x.txt", Size: 1}
			must(t, s.SaveFileInfo(ctx, f))
			return f.ID
		}
		oldA, oldDeletedA, newA, oldB := file(a, 100, 0), file(a, 150, 160), file(a, 1000, 0), file(b, 100, 0)
		// b is in a policy that keeps its files 10 days; a falls to the global policy.
		ten := int64(10)
		pol := &model.RetentionPolicyWithTeamAndChannelIDs{ID: model.NewID(), DisplayName: "B", PostDuration: &ten,
			FileDuration: &ten, ChannelIDs: []string{b.ID}}
		must(t, s.SaveRetentionPolicy(ctx, pol, 1))
		for _, c := range []struct {
			name string
			q    store.ExpiredPostsQuery
			want []string
		}{
			{"global", store.ExpiredPostsQuery{Before: 500, Limit: 10}, []string{oldA, oldDeletedA}},
			{"policy", store.ExpiredPostsQuery{PolicyID: pol.ID, Before: 500, Limit: 10}, []string{oldB}},
			{"limit", store.ExpiredPostsQuery{Before: 500, Limit: 1}, nil},
		} {
			got, err := s.ExpiredFileIDs(ctx, c.q)
			must(t, err)
			if c.want == nil {
				if len(got) != 1 {
					t.Errorf("%s: %v", c.name, got)
				}
				continue
			}
			slices.Sort(got)
			slices.Sort(c.want)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// A policy without a file duration leaves its files to the global one.
		must(t, s.PatchRetentionPolicy(ctx, &model.RetentionPolicyWithTeamAndChannelIDs{ID: pol.ID, ChannelIDs: []string{}}, 2))
		pol2 := &model.RetentionPolicyWithTeamAndChannelIDs{ID: model.NewID(), DisplayName: "B2", PostDuration: &ten,
			TeamIDs: []string{team.ID}}
		must(t, s.SaveRetentionPolicy(ctx, pol2, 3))
		got, err := s.ExpiredFileIDs(ctx, store.ExpiredPostsQuery{Before: 500, Limit: 10})
		must(t, err)
		if len(got) != 3 {
			t.Errorf("global after the policy lost its file duration: %v", got)
		}
		// A legal hold on the uploader up to 120 keeps the files of then.
		hold := &model.LegalHold{ID: model.NewID(), Name: "h", DisplayName: "h", UserIDs: []string{u.ID}, EndsAt: 120, CreateAt: 1, UpdateAt: 1}
		must(t, s.SaveLegalHold(ctx, hold))
		got, err = s.ExpiredFileIDs(ctx, store.ExpiredPostsQuery{Before: 500, Limit: 10})
		must(t, err)
		if !slices.Equal(got, []string{oldDeletedA}) {
			t.Errorf("held files expired: %v", got)
		}
		if names, err := s.LegalHoldsOnChannels(ctx, []string{a.ID}); err != nil || len(names) != 0 {
			t.Errorf("holds on a channel without held posts: %v %v", names, err)
		}
		must(t, s.DeleteLegalHold(ctx, hold.ID))
		// A channel in one policy cannot join another; nothing is written.
		err = s.AddRetentionPolicyTeams(ctx, pol.ID, []string{team.ID})
		var ref *store.RefError
		if !errors.As(err, &ref) || !errors.Is(err, store.ErrConflict) || ref.PolicyID != pol2.ID {
			t.Errorf("team in two policies: %v", err)
		}
		err = s.AddRetentionPolicyChannels(ctx, pol.ID, []string{a.ID, model.NewID()})
		if !errors.As(err, &ref) || !errors.Is(err, store.ErrNotFound) || ref.Kind != "channel" {
			t.Errorf("unknown channel: %v", err)
		}
		if p, err := s.GetRetentionPolicy(ctx, pol.ID); err != nil || p.ChannelCount != 0 || p.TeamCount != 0 {
			t.Errorf("policy after refused adds: %+v %v", p, err)
		}
		must(t, s.RemoveFileInfos(ctx, []string{oldA, oldB}))
		must(t, s.RemoveFileInfos(ctx, nil))
		purges, err := s.PendingPurges(ctx, 10)
		must(t, err)
		if len(purges) != 2 {
			t.Fatalf("purges %v", purges)
		}
		for _, id := range []string{oldA, oldB} {
			if _, err := s.GetFileInfo(ctx, id); err == nil {
				t.Errorf("file %s still there", id)
			}
		}
		for _, id := range []string{oldDeletedA, newA} {
			if _, err := s.GetFileInfo(ctx, id); err != nil {
				t.Errorf("file %s: %v", id, err)
			}
		}
	})
}

// Migration 00024 turns the team and channel retention periods of before into
// one granular policy each (0 days, forever, becoming -1) and keeps the
// global one where it was.
func TestMigrateTeamChannelRetention(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		s, err := Connect(ctx, b.DSN, b.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		p, err := s.provider(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 23); err != nil {
			t.Fatal(err)
		}
		team := &model.Team{ID: model.NewID(), Name: "staff", DisplayName: "Staff", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "legal", DisplayName: "Legal"}
		must(t, s.SaveChannel(ctx, ch))
		for _, r := range [][]any{{"global", "", 365, 90}, {"team", team.ID, 30, 7}, {"channel", ch.ID, 0, 0}} {
			_, err := s.exec(ctx, `INSERT INTO retention_policies (scope, target_id, post_days, file_days, update_at) VALUES (?, ?, ?, ?, 5)`, r...)
			must(t, err)
		}
		must(t, s.Migrate(ctx, nil))

		g, err := s.GlobalRetention(ctx)
		if err != nil || g.PostDays != 365 || g.FileDays != 90 || g.PreservePinnedPosts {
			t.Fatalf("global %+v %v", g, err)
		}
		tp, err := s.GetRetentionPolicy(ctx, team.ID)
		if err != nil || tp.DisplayName != "Team Staff" || *tp.PostDuration != 30 || *tp.FileDuration != 7 || tp.TeamCount != 1 {
			t.Fatalf("team policy %+v %v", tp, err)
		}
		cp, err := s.GetRetentionPolicy(ctx, ch.ID)
		if err != nil || cp.DisplayName != "Channel Legal" || *cp.PostDuration != -1 || *cp.FileDuration != -1 || cp.ChannelCount != 1 {
			t.Fatalf("channel policy %+v %v", cp, err)
		}
		if n, err := s.CountRetentionPolicies(ctx); err != nil || n != 2 {
			t.Fatalf("policies %d %v", n, err)
		}
		// And back: the down migration restores the old rows.
		if _, err := p.DownTo(ctx, 23); err != nil {
			t.Fatal(err)
		}
		var n int
		must(t, s.queryRow(ctx, `SELECT COUNT(*) FROM retention_policies WHERE scope IN ('team', 'channel')`).Scan(&n))
		if n != 2 {
			t.Fatalf("after down: %d team and channel rows", n)
		}
	})
}
