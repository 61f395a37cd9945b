package sqlstore

import (
	"context"
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
		for _, c := range []struct {
			name string
			q    store.ExpiredPostsQuery
			want []string
		}{
			{"global", store.ExpiredPostsQuery{Before: 500, Limit: 10}, []string{oldA, oldDeletedA, oldB}},
			{"channel", store.ExpiredPostsQuery{ChannelID: a.ID, Before: 500, Limit: 10}, []string{oldA, oldDeletedA}},
			{"team except b", store.ExpiredPostsQuery{TeamID: team.ID, ExceptChannels: []string{b.ID}, Before: 500, Limit: 10}, []string{oldA, oldDeletedA}},
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
