package app_test

import (
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/testdb"
)

func newApp(t testing.TB, b testdb.Backend) *app.App {
	t.Helper()
	a, _ := apptest.New(t, b)
	return a
}

func newAppStore(t testing.TB, b testdb.Backend) (*app.App, store.Store) {
	t.Helper()
	return apptest.New(t, b)
}
