package api_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/testdb"
)

// BenchmarkHistoryHTTP is app.BenchmarkHistoryPage over the whole HTTP path:
// GET /api/v4/channels/{id}/posts from a real server on 127.0.0.1 (session,
// routing, the app, JSON, ETag, the socket and the client reading the body),
// 60 posts a page of a sampledata channel of PARLEY_BENCH_HISTORY_POSTS posts
// (default 20,000), read as the system admin.
func BenchmarkHistoryHTTP(b *testing.B) {
	n := 20_000
	if v := os.Getenv("PARLEY_BENCH_HISTORY_POSTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 600 {
			b.Fatalf("PARLEY_BENCH_HISTORY_POSTS: want a number ≥ 600, got %q", v)
		}
	}
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		s := apitest.Start(b, be)
		admin := s.SignUp("admin")
		ctx := context.Background()
		sys := app.SystemSession()
		if _, err := bulkio.GenerateSampleData(ctx, s.Srv.App, sys, bulkio.SampleSpec{Seed: 1, Teams: 1, ChannelsPerTeam: 1,
			Users: 20, TeamMemberships: 1, ChannelMemberships: 1, PostsPerChannel: n}); err != nil {
			b.Fatal(err)
		}
		var ch string
		if teams, err := s.Store.ListAllTeams(ctx); err != nil || len(teams) != 1 {
			b.Fatalf("teams: %v, %v", teams, err)
		} else if chs, err := s.Store.ListTeamChannels(ctx, teams[0].ID); err != nil {
			b.Fatal(err)
		} else {
			for _, c := range chs {
				if c.Name != "town-square" && c.Name != "off-topic" {
					ch = c.ID
				}
			}
		}
		// Cursors: the oldest post of every tenth page, as the driver collects them.
		var cursors []string
		for p := 0; p < n/60; p += 10 {
			l, err := s.Srv.App.ChannelPosts(ctx, sys, ch, app.ChannelPostsQuery{Page: p, PerPage: 60, SkipThreads: true})
			if err != nil {
				b.Fatal(err)
			}
			cursors = append(cursors, l.Order[len(l.Order)-1])
		}
		base := s.URL + "/api/v4/channels/" + ch + "/posts?per_page=60"
		read := func(b *testing.B, query func(r *rand.Rand) string) {
			r := rand.New(rand.NewPCG(1, 2))
			defer testdb.ReportCPU(b)()
			for b.Loop() {
				req, err := http.NewRequest(http.MethodGet, base+query(r), nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+admin.Token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d, %v", resp.StatusCode, err)
				}
			}
		}
		b.Run("page0", func(b *testing.B) {
			read(b, func(*rand.Rand) string { return "" })
		})
		b.Run("before-cursor", func(b *testing.B) {
			read(b, func(r *rand.Rand) string { return "&before=" + cursors[r.IntN(len(cursors))] })
		})
		b.Run("deep-page", func(b *testing.B) {
			read(b, func(r *rand.Rand) string { return "&page=" + strconv.Itoa(1+r.IntN(n/60-1)) })
		})
	})
}
