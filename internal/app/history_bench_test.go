package app_test

import (
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/testdb"
)

// BenchmarkHistoryPage is what the load driver's history scenario asks, at
// the app: a 60-post page of a sampledata channel of PARLEY_BENCH_HISTORY_POSTS
// posts (default 20,000; `make bench` uses 100,000) read as the system admin,
// with its threads and metadata, encoded and tagged as the API writes it.
// The pages are page 0, a page before a random post, and a random page=N,
// as in `parley-load history`.
func BenchmarkHistoryPage(b *testing.B) {
	n := 20_000
	if v := os.Getenv("PARLEY_BENCH_HISTORY_POSTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 600 {
			b.Fatalf("PARLEY_BENCH_HISTORY_POSTS: want a number ≥ 600, got %q", v)
		}
	}
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		a, st := newAppStore(b, be)
		ctx := context.Background()
		sys := app.SystemSession()
		if _, err := bulkio.GenerateSampleData(ctx, a, sys, bulkio.SampleSpec{Seed: 1, Teams: 1, ChannelsPerTeam: 1,
			Users: 20, TeamMemberships: 1, ChannelMemberships: 1, PostsPerChannel: n}); err != nil {
			b.Fatal(err)
		}
		teams, err := st.ListAllTeams(ctx)
		if err != nil || len(teams) != 1 {
			b.Fatalf("teams: %v, %v", teams, err)
		}
		chs, err := st.ListTeamChannels(ctx, teams[0].ID)
		if err != nil {
			b.Fatal(err)
		}
		var ch string
		for _, c := range chs {
			if c.Name != "town-square" && c.Name != "off-topic" {
				ch = c.ID
			}
		}
		// Cursors: the oldest post of every tenth page, as the driver collects them.
		var cursors []string
		for p := 0; p < n/60; p += 10 {
			l, err := a.ChannelPosts(ctx, sys, ch, app.ChannelPostsQuery{Page: p, PerPage: 60, SkipThreads: true})
			if err != nil {
				b.Fatal(err)
			}
			cursors = append(cursors, l.Order[len(l.Order)-1])
		}
		var body []byte
		read := func(b *testing.B, q func(r *rand.Rand) app.ChannelPostsQuery) {
			r := rand.New(rand.NewPCG(1, 2))
			defer testdb.ReportCPU(b)()
			for b.Loop() {
				l, err := a.ChannelPosts(ctx, sys, ch, q(r))
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
				return app.ChannelPostsQuery{Before: cursors[r.IntN(len(cursors))], PerPage: 60}
			})
		})
		b.Run("deep-page", func(b *testing.B) {
			read(b, func(r *rand.Rand) app.ChannelPostsQuery {
				return app.ChannelPostsQuery{Page: 1 + r.IntN(n/60-1), PerPage: 60}
			})
		})
	})
}
