package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

// BenchmarkSearchPosts measures the first page of searches on a seeded
// database (PARLEY_BENCH_POSTS posts, default 1,000,000) on each backend and
// reports the median latency. Seeding runs once per database; with
// PARLEY_BENCH_KEEP=1 the databases are kept (SQLite under the system temp
// directory, PostgreSQL as parley_bench_<posts>) and reused by later runs:
//
//	PARLEY_BENCH_KEEP=1 go test ./internal/store/sqlstore -run '^$' -bench SearchPosts -benchtime 50x -timeout 60m
func BenchmarkSearchPosts(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("PARLEY_BENCH_POSTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("PARLEY_BENCH_POSTS: %v", err)
		}
	}
	keep := os.Getenv("PARLEY_BENCH_KEEP") == "1"
	for _, backend := range []string{DriverSQLite, DriverPostgres} {
		b.Run(backend, func(b *testing.B) {
			s := benchStore(b, backend, n, keep)
			vocab := benchVocabulary()
			byPlan := (*SQLStore).SearchPosts
			// The channel-driven plan, which the seeded counters (0) never
			// choose: the load test's tail, two words common in all channels.
			scoped := func(s *SQLStore, ctx context.Context, q *store.PostSearch) ([]*model.Post, error) {
				return s.searchPostsPlanned(ctx, q, func(context.Context, []*sqlPart, string, []any, bool) (bool, error) { return true, nil }, pgKeyedChannelsMax)
			}
			for _, q := range []struct {
				name   string
				terms  []search.Term
				search func(*SQLStore, context.Context, *store.PostSearch) ([]*model.Post, error)
				in     []string
				// counted: the channels' counters hold their posts for this
				// search (the seed leaves them at 0), so searchScoped decides.
				counted bool
			}{
				{"two-words", []search.Term{{Kind: search.Word, Text: vocab[60]}, {Kind: search.Word, Text: vocab[150]}}, byPlan, nil, false},
				{"two-common-words-scoped", []search.Term{{Kind: search.Word, Text: vocab[0]}, {Kind: search.Word, Text: vocab[1]}}, scoped, nil, false},
				{"two-common-words-one-channel", []search.Term{{Kind: search.Word, Text: vocab[0]}, {Kind: search.Word, Text: vocab[1]}}, scoped, []string{"c0"}, false},
				// The load test's tail as searchScoped plans it: matches in
				// every channel, one channel searched.
				{"two-common-words-one-channel-planned", []search.Term{{Kind: search.Word, Text: vocab[0]}, {Kind: search.Word, Text: vocab[1]}}, byPlan, []string{"c0"}, true},
				{"rare-word", []search.Term{{Kind: search.Word, Text: vocab[3000]}}, byPlan, nil, false},
				{"prefix", []search.Term{{Kind: search.Prefix, Text: vocab[200][:4]}}, byPlan, nil, false},
				{"phrase", []search.Term{{Kind: search.Phrase, Text: vocab[10] + " " + vocab[11]}}, byPlan, nil, false},
			} {
				b.Run(q.name, func(b *testing.B) {
					if q.counted {
						setBenchCounters(b, s, q.in)
					}
					ps := &store.PostSearch{UserID: benchSearcher, Terms: q.terms, InChannels: q.in, Page: store.Page{Limit: 61}}
					ctx := context.Background()
					times := make([]time.Duration, 0, b.N)
					found := 0
					for b.Loop() {
						start := time.Now()
						posts, err := q.search(s, ctx, ps)
						times = append(times, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
						found = len(posts)
					}
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
					b.ReportMetric(float64(found), "hits")
				})
			}
		})
	}
}

// setBenchCounters sets the message counters of the named channels to the
// posts they hold, and back to the seed's 0 after the benchmark.
func setBenchCounters(b *testing.B, s *SQLStore, names []string) {
	ctx := context.Background()
	set := func(count string) {
		if _, err := s.exec(ctx, `UPDATE channels SET total_msg_count = `+count+` WHERE name IN (`+in(len(names))+`)`,
			args(nil, names)...); err != nil {
			b.Fatal(err)
		}
	}
	set(`(SELECT COUNT(*) FROM posts p WHERE p.channel_id = channels.id AND p.delete_at = 0)`)
	b.Cleanup(func() { set(`0`) })
}

const (
	benchSearcher = "benchsearcher0000000000000"
	benchChannels = 40 // the searcher is in every other one
	benchBatch    = 500
)

// benchVocabulary is 5,000 made-up words; posts draw from it with a Zipf
// distribution, as natural text does, so low ranks are common words.
func benchVocabulary() []string {
	r := rand.New(rand.NewPCG(1, 2))
	cons, vows := "bcdfghjklmnprstvwz", "aeiou"
	seen := map[string]bool{}
	var out []string
	for len(out) < 5000 {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteByte(cons[r.IntN(len(cons))])
			w.WriteByte(vows[r.IntN(len(vows))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			out = append(out, w.String())
		}
	}
	return out
}

func benchStore(b *testing.B, driver string, n int, keep bool) *SQLStore {
	ctx := context.Background()
	var dsn, dir string
	switch {
	case driver == DriverSQLite && keep:
		dir = filepath.Join(os.TempDir(), "parley-bench-"+strconv.Itoa(n))
	case driver == DriverSQLite:
		dir = b.TempDir()
	case keep:
		dsn = benchPostgres(b, "parley_bench_"+strconv.Itoa(n), false)
	default:
		dsn = benchPostgres(b, "parley_bench_tmp_"+strconv.FormatInt(time.Now().UnixNano(), 36), true)
	}
	s, err := Open(ctx, dsn, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var have int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM posts`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have < n {
		start := time.Now()
		if err := benchSeed(ctx, s, n); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: seeded %d posts in %s", driver, n, time.Since(start).Round(time.Second))
	}
	if driver == DriverPostgres {
		if _, err := s.exec(ctx, `VACUUM ANALYZE posts`); err != nil {
			b.Fatal(err)
		}
	} else if _, err := s.exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchPostgres returns the URL of a benchmark database, creating it if
// needed, and dropping it after the benchmark when drop is set.
func benchPostgres(b *testing.B, name string, drop bool) string {
	admin := os.Getenv("PARLEY_TEST_POSTGRES")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		b.Fatal(err)
	}
	var exists bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		b.Skipf("PostgreSQL unreachable: %v", err)
	}
	if !exists {
		if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() {
		if drop {
			if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
				b.Errorf("drop %s: %v", name, err)
			}
		}
		db.Close()
	})
	return strings.Replace(admin, "/postgres?", "/"+name+"?", 1)
}

// benchSeed writes one team, benchChannels channels and n posts in batched
// multi-row inserts; the search triggers index them as they would live posts.
func benchSeed(ctx context.Context, s *SQLStore, n int) error {
	if _, err := s.exec(ctx, `DELETE FROM posts`); err != nil {
		return err
	}
	for _, q := range []string{
		`INSERT INTO users (id, create_at, update_at, username, email) VALUES ('` + benchSearcher + `', 1, 1, 'searcher', 's@example.com') ON CONFLICT DO NOTHING`,
		`INSERT INTO teams (id, create_at, update_at, display_name, name, type, invite_id) VALUES ('benchteam00000000000000000', 1, 1, 'Bench', 'bench', 'O', 'x') ON CONFLICT DO NOTHING`,
	} {
		if _, err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	for i := range benchChannels {
		id := fmt.Sprintf("benchchannel%014d", i)
		if _, err := s.exec(ctx, `INSERT INTO channels (id, create_at, update_at, team_id, type, name) VALUES (?, 1, 1, 'benchteam00000000000000000', 'O', ?)
			ON CONFLICT DO NOTHING`, id, "c"+strconv.Itoa(i)); err != nil {
			return err
		}
		if i%2 == 0 {
			if _, err := s.exec(ctx, `INSERT INTO channel_members (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, benchSearcher); err != nil {
				return err
			}
		}
	}
	vocab := benchVocabulary()
	r := rand.New(rand.NewPCG(3, 4))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(5, 6)), 1.1, 2, uint64(len(vocab)-1))
	var msg strings.Builder
	return insertBenchPosts(ctx, s, n, func(i int, at int64) []any {
		msg.Reset()
		for w := range 6 + r.IntN(12) {
			if w > 0 {
				msg.WriteByte(' ')
			}
			msg.WriteString(vocab[zipf.Uint64()])
		}
		return []any{fmt.Sprintf("benchpost%017d", i), at, at, "benchuser0000000000000000" + strconv.Itoa(i%10),
			fmt.Sprintf("benchchannel%014d", i%benchChannels), msg.String(), "{}", "[]"}
	})
}

// insertBenchPosts writes n posts, one a minute from 2020, in multi-row
// inserts of benchBatch rows, 20 to a transaction; row gives the values of
// post i (id, create_at, update_at, user_id, channel_id, message, props,
// file_ids). The search triggers index them as they would live posts.
func insertBenchPosts(ctx context.Context, s *SQLStore, n int, row func(i int, at int64) []any) error {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	tuple := "(" + in(8) + ")"
	for done := 0; done < n; {
		err := s.Tx(ctx, func(tx store.Store) error {
			t := tx.(*SQLStore)
			for range 20 {
				k := min(benchBatch, n-done)
				if k == 0 {
					return nil
				}
				a := make([]any, 0, k*8)
				for range k {
					a = append(a, row(done, base+int64(done)*60_000)...)
					done++
				}
				if _, err := t.exec(ctx, `INSERT INTO posts (id, create_at, update_at, user_id, channel_id, message, props, file_ids) VALUES `+
					strings.TrimSuffix(strings.Repeat(tuple+", ", k), ", "), a...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
