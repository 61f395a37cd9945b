package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestChannelPostsNeighbours checks every page, before and after every post
// (deleted ones included), against the neighbours read from the whole
// channel (the page's statement reads them with the page: pageWindow), and
// its posts against the threads and single posts read alone (Threads leaves
// out the page's own rows).
func TestChannelPostsNeighbours(t *testing.T) {
	testdb.Each(t, func(t *testing.T, be testdb.Backend) {
		w := newBenchWorld(t, be, 1, 23)
		ctx := context.Background()
		ch := w.chs[0].ID
		all, err := w.a.ChannelPosts(ctx, w.sess, ch, app.ChannelPostsQuery{SkipThreads: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 5, 11, 22} { // the newest, a reply, the oldest
			if err := w.a.DeletePost(ctx, w.sess, all.Order[i]); err != nil {
				t.Fatal(err)
			}
		}
		deleted := slices.Clone(all.Order)
		if _, err := w.a.SaveReaction(ctx, w.sess, &model.Reaction{UserID: w.sess.UserID, PostID: all.Order[3], EmojiName: "tada"}); err != nil {
			t.Fatal(err)
		}
		live, err := w.a.ChannelPosts(ctx, w.sess, ch, app.ChannelPostsQuery{SkipThreads: true})
		if err != nil {
			t.Fatal(err)
		}
		order := live.Order // newest first
		// want is the page order[from:to] (clipped) and its neighbours.
		want := func(from, to int) (page []string, next, prev string) {
			from, to = max(from, 0), min(to, len(order))
			if from >= to {
				return []string{}, "", ""
			}
			if from > 0 {
				next = order[from-1]
			}
			if to < len(order) {
				prev = order[to]
			}
			return order[from:to], next, prev
		}
		// rank is where a post of the channel would stand in order.
		rank := func(id string) int {
			k := slices.Index(deleted, id)
			return len(slices.DeleteFunc(slices.Clone(deleted[:k]), func(x string) bool { return !slices.Contains(order, x) }))
		}
		check := func(name string, q app.ChannelPostsQuery, page []string, next, prev string) {
			t.Helper()
			l, err := w.a.ChannelPosts(ctx, w.sess, ch, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !slices.Equal(l.Order, page) || l.NextPostID != next || l.PrevPostID != prev {
				t.Errorf("%s: order %v next %q prev %q, want %v next %q prev %q", name, l.Order, l.NextPostID, l.PrevPostID, page, next, prev)
			}
			// The posts are the page's and its replies' whole threads, each
			// encoded as GET /posts/{id} encodes it (first pages only, for time).
			if q.Page > 0 {
				return
			}
			held := map[string]bool{}
			for _, id := range page {
				held[id] = true
				if root := l.Posts[id].RootID; root != "" {
					th, err := w.a.Thread(ctx, w.sess, root)
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range th.Order {
						held[x] = true
					}
				}
			}
			if len(held) != len(l.Posts) {
				t.Errorf("%s: %d posts, want %d", name, len(l.Posts), len(held))
			}
			for id := range held {
				one, err := w.a.GetPost(ctx, w.sess, id)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := model.JSONString(l.Posts[id]), model.JSONString(one); got != want {
					t.Errorf("%s: post %s is\n%s\nwant\n%s", name, id, got, want)
				}
			}
		}
		for _, per := range []int{1, 3, 7, 30} {
			for p := 0; p*per <= len(order)+per; p++ {
				page, next, prev := want(p*per, p*per+per)
				check(fmt.Sprintf("page %d of %d", p, per), app.ChannelPostsQuery{Page: p, PerPage: per}, page, next, prev)
				for _, id := range deleted {
					r := rank(id)
					live := slices.Contains(order, id)
					before := r
					if live {
						before = r + 1
					}
					page, next, prev = want(before+p*per, before+p*per+per)
					if len(page) == 0 && p == 0 {
						next = id
					}
					check(fmt.Sprintf("page %d of %d before %s", p, per, id), app.ChannelPostsQuery{Before: id, Page: p, PerPage: per}, page, next, prev)
					page, next, prev = want(r-p*per-per, r-p*per)
					if len(page) == 0 && p == 0 {
						prev = id
					}
					check(fmt.Sprintf("page %d of %d after %s", p, per, id), app.ChannelPostsQuery{After: id, Page: p, PerPage: per}, page, next, prev)
				}
			}
		}
		page, next, prev := want(0, len(order))
		check("per_page 0", app.ChannelPostsQuery{PerPage: 0}, page, next, prev)
	})
}
