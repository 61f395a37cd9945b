// Package apptest builds an app on a test database, for the tests of app and
// of the packages that call it.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

// New opens b's database and builds an app on it with the default settings
// and a local bus. The store is returned too, for tests that set up or
// inspect rows directly (the app does not expose it).
func New(t testing.TB, b testdb.Backend) (*app.App, store.Store) {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), b.DSN, b.DataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := config.Default()
	cfg.DataDir, cfg.Database = b.DataDir, b.DSN
	return app.New(st, bus.NewLocal(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil))), st
}

// History is a sampledata channel for the history benchmarks: Posts posts
// (PARLEY_BENCH_HISTORY_POSTS, default 20,000; `make bench` uses 100,000)
// and Cursors, the oldest post of every tenth 60-post page, as the load
// driver's history scenario collects them.
type History struct {
	Channel string
	Posts   int
	Cursors []string
}

// HistoryChannel fills a's database with History's channel.
func HistoryChannel(b *testing.B, a *app.App, st store.Store) History {
	b.Helper()
	h := History{Posts: 20_000}
	if v := os.Getenv("PARLEY_BENCH_HISTORY_POSTS"); v != "" {
		var err error
		if h.Posts, err = strconv.Atoi(v); err != nil || h.Posts < 600 {
			b.Fatalf("PARLEY_BENCH_HISTORY_POSTS: want a number ≥ 600, got %q", v)
		}
	}
	ctx := context.Background()
	sys := app.SystemSession()
	if _, err := bulkio.GenerateSampleData(ctx, a, sys, bulkio.SampleSpec{Seed: 1, Teams: 1, ChannelsPerTeam: 1,
		Users: 20, TeamMemberships: 1, ChannelMemberships: 1, PostsPerChannel: h.Posts}); err != nil {
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
	for _, c := range chs {
		if c.Name != "town-square" && c.Name != "off-topic" {
			h.Channel = c.ID
		}
	}
	for p := 0; p < h.Posts/60; p += 10 {
		l, err := a.ChannelPosts(ctx, sys, h.Channel, app.ChannelPostsQuery{Page: p, PerPage: 60, SkipThreads: true})
		if err != nil {
			b.Fatal(err)
		}
		h.Cursors = append(h.Cursors, l.Order[len(l.Order)-1])
	}
	return h
}
