package bulkio_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestImportedPostsAreSearchable: an import may index its posts in bulk at
// the end (SQLite does), but once it has returned, search finds every post,
// reply and direct post it wrote; and posts an interrupted import left out
// of the index are indexed when the store is next opened.
func TestImportedPostsAreSearchable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		open := func() *sqlstore.SQLStore {
			st, err := sqlstore.Open(ctx, b.DSN, b.DataDir, nil)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		st := open()
		cfg := config.Default()
		cfg.DataDir, cfg.Database = b.DataDir, b.DSN
		a := app.New(st, bus.NewLocal(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if rep := importFile(t, a, writeFile(t, referenceExample), true); rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		alice, err := st.GetUserByUsername(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		find := func(st store.Store, word string) []string {
			t.Helper()
			ps, err := st.SearchPosts(ctx, &store.PostSearch{UserID: alice.ID, Terms: []search.Term{{Kind: search.Word, Text: word}}})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Message)
			}
			return out
		}
		for word, want := range map[string]string{
			"welcome": "Welcome to Parley :parley_ship:", // post
			"glad":    "Glad to be here",                 // reply
			"minute":  "Got a minute?",                   // direct post
			"standup": "Standup in 5",                    // group post
		} {
			if got := find(st, word); len(got) != 1 || got[0] != want {
				t.Errorf("search %q after import = %q, want [%q]", word, got, want)
			}
		}

		// An import that stops between its batches and its final indexing.
		town, err := st.GetChannelByName(ctx, mustTeam(t, st, "parley-demo"), "town-square", false)
		if err != nil {
			t.Fatal(err)
		}
		p := &model.Post{ID: model.NewID(), CreateAt: 1700000100000, UpdateAt: 1700000100000, UserID: alice.ID, ChannelID: town.ID,
			Message: "interrupted before indexing 東京タワーで会議をします"}
		p.PreCommit()
		if err := st.Tx(ctx, func(tx store.Store) error { return tx.ImportPosts(ctx, []*model.Post{p}) }); err != nil {
			t.Fatal(err)
		}
		st.Close()
		st = open()
		defer st.Close()
		for _, word := range []string{"interrupted", "東京タワー"} { // the second through the CJK index
			if got := find(st, word); len(got) != 1 {
				t.Errorf("search %q after reopening = %q, want the post the import left unindexed", word, got)
			}
		}
		if n, err := st.IndexDeferredPosts(ctx); err != nil || n != 0 {
			t.Errorf("IndexDeferredPosts after reopening = %d, %v; want nothing left", n, err)
		}
	})
}

func mustTeam(t *testing.T, st store.Store, name string) string {
	t.Helper()
	team, err := st.GetTeamByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return team.ID
}
