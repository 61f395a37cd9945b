package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
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
