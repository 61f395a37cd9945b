package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestDraftEvents: each change of a draft is announced to its author only,
// with the draft as a JSON string, skipping the connection that made it.
func TestDraftEvents(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		st, err := sqlstore.Open(ctx, b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		a := New(st, bus.NewLocal(), config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		sys := SystemSession()
		u, err := a.CreateUser(ctx, sys, &model.User{Username: "dana", Email: "dana@example.com", Password: "Passw0rd!x"}, "")
		if err != nil {
			t.Fatal(err)
		}
		team, err := a.CreateTeam(ctx, sys, &model.Team{Name: "desk", DisplayName: "Desk", Type: model.TeamOpen})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.AddTeamMember(ctx, sys, team.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		s := &model.Session{UserID: u.ID, Roles: model.RoleSystemUser}
		ch, err := a.CreateChannel(ctx, s, &model.Channel{TeamID: team.ID, Name: "notes", DisplayName: "Notes", Type: model.ChannelOpen})
		if err != nil {
			t.Fatal(err)
		}

		var mu sync.Mutex
		var got []*model.Event
		unsub := a.Bus().Subscribe(func(ev *model.Event) {
			mu.Lock()
			got = append(got, ev)
			mu.Unlock()
		})
		defer unsub()
		for _, msg := range []string{"one", "two", ""} {
			if _, err := a.UpsertDraft(ctx, s, &model.Draft{ChannelID: ch.ID, Message: msg}, "conn-1"); err != nil {
				t.Fatal(err)
			}
		}
		// Deleting what is already gone announces nothing.
		if err := a.DeleteDraft(ctx, s, u.ID, ch.ID, "", "conn-1"); err != nil {
			t.Fatal(err)
		}
		want := []struct{ event, message string }{
			{model.EventDraftCreated, "one"}, {model.EventDraftUpdated, "two"}, {model.EventDraftDeleted, "two"},
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got) != len(want) {
			t.Fatalf("events %d, want %d", len(got), len(want))
		}
		for i, w := range want {
			ev := got[i]
			var d model.Draft
			if err := json.Unmarshal([]byte(ev.Data["draft"].(string)), &d); err != nil {
				t.Fatal(err)
			}
			if ev.Event != w.event || d.Message != w.message || d.ChannelID != ch.ID ||
				ev.Broadcast.UserID != u.ID || ev.Broadcast.ChannelID != "" || ev.Broadcast.OmitConnectionID != "conn-1" {
				t.Errorf("event %d: %s %+v %+v, want %s %q", i, ev.Event, d, ev.Broadcast, w.event, w.message)
			}
		}
	})
}
