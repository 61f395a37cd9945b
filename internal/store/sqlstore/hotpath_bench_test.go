package sqlstore

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// BenchmarkSavePost measures the store side of creating a post: one
// transaction with the statements the app runs for a root post in a channel
// (insert, then the channel counters and the poster's view), on each backend.
// "serial" is one poster; "10-posters" is ten goroutines posting into the same
// channel, as the load driver's post scenario does, where the posts share group commits
// (on PostgreSQL, instead of waiting on the channel's row lock one flush each).
func BenchmarkSavePost(b *testing.B) {
	for _, backend := range []string{DriverSQLite, DriverPostgres} {
		b.Run(backend, func(b *testing.B) {
			s, ctx := benchEmptyStore(b, backend), context.Background()
			ch, user := benchChannelID(0), benchSearcher
			post := func() error {
				now := model.Now()
				p := &model.Post{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: user, ChannelID: ch, Message: "benchmark post"}
				p.PreCommit()
				return s.PostTx(ctx, ch, func(tx store.Store) error {
					if err := tx.SavePost(ctx, p); err != nil {
						return err
					}
					return tx.CountPost(ctx, ch, user, p.CreateAt, now, true)
				})
			}
			b.Run("serial", func(b *testing.B) {
				for b.Loop() {
					if err := post(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("10-posters", func(b *testing.B) {
				// RunParallel starts parallelism × GOMAXPROCS goroutines.
				b.SetParallelism(max(1, 10/runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := post(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// BenchmarkChannelPostsPage reads 60-post pages of one channel holding
// PARLEY_BENCH_HISTORY_POSTS posts (default 20,000, seeded in seconds; the
// history target is stated for 1,000,000): the newest page, a page before a
// cursor in the middle, and page=N in the middle (an offset).
//
//	PARLEY_BENCH_HISTORY_POSTS=1000000 go test ./internal/store/sqlstore -run '^$' -bench ChannelPostsPage -timeout 60m
func BenchmarkChannelPostsPage(b *testing.B) {
	n := 20_000
	if v := os.Getenv("PARLEY_BENCH_HISTORY_POSTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 120 {
			b.Fatalf("PARLEY_BENCH_HISTORY_POSTS: want a number ≥ 120, got %q", v)
		}
	}
	for _, backend := range []string{DriverSQLite, DriverPostgres} {
		b.Run(backend, func(b *testing.B) {
			s, ctx := benchEmptyStore(b, backend), context.Background()
			ch := benchChannelID(0)
			start := time.Now()
			if err := seedChannel(ctx, s, ch, n); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: seeded %d posts in one channel in %s", backend, n, time.Since(start).Round(time.Millisecond))
			mid := n / 2
			anchor, err := s.GetPost(ctx, fmt.Sprintf("histpost%018d", mid))
			if err != nil {
				b.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				page func() ([]*model.Post, error)
			}{
				{"newest", func() ([]*model.Post, error) { return s.ChannelPosts(ctx, ch, store.Page{Limit: 60}) }},
				{"before-cursor", func() ([]*model.Post, error) {
					return s.PostsBefore(ctx, ch, anchor.CreateAt, anchor.ID, store.Page{Limit: 60})
				}},
				{"page-offset", func() ([]*model.Post, error) {
					return s.ChannelPosts(ctx, ch, store.Page{Limit: 60, Offset: mid / 60 * 60})
				}},
			} {
				b.Run(tc.name, func(b *testing.B) {
					times := make([]time.Duration, 0, b.N)
					for b.Loop() {
						start := time.Now()
						posts, err := tc.page()
						times = append(times, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
						if len(posts) != 60 {
							b.Fatalf("%d posts, want 60", len(posts))
						}
					}
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
					b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
				})
			}
		})
	}
}

// benchEmptyStore is a fresh database with benchSeed's team, channels and
// searcher (a member of channel 0), and no posts.
func benchEmptyStore(b *testing.B, backend string) *SQLStore {
	s := benchStore(b, backend, 0, false)
	if err := benchSeed(context.Background(), s, 0); err != nil {
		b.Fatal(err)
	}
	return s
}

func benchChannelID(i int) string { return fmt.Sprintf("benchchannel%014d", i) }

// seedChannel fills one channel with n posts.
func seedChannel(ctx context.Context, s *SQLStore, ch string, n int) error {
	return insertBenchPosts(ctx, s, n, func(i int, at int64) []any {
		return []any{fmt.Sprintf("histpost%018d", i), at, at, benchSearcher, ch, "history message number " + strconv.Itoa(i), "{}", "[]"}
	})
}
