// Package apptest builds an app on a test database, for the tests of app and
// of the packages that call it.
package apptest

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
