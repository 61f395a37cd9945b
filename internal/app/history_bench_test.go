package app_test

import (
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/testdb"
)

// BenchmarkHistoryPage is what the load driver's history scenario asks, at
// the app: a 60-post page of a sampledata channel (apptest.HistoryChannel)
// read as the system admin, with its threads and metadata, encoded and tagged
// as the API writes it. The pages are page 0, a page before a random post,
// and a random page=N, as in `parley-load history`.
func BenchmarkHistoryPage(b *testing.B) {
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		a, st := newAppStore(b, be)
		ctx := context.Background()
		sys := app.SystemSession()
		h := apptest.HistoryChannel(b, a, st)
		var body []byte
		read := func(b *testing.B, q func(r *rand.Rand) app.ChannelPostsQuery) {
			r := rand.New(rand.NewPCG(1, 2))
			defer testdb.ReportCPU(b)()
			for b.Loop() {
				l, err := a.ChannelPosts(ctx, sys, h.Channel, q(r))
				if err != nil {
					b.Fatal(err)
				}
				if len(l.Order) != 60 {
					b.Fatalf("%d posts, want 60", len(l.Order))
				}
				if body, err = l.AppendJSON(body[:0]); err != nil {
					b.Fatal(err)
				}
				_ = sha256.Sum256(body)
			}
		}
		b.Run("page0", func(b *testing.B) {
			read(b, func(*rand.Rand) app.ChannelPostsQuery { return app.ChannelPostsQuery{PerPage: 60} })
		})
		b.Run("before-cursor", func(b *testing.B) {
			read(b, func(r *rand.Rand) app.ChannelPostsQuery {
				return app.ChannelPostsQuery{Before: h.Cursors[r.IntN(len(h.Cursors))], PerPage: 60}
			})
		})
		b.Run("deep-page", func(b *testing.B) {
			read(b, func(r *rand.Rand) app.ChannelPostsQuery {
				return app.ChannelPostsQuery{Page: 1 + r.IntN(h.Posts/60-1), PerPage: 60}
			})
		})
	})
}
