package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

func newApp(t testing.TB, b testdb.Backend) *app.App {
	t.Helper()
	a, _ := newAppStore(t, b)
	return a
}

// newAppStore is newApp with its store, for tests that set up or inspect
// rows directly (the app does not expose its store).
func newAppStore(t testing.TB, b testdb.Backend) (*app.App, store.Store) {
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
