package sqlstore

import (
	"context"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// With a stride of 4 a few posts make many boundaries: deep pages must come
// from them (not the fallback to the offset query), match the offset query,
// and stay right as appended posts extend them and deletes rebuild them.
func TestDeepPagesFromBounds(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		s.pages = &pageIndex{stride: 4, chans: map[string]*channelBounds{}}
		u := newUser("deep")
		must(t, s.SaveUser(ctx, u))
		team := &model.Team{ID: model.NewID(), Name: "deep", DisplayName: "Deep", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "deep", DisplayName: "Deep"}
		must(t, s.SaveChannel(ctx, ch))
		channelID, userID := ch.ID, u.ID
		add := func(at int64) *model.Post {
			p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: userID, ChannelID: channelID, Message: "x"}
			p.PreCommit()
			must(t, s.SavePost(ctx, p))
			return p
		}
		var first *model.Post
		for i := range 50 {
			p := add(int64(100 + i))
			if i == 0 {
				first = p
			}
		}
		check := func(what string) {
			t.Helper()
			all, err := s.ChannelPosts(ctx, channelID, store.Page{})
			must(t, err)
			for off := 4; off <= len(all)+3; off++ {
				got, ok, err := s.deepChannelPosts(ctx, channelID, store.Page{Offset: off, Limit: 3})
				must(t, err)
				want := postIDs(all[min(off, len(all)):min(off+3, len(all))])
				if ok && !slices.Equal(postIDs(got), want) {
					t.Fatalf("%s: offset %d: got %v, want %v", what, off, postIDs(got), want)
				}
				// Only pages above the top boundary fall back.
				if !ok && off < len(all)-len(s.pages.chans[channelID].bounds)*4 {
					t.Fatalf("%s: offset %d of %d not answered from the bounds", what, off, len(all))
				}
			}
		}
		check("filled")
		for i := range 20 {
			add(int64(1000 + i))
		}
		check("after appends")
		if n := len(s.pages.chans[channelID].bounds); n != 70/4 {
			t.Errorf("after 20 appended posts: %d bounds, want them extended to %d", n, 70/4)
		}
		must(t, s.DeletePost(ctx, first.ID, 5000, userID))
		add(150)
		check("after a delete and an insert out of order")
	})
}

func postIDs(ps []*model.Post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
