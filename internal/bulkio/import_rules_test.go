package bulkio_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestImportFollowsTheRules: the importer writes through the operations the
// API uses, so what it creates obeys the same rules and is announced the same
// way: a guest joins as a guest, clients hear of new users and memberships
// once the batch commits, a conversation is the one the API would open, and
// an archived team gets no new channel or member (found by the check, so
// nothing is written).
func TestImportFollowsTheRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a, db := apptest.New(t, b)
		var mu sync.Mutex
		var events []string
		defer a.Bus().Subscribe(func(ev *model.Event) {
			mu.Lock()
			events = append(events, ev.Event)
			mu.Unlock()
		})()
		// A file cannot make guests: gus becomes one between two imports.
		guest := `{"type":"user","user":{"username":"gus","email":"gus@example.com"}}`
		if rep := importFile(t, a, writeFile(t, []string{`{"type":"version","version":1}`, guest}), true); rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		gus, _ := db.GetUserByUsername(ctx, "gus")
		gus.Roles = model.RoleSystemGuest
		if err := db.UpdateUser(ctx, gus); err != nil {
			t.Fatal(err)
		}
		rep := importFile(t, a, writeFile(t, []string{`{"type":"version","version":1}`,
			`{"type":"team","team":{"name":"crew","display_name":"Crew","type":"O"}}`,
			`{"type":"channel","channel":{"team":"crew","name":"dev","display_name":"Dev","type":"O"}}`,
			`{"type":"user","user":{"username":"ann","email":"ann@example.com","teams":[{"name":"crew","channels":[{"name":"dev"}]}]}}`,
			`{"type":"user","user":{"username":"gus","email":"gus@example.com","teams":[{"name":"crew","channels":[{"name":"dev"}]}]}}`,
			`{"type":"direct_channel","direct_channel":{"members":["ann","gus"]}}`,
		}), true)
		if rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		team, err := db.GetTeamByName(ctx, "crew")
		if err != nil {
			t.Fatal(err)
		}
		ann, _ := db.GetUserByUsername(ctx, "ann")
		tm, err := db.GetTeamMember(ctx, team.ID, gus.ID)
		if err != nil || !tm.SchemeGuest || tm.SchemeUser {
			t.Errorf("guest's team membership: %+v %v", tm, err)
		}
		dev, _ := db.GetChannelByName(ctx, team.ID, "dev", false)
		cm, err := db.GetChannelMember(ctx, dev.ID, gus.ID)
		if err != nil || !cm.SchemeGuest || cm.SchemeUser {
			t.Errorf("guest's channel membership: %+v %v", cm, err)
		}
		dm, err := a.CreateDirectChannel(ctx, app.SystemSession(), []string{gus.ID, ann.ID})
		if err != nil {
			t.Fatal(err)
		}
		if imported, _ := db.GetChannelByName(ctx, "", model.DirectChannelName(ann.ID, gus.ID), false); imported == nil || dm.ID != imported.ID {
			t.Errorf("the API opened %s, the import made %v", dm.ID, imported)
		}
		mu.Lock()
		for _, ev := range []string{model.EventNewUser, model.EventAddedToTeam, model.EventUserAdded, model.EventDirectAdded} {
			if !slices.Contains(events, ev) {
				t.Errorf("no %s among %v", ev, events)
			}
		}
		mu.Unlock()

		if err := a.DeleteTeam(ctx, app.SystemSession(), team.ID, false); err != nil {
			t.Fatal(err)
		}
		rep = importFile(t, a, writeFile(t, []string{`{"type":"version","version":1}`,
			`{"type":"channel","channel":{"team":"crew","name":"late","display_name":"Late","type":"O"}}`,
			`{"type":"user","user":{"username":"ann","email":"ann@example.com","teams":[{"name":"crew"}]}}`,
			`{"type":"user","user":{"username":"zed","email":"zed@example.com","teams":[{"name":"crew"}]}}`,
		}), true)
		var fields []string
		for _, e := range rep.Errors {
			fields = append(fields, e.Field)
		}
		if rep.Applied && len(rep.Imported) != 0 || !slices.Equal(fields, []string{"channel.team", "user.teams[0].name"}) {
			t.Errorf("archived team: imported %v, errors %v", rep.Imported, errs(rep))
		}
		if _, err := db.GetUserByUsername(ctx, "zed"); err == nil {
			t.Error("zed was imported though the file had errors")
		}
	})
}

// TestImportTeamLimit: MaxUsersPerTeam holds within one batch too, where the
// team's members are counted once and then per join: of three users joining
// a team with room for two (one of them there before), the third fails.
func TestImportTeamLimit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a := newApp(t, b)
		cfg := *a.Config()
		cfg.MaxUsersPerTeam = 2
		a.SetConfig(cfg)
		head := []string{`{"type":"version","version":1}`, `{"type":"team","team":{"name":"crew","display_name":"Crew","type":"O"}}`}
		user := func(name string) string {
			return `{"type":"user","user":{"username":"` + name + `","email":"` + name + `@example.com","teams":[{"name":"crew"}]}}`
		}
		if rep := importFile(t, a, writeFile(t, append(head, user("ann"))), true); rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		rep := importFile(t, a, writeFile(t, append(head, user("ann"), user("bob"), user("cy"))), true)
		if rep.ErrorCount != 1 || rep.Errors[0].Line != 5 || rep.Errors[0].ID != "app.team.join_user_to_team.max_accounts.app_error" {
			t.Errorf("a third member: %v", errs(rep))
		}
	})
}
