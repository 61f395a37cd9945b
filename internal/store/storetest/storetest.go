// Package storetest holds tests written against the store.Store interface,
// one or more per method, grouped by aggregate. Each backend's package runs
// them on a store of its own (sqlstore does, on SQLite and PostgreSQL), so
// the backends are held to one behaviour. The tests share the store they are
// given: they make their own rows, with fresh names, and do not assume an
// empty database.
package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Run runs every test of the package against s, each as a subtest named for
// its aggregate, and closes s at the end.
func Run(t *testing.T, s store.Store) {
	for _, a := range []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"Store", testStore},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Teams", testTeams},
		{"Channels", testChannels},
		{"ChannelMembers", testChannelMembers},
		{"Posts", testPosts},
		{"Reactions", testReactions},
		{"Threads", testThreads},
		{"Files", testFiles},
		{"Emoji", testEmoji},
		{"Integrations", testIntegrations},
		{"Jobs", testJobs},
		{"Mail", testMail},
		{"Push", testPush},
		{"WebPush", testWebPush},
		{"Admin", testAdmin},
		{"Retention", testRetention},
		{"Search", testSearch},
		{"Drafts", testDrafts},
		{"SidebarCategories", testSidebarCategories},
		{"PostReminders", testPostReminders},
		{"UserReport", testUserReport},
		{"Uploads", testUploads},
		{"Terms", testTerms},
		{"Groups", testGroups},
		{"Compliance", testCompliance},
		{"Statuses", testStatuses},
		{"Preferences", testPreferences},
		{"Security", testSecurity},
	} {
		t.Run(a.name, func(t *testing.T) { a.fn(t, s) })
	}
	t.Run("Close", func(t *testing.T) { testClose(t, s) })
}

// testClose checks a closed store refuses work.
func testClose(t *testing.T, s store.Store) {
	ctx := context.Background()
	must(t, s.Close())
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping of a closed store succeeded")
	}
	if _, err := s.GetUser(ctx, model.NewID()); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetUser of a closed store: err = %v, want a failure", err)
	}
}
